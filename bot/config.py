"""Settings from the environment and `.env` (pydantic-settings)."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class MissingTokenError(RuntimeError):
    """BOT_TOKEN is needed for anything that talks to Telegram."""


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

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(
                int(part) for part in value.replace(";", ",").split(",") if part.strip()
            )
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("programme", mode="before")
    @classmethod
    def _split_names(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("bot_api_base_url", "staff_chat_id", "public_channel_id", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
