"""The case file (案卷) of a case and its children, as one ZIP archive in the order of the Henan 立卷规范:
卷宗封面, 卷内目录, the documents in procedural order, the evidence (证据材料: photos, scans), the
audio-visual records (音像记录), and — for a closed case, whose file is frozen — what was added after the
closing, marked as such. `manifest.sha256` lists the SHA-256 of every other entry (`sha256sum -c` reads it).

The archive is written to a temporary file entry by entry (attachments stream from the store), never held
whole in memory; the caller sends it and removes it. The same file as one PDF where LibreOffice is
installed: cover, 目录, documents and PDF evidence; photos and recordings are listed in the 目录 only.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from ..adapters.case_file_index import IndexRow, contents, cover
from ..adapters.pdf import PdfSettings, docx_to_pdf, find_converter
from ..core.errors import PdfUnavailable
from ..runtime import Runtime
from ..storage.db import UnitOfWork
from ..storage.models import Attachment, Document, Instance
from . import access_log
from .actors import load_user
from .attachments import rows_of
from .cases import load_case

MANIFEST = "manifest.sha256"
SECTIONS = {"cover": "01_卷宗封面", "contents": "02_卷内目录", "documents": "03_文书", "evidence": "04_证据材料",
            "records": "05_音像记录", "later": "06_结案后补充材料"}
RECORD_KINDS = ("video", "audio")
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Part:
    """One entry of the archive: where it goes, what the 目录 says of it, and where its bytes are."""

    section: str
    name: str
    title: str
    number: str
    at: datetime
    pages: int | None
    note: str
    content: bytes | None = None  # a document's bytes, or None: the attachment `sha256` in the store
    sha256: str = ""
    media_type: str = ""


@dataclass(frozen=True)
class CaseFile:
    path: Path  # the temporary archive (or PDF); the caller removes it after sending
    file_name: str


def _family(session: Session, root: Instance) -> list[Instance]:
    """The case and every case started under it (children, their children), oldest first."""
    found, frontier = [root], [root.id]
    while frontier:
        children = list(session.scalars(select(Instance).where(Instance.parent_id.in_(frontier)).order_by(Instance.id)).unique())
        found += children
        frontier = [c.id for c in children]
    return found


def _pdf_pages(rt: Runtime, sha256: str) -> int | None:
    from pypdf import PdfReader

    try:
        with rt.files.open(sha256) as f:
            return len(PdfReader(f).pages)
    except Exception:  # noqa: BLE001 - a scan we cannot read still goes in, its pages unknown
        return None


def _parts(rt: Runtime, session: Session, inst: Instance, closed_at: datetime | None) -> list[Part]:
    family = _family(session, inst)
    titles = {c.id: rt.workflow(c.workflow).definition.title for c in family}

    def later(at: datetime) -> bool:
        return closed_at is not None and at > closed_at

    docs = session.scalars(
        select(Document).options(undefer(Document.content))
        .where(Document.instance_id.in_(titles)).order_by(Document.created_at, Document.id)
    ).all()
    parts = [
        Part("later" if later(d.created_at) else "documents", f"{d.title}{f'（{d.number}）' if d.number else ''}.docx",
             d.title, d.number or "", d.created_at, None,
             "" if d.instance_id == inst.id else titles[d.instance_id], content=d.content, sha256=d.sha256)
        for d in docs
    ]
    for a in rows_of(session, list(titles)):
        section = "later" if a.after_closing or later(a.uploaded_at) else ("records" if a.kind in RECORD_KINDS else "evidence")
        pages = 1 if a.kind == "photo" else (_pdf_pages(rt, a.sha256) if a.kind == "pdf" else None)
        parts.append(Part(section, a.file_name, a.caption or a.file_name, "", a.uploaded_at, pages, _note(a),
                          sha256=a.sha256, media_type=a.media_type))
    order = list(SECTIONS)
    return sorted(parts, key=lambda p: order.index(p.section))  # stable: each section keeps its own order


def _note(a: Attachment) -> str:
    notes = [a.file_name]
    if a.after_closing:
        notes.append("结案后补充")
    if a.superseded_at is not None:
        notes.append(f"已被替换：{a.superseded_reason}")
    return "；".join(notes)


def _closed_at(rt: Runtime, inst: Instance) -> datetime | None:
    return inst.updated_at if rt.workflow(inst.workflow).definition.states[inst.state].final else None


def _index(rt: Runtime, inst: Instance, parts: list[Part], closed_at: datetime | None) -> tuple[bytes, bytes, list[str]]:
    """The cover and the 目录 (as .docx), and every entry's name in the archive, in order."""
    names = [f"{SECTIONS['cover']}.docx", f"{SECTIONS['contents']}.docx"]
    rows = []
    for serial, p in enumerate(parts, start=1):
        names.append(f"{SECTIONS[p.section]}/{serial:03d}_{p.name}")
        day = rt.clock.local(p.at).date().isoformat()
        rows.append(IndexRow(serial, p.title, p.number, day, p.pages, p.note, names[-1]))
    case_no = next((p.number for p in parts if p.number and p.section == "documents" and not p.note), "")
    local = rt.clock.local
    facts = [("承办机关", inst.agency.name), ("承办人", inst.handler.name), ("立案日期", local(inst.created_at).date().isoformat()),
             ("结案日期", local(closed_at).date().isoformat() if closed_at else "（尚未结案）"), ("卷内材料", f"{len(parts)} 件")]
    frozen = (f"本案已于 {local(closed_at).date().isoformat()} 结案，案卷已封存；此后添加的材料列于“结案后补充材料”，各有审计记录。"
              if closed_at else "")
    return cover(inst.agency.name, inst.title, inst.party, case_no, facts), contents(inst.title, rows, frozen), names


def _chunks(rt: Runtime, part: Part) -> Iterator[bytes]:
    if part.content is not None:
        yield part.content
        return
    with rt.files.open(part.sha256) as f:
        while chunk := f.read(CHUNK):
            yield chunk


def _write_zip(rt: Runtime, target: Path, entries: list[tuple[str, Part | bytes]]) -> None:
    sums = []
    with zipfile.ZipFile(target, "w") as zf:
        for name, source in entries:
            digest = hashlib.sha256()
            media = isinstance(source, Part) and source.content is None
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if media else zipfile.ZIP_DEFLATED  # media are compressed already
            with zf.open(info, "w", force_zip64=True) as out:
                for chunk in _chunks(rt, source) if isinstance(source, Part) else [source]:
                    digest.update(chunk)
                    out.write(chunk)
            sums.append(f"{digest.hexdigest()}  {name}\n")
        zf.writestr(MANIFEST, "".join(sums), compress_type=zipfile.ZIP_DEFLATED)


def _write_pdf(rt: Runtime, target: Path, entries: list[tuple[str, Part | bytes]]) -> None:
    from pypdf import PdfWriter

    settings = PdfSettings(converter=rt.settings.pdf_converter, timeout_seconds=rt.settings.pdf_timeout_seconds)
    writer = PdfWriter()
    for _, source in entries:
        if isinstance(source, bytes) or source.content is not None:
            writer.append(io.BytesIO(docx_to_pdf(source if isinstance(source, bytes) else source.content or b"", settings)))
        elif source.media_type == "application/pdf":
            with rt.files.open(source.sha256) as f:
                writer.append(f)
    with target.open("wb") as out:
        writer.write(out)


def export(rt: Runtime, actor_id: int, case_id: int, *, as_pdf: bool = False) -> CaseFile:
    """The case file of a case the user may see, as a temporary ZIP (or PDF) file; the export is logged."""
    if as_pdf and find_converter(rt.settings.pdf_converter) is None:
        raise PdfUnavailable("服务器未安装 LibreOffice，无法生成 PDF 案卷，请下载 ZIP 案卷")
    with UnitOfWork(rt.reads) as session:  # built in a read: the write lock is not held while zipping
        user = load_user(session, actor_id)
        inst = load_case(session, user, case_id)
        closed_at = _closed_at(rt, inst)
        parts = _parts(rt, session, inst, closed_at)
        cover_docx, contents_docx, names = _index(rt, inst, parts, closed_at)
        entries: list[tuple[str, Part | bytes]] = [(names[0], cover_docx), (names[1], contents_docx), *zip(names[2:], parts, strict=True)]
        fd, temp = tempfile.mkstemp(prefix="rw-case-file-", suffix=".pdf" if as_pdf else ".zip")
        os.close(fd)
        try:
            (_write_pdf if as_pdf else _write_zip)(rt, Path(temp), entries)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        title = inst.title
    try:
        access_log.record(rt, actor_id, case_id, "download", "case_file", None, f"案卷（{'PDF' if as_pdf else 'ZIP'}）")
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return CaseFile(Path(temp), f"案卷-{title}.{'pdf' if as_pdf else 'zip'}")
