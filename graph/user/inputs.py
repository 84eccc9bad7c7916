"""Inputs of the user mutations."""

from __future__ import annotations

import strawberry


@strawberry.input(description="Credentials for `login`.")
class LoginInput:
    email: str = strawberry.field(description="Login e-mail (case-insensitive).")
    password: str = strawberry.field(description="Password.")
