"""Settings: the only place that reads the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-not-secret"
# `npm ci` (make install) puts GOV.UK Frontend here, beside src/
DEFAULT_ASSETS = Path(__file__).resolve().parents[2] / "node_modules/govuk-frontend/dist/govuk"


class Settings(BaseSettings):
    """caremarket's configuration, read from ``CAREMARKET_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="CAREMARKET_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///caremarket.db",
        description="SQLAlchemy URL of the database; a SQLite file by default.",
    )
    environment: str = Field(default="development", pattern="^(development|test|production)$")
    secret_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_SECRET),
        description="Signs session cookies. Must be set outside development.",
    )
    time_zone: str = Field(default="Europe/London")
    council_name: str | None = Field(
        default=None,
        description="The council named in the pages' header; by default the only council"
        " commissioner in the database, else 'caremarket'.",
    )
    assets_dir: Path = Field(
        default=DEFAULT_ASSETS,
        description="GOV.UK Frontend's dist/govuk folder, installed from npm by `npm ci`.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    smtp_host: str | None = Field(
        default=None, description="Mail server for notifications by e-mail; none: not sent."
    )
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = Field(default=True, description="Upgrade to TLS before signing in.")
    mail_from: str = Field(default="caremarket@localhost", description="The sender's address.")
    tick_seconds: float = Field(
        default=30,
        ge=0,
        description="How often the server moves on sourcing rounds whose window has closed"
        " (brokerage's deadline ticker), in seconds; 0 turns the ticker off.",
    )
    simulation_seconds: float = Field(
        default=2,
        ge=0,
        description="How often the server looks for a simulation run to start, in seconds;"
        " 0 runs none in this process.",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_set_in_production(cls, value: SecretStr, info) -> SecretStr:
        if info.data.get("environment") == "production" and (
            value.get_secret_value() == DEVELOPMENT_SECRET or len(value.get_secret_value()) < 32
        ):
            raise ValueError(
                "CAREMARKET_SECRET_KEY must be set to a random string of 32+ characters in"
                " production (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
            )
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@lru_cache
def get_settings() -> Settings:
    return Settings()
