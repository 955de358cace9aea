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


class TokenExpired(NotAuthenticated):
    code = "token_expired"


class TokenRevoked(NotAuthenticated):
    code = "token_revoked"


class TooManyAttempts(WorkflowError):
    """Log-in refused for a while after repeated failures; `retry_after` is the wait in seconds."""

    code = "too_many_attempts"
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"登录失败次数过多，已暂时锁定，请在 {wait_text(retry_after)}后再试", details={"retry_after": retry_after}
        )
        self.retry_after = retry_after


def wait_text(seconds: int) -> str:
    """A wait as a person reads it: 45 秒, 15 分钟, 1 小时 30 分钟 (rounded up to the minute past 60 s)."""
    if seconds < 60:
        return f"{max(seconds, 1)} 秒"
    minutes = -(-seconds // 60)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{minutes} 分钟"
    return f"{hours} 小时" + (f" {rest} 分钟" if rest else "")


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


class AlreadySubmitted(WorkflowError):
    """A report (统计年报) already submitted is not submitted again."""

    code = "already_submitted"
    status = 409


class EmptyFile(WorkflowError):
    code = "empty_file"
    status = 422


class FileTooLarge(WorkflowError):
    code = "file_too_large"
    status = 413


class FileTypeNotAllowed(WorkflowError):
    """The file's first bytes are none of the allowed kinds (whatever its name or declared type says)."""

    code = "file_type_not_allowed"
    status = 415


class InvalidFileName(WorkflowError):
    code = "invalid_file_name"
    status = 422


class InvalidUpload(WorkflowError):
    """The multipart body is malformed or incomplete (no file part, a cut connection)."""

    code = "invalid_upload"
    status = 422


class RecordsMissing(WorkflowError):
    """音像记录事项清单: the step needs an audio-visual record that is not attached yet."""

    code = "records_missing"
    status = 409
