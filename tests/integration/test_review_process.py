"""The major-decision legal review process through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import threading

import pytest
from docx import Document as Docx
from sqlalchemy import select, update
from sqlalchemy.orm import undefer

from review_workflow.core.errors import (
    GuardRejected,
    InvalidPayload,
    NotFound,
    NotPermitted,
    StaleVersion,
    TransitionNotAllowed,
)
from review_workflow.runtime import Runtime
from review_workflow.services import admin, queries
from review_workflow.services.cases import fire, start_case
from review_workflow.storage.models import AuditEvent, Document
from tests.conftest import DECIDE, RETURN, SUBMISSION, People

WF = "major_decision_review"


def new_case(rt: Runtime, people: People, title: str = "某公司销售过期食品案"):  # type: ignore[no-untyped-def]
    return start_case(rt, people.handler.id, WF, title, "郑州某食品有限公司")


def submitted(rt: Runtime, people: People):  # type: ignore[no-untyped-def]
    c = new_case(rt, people)
    return fire(rt, c.id, "submit", people.handler.id, SUBMISSION, c.version)


def docs_of(rt: Runtime, case_id: int) -> list[Document]:
    with rt.sessions() as s:
        query = select(Document).options(undefer(Document.content)).where(Document.instance_id == case_id)
        return list(s.scalars(query.order_by(Document.id)))


def test_a_new_case_starts_in_drafting_and_records_the_definition_hash(rt: Runtime, people: People) -> None:
    c = new_case(rt, people)
    assert (c.state, c.version) == ("drafting", 1)
    assert c.definition_hash == rt.workflow(WF).definition.content_hash
    assert len(c.definition_hash) == 64


def test_short_path_submit_then_approve_leaves_form_and_opinion(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    assert (c.state, c.version) == ("under_review", 2)
    c = fire(rt, c.id, "approve", people.reviewer.id, {"opinion": "同意"}, c.version)
    assert c.state == "approved" and c.final
    kinds = [d.kind for d in docs_of(rt, c.id)]
    assert kinds == ["review_submission_form", "review_opinion"]


def test_whole_path_through_collective_discussion(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    c = fire(rt, c.id, "return", people.reviewer.id, RETURN, c.version)
    assert c.state == "returned"
    c = fire(rt, c.id, "resubmit", people.handler.id, {"response": "已补充检验报告"}, c.version)
    c = fire(rt, c.id, "return", people.reviewer.id, RETURN, c.version)
    c = fire(rt, c.id, "object", people.handler.id, {"reason": "裁量适当，不同意审核意见"}, c.version)
    assert c.state == "consulting"
    c = fire(rt, c.id, "escalate", people.legal_head.id, {"reason": "协商未达成一致"}, c.version)
    assert c.state == "collective_discussion"
    c = fire(rt, c.id, "decide", people.agency_head.id, DECIDE, c.version)
    assert (c.state, c.final) == ("decided", True)
    detail = queries.get_case(rt, people.handler.id, c.id)
    assert [h.event for h in detail.history] == [
        "start", "submit", "return", "resubmit", "return", "object", "escalate", "decide",
    ]
    assert [d.kind for d in docs_of(rt, c.id)] == [
        "review_submission_form", "review_opinion", "review_submission_form", "review_opinion",
        "collective_discussion_record",
    ]


def test_consultation_can_settle_back_to_returned_and_approve_from_consulting(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    c = fire(rt, c.id, "return", people.reviewer.id, RETURN, c.version)
    c = fire(rt, c.id, "object", people.handler.id, {"reason": "有异议"}, c.version)
    c = fire(rt, c.id, "settle", people.legal_head.id, {"note": "协商一致，按审核意见修改"}, c.version)
    assert c.state == "returned"
    c = fire(rt, c.id, "object", people.handler.id, {"reason": "仍有异议"}, c.version)
    c = fire(rt, c.id, "approve", people.reviewer.id, {"opinion": "经协商，同意"}, c.version)
    assert c.state == "approved"


def test_handler_may_escalate_own_case_and_withdraw_from_any_open_state(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    c = fire(rt, c.id, "return", people.reviewer.id, RETURN, c.version)
    c = fire(rt, c.id, "object", people.handler.id, {"reason": "有异议"}, c.version)
    c = fire(rt, c.id, "escalate", people.handler.id, {"reason": "提请集体讨论"}, c.version)
    c = fire(rt, c.id, "withdraw", people.handler.id, {"reason": "当事人已改正，撤回"}, c.version)
    assert (c.state, c.final) == ("withdrawn", True)


def test_no_event_moves_a_final_case(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    c = fire(rt, c.id, "approve", people.reviewer.id, {"opinion": "同意"}, c.version)
    with pytest.raises(TransitionNotAllowed):
        fire(rt, c.id, "withdraw", people.handler.id, {"reason": "x"}, c.version)


def test_event_from_the_wrong_state_is_refused(rt: Runtime, people: People) -> None:
    c = new_case(rt, people)
    with pytest.raises(TransitionNotAllowed):
        fire(rt, c.id, "approve", people.reviewer.id, {"opinion": "同意"}, c.version)
    with pytest.raises(TransitionNotAllowed):
        fire(rt, c.id, "no_such_event", people.handler.id, {}, c.version)


def test_reviewer_cannot_submit_and_handler_cannot_approve(rt: Runtime, people: People) -> None:
    c = new_case(rt, people)
    with pytest.raises(NotPermitted):
        fire(rt, c.id, "submit", people.reviewer.id, SUBMISSION, c.version)
    c = fire(rt, c.id, "submit", people.handler.id, SUBMISSION, c.version)
    with pytest.raises(NotPermitted):
        fire(rt, c.id, "approve", people.handler.id, {"opinion": "同意"}, c.version)


def test_only_the_cases_own_handler_acts_as_handler(rt: Runtime, people: People) -> None:
    c = new_case(rt, people)
    with pytest.raises(NotPermitted, match="承办人"):
        fire(rt, c.id, "submit", people.handler2.id, SUBMISSION, c.version)


def test_handler_with_expired_certificate_may_not_start_or_move_a_case(rt: Runtime, people: People) -> None:
    with pytest.raises(GuardRejected, match="执法证"):
        start_case(rt, people.expired_handler.id, WF, "某案", "某公司")


def test_reviewer_without_legal_qualification_is_refused(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    with pytest.raises(GuardRejected, match="法律职业资格"):
        fire(rt, c.id, "approve", people.unqualified_reviewer.id, {"opinion": "同意"}, c.version)


def test_reviewer_cannot_review_own_case(rt: Runtime, people: People) -> None:
    from tests.conftest import VALID_CERT, add_person

    both = add_person(
        rt, "dual", people.agency_id, ("handler", "reviewer"), name="双岗", certificate_no="豫执009",
        legal_qualification="A2019", **VALID_CERT,
    )
    c = start_case(rt, both.id, WF, "某案", "某公司")
    c = fire(rt, c.id, "submit", both.id, SUBMISSION, c.version)
    with pytest.raises(GuardRejected, match="不得审核本人"):
        fire(rt, c.id, "approve", both.id, {"opinion": "同意"}, c.version)
    detail = queries.get_case(rt, both.id, c.id)
    assert "approve" not in [e.event for e in detail.available_events]


def test_invalid_payload_is_refused_with_the_fields_named(rt: Runtime, people: People) -> None:
    c = new_case(rt, people)
    with pytest.raises(InvalidPayload) as err:
        fire(rt, c.id, "submit", people.handler.id, {"summary": "", "materials": "not a list"}, c.version)
    fields = {d["field"] for d in err.value.details}
    assert {"summary", "proposed_decision", "materials"} <= fields
    c2 = submitted(rt, people)
    bad_return = {**RETURN, "needs_supplement": "yes", "findings": [{"item": "程序是否合法"}]}
    with pytest.raises(InvalidPayload) as err:
        fire(rt, c2.id, "return", people.reviewer.id, bad_return, c2.version)
    assert {"needs_supplement", "findings.0.problem"} <= {d["field"] for d in err.value.details}
    with pytest.raises(InvalidPayload):
        fire(rt, c2.id, "return", people.reviewer.id, {**RETURN, "conclusion": 1, "findings": []}, c2.version)


def test_decide_accepts_only_agree_or_disagree(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    c = fire(rt, c.id, "return", people.reviewer.id, RETURN, c.version)
    c = fire(rt, c.id, "object", people.handler.id, {"reason": "异议"}, c.version)
    c = fire(rt, c.id, "escalate", people.handler.id, {"reason": "提请"}, c.version)
    with pytest.raises(InvalidPayload, match="讨论结论"):
        fire(rt, c.id, "decide", people.agency_head.id, {**DECIDE, "conclusion": "弃权"}, c.version)
    c = fire(rt, c.id, "decide", people.agency_head.id, {**DECIDE, "conclusion": "不同意"}, c.version)
    assert c.events["decide"]["conclusion"] == "不同意"


def test_a_refused_event_changes_nothing(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    with pytest.raises(GuardRejected):
        fire(rt, c.id, "approve", people.unqualified_reviewer.id, {"opinion": "同意"}, c.version)
    detail = queries.get_case(rt, people.handler.id, c.id)
    assert (detail.state, detail.version, len(detail.history), len(detail.documents)) == ("under_review", 2, 2, 1)


def test_stale_version_is_refused(rt: Runtime, people: People) -> None:
    c = new_case(rt, people)
    with pytest.raises(StaleVersion):
        fire(rt, c.id, "submit", people.handler.id, SUBMISSION, c.version + 1)


def test_two_concurrent_submits_with_the_same_version_one_wins(rt: Runtime, people: People) -> None:
    c = new_case(rt, people)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def submit() -> None:
        barrier.wait()
        try:
            fire(rt, c.id, "submit", people.handler.id, SUBMISSION, c.version)
            results.append("ok")
        except StaleVersion:
            results.append("stale")

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "stale"]
    with rt.sessions() as s:
        submits = s.scalars(select(AuditEvent).where(AuditEvent.instance_id == c.id, AuditEvent.event == "submit"))
        assert len(list(submits)) == 1
    assert len(docs_of(rt, c.id)) == 1


def test_document_numbers_have_no_gaps_or_duplicates_under_concurrency(rt: Runtime, people: People) -> None:
    cases = [submitted(rt, people) for _ in range(6)]  # the submission form is an unnumbered internal form
    barrier = threading.Barrier(len(cases))
    errors: list[Exception] = []

    def approve(case) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            fire(rt, case.id, "approve", people.reviewer.id, {"opinion": "同意。"}, case.version)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(c,)) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with rt.sessions() as s:
        opinions = list(s.scalars(select(Document).where(Document.kind == "review_opinion")))
        forms = list(s.scalars(select(Document).where(Document.kind == "review_submission_form")))
    assert sorted(d.serial or 0 for d in opinions) == list(range(1, 7))
    assert sorted(d.number or "" for d in opinions) == sorted(f"郑市监法审〔2026〕{n}号" for n in range(1, 7))
    assert len(forms) == 6 and {(d.number, d.serial) for d in forms} == {(None, None)}


def test_document_numbers_count_per_agency(rt: Runtime, people: People) -> None:
    mine = submitted(rt, people)
    fire(rt, mine.id, "approve", people.reviewer.id, {"opinion": "同意。"}, mine.version)
    c = start_case(rt, people.outsider.id, WF, "外局案件", "某公司")
    fire(rt, c.id, "submit", people.outsider.id, SUBMISSION, c.version)
    assert [d.number for d in docs_of(rt, c.id)] == [None]
    assert [d.number for d in docs_of(rt, mine.id)] == [None, "郑市监法审〔2026〕1号"]


def test_documents_are_real_docx_with_escaped_user_text(rt: Runtime, people: People) -> None:
    c = start_case(rt, people.handler.id, WF, "销售<假冒>商品 & 虚假宣传案", "A&B <公司>")
    c = fire(rt, c.id, "submit", people.handler.id, {**SUBMISSION, "summary": "价格 < 成本 & 数量 > 100"}, c.version)
    c = fire(rt, c.id, "return", people.reviewer.id, RETURN, c.version)
    form, opinion = docs_of(rt, c.id)
    form_text = "\n".join(p.text for p in _all_paragraphs(form.content))
    assert "A&B <公司>" in form_text and "价格 < 成本 & 数量 > 100" in form_text
    opinion_text = "\n".join(p.text for p in _all_paragraphs(opinion.content))
    assert "存在问题" in opinion_text and "缺少检验报告" in opinion_text and "王芳" in opinion_text
    assert opinion.number and opinion.number in opinion_text


def _all_paragraphs(content: bytes):  # type: ignore[no-untyped-def]
    doc = Docx(io.BytesIO(content))
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def test_users_see_only_their_agencys_cases_and_supervisors_see_all(rt: Runtime, people: People) -> None:
    mine = new_case(rt, people)
    theirs = start_case(rt, people.outsider.id, WF, "外局案件", "某公司")
    with pytest.raises(NotFound):
        queries.get_case(rt, people.outsider.id, mine.id)
    assert {c.id for c in queries.list_cases(rt, people.handler.id).data} == {mine.id}
    assert {c.id for c in queries.list_cases(rt, people.supervisor.id).data} == {mine.id, theirs.id}
    with pytest.raises(NotFound):
        fire(rt, mine.id, "submit", people.outsider.id, SUBMISSION, mine.version)


def test_list_cases_filters_and_paginates(rt: Runtime, people: People) -> None:
    for i in range(5):
        new_case(rt, people, f"案件{i}")
    submitted(rt, people)
    page = queries.list_cases(rt, people.handler.id, page=2, page_size=2)
    assert (page.count, len(page.data), page.page) == (6, 2, 2)
    assert queries.list_cases(rt, people.handler.id, state="under_review").count == 1
    assert queries.list_cases(rt, people.handler.id, q="案件3").count == 1


def test_tasks_show_what_each_user_can_do_now(rt: Runtime, people: People) -> None:
    drafting = new_case(rt, people)
    review = submitted(rt, people)
    handler_tasks = {t.case.id: {e.event for e in t.events} for t in queries.list_tasks(rt, people.handler.id).data}
    assert handler_tasks[drafting.id] == {"submit", "withdraw"}
    assert handler_tasks[review.id] == {"withdraw"}
    reviewer_tasks = {t.case.id: {e.event for e in t.events} for t in queries.list_tasks(rt, people.reviewer.id).data}
    assert reviewer_tasks == {review.id: {"approve", "return"}}
    assert queries.list_tasks(rt, people.unqualified_reviewer.id).data == []


def test_audit_chain_verifies_and_breaks_when_a_row_is_edited(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    fire(rt, c.id, "approve", people.reviewer.id, {"opinion": "同意"}, c.version)
    report = admin.verify_audit(rt)
    assert report.intact and report.events == 3
    with rt.sessions() as s:
        target = s.scalars(select(AuditEvent).where(AuditEvent.event == "submit")).one()
        s.execute(update(AuditEvent).where(AuditEvent.id == target.id).values(payload={"summary": "改过的"}))
        s.commit()
    report = admin.verify_audit(rt)
    assert not report.intact
    assert report.breaks[0].event_id == target.id


def test_audit_chain_breaks_when_the_last_event_is_deleted(rt: Runtime, people: People) -> None:
    c = submitted(rt, people)
    with rt.sessions() as s:
        s.execute(Document.__table__.delete())
        last = s.scalars(select(AuditEvent).where(AuditEvent.instance_id == c.id, AuditEvent.seq == 2)).one()
        s.delete(last)
        s.commit()
    assert not admin.verify_audit(rt).intact
