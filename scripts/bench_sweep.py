"""Deadline sweep: 1,000 due among 10k / 100k / 1M open deadline rows.

The rows are bulk-loaded (PostgreSQL: COPY; SQLite: executemany in one transaction) in steps; at each
size 1,000 of them, spread evenly over the ids, are made due (half warnings, half overdue). At each size: the claim (services.alerts' claim
query for the 1,000, in a transaction rolled back afterwards), the whole `services.alerts.sweep` (claim,
mark, queue notifications, commit; then put back untimed), and the query plan of the claim.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench_common import PINNED_NOW, TODAY, Cast, median
from sqlalchemy import and_, event, insert, or_, select, text
from sqlalchemy.orm import Session

from review_workflow.runtime import Runtime
from review_workflow.services import alerts
from review_workflow.storage.db import UnitOfWork
from review_workflow.storage.models import Deadline, Instance

DUE = 1_000
CASES = 1_000  # the deadlines are spread over this many cases
INDEXES = ("ix_deadlines_warn_pending", "ix_deadlines_overdue_pending")
COLUMNS = (
    "id", "instance_id", "agency_id", "timer", "title", "rule", "extensions", "pauses", "warn_before", "start",
    "due", "warning", "provisional", "responsible_id", "escalate_to", "status", "opened_at",
)


def _claim_fallback(session: Session, today: date, batch: int) -> list[Deadline]:
    """The claim as services.alerts wrote it when this benchmark was made; used only if `_claim` goes."""
    due_for_warning = and_(Deadline.warned_at.is_(None), Deadline.warning <= today)
    overdue = and_(Deadline.overdue_at.is_(None), Deadline.due < today)
    query = (
        select(Deadline)
        .where(Deadline.closed_at.is_(None), or_(due_for_warning, overdue))
        .order_by(Deadline.id)
        .limit(batch)
        .with_for_update(skip_locked=True, of=Deadline)
    )
    return list(session.scalars(query).unique())


claim = getattr(alerts, "_claim", _claim_fallback)


def rows(first_id: int, count: int, responsible: int, agency: int, cases: list[int]) -> Iterator[tuple[Any, ...]]:
    """Open deadline rows, in COLUMNS order, falling due weeks to months ahead."""
    opened = PINNED_NOW.astimezone(UTC) - timedelta(days=3)
    ahead = [TODAY + timedelta(days=10 + d) for d in range(200)]
    for i in range(first_id, first_id + count):
        due = ahead[i % 200]
        yield (
            i, cases[i % len(cases)], agency, "review_period", "法制审核期限", "10wd", "[]", "[]", "2wd",
            due - timedelta(days=14), due, due - timedelta(days=2), False, responsible, '["agency_head"]', "open",
            opened,
        )


def due_ids(total: int) -> list[int]:
    """DUE ids spread evenly over 1..total: the due rows are not the oldest nor the newest."""
    step = total / DUE
    return [1 + int(k * step) for k in range(DUE)]


def place_due(rt: Runtime, ids: list[int], previous: list[int]) -> None:
    """Make `ids` due now (even positions: the warning day is reached; odd: overdue) and the previous
    due set open again, falling due ahead."""
    later = [{"i": i, "d": TODAY + timedelta(days=30), "w": TODAY + timedelta(days=28)} for i in previous]
    now = []
    for k, i in enumerate(ids):
        if k % 2 == 0:
            now.append({"i": i, "d": TODAY + timedelta(days=1 + k % 3), "w": TODAY - timedelta(days=k % 4)})
        else:
            now.append({"i": i, "d": TODAY - timedelta(days=1 + k % 9), "w": TODAY - timedelta(days=3 + k % 9)})
    stmt = text(
        "UPDATE deadlines SET due = :d, warning = :w, warned_at = NULL, overdue_at = NULL, status = 'open' "
        "WHERE id = :i"
    )
    with rt.db.begin() as conn:
        for batch in (later, now):
            if batch:
                conn.execute(stmt, batch)


def _pg_text(value: Any) -> str:
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _other_columns() -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """NOT NULL columns of the model that COLUMNS does not fill (added since), with their defaults."""
    names, values = [], []
    for col in Deadline.__table__.columns:
        if col.name in COLUMNS or col.nullable or col.server_default is not None:
            continue
        default = col.default
        if default is None or not getattr(default, "is_scalar", False):
            raise RuntimeError(f"bench_sweep: deadlines.{col.name} is NOT NULL without a scalar default; add it to COLUMNS")
        names.append(col.name)
        values.append(default.arg)  # type: ignore[attr-defined]
    return tuple(names), tuple(values)


def bulk_load(rt: Runtime, rows_: Iterator[tuple[Any, ...]]) -> None:
    extra_names, extra_values = _other_columns()
    columns = COLUMNS + extra_names
    batch = (row + extra_values for row in rows_)
    raw = rt.db.raw_connection()
    try:
        cur = raw.cursor()
        if rt.db.dialect.name == "postgresql":
            with cur.copy(f"COPY deadlines ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                chunk: list[str] = []
                for row in batch:
                    chunk.append("\t".join(map(_pg_text, row)))
                    if len(chunk) == 50_000:
                        copy.write("\n".join(chunk) + "\n")
                        chunk = []
                if chunk:
                    copy.write("\n".join(chunk) + "\n")
        else:
            def sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
                return tuple(
                    v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime)
                    else v.isoformat() if isinstance(v, date) else v
                    for v in row
                )
            cur.execute("BEGIN")
            cur.executemany(
                f"INSERT INTO deadlines ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                (sqlite_row(r) for r in batch),
            )
            cur.execute("COMMIT")
        raw.commit()
    finally:
        raw.close()


def analyze(rt: Runtime) -> None:
    """Fresh statistics, and on PostgreSQL a vacuumed table, so autovacuum does not run mid-measure."""
    if rt.db.dialect.name == "postgresql":
        with rt.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE deadlines"))
        return
    with rt.db.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


def base(rt: Runtime, c: Cast) -> list[int]:
    """An agency head (overdue alerts escalate to them) and the cases the deadlines belong to."""
    from review_workflow.services.admin import NewUser, create_user

    create_user(rt, NewUser(username="chenming", name="陈明", agency_id=c.agency_id, roles=("agency_head",)))
    row = dict(
        workflow="major_decision_review", definition_hash="-", agency_id=c.agency_id, handler_id=c.handler_id,
        title="某公司销售过期食品案", party="某食品有限公司", state="under_review", version=2, data={},
        created_at=PINNED_NOW, updated_at=PINNED_NOW,
    )
    with rt.db.begin() as conn:
        return list(conn.execute(insert(Instance.__table__).returning(Instance.id), [row] * CASES).scalars())


@dataclass
class Size:
    open_rows: int
    claim: list[float] = field(default_factory=list)
    sweep: list[float] = field(default_factory=list)
    sql_ms: float | None = None  # the claim statement alone, from EXPLAIN ANALYZE (PostgreSQL)
    plan: str = ""
    indexes: list[str] = field(default_factory=list)  # indexes on deadlines the plan reads
    seq_scan: bool = False  # the plan reads the whole deadlines table


def capture_claim_sql(rt: Runtime) -> list[tuple[str, Any]]:
    """Every statement the claim sends that reads the deadlines table, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def listen(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if "FROM deadlines" in statement:
            seen.append((statement, parameters))

    event.listen(rt.db, "before_cursor_execute", listen)
    try:
        with UnitOfWork(rt.sessions) as session:
            claim(session, rt.clock.today(), DUE)
    finally:
        event.remove(rt.db, "before_cursor_execute", listen)
    return seen


def explain(rt: Runtime, statement: str, parameters: Any) -> tuple[str, float | None]:
    raw = rt.db.raw_connection()
    try:
        cur = raw.cursor()
        if rt.db.dialect.name == "postgresql":
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [r[0] for r in cur.fetchall()]
            ms = next((float(x.split(":")[1].split()[0]) for x in lines if x.startswith("Execution Time")), None)
            raw.rollback()
            return "\n".join(lines), ms
        cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        plan = "\n".join(f"{r[0]}|{r[1]}| {r[3]}" for r in cur.fetchall())
        raw.rollback()
        return plan, None
    finally:
        raw.close()


def plan_facts(plan: str) -> tuple[list[str], bool]:
    """The deadlines indexes a plan reads, and whether it scans the whole table instead."""
    found = re.findall(r"\b(ix_deadlines_\w+|deadlines_pkey)\b", plan)
    # The whole table: a sequential scan, or the primary key walked in id order (ORDER BY id LIMIT) with
    # the due conditions as a filter.
    scans = bool(re.search(r"Seq Scan on deadlines|SCAN deadlines(?! USING)|Index Scan using deadlines_pkey on deadlines", plan))
    return list(dict.fromkeys(found)), scans


def measure(rt: Runtime, size: Size, claim_reps: int, sweep_reps: int, ids: list[int]) -> None:
    today = rt.clock.today()
    for _ in range(claim_reps + 1):  # the first is a warm-up
        with UnitOfWork(rt.sessions) as session:
            t0 = time.perf_counter()
            got = claim(session, today, DUE)
            elapsed = time.perf_counter() - t0
        if len(got) != DUE:
            raise RuntimeError(f"sweep: claimed {len(got)} rows, expected {DUE}")
        size.claim.append(elapsed)
    size.claim = size.claim[1:]
    explained = [explain(rt, statement, parameters) for statement, parameters in capture_claim_sql(rt)]
    size.plan = "\n\n".join(plan for plan, _ in explained)
    timings = [ms for _, ms in explained if ms is not None]
    size.sql_ms = sum(timings) if timings else None
    size.indexes, size.seq_scan = plan_facts(size.plan)
    for _ in range(sweep_reps):
        t0 = time.perf_counter()
        result = alerts.sweep(rt)
        size.sweep.append(time.perf_counter() - t0)
        if result.warned + result.overdue != DUE:
            raise RuntimeError(f"sweep: handled {result.warned + result.overdue} rows, expected {DUE}")
        reset(rt, ids)


def reset(rt: Runtime, ids: list[int]) -> None:
    """Put the due rows back as they were before the sweep and empty the outbox."""
    with rt.db.begin() as conn:
        conn.execute(
            text("UPDATE deadlines SET warned_at = NULL, overdue_at = NULL, status = 'open' WHERE id = :i"),
            [{"i": i} for i in ids],
        )
        conn.execute(text("DELETE FROM notifications"))


def run(rt: Runtime, c: Cast, sizes: list[int], claim_reps: int, sweep_reps: int, sweep_all_sizes: bool = True) -> tuple[list[Size], list[float]]:
    """Returns the measurements per size and the load time of each step."""
    cases = base(rt, c)
    out: list[Size] = []
    loads: list[float] = []
    loaded, due = 0, list[int]()
    for n in sizes:
        t0 = time.perf_counter()
        bulk_load(rt, rows(loaded + 1, n - loaded, c.handler_id, c.agency_id, cases))
        loaded, previous, due = n, due, due_ids(n)
        place_due(rt, due, previous)
        analyze(rt)
        loads.append(time.perf_counter() - t0)
        size = Size(n)
        measure(rt, size, claim_reps, sweep_reps if (sweep_all_sizes or n == sizes[-1]) else 0, due)
        out.append(size)
    return out, loads


def median_ms(values: list[float]) -> float:
    return median(values) * 1e3


def profile_sweep(rt: Runtime, profile: Callable[..., str], size: Size) -> str:
    """Where the whole sweep spends its time (not a target, but it costs ms per due row)."""
    def once() -> int:
        result = alerts.sweep(rt)
        return result.warned + result.overdue

    text_ = profile(once, f"services.alerts.sweep, 1,000 due among {size.open_rows:,} open, PostgreSQL (not a target; for the record)",
                    ("sweep", "services/alerts.py"))
    reset(rt, due_ids(size.open_rows))
    return text_
