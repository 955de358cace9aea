"""The calendar over HTTP: due dates, the counting explained, arrangements loaded by an administrator."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from review_workflow.config import PROJECT_ROOT
from tests.api.conftest import auth
from tests.conftest import People

EXAMPLE_2027 = (PROJECT_ROOT / "docs" / "calendar-arrangement-example.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("start", "rule", "due"),
    [
        ("2026-02-06", "7wd", "2026-02-24"),
        ("2026-02-06", "15d", "2026-02-24"),
        ("2026-02-24", "7wd", "2026-03-04"),
    ],
)
def test_due_follows_the_official_calendar(client: TestClient, start: str, rule: str, due: str) -> None:
    body = client.get("/api/calendar/due", params={"start": start, "rule": rule}).json()
    assert body == {"start": start, "rule": rule, "due": due, "provisional": False}


def test_an_unpublished_year_is_refused_naming_it_unless_provisional(client: TestClient) -> None:
    r = client.get("/api/calendar/due", params={"start": "2026-12-18", "rule": "20wd"})
    assert r.status_code == 422
    assert r.json()["code"] == "calendar_not_published" and "2027" in r.json()["message"]
    r = client.get("/api/calendar/due", params={"start": "2026-12-18", "rule": "20wd", "provisional": "true"})
    assert r.json() == {"start": "2026-12-18", "rule": "20wd", "due": "2027-01-15", "provisional": True}


def test_explain_lists_every_counted_day_and_every_rest_day_with_its_reason(client: TestClient) -> None:
    body = client.get("/api/calendar/explain", params={"start": "2026-02-06", "rule": "7wd"}).json()
    assert body["due"] == "2026-02-24"
    counted = [d["date"] for d in body["days"] if d["counted"]]
    assert counted == [
        "2026-02-09",
        "2026-02-10",
        "2026-02-11",
        "2026-02-12",
        "2026-02-13",
        "2026-02-14",
        "2026-02-24",
    ]
    reasons = {d["date"]: d["reason"] for d in body["days"]}
    assert (
        reasons["2026-02-07"] == "周末"
        and reasons["2026-02-14"] == "调休上班"
        and reasons["2026-02-17"] == "春节"
    )
    assert "第7个工作日" in body["text"] and "跳过：春节" in body["text"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"start": "2026-02-06", "rule": "7days"}, "invalid_input"),
        ({"start": "02/06/2026", "rule": "7wd"}, "invalid_request"),
    ],
)
def test_bad_input_is_a_422_with_a_code(client: TestClient, params: dict[str, str], code: str) -> None:
    r = client.get("/api/calendar/due", params=params)
    assert r.status_code == 422 and r.json()["code"] == code and r.json()["message"]


def test_an_admin_loads_a_year_and_it_counts_from_then_on(client: TestClient, people: People) -> None:
    upload = {"format": "yaml", "content": EXAMPLE_2027}
    r = client.post("/api/calendar/years", json=upload, headers=auth(people.handler))
    assert r.status_code == 403 and r.json()["code"] == "not_permitted"
    assert client.post("/api/calendar/years", json=upload).status_code == 401
    r = client.post("/api/calendar/years", json=upload, headers=auth(people.admin))
    assert r.status_code == 200, r.text
    assert r.json() == {"year": 2027, "rest_days": 29, "workdays": 6, "recomputed": 0, "moved": 0}
    [year] = client.get("/api/calendar/years").json()
    assert year["year"] == 2027 and year["source"] == "示例（非官方，仅演示导入格式）"
    due = client.get("/api/calendar/due", params={"start": "2026-12-18", "rule": "20wd"}).json()
    assert due == {"start": "2026-12-18", "rule": "20wd", "due": "2027-01-18", "provisional": False}


def test_a_bad_arrangement_is_refused_with_every_problem_listed(client: TestClient, people: People) -> None:
    csv = "date,kind,name\n2027-01-01,rest,元旦\n2027-02-15,work,春节调休\n2027-13-01,rest,坏日期\n"
    r = client.post("/api/calendar/years", json={"format": "csv", "content": csv}, headers=auth(people.admin))
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
    assert len(r.json()["details"]) == 2 and "第3行" in r.json()["message"] and "第4行" in r.json()["message"]
    assert client.get("/api/calendar/years").json() == []
