"""Shared parts of scripts/bench.py: databases it creates and drops, runtimes, people, payloads, timing.

Nothing here is imported by the application; the benchmark imports the application, never the reverse.
"""

from __future__ import annotations

import shutil
import statistics
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import create_engine, text

from review_workflow.config import PROJECT_ROOT, Settings
from review_workflow.runtime import Runtime, build_runtime
from review_workflow.services.admin import NewUser, create_agency, create_user, init_database

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WORKFLOW = "major_decision_review"
# A pinned clock in a year chinese_calendar publishes: the same deadlines (and the same code path, never
# the provisional one) whatever day the benchmark is re-run on.
PINNED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = PINNED_NOW.date()

SUBMISSION = {
    "summary": "经查，当事人销售超过保质期的食品，货值金额 3 万元。依据《中华人民共和国食品安全法》第一百二十四条，适用本局裁量基准第三档。",
    "proposed_decision": "拟罚款人民币二十万元，没收违法所得。",
    "materials": ["立案审批表", "调查终结报告", "行政处罚事先告知书及送达回证"],
}
RETURN = {
    "opinion": "违法事实基本清楚，但证据不够充分，请补充后重新报送。",
    "findings": [
        {"item": "事实是否清楚、证据是否合法充分", "problem": "缺少涉案食品的检验报告", "suggestion": "补充检验报告"},
        {"item": "适用法律是否准确、裁量基准运用是否适当", "problem": "未说明适用第三档裁量的理由"},
    ],
    "needs_supplement": True,
}
RESUBMIT = {"response": "已补充检验报告，并说明裁量理由。", "materials": ["检验报告", "裁量说明"]}
APPROVE = {"opinion": "事实清楚，证据确凿，程序合法，适用法律正确，裁量适当，同意。"}

# submit → return → resubmit → approve: the review path every persisted benchmark walks, with the role
# (BPMN lane) that acts and the state the case ends in.
REVIEW_PATH: tuple[tuple[str, str, dict[str, Any], str], ...] = (
    ("submit", "handler", SUBMISSION, "under_review"),
    ("return", "reviewer", RETURN, "returned"),
    ("resubmit", "handler", RESUBMIT, "under_review"),
    ("approve", "reviewer", APPROVE, "approved"),
)


# -- timing -------------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def fmt_rate(per_second: float) -> str:
    return f"{per_second:,.0f}/s" if per_second >= 100 else f"{per_second:,.1f}/s"


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


# -- results ------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the summary table: our figure, what it is compared with, the ratio, the target."""

    section: str
    measure: str
    ours: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    holds: bool | None = None  # None: no target


@dataclass
class Result:
    section: str
    rows: list[Row] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # markdown paragraphs for docs/benchmarks.md
    profiles: list[str] = field(default_factory=list)  # markdown for "Where the time goes"
    seconds: float = 0.0


# -- databases ----------------------------------------------------------------------------------


@contextmanager
def pg_database(admin_url: str, label: str) -> Iterator[str]:
    """A fresh PostgreSQL database `rw_bench_<label>_<hex>`, dropped afterwards."""
    name = f"rw_bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def database(kind: str, pg_admin: str, workdir: Path, label: str) -> Iterator[str]:
    if kind == "postgresql":
        with pg_database(pg_admin, label) as url:
            yield url
        return
    path = workdir / f"{label}-{uuid.uuid4().hex[:8]}.db"
    try:
        yield f"sqlite:///{path}"
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def pg_reachable(admin_url: str) -> str | None:
    try:
        engine = create_engine(admin_url)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"


def workflows_without_documents(workdir: Path) -> Path:
    """The workflow YAML with the measured workflow's documents removed (documents off): each transition's
    `documents` list and the documents it declares (the loader checks each declared template against the
    events that issue it). The other workflows are copied as they are: some derive case fields from their
    documents (record_number_as), and nothing here walks them."""
    out = workdir / "workflows-nodocs"
    if out.exists():
        shutil.rmtree(out)
    # Everything as it is (the scoring sheets under scoring/ included), then the measured one rewritten.
    shutil.copytree(PROJECT_ROOT / "workflows", out)
    for src in sorted((PROJECT_ROOT / "workflows").glob("*.yaml")):
        if src.stem != WORKFLOW:
            continue
        data = yaml.safe_load(src.read_text(encoding="utf-8"))
        data.pop("documents", None)
        for t in data.get("transitions", []):
            t.pop("documents", None)
        (out / src.name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def settings_env(url: str, workflows_dir: Path | None = None) -> dict[str, str]:
    """The same settings as `runtime()`, as environment variables for a server process."""
    return {
        "REVIEW_WORKFLOW_DATABASE_URL": url,
        "REVIEW_WORKFLOW_NOW": PINNED_NOW.isoformat(),
        "REVIEW_WORKFLOW_SCHEDULER_ENABLED": "false",
        "REVIEW_WORKFLOW_WORKFLOWS_DIR": str(workflows_dir or PROJECT_ROOT / "workflows"),
        "REVIEW_WORKFLOW_TEMPLATES_DIR": str(PROJECT_ROOT / "doc_templates"),
    }


def runtime(url: str, workflows_dir: Path | None = None, *, create: bool = True) -> Runtime:
    # Everything explicit: Settings also read REVIEW_WORKFLOW_* from the environment, which must not
    # change what is measured.
    settings = Settings(
        database_url=url,
        now=PINNED_NOW,
        scheduler_enabled=False,
        workflows_dir=workflows_dir or PROJECT_ROOT / "workflows",
        templates_dir=PROJECT_ROOT / "doc_templates",
    )
    rt = build_runtime(settings)
    if create:
        init_database(rt)
    return rt


@dataclass(frozen=True)
class Cast:
    agency_id: int
    handler_id: int
    reviewer_id: int
    handler_token: str
    reviewer_token: str

    def actor(self, role: str) -> int:
        return self.handler_id if role == "handler" else self.reviewer_id


def cast(rt: Runtime, label: str = "") -> Cast:
    """An agency with one handler (valid 执法证) and one qualified reviewer."""
    agency = create_agency(rt, f"郑州市市场监督管理局{label}", f"郑市监{label}")
    handler, handler_token = create_user(
        rt,
        NewUser(
            username=f"zhangwei{label}", name="张伟", agency_id=agency, roles=("handler",),
            certificate_no="豫执41010001", certificate_valid_from=date(2020, 1, 1),
            certificate_valid_until=date(2099, 12, 31),
        ),
    )
    reviewer, reviewer_token = create_user(
        rt,
        NewUser(
            username=f"wangfang{label}", name="王芳", agency_id=agency, roles=("reviewer",),
            legal_qualification="A20171100001",
        ),
    )
    return Cast(agency, handler, reviewer, handler_token, reviewer_token)
