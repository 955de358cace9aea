"""Per-agency rules as data: an agency's own 较大数额 for hearings, filing thresholds and review catalogue,
set by an administrator as versioned values, read by the guards, and recorded on the decisions they ruled."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import assert_error, auth, detail, fire, ok
from tests.api.penalty import PERSON, PERSON_FIELDS, decided_minor, notified, proposed
from tests.conftest import People

DECIDE = {"decision_date": "2026-01-13"}


def url(people: People, *parts: str) -> str:
    return "/".join([f"/api/admin/agencies/{people.agency_id}/rules", *parts])


def set_rule(client: TestClient, people: People, rule: str, params: dict[str, Any], note: str = "本机关规定") -> Any:
    return client.put(url(people, "penalty_case", rule), json={"params": params, "note": note}, headers=auth(people.admin))


def kinds(client: TestClient, people: People, case: dict[str, Any]) -> list[str]:
    return [d["kind"] for d in detail(client, people.handler, case["id"])["documents"]]


def test_an_agency_sees_each_rule_with_its_defaults_and_its_source(client: TestClient, people: People) -> None:
    listed = {r["rule"]: r for r in ok(client.get(url(people), headers=auth(people.legal_head)))}
    hearing = listed["hearing_amounts"]
    assert hearing["version"] == 0 and hearing["params"]["individual_fine"] == 5000
    assert "204号" in hearing["source"] and listed["major_penalty"]["params"]["organization_fine"] == 100000
    assert_error(client.get(url(people), headers=auth(people.handler)), 403, "not_permitted")


def test_a_lower_hearing_amount_gives_the_right_to_a_hearing_from_then_on(client: TestClient, people: People) -> None:
    before = notified(client, people, 3000, party=PERSON, fields=PERSON_FIELDS)
    assert "hearing_notice" not in kinds(client, people, before)
    changed = ok(set_rule(client, people, "hearing_amounts", {"individual_fine": 2000}, "依据部门规章，较大数额为2000元"))
    assert (changed["version"], changed["params"]["individual_fine"]) == (1, 2000)
    assert changed["params"]["organization_fine"] == 50000  # the rest stays as it was
    after = notified(client, people, 3000, party=PERSON, fields=PERSON_FIELDS)
    assert "hearing_notice" in kinds(client, people, after)
    assert detail(client, people.handler, after["id"])["events"]["notify"]["rules"] == {"hearing_amounts": 1}
    assert "rules" not in detail(client, people.handler, before["id"])["events"]["register"]


def test_an_agencys_catalogue_can_require_review_below_the_provincial_threshold(client: TestClient, people: People) -> None:
    ok(set_rule(client, people, "review_catalogue", {"individual_fine": 3000}, "本局目录清单第3项"))
    case = proposed(client, people, notified(client, people, 3000, party=PERSON, fields=PERSON_FIELDS), 3000)
    body = assert_error(fire(client, people.agency_head, case, "decide_penalty", DECIDE), 403, "guard_rejected")
    assert "法制审核" in body["message"]


def test_a_decision_records_the_rule_versions_it_was_taken_under(client: TestClient, people: People) -> None:
    ok(set_rule(client, people, "major_penalty", {"individual_fine": 20000}, "地方性规定调整"))
    case = decided_minor(client, people, 15000)  # not major at 20,000: no review, no filing
    rules = detail(client, people.handler, case["id"])["events"]["decide_penalty"]["rules"]
    assert rules["major_penalty"] == 1 and rules["review_catalogue"] == 0
    assert [c["workflow"] for c in detail(client, people.handler, case["id"])["children"]] == ["enforcement_disclosure"]


def test_rule_values_are_checked_and_only_an_administrator_sets_them(client: TestClient, people: People) -> None:
    for params, reason in (
        ({"individual_fine": "五千"}, "取值不符合要求"),
        ({"individual_fine": -1}, "取值不符合要求"),
        ({"types": ["吊销许可证件", 3]}, "取值不符合要求"),
        ({"colour": 1}, "没有这些项"),
    ):
        assert reason in assert_error(set_rule(client, people, "hearing_amounts", params), 422, "invalid_input")["message"]
    assert "依据" in assert_error(set_rule(client, people, "hearing_amounts", {"individual_fine": 1}, " "), 422, "invalid_input")["message"]
    r = client.put(url(people, "penalty_case", "hearing_amounts"), json={"params": {"individual_fine": 1}, "note": "x"}, headers=auth(people.legal_head))
    assert_error(r, 403, "not_permitted")
    assert_error(set_rule(client, people, "no_such_rule", {}), 404, "not_found")
    r = client.put(url(people, "no_such_workflow", "x"), json={"params": {}, "note": "x"}, headers=auth(people.admin))
    assert_error(r, 404, "not_found")
    assert ok(client.get(url(people), headers=auth(people.admin)))[0]["history"] == []
