"""APScheduler only ticks: each tick sweeps due deadlines and delivers the outbox. The job store is in
memory and is never the record of what is due — the deadline rows are."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from .runtime import Runtime
from .services.alerts import tick

log = logging.getLogger(__name__)


def start_scheduler(rt: Runtime) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=rt.settings.timezone)
    scheduler.add_job(
        tick, "interval", args=[rt], seconds=rt.settings.sweep_seconds, id="sweep", max_instances=1, coalesce=True,
        next_run_time=None,
    )
    scheduler.start()
    scheduler.modify_job("sweep", next_run_time=_soon())
    log.info("deadline sweep every %s s", rt.settings.sweep_seconds)
    return scheduler


def _soon():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    return datetime.now(UTC) + timedelta(seconds=1)
