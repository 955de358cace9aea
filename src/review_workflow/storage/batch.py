"""The rows one move writes, held and sent together instead of through the ORM's unit of work.

Why: for a transition the unit of work cost more than everything else the move does (docs/benchmarks.md).
A `WriteBatch` knows two kinds of row:
- rows it loaded (`load`): built from a Core row without a session, with a snapshot of their columns;
  when sent, each gets an UPDATE of the columns that changed since — the case's with its version check;
- rows added (`add`): INSERTed when sent; their id is set then and they are tracked like loaded rows,
  so a later change to them is an UPDATE.

`send` writes everything pending: on PostgreSQL as one statement (one data-modifying CTE per row, so a
move's writes are one round trip), on SQLite one statement per row, in process. Statements are built
once per shape (which tables, which columns) and kept. Nothing here reads: a move sends its batch
before it asks the database anything that depends on what it wrote (`flush`).

The batch of a transaction lives in its session's `info`; `add` and `flush` fall back to the ORM when
the transaction has none, so code that moves cases works in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Integer,
    Table,
    and_,
    bindparam,
    cast,
    insert,
    inspect,
    literal_column,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session, instrumentation, make_transient_to_detached
from sqlalchemy.orm.exc import StaleDataError

_KEY = "write_batch"
T = TypeVar("T")


@dataclass
class _Write:
    """One INSERT or UPDATE of one row; `shape` is what its statement depends on (not the values)."""

    row: Any
    insert: bool
    values: dict[str, Any]
    version: str | None = None  # the column an UPDATE is guarded by (the case's version)
    expected: Any = None  # the version the row must still have

    @property
    def table(self) -> Table:
        return _table(self.row)

    @property
    def shape(self) -> tuple[str, bool, tuple[str, ...], str | None]:
        return (self.table.name, self.insert, tuple(self.values), self.version)

    def stale(self) -> StaleDataError:
        return StaleDataError(f"{self.table.name} {self.row.id}: the row changed or vanished under this move")


class WriteBatch:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn  # the transaction's connection
        self._tracked: list[tuple[Any, dict[str, Any]]] = []  # (row, its columns as last written)
        self._new: list[Any] = []

    def load(self, model: type[T], values: dict[str, Any], *, track: bool = True) -> T:
        """A row of `model` from column values read by the caller (`_built`), tracked for changes unless
        the move only reads it. It belongs to no session, so a relationship the caller does not set reads
        as None; a row read in part is detached, so that reading a column it lacks raises instead."""
        row = _built(model, values)
        if len(values) < len(_table(row).columns):
            make_transient_to_detached(row)
        if track:
            self._tracked.append((row, _columns(row)))
        return row

    def add(self, row: Any) -> None:
        self._new.append(row)

    def send(self) -> None:
        """Write every change since the last send; a case whose version moved under us is a
        StaleDataError, as from the ORM."""
        conn = self.conn
        writes = [_Write(row, True, _insert_values(row)) for row in self._new]
        for row, snapshot in self._tracked:
            if changed := _changed(row, snapshot):
                version = _version_column(row)
                writes.append(_Write(row, False, changed, version, snapshot.get(version) if version else None))
        if not writes:
            return
        if conn.dialect.name == "postgresql":
            _send_as_one_statement(conn, writes)
        else:
            _send_on_sqlite(conn, writes)
        self._tracked = [(row, _columns(row)) for row, _ in self._tracked]
        self._tracked += [(row, _columns(row)) for row in self._new]
        self._new.clear()


def begin(session: Session, conn: Connection) -> WriteBatch:
    """Hold this transaction's moves in a batch (until `flush`); `conn` is the session's connection."""
    batch = session.info[_KEY] = WriteBatch(conn)
    return batch


def add(session: Session, model: type[T], **values: Any) -> T:
    """A new row of `model`, written with the transaction's batch if it has one (`_built`), else
    through the ORM."""
    batch: WriteBatch | None = session.info.get(_KEY)
    if batch is None:
        row = model(**values)
        session.add(row)
        return row
    row = _built(model, values)
    batch.add(row)
    return row


def _built(model: type[T], values: dict[str, Any]) -> T:
    """A row of `model` holding `values`, made the way the ORM's loader makes one: no constructor, no
    attribute events (the constructor cost more than the rest of a move's row)."""
    row = instrumentation.manager_of_class(model).new_instance()
    row.__dict__.update(values)
    return row  # type: ignore[no-any-return]


def flush(session: Session) -> None:
    """Send the batch and then the ORM's pending changes: what follows may read them."""
    batch = session.info.get(_KEY)
    if batch is not None:
        batch.send()
    session.flush()


def _table(row: Any) -> Table:
    return type(row).__table__  # type: ignore[no-any-return]


_KEYS: dict[str, tuple[str, ...]] = {}  # each table's column keys


def _columns(row: Any) -> dict[str, Any]:
    table, state = _table(row), row.__dict__
    keys = _KEYS.get(table.name)
    if keys is None:
        keys = _KEYS[table.name] = tuple(table.columns.keys())
    return {key: state[key] for key in keys if key in state}


def _changed(row: Any, snapshot: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in _columns(row).items() if key not in snapshot or snapshot[key] != value}


def _insert_values(row: Any) -> dict[str, Any]:
    """The row's columns, with the column defaults the ORM would have applied for those not set."""
    values = _columns(row)
    for col in _table(row).columns:
        if col.key not in values and col.default is not None and not col.primary_key:
            values[col.key] = col.default.arg(None) if col.default.is_callable else col.default.arg  # type: ignore[attr-defined]
    if values.get("id") is None:
        values.pop("id", None)
    return values


def _version_column(row: Any) -> str | None:
    col = inspect(type(row)).version_id_col
    return col.key if col is not None else None


# Statements by shape, built once: SQLite's one per row, PostgreSQL's one per batch (its shape is the
# sequence of its rows' shapes; the workflows make a few dozen, the cap is for a pathological one).
_ON_SQLITE: dict[tuple[str, bool, tuple[str, ...], str | None], _OnSqlite] = {}
_ON_POSTGRESQL: dict[tuple[tuple[str, bool, tuple[str, ...], str | None], ...], Any] = {}
_MAX_SHAPES = 1000


def _row_statement(w: _Write, prefix: str = "") -> Any:
    """The row's INSERT or UPDATE (guarded by id and version), values bound by name with `prefix`."""
    table = w.table
    values = {key: bindparam(f"{prefix}{key}", type_=table.c[key].type) for key in w.values}
    if w.insert:
        return insert(table).values(values)
    where = [table.c.id == bindparam(f"{prefix}_id")]
    if w.version:
        where.append(table.c[w.version] == bindparam(f"{prefix}_v"))
    return update(table).where(and_(*where)).values(values)


def _params(w: _Write, prefix: str = "") -> dict[str, Any]:
    params = {f"{prefix}{key}": value for key, value in w.values.items()}
    if not w.insert:
        params[f"{prefix}_id"] = w.row.id
        if w.version:
            params[f"{prefix}_v"] = w.expected
    return params


@dataclass(frozen=True)
class _OnSqlite:
    """A row's statement as SQLite's driver takes it, with each value's conversion (JSON, UTC times) as
    the column's type does it: SQLite runs in process, so the statement's cost is the Python around it,
    and Core's per-execute work was most of it."""

    sql: str
    convert: tuple[Any, ...]  # per value, the column type's bind processor or None

    @classmethod
    def of(cls, w: _Write, dialect: Any) -> _OnSqlite:
        table, quote = w.table, dialect.identifier_preparer.quote
        names = [quote(key) for key in w.values]
        convert = [table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in w.values]
        if w.insert:
            sql = f"INSERT INTO {quote(table.name)} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) RETURNING id"
        else:
            guard = f" AND {quote(w.version)} = ?" if w.version else ""
            sql = f"UPDATE {quote(table.name)} SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?{guard}"
        return cls(sql, tuple(convert))

    def params(self, w: _Write) -> tuple[Any, ...]:
        values = [f(v) if f is not None and v is not None else v for f, v in zip(self.convert, w.values.values(), strict=True)]
        if not w.insert:
            values += [w.row.id, w.expected] if w.version else [w.row.id]
        return tuple(values)


def _send_on_sqlite(conn: Connection, writes: list[_Write]) -> None:
    for w in writes:
        prepared = _ON_SQLITE.get(w.shape)
        if prepared is None:
            prepared = _ON_SQLITE[w.shape] = _OnSqlite.of(w, conn.dialect)
        result = conn.exec_driver_sql(prepared.sql, prepared.params(w))
        if w.insert:
            w.row.id = result.scalar_one()
        elif result.rowcount != 1:
            raise w.stale()


def _send_as_one_statement(conn: Connection, writes: list[_Write]) -> None:
    """One statement, one round trip: each write a CTE that returns its position (and an inserted
    row's id); all of them run, against one snapshot, whatever the outer SELECT reads."""
    shape = tuple(w.shape for w in writes)
    stmt = _ON_POSTGRESQL.get(shape)
    if stmt is None:
        if len(_ON_POSTGRESQL) >= _MAX_SHAPES:
            _ON_POSTGRESQL.clear()
        parts = []
        for n, w in enumerate(writes):
            inserted = w.table.c.id if w.insert else cast(null(), Integer).label("id")
            cte = _row_statement(w, f"w{n}_").returning(literal_column(str(n)).label("n"), inserted).cte(f"w{n}")
            parts.append(select(cte.c.n, cte.c.id))
        stmt = _ON_POSTGRESQL[shape] = parts[0] if len(parts) == 1 else union_all(*parts)
    params = {key: value for n, w in enumerate(writes) for key, value in _params(w, f"w{n}_").items()}
    answered = {n: inserted_id for n, inserted_id in conn.execute(stmt, params)}
    for n, w in enumerate(writes):
        if n not in answered:
            raise w.stale()
        if w.insert:
            w.row.id = answered[n]
