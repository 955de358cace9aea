"""The FastAPI application. Routes only translate HTTP into service calls."""

from __future__ import annotations

from fastapi import FastAPI

from .. import __version__
from ..runtime import Runtime
from . import errors
from .routes import cases, meta


def create_app(rt: Runtime) -> FastAPI:
    app = FastAPI(
        title="review-workflow 执法决定法制审核与案件流程",
        version=__version__,
        description="重大执法决定法制审核、重大行政处罚备案、行政执法公示的流程引擎。",
    )
    app.state.runtime = rt
    errors.install(app)
    app.include_router(meta.router)
    app.include_router(cases.router)
    return app
