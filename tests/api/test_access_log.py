"""调阅 log: every view and download of an attachment, a document or the case file is written down, and
read by supervisors and the agency's heads of the cases they may see — not by the handler, not by
another city's people."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import assert_error, auth, move, ok
from tests.api.records import png, upload
from tests.conftest import SUBMISSION, People


def test_views_and_downloads_are_logged_and_supervisors_read_them(client: TestClient, people: People) -> None:
    body = {"workflow": "major_decision_review", "title": "某公司销售过期食品案", "party": "某食品有限公司"}
    case: dict[str, Any] = ok(client.post("/api/cases", json=body, headers=auth(people.handler)), 201)
    photo = ok(upload(client, people.handler, case["id"], "现场照片.png", png()), 201)
    case = move(client, people.handler, case, "submit", SUBMISSION)
    [doc] = ok(client.get(f"/api/cases/{case['id']}", headers=auth(people.handler)))["documents"]

    client.get(photo["url"], headers=auth(people.reviewer))
    client.get(photo["url"] + "?download=true", headers=auth(people.handler))
    client.get(photo["url"], headers={**auth(people.handler), "Range": "bytes=10-20"})  # the same playback
    client.get(doc["url"], headers=auth(people.reviewer))
    client.get(f"/api/cases/{case['id']}/file", headers=auth(people.handler))

    log = ok(client.get(f"/api/cases/{case['id']}/access-log", headers=auth(people.supervisor)))
    seen = [(e["user"]["name"], e["action"], e["target"]) for e in log["data"]]
    assert seen == [
        ("张伟", "download", "case_file"),
        ("王芳", "download", "document"),
        ("张伟", "download", "attachment"),
        ("王芳", "view", "attachment"),
    ]
    assert log["count"] == 4 and log["data"][3]["title"] == "现场照片.png"
    assert ok(client.get(f"/api/cases/{case['id']}/access-log", headers=auth(people.agency_head)))["count"] == 4

    assert_error(client.get(f"/api/cases/{case['id']}/access-log", headers=auth(people.handler)), 403, "not_permitted")
    assert_error(client.get(f"/api/cases/{case['id']}/access-log", headers=auth(people.outsider)), 404, "not_found")
    assert_error(client.get(f"/api/cases/{case['id']}/access-log?page=0", headers=auth(people.supervisor)), 422, "invalid_request")
    assert_error(client.get(f"/api/cases/{2**31}/access-log", headers=auth(people.supervisor)), 404, "not_found")
