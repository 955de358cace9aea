"""持证上岗: a certificate 暂扣, 注销 or past its date stops its holder, and the refusal says which."""

from __future__ import annotations

from datetime import date

from review_workflow.core import certificates as rules
from review_workflow.core.guards import (
    Actor,
    CaseFacts,
    GuardContext,
    handler_certificate_valid,
    officers_certified,
)

TODAY = date(2026, 3, 2)
CASE = CaseFacts(1, 10, 1, "registering")


def officer(status: str | None = "valid", until: date = date(2028, 12, 31), name: str = "张伟", i: int = 1) -> Actor:
    return Actor(i, name, 10, frozenset({"handler"}), f"豫执00{i}", date(2024, 1, 1), until, certificate_status=status)


def refusal(actor: Actor) -> str:
    return handler_certificate_valid(GuardContext(actor, CASE, {}, TODAY)) or ""


def test_a_valid_certificate_lets_the_officer_act() -> None:
    assert refusal(officer()) == ""
    assert refusal(officer(status=None)) == ""  # recorded before statuses were kept: 有效


def test_a_suspended_certificate_is_refused_as_suspended() -> None:
    assert refusal(officer("suspended")) == "张伟的行政执法证（豫执001）已暂扣，暂扣期间不得从事行政执法活动"


def test_a_cancelled_certificate_is_refused_as_cancelled() -> None:
    assert "已注销" in refusal(officer("cancelled"))


def test_an_expired_certificate_is_refused_naming_its_expiry() -> None:
    assert refusal(officer(until=date(2026, 3, 1))) == (
        "张伟的行政执法证（豫执001）已过期（有效期至 2026-03-01），不得从事行政执法活动"
    )
    assert refusal(officer(until=TODAY)) == ""  # valid through its last day


def test_officers_certified_names_each_officer_and_reason() -> None:
    people = {1: officer("suspended"), 2: officer("cancelled", name="刘洋", i=2)}
    ctx = GuardContext(
        officer(), CaseFacts(1, 10, 1, "registering"), {"officers": [1, 2]}, TODAY, event="notify",
        load_people=lambda ids: {i: people[i] for i in ids},
    )
    reason = officers_certified(ctx, "notify.officers") or ""
    assert "张伟的行政执法证（豫执001）已暂扣" in reason and "刘洋的行政执法证（豫执002）已注销" in reason


def test_logistics_contract_and_temporary_staff_may_not_hold_one() -> None:
    assert {rules.STAFF_TYPES[t] for t in rules.INELIGIBLE} == {"工勤人员", "劳动合同工", "临时工"}
    assert "不得领取《河南省行政执法证》" in (rules.ineligible_reason("赵六", "temporary") or "")
    assert rules.ineligible_reason("赵六", "civil_servant") is None


def test_standing_reads_status_then_date() -> None:
    assert rules.standing(None, None, None, TODAY) == "none"
    assert rules.standing("豫执1", "valid", date(2026, 3, 1), TODAY) == "expired"
    assert rules.standing("豫执1", "suspended", date(2026, 3, 1), TODAY) == "suspended"
    assert rules.standing("豫执1", None, date(2027, 1, 1), TODAY) == "valid"
