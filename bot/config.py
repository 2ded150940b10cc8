"""Runtime configuration, read once from the environment and `.env`.

Every setting the bot reads lives here so that operators have one table to consult (README) and a
bad value fails at start with one line naming the setting, instead of a traceback at 3 a.m.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_data_dir
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from commands.rules.letters.organisation import OrganisationProfile, ProfileError, load_profile

SLACK_DEFAULT_API_URL = "https://slack.com/api/"


def default_data_dir() -> Path:
    return Path(user_data_dir("foi-bot", appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{default_data_dir() / 'foi-bot.sqlite3'}"


def default_data_url() -> str:
    return f"sqlite:///{default_data_dir() / 'analytics.sqlite3'}"


def _split_list(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default=SLACK_DEFAULT_API_URL, alias="SLACK_API_URL")

    database_url: str = Field(default_factory=default_database_url, alias="DATABASE_URL")
    data_url: str = Field(default_factory=default_data_url, alias="DATA_URL")

    timezone: str = Field(default="Europe/London", alias="FOI_TIMEZONE")
    team_channel: str | None = Field(default=None, alias="FOI_TEAM_CHANNEL")
    intake_channel: str | None = Field(default=None, alias="FOI_INTAKE_CHANNEL")
    org_profile: Path | None = Field(default=None, alias="FOI_ORG_PROFILE")
    template_dir: Path | None = Field(default=None, alias="FOI_TEMPLATE_DIR")
    auto_register: bool = Field(default=False, alias="FOI_AUTO_REGISTER")

    receipt_rule: Literal["ico", "code2018"] = Field(default="ico", alias="FOI_RECEIPT_RULE")
    review_window: Literal["2m", "40wd"] = Field(default="2m", alias="FOI_REVIEW_WINDOW")
    sar_extension: Literal["3m-from-receipt", "2m-after-due"] = Field(
        default="3m-from-receipt", alias="FOI_SAR_EXTENSION"
    )

    query_dir: Path | None = Field(default=None, alias="FOI_QUERY_DIR")
    extract_map: Path | None = Field(default=None, alias="FOI_EXTRACT_MAP")
    query_timeout_seconds: float = Field(default=30.0, alias="FOI_QUERY_TIMEOUT", gt=0)
    query_row_limit: int = Field(default=10_000, alias="FOI_QUERY_ROW_LIMIT", gt=0)
    team_users: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="FOI_TEAM_USERS")
    approvers: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="FOI_APPROVERS")
    drafter_may_approve: bool = Field(default=False, alias="FOI_DRAFTER_MAY_APPROVE")
    lead_user: str | None = Field(default=None, alias="FOI_LEAD")
    leads: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="FOI_LEADS")

    reminder_hour: int = Field(default=9, ge=0, le=23, alias="FOI_REMINDER_HOUR")
    reminder_days_before: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [5, 2, 1], alias="FOI_REMINDER_DAYS"
    )
    auto_close_after_review_window: bool = Field(default=True, alias="FOI_AUTO_CLOSE")
    # Reminders (bot/reminders.py): escalation to the team channel and FOI_LEAD this many working days past
    # due; catch-up after downtime reaches back this many calendar days; the frequent sweep's interval; a
    # case awaiting clarification for more than this many working days is offered for closing; the digest
    # is posted only on working days of this calendar.
    reminder_escalate_after: int = Field(default=20, ge=0, alias="FOI_REMINDER_ESCALATE_AFTER")
    reminder_catchup_days: int = Field(default=10, ge=0, le=60, alias="FOI_REMINDER_CATCHUP_DAYS")
    reminder_sweep_minutes: int = Field(default=5, ge=1, le=60, alias="FOI_REMINDER_SWEEP_MINUTES")
    clarification_stale_after: int = Field(default=20, ge=1, alias="FOI_CLARIFICATION_STALE_DAYS")
    digest_calendar: Literal["uk", "england-wales", "scotland", "northern-ireland"] = Field(
        default="uk", alias="FOI_DIGEST_CALENDAR"
    )
    retention_years: int = Field(default=3, ge=0, alias="FOI_RETENTION_YEARS")

    # Work and delivery (bot/work, bot/slack/delivery.py): how much runs at once and how long anything waits.
    queue_url: str | None = Field(default=None, alias="FOI_QUEUE_URL")
    workers: int = Field(default=4, ge=0, le=64, alias="FOI_WORKERS")
    deliverers: int = Field(default=2, ge=0, le=32, alias="FOI_DELIVERERS")
    busy_depth: int = Field(default=50, ge=1, alias="FOI_QUEUE_BUSY")
    slack_timeout: float = Field(default=10.0, gt=0, le=120, alias="FOI_SLACK_TIMEOUT")
    outbox_max_attempts: int = Field(default=10, ge=1, le=100, alias="FOI_OUTBOX_MAX_ATTEMPTS")
    outbox_backoff: float = Field(default=2.0, gt=0, le=600, alias="FOI_OUTBOX_BACKOFF")
    db_timeout: float = Field(default=10.0, gt=0, le=300, alias="FOI_DB_TIMEOUT")
    max_body_bytes: int = Field(default=1_000_000, ge=10_000, le=50_000_000, alias="FOI_MAX_BODY_BYTES")
    drain_seconds: float = Field(default=25.0, ge=0, le=600, alias="FOI_DRAIN_SECONDS")
    log_format: Literal["text", "json"] = Field(default="text", alias="FOI_LOG_FORMAT")

    @field_validator("team_users", "approvers", "leads", mode="before")
    @classmethod
    def _lists(cls, value: object) -> object:
        return _split_list(value)

    @field_validator("reminder_days_before", mode="before")
    @classmethod
    def _int_list(cls, value: object) -> object:
        value = _split_list(value)
        if isinstance(value, list):
            return [int(v) for v in value]
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name like Europe/London)") from exc
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url", "data_url", "queue_url")
    @classmethod
    def _db_url(cls, value: str | None) -> str | None:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        if value is None:
            return None
        try:
            make_url(value)
        except ArgumentError as exc:
            raise ValueError("is not a database URL (e.g. sqlite:///foi.db or postgresql+psycopg://...)") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def profile(self) -> OrganisationProfile:
        return load_profile(self.org_profile)


class ConfigError(RuntimeError):
    """A setting that stops the bot from starting; the message is one line naming the setting."""


def load_settings(**overrides: object) -> Settings:
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err["loc"] else "?"
        field = Settings.model_fields.get(name)
        env_name = field.alias if field and field.alias else name
        raise ConfigError(f"setting {env_name}: {err['msg']}") from None
    try:
        settings.profile  # noqa: B018 - load now so a bad profile fails at start
    except ProfileError as exc:
        raise ConfigError(f"setting FOI_ORG_PROFILE: {exc}") from None
    return settings
