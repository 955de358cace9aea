"""文号 series per agency: what each series is called (its 代字) and how far it has counted, and an
administrator's setting of an agency's own 代字 for a series. Numbers themselves are taken by
`paperwork.next_serial`, in the transaction that issues the document."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import InvalidInput, NotFound, NotPermitted
from ..core.payloads import has_control_characters
from ..runtime import Runtime
from ..storage.db import UnitOfWork
from ..storage.models import Agency, AgencySeries, DocumentCounter
from .actors import load_user

CODE_MAX = 40


class SeriesPublic(BaseModel):
    series: str = Field(description="系列（代字后缀），如 罚；空字符串为机关代字本身")
    code: str = Field(description="本机关此系列的代字，如 郑市监罚")
    own_code: bool = Field(description="是否为管理员为本机关单独设置的代字")
    documents: list[str] = Field(description="使用此系列编号的文书")
    last: dict[int, int] = Field(description="各年度已用到的序号")
    example: str = Field(description="下一个文号的样式")


def _documents_by_series(rt: Runtime) -> dict[str, list[str]]:
    """Every numbered series the definitions use, with the titles of its documents."""
    found: dict[str, list[str]] = {}
    for wf in rt.workflows.values():
        for doc in wf.definition.documents.values():
            if doc.series is not None:
                found.setdefault(doc.series, []).append(doc.title)
    return found


def _admin(session: Session, actor_id: int) -> None:
    if "admin" not in load_user(session, actor_id).roles:
        raise NotPermitted("只有系统管理员可以查看和设置文号")


def list_series(rt: Runtime, actor_id: int, agency_id: int) -> list[SeriesPublic]:
    """An agency's number series: its 代字 for each, and the last serial used each year."""
    year = rt.clock.today().year
    with UnitOfWork(rt.reads) as session:
        _admin(session, actor_id)
        agency = session.get(Agency, agency_id)
        if agency is None:
            raise NotFound(f"机关 {agency_id} 不存在")
        own = {row.series: row.code for row in session.scalars(select(AgencySeries).where(AgencySeries.agency_id == agency_id))}
        counters: dict[str, dict[int, int]] = {}
        for row in session.scalars(select(DocumentCounter).where(DocumentCounter.agency_id == agency_id)):
            counters.setdefault(row.series, {})[row.year] = row.last
        out = []
        for series, titles in sorted(_documents_by_series(rt).items()):
            code = own.get(series, agency.doc_code + series)
            last = counters.get(series, {})
            out.append(
                SeriesPublic(
                    series=series,
                    code=code,
                    own_code=series in own,
                    documents=titles,
                    last=last,
                    example=f"{code}\u3014{year}\u3015{last.get(year, 0) + 1}号",
                )
            )
        return out


def set_series_code(rt: Runtime, actor_id: int, agency_id: int, series: str, code: str) -> SeriesPublic:
    """Give an agency its own 代字 for a series (e.g. 郑市监罚 → 郑市监处罚). The serials count on: a
    series stays gapless whatever it is called."""
    code = code.strip() if isinstance(code, str) else ""
    if not code or len(code) > CODE_MAX or has_control_characters(code) or any(c in code for c in "〔〕[]"):
        raise InvalidInput(f"代字不能为空，不超过 {CODE_MAX} 字，且不能含控制字符或〔〕")
    if series not in _documents_by_series(rt):
        raise NotFound(f"没有文书使用编号系列“{series}”")
    with UnitOfWork(rt.sessions) as session:
        _admin(session, actor_id)
        if session.get(Agency, agency_id) is None:
            raise NotFound(f"机关 {agency_id} 不存在")
        row = session.get(AgencySeries, (agency_id, series))
        if row is None:
            session.add(AgencySeries(agency_id=agency_id, series=series, code=code))
        else:
            row.code = code
        session.commit()
    return next(s for s in list_series(rt, actor_id, agency_id) if s.series == series)
