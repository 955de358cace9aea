"""Who may see what is one rule: the case page, the case list and the deadline list agree, for every
kind of user — an agency's own staff, the 司法局 a filing is addressed to, another agency, a supervisor."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from review_workflow.runtime import Runtime
from review_workflow.services.scope import can_see, visible_clause
from review_workflow.storage.models import Agency, Instance, User
from tests.api.conftest import auth, move, ok
from tests.api.penalty import decided_major
from tests.conftest import People, add_person


def test_can_see_and_the_sql_clause_agree_for_every_user_and_case(client: TestClient, rt: Runtime, people: People) -> None:
    decided_major(client, people)  # a penalty case with its review, filing (to the 司法局) and disclosure
    with rt.sessions() as session:
        cases = session.scalars(select(Instance)).unique().all()
        users = session.scalars(select(User)).unique().all()
        assert {c.counterpart_agency_id for c in cases} > {None}
        for user in users:
            in_sql = set(session.scalars(select(Instance.id).where(visible_clause(user))))
            in_python = {c.id for c in cases if can_see(session, user, c)}
            assert in_sql == in_python, user.username


def test_the_filing_office_sees_the_deadline_of_a_filing_addressed_to_it(client: TestClient, people: People) -> None:
    decided_major(client, people)
    listed = ok(client.get("/api/cases?workflow=major_penalty_filing", headers=auth(people.filing_officer)))
    [filing] = listed["data"]
    on_page = ok(client.get(f"/api/cases/{filing['id']}", headers=auth(people.filing_officer)))["deadlines"]
    in_list = ok(client.get("/api/deadlines", headers=auth(people.filing_officer)))["data"]
    assert on_page and {d["id"] for d in on_page} <= {d["id"] for d in in_list}
    assert {d["case_id"] for d in in_list} == {filing["id"]}  # and nothing of the agency's own cases
    other = ok(client.get("/api/deadlines", headers=auth(people.outsider)))
    assert other["count"] == 0
    everything = ok(client.get("/api/deadlines", headers=auth(people.supervisor)))
    assert everything["count"] >= len(in_list) + 1


def test_a_city_supervisor_sees_its_own_city_and_not_another(client: TestClient, rt: Runtime, people: People) -> None:
    zhengzhou = decided_major(client, people)  # 郑州: the case, its review, filing and disclosure
    theirs = ok(
        client.post(
            "/api/cases",
            json={"workflow": "major_decision_review", "title": "开封某案", "party": "某公司"},
            headers=auth(people.outsider),
        ),
        201,
    )
    move(client, people.outsider, theirs, "submit", {"summary": "s", "proposed_decision": "p", "materials": ["m"]})
    with rt.sessions() as session:
        city = session.scalars(select(Agency).where(Agency.name == "郑州市司法局")).one().id
    city_supervisor = add_person(rt, "qiu", city, ("supervisor",), name="邱监督")
    seen = {c["id"] for c in ok(client.get("/api/cases?page_size=100", headers=auth(city_supervisor)))["data"]}
    assert zhengzhou["id"] in seen and theirs["id"] not in seen
    assert ok(client.get(f"/api/cases/{zhengzhou['id']}", headers=auth(city_supervisor)))["id"] == zhengzhou["id"]
    assert client.get(f"/api/cases/{theirs['id']}", headers=auth(city_supervisor)).status_code == 404
    everything = {c["id"] for c in ok(client.get("/api/cases?page_size=100", headers=auth(people.supervisor)))["data"]}
    assert {zhengzhou["id"], theirs["id"]} <= everything  # the province sees both cities
    deadlines = ok(client.get("/api/deadlines?page_size=100", headers=auth(city_supervisor)))["data"]
    assert deadlines and all(d["case_id"] != theirs["id"] for d in deadlines)
