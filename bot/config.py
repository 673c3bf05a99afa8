"""Settings from the environment and `.env` (pydantic-settings).

Every rule about what a setting may hold lives here, so that a wrong `.env` is reported at
start-up as one line per setting (`describe`), not as a traceback from aiogram or SQLAlchemy.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from annotated_types import Ge, Le
from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.db import sqlite_folder

WHERE_TO_SET = "(set it in .env, see .env.example)"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
ASYNC_DRIVERS = frozenset({("sqlite", "aiosqlite"), ("postgresql", "asyncpg")})
"""(backend, driver) pairs the bot runs on: it uses SQLAlchemy's asyncio engine only."""
DATABASE_URL_FORMS = (
    "sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://user:password@host/db"
)


class MissingTokenError(RuntimeError):
    """BOT_TOKEN is needed for anything that talks to Telegram."""


def looks_like_token(token: str) -> bool:
    """aiogram's rule (`aiogram.utils.token.validate_token`) without importing aiogram (seconds).

    `<digits>:<anything>` with no whitespace anywhere: what `Bot()` accepts, no more, no less.
    """
    bot_id, colon, rest = token.partition(":")
    return bool(colon and rest) and bot_id.isdigit() and not any(c.isspace() for c in token)


def _problem(sentence: str) -> PydanticCustomError:
    """An error pydantic reports as given, without the "Value error, " of a ValueError."""
    return PydanticCustomError("setting", sentence)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    bot_api_base_url: str | None = None
    bot_api_local: bool = False
    """The server at BOT_API_BASE_URL runs with --local: files up to 2000 MB instead of 20 MB."""
    database_url: str = "sqlite+aiosqlite:///data/coordbot.db"
    staff_chat_id: int | None = None
    public_channel_id: int | str | None = None
    """Where approved announcements are published (the institute's channel), if anywhere."""
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    timezone: str = "Europe/Moscow"
    programme: Annotated[tuple[str, ...], NoDecode] = ("krasnodar-digital",)
    """Preset names, comma-separated: an institute may run several programmes at once."""
    log_level: str = "INFO"
    reminder_hour: int = Field(default=10, ge=8, le=20)
    """Local hour reminders go out at: within the working day, never at night."""
    invite_ttl_days: int = Field(default=30, ge=1, le=365)
    staff_cache_seconds: int = Field(default=60, ge=0)
    extra_days_off: Annotated[frozenset[date], NoDecode] = frozenset()
    """Days off besides Russia's public holidays and their transfers (DD.MM.YYYY, commas)."""
    extra_working_days: Annotated[frozenset[date], NoDecode] = frozenset()
    """Working days besides Monday to Friday, such as a working Saturday (DD.MM.YYYY)."""
    webhook_url: str | None = None
    """Where Telegram sends updates (https://…); empty means long polling."""
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    """Telegram sends it in X-Telegram-Bot-Api-Secret-Token; a request without it is refused."""
    webhook_listen: str = "0.0.0.0:8080"
    """host:port the webhook server listens on, behind the reverse proxy."""
    health_listen: str | None = None
    """host:port of /healthz and /metrics; empty means none."""
    log_format: str = "text"
    """text, or json: one JSON object per line for a log collector."""

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",")]
            ids: set[int] = set()
            for part in filter(None, parts):
                try:
                    ids.add(int(part))
                except ValueError:
                    raise _problem(
                        f"{part!r} is not a Telegram user id; use whole numbers separated by commas"
                    ) from None
            return frozenset(ids)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("extra_days_off", "extra_working_days", mode="before")
    @classmethod
    def _split_days(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        days: set[date] = set()
        for part in filter(None, (p.strip() for p in value.replace(";", ",").split(","))):
            try:
                days.add(datetime.strptime(part, "%d.%m.%Y").date())
            except ValueError:
                raise _problem(
                    f"{part!r} is not a date; write days as DD.MM.YYYY separated by commas"
                ) from None
        return frozenset(days)

    @field_validator("programme", mode="before")
    @classmethod
    def _split_names(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator(
        "bot_token", "bot_api_base_url", "staff_chat_id", "public_channel_id", mode="before"
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        """`cp .env.example .env` leaves these empty: empty means not set, not an empty value."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        """Checked here, or aiogram raises TokenValidationError with a traceback at start-up."""
        if value is not None and not looks_like_token(value.get_secret_value()):
            raise _problem(
                "does not look like a token from @BotFather (digits, a colon, then letters"
                " and digits, no spaces); copy it again from @BotFather"
            )
        return value

    @field_validator("bot_api_base_url")
    @classmethod
    def _http_address(cls, value: str | None) -> str | None:
        if value is not None:
            value = value.strip()
            address = urlsplit(value)
            if address.scheme not in ("http", "https") or not address.netloc:
                raise _problem(
                    "must be the address of a Bot API server such as http://localhost:8081,"
                    " or empty for api.telegram.org"
                )
        return value

    @field_validator("database_url")
    @classmethod
    def _async_database(cls, value: str) -> str:
        """Only the URL's driver is named in the error: the URL may hold a password."""
        try:
            url = make_url(value)
        except (ArgumentError, ValueError):
            raise _problem(f"not a database URL; use {DATABASE_URL_FORMS}") from None
        if (url.get_backend_name(), url.get_driver_name()) not in ASYNC_DRIVERS:
            raise _problem(
                f"{url.drivername}:// is not a driver the bot can use; use {DATABASE_URL_FORMS}"
            )
        return value

    @field_validator("webhook_url", "webhook_secret", "health_listen", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url")
    @classmethod
    def _https_address(cls, value: str | None) -> str | None:
        if value is not None:
            value = value.strip()
            address = urlsplit(value)
            if address.scheme not in ("http", "https") or not address.netloc:
                raise _problem(
                    "must be the address Telegram sends updates to, such as"
                    " https://bot.example.org/telegram, or empty for long polling"
                )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        """Telegram's rule: 1–256 characters A–Z, a–z, 0–9, _ and -."""
        if value is None:
            if info.data.get("webhook_url"):
                raise _problem(
                    "must be set with WEBHOOK_URL: the bot refuses requests that do not carry it"
                )
            return None
        if not SECRET_TOKEN.fullmatch(value.get_secret_value()):
            raise _problem("must be 1 to 256 characters: letters A–Z, a–z, digits, _ and -")
        return value

    @field_validator("webhook_listen", "health_listen")
    @classmethod
    def _host_and_port(cls, value: str | None) -> str | None:
        if value is not None:
            value = value.strip()
            host, colon, port = value.rpartition(":")
            if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise _problem("must be host:port, such as 127.0.0.1:8080 or 0.0.0.0:9100")
        return value

    @field_validator("log_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        chosen = value.strip().lower()
        if chosen not in LOG_FORMATS:
            raise _problem(f"{value!r} is not a log format; use one of {', '.join(LOG_FORMATS)}")
        return chosen

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise _problem(
                f"{value!r} is not a known time zone; use an IANA name such as Europe/Moscow"
            ) from None
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise _problem(f"{value!r} is not a logging level; use one of {', '.join(LOG_LEVELS)}")
        return level

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def webhook_address(self) -> tuple[str, int]:
        return _address(self.webhook_listen)

    @property
    def health_address(self) -> tuple[str, int] | None:
        return None if self.health_listen is None else _address(self.health_listen)

    @property
    def sqlite_folder(self) -> Path | None:
        """The folder of the SQLite file; None for PostgreSQL and an in-memory database."""
        return sqlite_folder(self.database_url)


def _address(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    return host.strip("[]"), int(port)


def describe(error: ValidationError) -> list[str]:
    """One line per wrong setting, in words for whoever edits `.env`, not pydantic's.

    The value given is never taken from pydantic's error: it may be the token or a password.
    """
    lines: list[str] = []
    for problem in error.errors(include_url=False):
        field = str(problem["loc"][0])
        if problem["type"] in ("int_parsing", "greater_than_equal", "less_than_equal"):
            text = _whole_number(field)
        elif problem["type"] == "bool_parsing":
            text = "must be true or false"
        else:  # our validators' sentences, and pydantic's own for anything unforeseen
            text = problem["msg"]
        lines.append(f"{field.upper()}: {text} {WHERE_TO_SET}")
    return lines


def _whole_number(field: str) -> str:
    """'must be a whole number from 8 to 20', with the bounds the field declares."""
    rules = Settings.model_fields[field].metadata
    low = next((rule.ge for rule in rules if isinstance(rule, Ge)), None)
    high = next((rule.le for rule in rules if isinstance(rule, Le)), None)
    if low is not None and high is not None:
        return f"must be a whole number from {low} to {high}"
    if low is not None:
        return f"must be a whole number, {low} or more"
    return "must be a whole number"
