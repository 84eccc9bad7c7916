"""Gavel's settings, read once from the environment (``GAVEL_*`` and ``DATABASE_URL``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_UPLOAD_TYPES = (
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
)


class Settings(BaseSettings):
    """Everything the server, the worker and the CLI can be told from the environment."""

    model_config = SettingsConfigDict(env_prefix="GAVEL_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "GAVEL_DATABASE_URL"),
        description="External PostgreSQL; unset means the embedded server in data_dir.",
    )
    data_dir: Path = Field(default=Path(".gavel"), description="Embedded PostgreSQL and files.")
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    token_ttl_hours: int = 24
    db_pool_size: int = 10
    db_max_overflow: int = 20
    graphiql: bool = True
    closer: bool = Field(default=True, description="Run the timed-lot closer inside `gavel serve`.")
    closer_interval: float = 1.0
    worker: bool = Field(
        default=True, description="Run a background-job worker inside `gavel serve`."
    )
    job_retry_seconds: int = Field(
        default=2, description="Seconds before a failed background job is tried again."
    )
    seller_auction_product: bool = Field(
        default=True,
        validation_alias=AliasChoices("SELLER_AUCTION_PRODUCT", "GAVEL_SELLER_AUCTION_PRODUCT"),
        description="E-commerce API: list lots consigned by clients too, not only house lots.",
    )
    rate_limit_enabled: bool = Field(
        default=True,
        description="Limit /api/... and /graphql requests per token and per IP (A11).",
    )
    rate_limit_per_token: int = Field(default=600, description="Requests per window per token.")
    rate_limit_per_ip: int = Field(
        default=120, description="Requests per window per IP, for calls without a token."
    )
    rate_limit_window_seconds: int = Field(default=60, description="Length of a rate window.")
    login_failure_limit: int = Field(
        default=10, description="Failed logins allowed per IP and window (0: no limit)."
    )
    login_failure_window_seconds: int = Field(
        default=900, description="Length of the failed-login window."
    )
    public_url: str | None = Field(
        default=None,
        description="Base URL of the house's public site; a sale's page is <public_url>/sales/"
        "<id>, a lot's <public_url>/lots/<id>. Unset: those links are null.",
    )
    secret_key: SecretStr = SecretStr("dev-secret-change-me")
    log_level: str = "info"
    files_dir: Path = Field(
        default_factory=lambda data: Path(data["data_dir"]) / "files",
        description="Where uploaded files (and job outputs) are stored; default <data_dir>/files.",
    )
    uploads_enabled: bool = Field(
        default=True, description="Accept uploads (REST answers 501 when disabled)."
    )
    upload_max_bytes: int = Field(
        default=50 * 1024 * 1024, description="Largest accepted upload, in bytes (50 MB)."
    )
    upload_allowed_types: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_UPLOAD_TYPES),
        description="MIME types accepted for uploads (comma-separated in the environment).",
    )
    signed_url_ttl_seconds: int = Field(
        default=3600, description="Lifetime of signed download URLs for private files."
    )

    @field_validator("cors_origins", "upload_allowed_types", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value
