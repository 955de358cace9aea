"""Attachments (执法全过程记录): a photo and a video attached, listed, read and downloaded, their hashes in the
audit chain; bad uploads refused with nothing left behind; nothing deleted, only superseded."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from review_workflow.api.app import create_app
from review_workflow.cli import app as cli
from review_workflow.runtime import Runtime
from review_workflow.services.admin import verify_audit
from tests.api.conftest import assert_error, auth, detail, ok
from tests.api.records import attachment_count, mp4, pdf, png, raw_upload, stored_files, upload
from tests.conftest import People


@pytest.fixture
def case(client: TestClient, people: People) -> dict[str, Any]:
    body = {"workflow": "major_decision_review", "title": "某公司销售过期食品案", "party": "某食品有限公司"}
    return ok(client.post("/api/cases", json=body, headers=auth(people.handler)), 201)


def test_a_photo_and_a_video_are_attached_listed_read_and_chained(
    client: TestClient, rt: Runtime, people: People, case: dict[str, Any]
) -> None:
    photo, video = png(), mp4(3 * 1024 * 1024)  # the video is larger than the 1 MB limit of other bodies
    a = ok(upload(client, people.handler, case["id"], "现场照片.png", photo, "仓库货架", "image/png"), 201)
    b = ok(upload(client, people.handler, case["id"], "检查录像.mp4", video, "现场检查全程"), 201)
    assert (a["kind"], a["media_type"], a["size"], a["sha256"]) == ("photo", "image/png", len(photo), hashlib.sha256(photo).hexdigest())
    assert (b["kind"], b["media_type"], b["caption"]) == ("video", "video/mp4", "现场检查全程")
    assert a["uploaded_by"]["id"] == people.handler.id and a["state"] == case["state"]

    listed = ok(client.get(f"/api/cases/{case['id']}/attachments", headers=auth(people.supervisor)))
    assert [x["file_name"] for x in listed["data"]] == ["现场照片.png", "检查录像.mp4"]
    got = client.get(b["url"] + "?download=true", headers=auth(people.handler))
    assert got.status_code == 200 and got.content == video and got.headers["content-type"] == "video/mp4"
    assert "attachment;" in got.headers["content-disposition"]
    piece = client.get(b["url"], headers={**auth(people.handler), "Range": "bytes=100-199"})
    assert piece.status_code == 206 and piece.content == video[100:200]

    history = detail(client, people.handler, case["id"])["history"]
    chained = [h["payload"]["sha256"] for h in history if h["event"] == "attach"]
    assert chained == [a["sha256"], b["sha256"]]
    assert verify_audit(rt).intact


def test_altered_or_missing_bytes_fail_audit_verify_naming_the_file(
    client: TestClient, rt: Runtime, people: People, case: dict[str, Any]
) -> None:
    a = ok(upload(client, people.handler, case["id"], "询问笔录扫描件.pdf", pdf()), 201)
    ok(upload(client, people.handler, case["id"], "现场照片.png", png()), 201)
    path = rt.files.path(a["sha256"])
    assert path is not None
    path.write_bytes(path.read_bytes().replace(b"Page", b"Paje"))
    report = verify_audit(rt)
    assert not report.intact and len(report.breaks) == 1
    assert "询问笔录扫描件.pdf" in report.breaks[0].describe() and "改动" in report.breaks[0].describe()

    result = CliRunner().invoke(
        cli, ["audit", "verify"],
        env={"REVIEW_WORKFLOW_DATABASE_URL": str(rt.settings.database_url), "REVIEW_WORKFLOW_FILES_DIR": str(rt.settings.files_dir)},
    )
    assert result.exit_code == 1 and "询问笔录扫描件.pdf" in result.output

    path.unlink()
    assert "缺失" in verify_audit(rt).breaks[0].describe()


def _nothing_left(rt: Runtime) -> None:
    assert attachment_count(rt) == 0
    assert stored_files(rt) == []


BAD = {
    "empty": ("照片.png", b"", 422, "empty_file"),
    "too_large": ("照片.png", png() + b"\0" * (1024 * 1024), 413, "file_too_large"),
    "an_executable_named_jpg": ("照片.jpg", b"MZ\x90\x00" + b"\0" * 200, 415, "file_type_not_allowed"),
    "a_zip": ("材料.pdf", b"PK\x03\x04" + b"\0" * 200, 415, "file_type_not_allowed"),
    "dot_dot_slash": ("../../etc/passwd.png", png(), 422, "invalid_file_name"),
    "a_slash": ("a/b.png", png(), 422, "invalid_file_name"),
    "a_backslash": ("..\\b.png", png(), 422, "invalid_file_name"),
    "too_long_name": ("长" * 300 + ".png", png(), 422, "invalid_file_name"),
}


SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the store, not the database, is under test


@SQLITE_ONLY
@pytest.mark.parametrize("name,content,status,code", BAD.values(), ids=BAD.keys())
def test_a_bad_upload_is_refused_and_leaves_no_row_and_no_file(
    client: TestClient, rt: Runtime, people: People, case: dict[str, Any], name: str, content: bytes, status: int, code: str
) -> None:
    rt.settings.upload_max_mb = {**rt.settings.upload_max_mb, "photo": 1}
    assert_error(upload(client, people.handler, case["id"], name, content, media="image/jpeg"), status, code)
    _nothing_left(rt)


@SQLITE_ONLY
@pytest.mark.parametrize("name", [b"a\0.png", b"../../x.png", b"\xff\xfe.png", b"a\x1b.png"], ids=["nul", "dot_dot", "not_utf8", "escape"])
def test_a_raw_file_name_with_nul_or_path_parts_is_refused(
    client: TestClient, rt: Runtime, people: People, case: dict[str, Any], name: bytes
) -> None:
    assert_error(raw_upload(client, people.handler, case["id"], name, png()), 422, "invalid_file_name")
    _nothing_left(rt)


def test_a_body_that_is_not_a_file_upload_is_refused(client: TestClient, rt: Runtime, people: People, case: dict[str, Any]) -> None:
    url = f"/api/cases/{case['id']}/attachments"
    assert_error(client.post(url, json={"file": "x"}, headers=auth(people.handler)), 422, "invalid_upload")
    assert_error(client.post(url, data={"caption": "无文件"}, files={"other": ("a.png", png())}, headers=auth(people.handler)), 422, "invalid_upload")
    short = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n' + png()  # no end
    headers = {**auth(people.handler), "Content-Type": "multipart/form-data; boundary=x"}
    assert_error(client.post(url, content=short, headers=headers), 422, "invalid_upload")
    bad_caption = client.post(url, files={"file": ("a.png", png())}, data={"caption": "说明\0"}, headers=auth(people.handler))
    assert_error(bad_caption, 422, "invalid_input")
    _nothing_left(rt)


def test_a_declared_length_over_every_limit_is_refused_before_reading(client: TestClient, rt: Runtime, people: People, case: dict[str, Any]) -> None:
    huge = str(10 * 1024**4)
    r = client.post(
        f"/api/cases/{case['id']}/attachments",
        content=b"--x\r\n",
        headers={**auth(people.handler), "Content-Type": "multipart/form-data; boundary=x", "Content-Length": huge},
    )
    assert_error(r, 413, "file_too_large")
    _nothing_left(rt)


def test_a_connection_cut_mid_upload_leaves_no_row_and_no_file(rt: Runtime, people: People, case: dict[str, Any]) -> None:
    app = create_app(rt)
    boundary = "cut-boundary"
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"录像.mp4\"\r\n"
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    pieces = [head + mp4(768 * 1024), mp4(768 * 1024)]  # over the 1 MB handed on at once; the rest never comes
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if pieces:
            return {"type": "http.request", "body": pieces.pop(0), "more_body": True}
        assert stored_files(rt), "the upload was being written when the client went away"
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": f"/api/cases/{case['id']}/attachments", "raw_path": b"", "query_string": b"", "root_path": "",
        "headers": [
            (b"authorization", f"Bearer {people.handler.token}".encode()),
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
            (b"content-length", b"10000000"),
        ],
        "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 422
    _nothing_left(rt)


def test_only_the_cases_agency_attaches_and_others_see_nothing(client: TestClient, rt: Runtime, people: People, case: dict[str, Any]) -> None:
    assert_error(upload(client, people.outsider, case["id"], "a.png", png()), 404, "not_found")
    assert_error(upload(client, people.supervisor, case["id"], "a.png", png()), 403, "not_permitted")
    assert_error(upload(client, people.handler, 2**31 - 1, "a.png", png()), 404, "not_found")
    for past in (2**31, 2**63):  # a path id no row can have names nothing (docs/api.md)
        assert_error(upload(client, people.handler, past, "a.png", png()), 404, "not_found")
    _nothing_left(rt)
    a = ok(upload(client, people.handler, case["id"], "a.png", png()), 201)
    assert_error(client.get(a["url"], headers=auth(people.outsider)), 404, "not_found")
    assert_error(client.get(f"/api/cases/{case['id']}/attachments/{2**31 + 1}", headers=auth(people.handler)), 404, "not_found")


def test_an_attachment_is_never_deleted_only_superseded_with_a_reason(
    client: TestClient, rt: Runtime, people: People, case: dict[str, Any]
) -> None:
    old = ok(upload(client, people.handler, case["id"], "模糊照片.png", png(rgb=(1, 1, 1))), 201)
    new = ok(upload(client, people.handler, case["id"], "清晰照片.png", png(rgb=(9, 9, 9))), 201)
    url = f"{old['url']}/supersede"
    assert_error(client.post(url, json={"reason": ""}, headers=auth(people.handler)), 422, "invalid_request")
    assert_error(client.post(url, json={"reason": "x", "extra": 1}, headers=auth(people.handler)), 422, "invalid_request")
    assert_error(client.post(url, json={"reason": "x", "replaced_by": old["id"]}, headers=auth(people.handler)), 422, "invalid_input")
    done = ok(client.post(url, json={"reason": "照片模糊，已重新拍摄", "replaced_by": new["id"]}, headers=auth(people.handler)))
    assert (done["superseded_by_id"], done["superseded_reason"]) == (new["id"], "照片模糊，已重新拍摄")
    assert_error(client.post(url, json={"reason": "再次"}, headers=auth(people.handler)), 422, "invalid_input")
    listed = ok(client.get(f"/api/cases/{case['id']}/attachments", headers=auth(people.handler)))["data"]
    assert [x["id"] for x in listed] == [old["id"], new["id"]]
    assert client.get(old["url"], headers=auth(people.handler)).content == png(rgb=(1, 1, 1))
    assert detail(client, people.handler, case["id"])["history"][-1]["event"] == "supersede_attachment"
    assert verify_audit(rt).intact
