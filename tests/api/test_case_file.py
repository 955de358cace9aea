"""The case file (案卷): the demo's major penalty exported as one ZIP — cover, 目录, every document of the case
and its children in procedural order, the evidence, a manifest whose sums a test recomputes; a closed
case's file is frozen, what comes later is marked; as PDF where LibreOffice is installed."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

from docx import Document as Docx
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from review_workflow.runtime import Runtime
from review_workflow.services.access_log import read as read_log
from review_workflow.services.case_file import MANIFEST, SECTIONS
from review_workflow.services.demo import load_demo
from review_workflow.storage.db import UnitOfWork
from review_workflow.storage.models import Attachment, Document, Instance, User
from tests.api.conftest import assert_error, auth, move, ok
from tests.api.records import pdf, png, upload
from tests.conftest import People

MAJOR = "某饮料公司使用过期原料案"


def opened(r: Any) -> zipfile.ZipFile:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(r.content))


def manifest_holds(archive: zipfile.ZipFile) -> list[str]:
    """Every entry but the manifest is in it, in archive order, with the SHA-256 of its bytes."""
    lines = archive.read(MANIFEST).decode().splitlines()
    listed = [line.split("  ", 1) for line in lines]
    names = [n for n in archive.namelist() if n != MANIFEST]
    assert [name for _, name in listed] == names
    for digest, name in listed:
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    return names


def family_rows(rt: Runtime, case_id: int) -> tuple[list[Document], list[Attachment]]:
    with UnitOfWork(rt.sessions) as session:
        ids = [case_id, *session.scalars(select(Instance.id).where(Instance.parent_id == case_id))]
        docs = list(session.scalars(select(Document).where(Document.instance_id.in_(ids)).order_by(Document.created_at, Document.id)))
        atts = list(session.scalars(select(Attachment).where(Attachment.instance_id.in_(ids)).order_by(Attachment.id)).unique())
        session.expunge_all()
        return docs, atts


def test_the_demo_major_penalty_file_holds_every_document_and_attachment_in_order(rt: Runtime, client: TestClient) -> None:
    users = load_demo(rt)
    with UnitOfWork(rt.sessions) as session:
        case_id = session.scalars(select(Instance.id).where(Instance.title == MAJOR, Instance.workflow == "penalty_case")).one()
    handler = {"Authorization": f"Bearer {users['zhangwei']['token']}"}
    archive = opened(client.get(f"/api/cases/{case_id}/file", headers=handler))
    names = manifest_holds(archive)

    docs, atts = family_rows(rt, case_id)
    assert len(docs) >= 8 and len(atts) == 2  # the decision's documents, the review's, the filing's, the disclosure's
    assert names[:2] == [f"{SECTIONS['cover']}.docx", f"{SECTIONS['contents']}.docx"]
    sections = [n.split("/", 1)[0].split(".", 1)[0] for n in names]
    assert sections == sorted(sections)  # cover, 目录, documents, evidence, records: the 立卷规范's order
    doc_entries = [n for n in names if n.startswith(SECTIONS["documents"] + "/")]
    evidence = [n for n in names if n.startswith(SECTIONS["evidence"] + "/")]
    assert [hashlib.sha256(archive.read(n)).hexdigest() for n in doc_entries] == [d.sha256 for d in docs]
    assert [hashlib.sha256(archive.read(n)).hexdigest() for n in evidence] == [a.sha256 for a in atts]
    assert doc_entries[0].endswith(f"001_立案审批表（{docs[0].number}）.docx")
    assert [n.split("_", 2)[-1] for n in evidence] == ["现场检查照片.png", "询问笔录（扫描件）.pdf"]

    index = Docx(io.BytesIO(archive.read(names[1])))
    [table] = index.tables
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[1] for r in rows[: len(docs)]] == [d.title for d in docs]
    assert rows[len(docs) + 1][4] == "2"  # the scanned 笔录's pages, read from the PDF
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(names) - 1)]
    cover = Docx(io.BytesIO(archive.read(names[0])))
    assert docs[0].number in [c.text for row in cover.tables[0].rows for c in row.cells]  # 案号

    head = next(u for u, v in users.items() if "agency_head" in v["roles"])
    log = read_log(rt, _user_id(rt, head), case_id).data
    assert (log[0].action, log[0].target) == ("download", "case_file")


def _user_id(rt: Runtime, username: str) -> int:
    with UnitOfWork(rt.sessions) as session:
        return int(session.scalars(select(User.id).where(User.username == username)).one())


def _approved(client: TestClient, people: People) -> dict[str, Any]:
    body = {"workflow": "major_decision_review", "title": "某公司销售过期食品案", "party": "某食品有限公司"}
    case = ok(client.post("/api/cases", json=body, headers=auth(people.handler)), 201)
    ok(upload(client, people.handler, case["id"], "现场照片.png", png()), 201)
    case = move(client, people.handler, case, "submit", {"summary": "案情", "proposed_decision": "罚款", "materials": ["立案审批表"]})
    return move(client, people.reviewer, case, "approve", {"opinion": "同意。"})


def test_a_closed_cases_file_is_frozen_and_later_additions_are_marked(client: TestClient, rt: Runtime, people: People) -> None:
    case = _approved(client, people)
    assert case["final"]
    before = manifest_holds(opened(client.get(f"/api/cases/{case['id']}/file", headers=auth(people.handler))))
    later = ok(upload(client, people.handler, case["id"], "补充扫描件.pdf", pdf(pages=3)), 201)
    assert later["after_closing"] is True
    history = ok(client.get(f"/api/cases/{case['id']}", headers=auth(people.handler)))["history"]
    assert history[-1]["event"] == "attach" and history[-1]["payload"]["after_closing"] is True
    archive = opened(client.get(f"/api/cases/{case['id']}/file", headers=auth(people.handler)))
    after = manifest_holds(archive)
    assert after[: len(before)] == before  # what was filed stays as it was
    assert after[len(before):] == [f"{SECTIONS['later']}/{len(before) - 1:03d}_补充扫描件.pdf"]
    rows = [[c.text for c in r.cells] for r in Docx(io.BytesIO(archive.read(after[1]))).tables[0].rows]
    assert "结案后补充" in rows[-1][5] and rows[-1][4] == "3"


def test_only_those_who_see_the_case_get_its_file(client: TestClient, people: People) -> None:
    case = _approved(client, people)
    assert_error(client.get(f"/api/cases/{case['id']}/file", headers=auth(people.outsider)), 404, "not_found")
    assert_error(client.get(f"/api/cases/{2**31}/file", headers=auth(people.handler)), 404, "not_found")
    assert_error(client.get(f"/api/cases/{case['id']}/file?format=rar", headers=auth(people.handler)), 422, "invalid_request")
    assert opened(client.get(f"/api/cases/{case['id']}/file", headers=auth(people.supervisor))).namelist()


def test_the_case_file_as_one_pdf(client: TestClient, people: People, soffice: str) -> None:
    case = _approved(client, people)
    ok(upload(client, people.handler, case["id"], "扫描件.pdf", pdf(pages=2)), 201)
    r = client.get(f"/api/cases/{case['id']}/file?format=pdf", headers=auth(people.handler))
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(r.content)).pages) >= 2 + 1 + 2  # cover, 目录, the opinion, the scan


def test_without_libreoffice_the_pdf_file_is_refused_clearly(client: TestClient, rt: Runtime, people: People) -> None:
    rt.settings.pdf_converter = "/nonexistent/soffice"
    case = _approved(client, people)
    assert_error(client.get(f"/api/cases/{case['id']}/file?format=pdf", headers=auth(people.handler)), 501, "pdf_unavailable")

