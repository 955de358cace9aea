"""One fixture chain: a database (SQLite file and real PostgreSQL) → a runtime → people → cases.

PostgreSQL tests create and drop their own database on the server at REVIEW_WORKFLOW_TEST_PG_ADMIN.
Under CI=true a missing PostgreSQL fails the run; elsewhere those tests skip with the reason.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from review_workflow.config import Settings
from review_workflow.core.clock import Clock
from review_workflow.runtime import Runtime, build_runtime
from review_workflow.services.admin import NewUser, create_agency, create_user, init_database
from review_workflow.storage.db import UnitOfWork
from review_workflow.storage.models import SecurityEvent

PG_ADMIN_URL = os.environ.get(
    "REVIEW_WORKFLOW_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PINNED_NOW = datetime.fromisoformat("2026-03-02T09:30:00+08:00")


def _pg_problem() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc.__class__.__name__}: {exc}"


@pytest.fixture(scope="session")
def pg_server() -> str:
    problem = _pg_problem()
    if problem:
        if IN_CI:
            pytest.fail(f"CI requires PostgreSQL. {problem}")
        pytest.skip(problem)
    return PG_ADMIN_URL


def new_pg_database(admin_url: str) -> tuple[str, str]:
    name = f"rw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, admin_url.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice's soffice, for the PDF tests. Under CI=true a missing LibreOffice fails the run
    (scripts/test installs it); elsewhere those tests skip with the reason."""
    from review_workflow.adapters.pdf import find_converter

    found = find_converter()
    if found is None:
        problem = "LibreOffice (soffice / libreoffice) is not on PATH; scripts/test installs it as root"
        if IN_CI:
            pytest.fail(f"CI requires LibreOffice. {problem}")
        pytest.skip(problem)
    return found


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'review.db'}"
        return
    admin_url = request.getfixturevalue("pg_server")
    name, url = new_pg_database(admin_url)
    try:
        yield url
    finally:
        drop_pg_database(admin_url, name)


def pin_clock(rt: Runtime, moment: str) -> None:
    """Move the runtime's pinned clock (ISO date-time, +08:00 when no zone is given)."""
    when = datetime.fromisoformat(moment)
    rt.clock = Clock(pinned=when if when.tzinfo else when.replace(tzinfo=PINNED_NOW.tzinfo), timezone=rt.clock.timezone)


def security_log(rt: Runtime) -> list[SecurityEvent]:
    """The security events written so far, oldest first."""
    with UnitOfWork(rt.sessions) as session:
        rows = list(session.scalars(select(SecurityEvent).order_by(SecurityEvent.id)))
        session.expunge_all()  # readable after the unit of work rolls back
        return rows


def make_runtime(database_url: str, **overrides: object) -> Runtime:
    # Each runtime its own attachments store (never the project's var/files).
    overrides.setdefault("files_dir", Path(tempfile.mkdtemp(prefix="rw-files-")))
    settings = Settings(database_url=database_url, now=PINNED_NOW, scheduler_enabled=False, **overrides)
    rt = build_runtime(settings)
    init_database(rt)
    return rt


@pytest.fixture
def rt(database_url: str) -> Iterator[Runtime]:
    runtime = make_runtime(database_url)
    yield runtime
    runtime.db.dispose()


@dataclass
class Person:
    id: int
    token: str
    name: str


@dataclass
class People:
    agency_id: int
    other_agency_id: int
    handler: Person
    handler2: Person
    expired_handler: Person
    reviewer: Person
    unqualified_reviewer: Person
    legal_head: Person
    agency_head: Person
    supervisor: Person
    admin: Person
    outsider: Person  # a handler of another agency
    filing_office_id: int  # 郑州市司法局, where agency_id files its major penalties
    filing_officer: Person


def add_person(rt: Runtime, username: str, agency_id: int, roles: tuple[str, ...], **extra: object) -> Person:
    name = extra.pop("name", username)
    user_id, token = create_user(rt, NewUser(username=username, name=str(name), agency_id=agency_id, roles=roles, **extra))  # type: ignore[arg-type]
    return Person(user_id, token, str(name))


VALID_CERT = {"certificate_valid_from": date(2024, 1, 1), "certificate_valid_until": date(2028, 12, 31)}


@pytest.fixture
def people(rt: Runtime) -> People:
    province = create_agency(rt, "河南省司法厅", "豫司", "filing_review")
    office = create_agency(rt, "郑州市司法局", "郑司", "filing_review", filing_office_id=province)
    kaifeng = create_agency(rt, "开封市司法局", "汴司", "filing_review", filing_office_id=province)
    a = create_agency(rt, "郑州市市场监督管理局", "郑市监", filing_office_id=office)
    b = create_agency(rt, "开封市市场监督管理局", "汴市监", filing_office_id=kaifeng)
    return People(
        agency_id=a,
        other_agency_id=b,
        handler=add_person(rt, "zhang", a, ("handler",), name="张伟", certificate_no="豫执001", **VALID_CERT),
        handler2=add_person(rt, "liu", a, ("handler",), name="刘洋", certificate_no="豫执002", **VALID_CERT),
        expired_handler=add_person(
            rt, "ma", a, ("handler",), name="马强", certificate_no="豫执003",
            certificate_valid_from=date(2020, 1, 1), certificate_valid_until=date(2025, 12, 31),
        ),
        reviewer=add_person(rt, "wang", a, ("reviewer",), name="王芳", legal_qualification="A2017001"),
        unqualified_reviewer=add_person(rt, "zhou", a, ("reviewer",), name="周敏"),
        legal_head=add_person(
            rt, "li", a, ("legal_head", "reviewer"), name="李静", legal_qualification="A2015002", email="lijing@example.gov.cn"
        ),
        agency_head=add_person(rt, "chen", a, ("agency_head",), name="陈明", email="chenming@example.gov.cn"),
        supervisor=add_person(rt, "zhao", province, ("supervisor",), name="赵磊"),  # 省司法厅: every city
        admin=add_person(rt, "admin", a, ("admin",), name="管理员"),
        outsider=add_person(rt, "sun", b, ("handler",), name="孙丽", certificate_no="豫执101", **VALID_CERT),
        filing_office_id=office,
        filing_officer=add_person(rt, "wu", office, ("filing_officer",), name="吴华"),
    )


SUBMISSION = {
    "summary": "当事人销售超过保质期的食品，货值金额 3 万元。",
    "proposed_decision": "拟罚款 20 万元，没收违法所得。",
    "materials": ["立案审批表", "调查终结报告", "行政处罚事先告知书"],
}
RETURN = {
    "opinion": "证据不够充分。",
    "findings": [
        {"item": "事实是否清楚、证据是否合法充分", "problem": "缺少检验报告"},
        {"item": "适用法律是否准确、裁量基准运用是否适当", "problem": "裁量理由不足"},
    ],
    "needs_supplement": True,
}
DECIDE = {"conclusion": "同意", "attendees": ["陈明", "李静", "张伟"], "minutes": "经讨论，同意拟作出的处罚决定。"}
