"""The FastAPI application. Routes only translate HTTP into service calls."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import __version__
from ..runtime import Runtime
from ..scheduler import start_scheduler
from ..web import install as install_web
from ..web.common import refusal_page
from . import errors, openapi
from .limits import BodyLimits, TextLimits
from .routes import (
    agency_rules,
    alerts,
    calendar,
    cases,
    evaluations,
    filing_office,
    meta,
    numbering,
    people,
    public,
    records,
    reports,
    security,
)
from .uploads import is_upload_path


def create_app(rt: Runtime) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        scheduler = start_scheduler(rt) if rt.settings.scheduler_enabled else None
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)

    app = FastAPI(
        title="review-workflow 执法决定法制审核与案件流程",
        version=__version__,
        description="重大执法决定法制审核、重大行政处罚备案、行政执法公示的流程引擎。",
        lifespan=lifespan,
    )
    app.state.runtime = rt
    errors.install(app)
    for module in (
        meta, cases, alerts, calendar, public, filing_office, numbering, agency_rules, security, people, reports, evaluations,
        records,
    ):
        app.include_router(module.router)
    # Inside the session cookie's middleware (added by install_web), so a page's refusal is a page.
    app.add_middleware(TextLimits, page=refusal_page)
    install_web(app, rt)  # the pages, their session cookie and static files
    # Outermost: nothing reads a body before its size is known. Uploads stream under limits of their own.
    app.add_middleware(BodyLimits, exempt=is_upload_path)
    openapi.install(app)
    return app


def from_environment() -> FastAPI:
    """The app configured by the REVIEW_WORKFLOW_* environment variables alone: the factory that several
    server processes each call (`review-workflow serve --workers 4`). See docs/deployment.md."""
    from ..config import Settings
    from ..runtime import build_runtime

    return served(create_app(build_runtime(Settings())))


def served(app: FastAPI) -> FastAPI:
    """The app of a server process, once built: what it holds for its whole life (definitions, models,
    templates, tables) is moved out of the garbage collector's sight (`gc.freeze`), so that a full
    collection walks only what requests create. Without it a full collection took 90–130 ms here, and a
    request that held the 文号 counter's row meanwhile made every other document-issuing request wait
    (docs/benchmarks.md, HTTP)."""
    gc.collect()
    gc.freeze()
    return app
