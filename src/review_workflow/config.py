"""Settings from the environment, created once at start and passed down; the core never imports them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Good enough for a laptop; the web entrance refuses it when REVIEW_WORKFLOW_ENV=production.
DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REVIEW_WORKFLOW_", extra="ignore")

    # The same database as scripts/run: var/review_workflow.db under the project root.
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'review_workflow.db'}"
    workflows_dir: Path = PROJECT_ROOT / "workflows"
    templates_dir: Path = PROJECT_ROOT / "doc_templates"
    # Pins "now" for demos and tests (ISO date-time); empty means the real clock.
    now: datetime | None = None
    timezone: str = "Asia/Shanghai"
    # "production" makes the web pages refuse to start with the development secret key.
    env: str = "development"
    # Signs the web session cookie (and its CSRF token). Set REVIEW_WORKFLOW_SECRET_KEY in production.
    secret_key: str = DEV_SECRET_KEY
    page_size: int = 20
    scheduler_enabled: bool = True
    sweep_seconds: int = 60
    sweep_batch: int = 500
    # Alert channels. In-app is always on; e-mail when an SMTP host is set and the user has an address;
    # webhook when a URL is set (JSON, signed with HMAC-SHA256 using the secret).
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "review-workflow@localhost"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    webhook_url: str = ""
    webhook_secret: str = ""
    notify_max_attempts: int = 6
    notify_retry_seconds: float = 30.0  # doubled after each failed try
    notify_lease_seconds: float = 120.0
    # Web log-in sessions (rows in web_sessions): ended after this long without a request, and this long
    # after the log-in whatever happens.
    session_idle_minutes: int = Field(default=30, ge=1)
    session_max_hours: int = Field(default=8, ge=1)
    # Log-in throttling: this many failures within the window lock the username (or the client address)
    # for the lock time, doubled with each further lock up to the maximum.
    login_max_failures: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=20, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    login_lock_minutes: int = Field(default=15, ge=1)
    login_lock_max_minutes: int = Field(default=24 * 60, ge=1)
    # Bearer tokens (api_tokens) expire this many days after they are issued, unless told otherwise.
    token_days: int = Field(default=90, ge=1, le=3650)
    # 执法证 expiry alerts: the officer and their agency's administrators are told this many days ahead.
    certificate_warn_days: int = Field(default=30, ge=1, le=365)
    # PDF downloads (?format=pdf) convert through headless LibreOffice: the executable (a path or a name
    # on PATH; empty: soffice, else libreoffice) and how long one conversion may take.
    pdf_converter: str = ""
    pdf_timeout_seconds: float = 60.0
    # Attachments (evidence, 音像记录): stored by SHA-256 under this directory (REVIEW_WORKFLOW_FILES_DIR;
    # unset: `files/` beside a SQLite database file, else var/files under the project root), and the largest
    # file of each kind, in MB (REVIEW_WORKFLOW_UPLOAD_MAX_MB='{"video": 4096}').
    files_dir: Path = Field(default=None, validate_default=False)  # type: ignore[assignment]
    upload_max_mb: dict[str, int] = Field(
        default_factory=lambda: {"photo": 20, "pdf": 50, "audio": 500, "video": 2048}
    )

    @model_validator(mode="after")
    def _files_beside_the_database(self) -> Settings:
        if self.files_dir is None:
            local = self.database_url.startswith("sqlite:///") and ":memory:" not in self.database_url
            base = Path(self.database_url.removeprefix("sqlite:///")).parent if local else PROJECT_ROOT / "var"
            self.files_dir = base / "files"
        return self

    @field_validator("now", mode="before")
    @classmethod
    def _empty_now_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value
