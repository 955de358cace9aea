"""Who may see what is one rule: the case page, the case list and the deadline list agree, for every
kind of user — an agency's own staff, the 司法局 a filing is addressed to, another agency, a supervisor."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from review_workflow.runtime import Runtime
from review_workflow.services.scope import can_see, visible_clause
from review_workflow.storage.models import Instance, User
from tests.api.conftest import auth, ok
from tests.api.test_penalty_api import decided_major
from tests.conftest import People


def test_can_see_and_the_sql_clause_agree_for_every_user_and_case(client: TestClient, rt: Runtime, people: People) -> None:
    decided_major(client, people)  # a penalty case with its review, filing (to the 司法局) and disclosure
    with rt.sessions() as session:
        cases = session.scalars(select(Instance)).unique().all()
        users = session.scalars(select(User)).unique().all()
        assert {c.counterpart_agency_id for c in cases} > {None}
        for user in users:
            clause = visible_clause(user)
            query = select(Instance.id) if clause is None else select(Instance.id).where(clause)
            in_sql = set(session.scalars(query))
            in_python = {c.id for c in cases if can_see(user, c)}
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
