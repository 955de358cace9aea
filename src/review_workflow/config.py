"""Settings from the environment, created once at start and passed down; the core never imports them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REVIEW_WORKFLOW_", extra="ignore")

    database_url: str = "sqlite:///./review_workflow.db"
    workflows_dir: Path = PROJECT_ROOT / "workflows"
    templates_dir: Path = PROJECT_ROOT / "doc_templates"
    # Pins "now" for demos and tests (ISO date-time); empty means the real clock.
    now: datetime | None = None
    timezone: str = "Asia/Shanghai"
    page_size: int = 20
    scheduler_enabled: bool = True
    sweep_seconds: int = 60

    @field_validator("now", mode="before")
    @classmethod
    def _empty_now_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value
