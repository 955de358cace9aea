"""The API for the HTTP benchmark, as a factory uvicorn can start with several worker processes:

    uvicorn --app-dir scripts --factory bench_app:create --workers 2

`review-workflow serve` has no --workers; this is the same `create_app(build_runtime(Settings()))`,
configured by the usual REVIEW_WORKFLOW_* environment variables.
"""

from __future__ import annotations

from fastapi import FastAPI

from review_workflow.api.app import create_app
from review_workflow.config import Settings
from review_workflow.runtime import build_runtime


def create() -> FastAPI:
    return create_app(build_runtime(Settings()))
