"""APScheduler only ticks: each tick sweeps due deadlines and delivers the outbox. The job store is in
memory and is never the record of what is due — the deadline rows are — so any number of processes
(`serve`, `worker`) may tick the same database."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from apscheduler.schedulers.base import BaseScheduler  # type: ignore[import-untyped]
from apscheduler.schedulers.blocking import BlockingScheduler  # type: ignore[import-untyped]

from .runtime import Runtime
from .services.alerts import tick

log = logging.getLogger(__name__)


def _add_tick(scheduler: BaseScheduler, rt: Runtime, seconds: float) -> None:
    scheduler.add_job(
        tick,
        "interval",
        args=[rt],
        seconds=seconds,
        id="sweep",
        max_instances=1,  # a slow tick is never overlapped by the next one
        coalesce=True,
        next_run_time=datetime.now(UTC) + timedelta(seconds=1),
    )
    log.info("deadline sweep every %s s", seconds)


def start_scheduler(rt: Runtime) -> BackgroundScheduler:
    """The in-process ticker of `serve`; shut it down with the app."""
    scheduler = BackgroundScheduler(timezone=rt.settings.timezone)
    _add_tick(scheduler, rt, rt.settings.sweep_seconds)
    scheduler.start()
    return scheduler


def run_blocking(rt: Runtime, seconds: float) -> None:
    """The `worker` process: tick until interrupted."""
    scheduler = BlockingScheduler(timezone=rt.settings.timezone)
    _add_tick(scheduler, rt, seconds)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
