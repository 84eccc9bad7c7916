"""The demo data set: realistic sales, lots, clients and bids from a seed (`gavel demo-data`)."""

from domain.demo.builder import ADMIN_LOGIN, BIDDER_LOGIN, DEMO_LOGINS, DemoLogin
from domain.demo.loader import (
    DatabaseNotEmpty,
    DemoSummary,
    InvalidDemoSize,
    load_demo_data,
    login_lines,
)

__all__ = [
    "ADMIN_LOGIN",
    "BIDDER_LOGIN",
    "DEMO_LOGINS",
    "DatabaseNotEmpty",
    "DemoLogin",
    "DemoSummary",
    "InvalidDemoSize",
    "load_demo_data",
    "login_lines",
]
