"""Errors named for the business fact. Every one carries a machine-readable code and a Chinese message.

Entrances map them to transport: the API to an HTTP status, the CLI to an exit code.
"""

from __future__ import annotations

from typing import Any


class WorkflowError(Exception):
    code = "workflow_error"
    status = 400

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class DefinitionError(WorkflowError):
    """A workflow file is invalid; the message names the file and the path inside it."""

    code = "invalid_definition"
    status = 500


class NotFound(WorkflowError):
    code = "not_found"
    status = 404


class NotAuthenticated(WorkflowError):
    code = "not_authenticated"
    status = 401


class NotPermitted(WorkflowError):
    code = "not_permitted"
    status = 403


class GuardRejected(NotPermitted):
    """A named guard said no: an answer (not now, not you), not a malfunction."""

    code = "guard_rejected"


class TransitionNotAllowed(WorkflowError):
    code = "transition_not_allowed"
    status = 409


class StaleVersion(WorkflowError):
    code = "stale_version"
    status = 409


class VersionRequired(WorkflowError):
    code = "version_required"
    status = 428


class InvalidPayload(WorkflowError):
    code = "invalid_payload"
    status = 422


class InvalidInput(WorkflowError):
    code = "invalid_input"
    status = 422


class CalendarNotPublished(WorkflowError):
    """A date falls in a year whose official holiday arrangement is not loaded."""

    code = "calendar_not_published"
    status = 422

    def __init__(self, year: int, message: str | None = None) -> None:
        super().__init__(message or f"{year}年的节假日安排尚未发布或未导入，无法计算期限")
        self.year = year


class PdfUnavailable(WorkflowError):
    """No converter (LibreOffice) on this server: the document exists, only not as PDF."""

    code = "pdf_unavailable"
    status = 501


class PdfConversionFailed(WorkflowError):
    """The converter is there but failed or overran its time."""

    code = "pdf_conversion_failed"
    status = 503
