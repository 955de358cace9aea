from __future__ import annotations

from datetime import date

from review_workflow.core.guards import (
    Actor,
    CaseFacts,
    GuardContext,
    handler_certificate_valid,
    reviewer_legally_qualified,
    reviewer_not_handler,
)

CASE = CaseFacts(1, 10, 1, "drafting")


def on(day: date, actor: Actor) -> GuardContext:
    return GuardContext(actor, CASE, {}, day)


def test_certificate_is_valid_only_within_its_dates() -> None:
    a = Actor(1, "张伟", 10, frozenset({"handler"}), "豫执001", date(2024, 1, 1), date(2026, 6, 30))
    assert handler_certificate_valid(on(date(2026, 6, 30), a)) is None
    assert "已过期" in (handler_certificate_valid(on(date(2026, 7, 1), a)) or "")
    assert "尚未生效" in (handler_certificate_valid(on(date(2023, 12, 31), a)) or "")


def test_no_certificate_means_no_case_work() -> None:
    a = Actor(1, "张伟", 10, frozenset({"handler"}))
    assert "未持有行政执法证" in (handler_certificate_valid(on(date(2026, 1, 1), a)) or "")


def test_reviewer_needs_legal_qualification_and_must_not_be_the_handler() -> None:
    qualified = Actor(2, "王芳", 10, frozenset({"reviewer"}), legal_qualification="A1")
    assert reviewer_legally_qualified(on(date(2026, 1, 1), qualified)) is None
    assert reviewer_legally_qualified(on(date(2026, 1, 1), Actor(3, "周敏", 10, frozenset({"reviewer"})))) is not None
    assert reviewer_not_handler(on(date(2026, 1, 1), qualified)) is None
    assert reviewer_not_handler(GuardContext(qualified, CaseFacts(1, 10, 2, "under_review"), {}, date(2026, 1, 1)))
