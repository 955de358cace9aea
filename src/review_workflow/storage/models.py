"""Tables. Schemas for the wire live in `schemas.py`; nothing here is sent as is."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: every time in this system is timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    doc_code: Mapped[str] = mapped_column(String(40), unique=True)  # 代字, e.g. 郑市监
    kind: Mapped[str] = mapped_column(String(40), default="enforcement")  # or filing_review (司法局)
    # 法制机构: the agency's legal office, named on the review opinions it signs (e.g. 法制科).
    legal_office: Mapped[str | None] = mapped_column(String(200))
    # 备案审查机关: where this agency files its major penalties (the 司法局 of its government).
    filing_office_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    # 层级: province, city or county (省/市/县（区）); None for an agency recorded before levels were kept.
    level: Mapped[str | None] = mapped_column(String(20))


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    roles: Mapped[list[str]] = mapped_column(JSONType, default=list)
    certificate_no: Mapped[str | None] = mapped_column(String(60))  # 执法证号
    certificate_valid_from: Mapped[date | None] = mapped_column(Date)
    certificate_valid_until: Mapped[date | None] = mapped_column(Date)
    legal_qualification: Mapped[str | None] = mapped_column(String(60))  # 法律职业资格证书编号
    first_review_on: Mapped[date | None] = mapped_column(Date)  # 初次从事法制审核的日期
    # The certificate's status: valid 有效, suspended 暂扣, cancelled 注销 (core/certificates.py); changed only
    # by services/certificates.py, which writes a certificate_events row with each change. None: no
    # certificate, or one recorded before statuses were kept (read as 有效).
    certificate_status: Mapped[str | None] = mapped_column(String(20))
    # The expiry date the 30-day alert was queued for (a renewed certificate is alerted again).
    certificate_warned_for: Mapped[date | None] = mapped_column(Date)
    # 人员类别 (身份、编制): civil_servant 在编 … temporary 临时工 (core/certificates.py STAFF_TYPES).
    staff_type: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    # Before api_tokens: one token per user. init_database moves any hash found here into api_tokens and
    # clears it; nothing reads it any more (the migrations to come drop the column).
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # scrypt with a per-user salt (services/accounts.py); None means no web log-in.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    agency: Mapped[Agency] = relationship(lazy="joined")


class CertificateEvent(Base):
    """执法证 history: every issue, renewal, suspension, reinstatement and cancellation — when, the status
    after it, why, by whom, and the certificate as it then stood. Rows are only ever added."""

    __tablename__ = "certificate_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(20))  # issued renewed suspended reinstated cancelled
    status: Mapped[str] = mapped_column(String(20))  # valid suspended cancelled, after the change
    reason: Mapped[str] = mapped_column(String(500))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: set up by the CLI or demo
    certificate_no: Mapped[str] = mapped_column(String(60))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[by_id])


class TrainingHours(Base):
    """学时: the hours of law training an officer completed in a year (seed 000: 每年组织行政执法人员培训)."""

    __tablename__ = "training_hours"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    hours: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Instance(Base):
    """One case moving through one workflow. `state` is written only by the engine, via services.fire."""

    __tablename__ = "workflow_instances"

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(80), index=True)
    definition_hash: Mapped[str] = mapped_column(String(64))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    handler_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(300))
    party: Mapped[str] = mapped_column(String(300))
    # A child case (e.g. the filing started by a penalty decision) knows its parent.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_instances.id"), index=True)
    started_by: Mapped[str | None] = mapped_column(String(80))  # the parent's event that started it
    # The other agency the case is addressed to (e.g. the filing-review office), whose users act on it.
    counterpart_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    state: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    # The case fields (case_fields of the definition; changed only by events that declare `updates`).
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # What each event recorded the last time it happened, written only by the engine (core/records.py).
    events: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_event_hash: Mapped[str | None] = mapped_column(String(64))
    audit_seq: Mapped[int] = mapped_column(
        Integer, default=0
    )  # seq of the last audit event (the chain's tip)

    agency: Mapped[Agency] = relationship(lazy="joined", foreign_keys=[agency_id])
    handler: Mapped[User] = relationship(lazy="joined")
    counterpart_agency: Mapped[Agency | None] = relationship(
        lazy="joined", foreign_keys=[counterpart_agency_id]
    )

    # Optimistic locking: every UPDATE is guarded by `WHERE version = <read>`; services.fire bumps it
    # once per transition (bookkeeping updates in the same transaction do not count as a new version).
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class AuditEvent(Base):
    """全过程记录: one row per move, chained per case by hash (previous hash + this event)."""

    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("instance_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instances.id"))
    seq: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    event: Mapped[str] = mapped_column(String(80))
    from_state: Mapped[str | None] = mapped_column(String(80))
    to_state: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship(lazy="joined")


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("agency_id", "series", "year", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instances.id"), index=True)
    audit_event_id: Mapped[int | None] = mapped_column(ForeignKey("audit_events.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(String(80))  # the key under `documents:` in the YAML
    title: Mapped[str] = mapped_column(String(120))
    template: Mapped[str] = mapped_column(String(200))
    # The number series (its 代字 suffix, e.g. 罚); documents outside any series carry no number.
    series: Mapped[str | None] = mapped_column(String(40))
    number: Mapped[str | None] = mapped_column(String(80))  # 文号 代字〔2026〕N号
    year: Mapped[int] = mapped_column(Integer)  # the year of the document's date
    serial: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attachment(Base):
    """执法全过程记录: a file attached to a case (evidence, a scanned 笔录, an audio-visual record). Its bytes
    live in the file store under `sha256`; the row is never deleted, only superseded with a reason."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instances.id"), index=True)
    # The audit event that put the file's hash into the case's chain.
    audit_event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))  # sniffed from the bytes, not the client's word
    kind: Mapped[str] = mapped_column(String(20))  # photo video audio pdf (core/media.py)
    file_name: Mapped[str] = mapped_column(String(255))
    caption: Mapped[str] = mapped_column(String(500), default="")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(80))  # the step of the case when it was attached
    # Attached after the case was closed: the closed file stays as it was; this is a later addition.
    after_closing: Mapped[bool] = mapped_column(Boolean, default=False)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))  # the replacement
    superseded_reason: Mapped[str | None] = mapped_column(String(500))

    uploaded_by: Mapped[User] = relationship(lazy="joined")


class AccessLog(Base):
    """调阅记录: who viewed or downloaded which attachment, document or case file of a case, and when."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instances.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(20))  # view (inline, e.g. played on the page) or download
    target: Mapped[str] = mapped_column(String(20))  # attachment, document, case_file
    target_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))  # what it was, as read then (a file name, a title)

    user: Mapped[User] = relationship(lazy="joined")


class DocumentCounter(Base):
    """The last 文号 serial per agency, series and year; its row lock keeps numbers gapless and unique."""

    __tablename__ = "document_counters"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class AgencyRule(Base):
    """An agency's own values for a rule set of a workflow (thresholds, amounts), versioned: a new row per
    change. The highest version is in force; version 0 (no row) is the definition's defaults."""

    __tablename__ = "agency_rules"
    __table_args__ = (UniqueConstraint("agency_id", "workflow", "rule", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    workflow: Mapped[str] = mapped_column(String(80))
    rule: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(JSONType)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EvaluationDraw(Base):
    """案卷评查 抽取: one penalty file drawn for evaluation in a year, and the evaluation case it started
    (一卷一表). Unique per year, agency and file, so drawing again starts nothing twice."""

    __tablename__ = "evaluation_draws"
    __table_args__ = (UniqueConstraint("year", "agency_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)  # the evaluated agency
    case_id: Mapped[int] = mapped_column(ForeignKey("workflow_instances.id"))  # the file drawn
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("workflow_instances.id"), unique=True)
    position: Mapped[int] = mapped_column(Integer)  # its place in the year's seeded order (1 = first)
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AgencySeries(Base):
    """An agency's own 代字 for a series (default: its 代字 followed by the series' suffix)."""

    __tablename__ = "agency_series"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    code: Mapped[str] = mapped_column(String(40))


Index("ix_audit_events_instance", AuditEvent.instance_id, AuditEvent.seq)


class CalendarYear(Base):
    """A year's holiday arrangement loaded by an administrator (years newer than chinese_calendar)."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(300))
    rest_days: Mapped[dict[str, str]] = mapped_column(JSONType)  # ISO date → holiday name
    workdays: Mapped[dict[str, str]] = mapped_column(JSONType)  # ISO date → 调休 note
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Deadline(Base):
    """时限: a period running on a case. The sweep reads these rows; nothing else is the record of time."""

    __tablename__ = "deadlines"
    __table_args__ = (
        # The sweep's two questions, answered in order from indexes that only hold rows still to alert.
        Index(
            "ix_deadlines_warn_pending",
            "warning",
            "id",
            postgresql_where=text("closed_at IS NULL AND warned_at IS NULL"),
            sqlite_where=text("closed_at IS NULL AND warned_at IS NULL"),
        ),
        Index(
            "ix_deadlines_overdue_pending",
            "due",
            "id",
            postgresql_where=text("closed_at IS NULL AND overdue_at IS NULL"),
            sqlite_where=text("closed_at IS NULL AND overdue_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instances.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    timer: Mapped[str] = mapped_column(String(80))  # the key under `timers:` in the YAML
    kind: Mapped[str] = mapped_column(String(20), default="deadline")  # deadline, or window (the party's)
    title: Mapped[str] = mapped_column(String(120))
    rule: Mapped[str] = mapped_column(String(20))
    extensions: Mapped[list[str]] = mapped_column(JSONType, default=list)  # rules added by each extension
    # Time excluded from the period: [from, to] ISO dates per pause, `to` None while it lasts.
    pauses: Mapped[list[list[str | None]]] = mapped_column(JSONType, default=list)
    warn_before: Mapped[str | None] = mapped_column(String(20))
    start: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date, index=True)
    warning: Mapped[date | None] = mapped_column(Date)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    escalate_to: Mapped[list[str]] = mapped_column(JSONType, default=list)  # roles told when overdue
    # open, paused, met, missed, cancelled
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_late: Mapped[bool | None] = mapped_column(Boolean)
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    responsible: Mapped[User | None] = relationship(lazy="joined")


class Notification(Base):
    """The outbox: written in the same transaction as what caused it, delivered after commit.

    `key` (deadline, kind, recipient, channel) is unique, so two sweeping processes never alert twice.
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))  # warning, overdue, due_changed
    channel: Mapped[str] = mapped_column(String(20))  # in_app, email, webhook
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_instances.id"))
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadlines.id"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(String(4000))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)  # pending sent failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[User] = relationship(lazy="joined")


class WebSession(Base):
    """A web log-in. The cookie carries the random session id; only its SHA-256 is stored here, so a
    copy of the table opens nothing. Ended by log-out or revocation (`revoked_at`), by idleness
    (`last_seen_at` too old) or by age (`expires_at`)."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(40))  # logout, admin, password_changed
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class ApiToken(Base):
    """A named bearer token of one user (only its SHA-256 is stored); it expires and can be revoked."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class SecurityEvent(Base):
    """Who logged in, failed, was locked out, logged out; sessions and tokens revoked; passwords changed.
    Written in the same transaction as what it records."""

    __tablename__ = "security_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    username: Mapped[str | None] = mapped_column(String(80))  # as typed at the log-in, known user or not
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class LoginThrottle(Base):
    """Recent log-in failures of one username (`user:<name>`) or one client address (`address:<ip>`),
    and the lock they earned. The row is locked while an attempt is judged, so parallel guesses queue."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # within the window that began at window_start
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locks: Mapped[int] = mapped_column(Integer, default=0)  # locks so far: each one waits twice as long


class AnnualReport(Base):
    """统计年报: an agency's statistics of a calendar year, due at the 司法局 by 31 January of the next year
    (国办发〔2018〕118号; seed 003 item 13). The row is the deadline (swept like certificates, alerting
    the agency's legal office) and, once submitted, the record of who submitted it and when."""

    __tablename__ = "annual_reports"
    __table_args__ = (UniqueConstraint("agency_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)  # the calendar year the figures cover
    due: Mapped[date] = mapped_column(Date)  # 31 January of year + 1: a calendar date, not working days
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_on: Mapped[date | None] = mapped_column(Date)  # the local date of submitted_at
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    late: Mapped[bool | None] = mapped_column(Boolean)  # submitted after `due`
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submitted_by: Mapped[User | None] = relationship(lazy="joined")
