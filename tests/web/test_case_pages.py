"""The case page and its forms: what it shows, what a form sends, errors beside fields, stale forms."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date

import pytest
from docx import Document as Docx

from review_workflow.runtime import Runtime
from review_workflow.schemas import CaseDetail, CaseLink, CasePublic
from review_workflow.services import queries
from review_workflow.services.cases import fire, start_case
from review_workflow.web import case_view
from tests.conftest import RETURN, People
from tests.web.conftest import WORKFLOW, Visitor, submitted_case, text_of, version_of

CHECKLIST_ITEMS = ("执法主体是否合法", "程序是否合法", "违法行为是否涉嫌犯罪、需要移送司法机关")


def test_the_case_page_shows_the_case_its_diagram_timeline_documents_and_deadline_counting(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = submitted_case(rt, people)
    page = visitor(people.reviewer).get(f"/cases/{case.id}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "某公司销售过期食品案" in text and "某食品有限公司" in text and "法制审核中" in text
    # the diagram, with the current state highlighted, and the same without script
    assert "stateDiagram-v2" in page.text and "class under_review current" in page.text
    assert re.search(r'<li class="current"[^>]*aria-current="step">法制审核中</li>', page.text)
    assert "/static/vendor/mermaid/mermaid.min.js" in page.text
    # the timeline: who, when, what they sent, and the document it produced
    assert "立案" in text and "送审" in text and "张伟" in text and "2026-03-02 09:30" in text
    assert "拟罚款 20 万元，没收违法所得。" in text and "调查终结报告" in text
    [doc] = queries.get_case(rt, people.reviewer.id, case.id).documents
    assert f'href="/cases/{case.id}/documents/{doc.id}"' in page.text and "法制审核送审表" in text
    # the review period: 10 working days from 2026-03-02, with each counted day
    assert "法制审核期限" in text and "2026-03-16（周一）" in text
    assert "起算日 2026-03-02" in text and "第10个工作日" in text and "跳过" in text
    # the reviewer's forms: approve and return
    assert 'data-event="approve"' in page.text and 'data-event="return"' in page.text


def test_the_return_form_lists_the_legal_review_checklist(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = submitted_case(rt, people)
    page = visitor(people.reviewer).get(f"/cases/{case.id}").text
    form = page[page.index('data-event="return"') :]
    form = form[: form.index("</form>")]
    for item in CHECKLIST_ITEMS:
        assert item in form
    assert (
        form.count('name="f-findings-')
        and 'name="f-findings-0-ticked"' in form
        and 'name="f-findings-7-ticked"' in form
    )
    # only the workflow's eight items: no free row the service would refuse
    assert 'name="f-findings-8-' not in form and "其他问题" not in form


def test_ticked_checklist_items_become_the_findings_of_the_return(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = submitted_case(rt, people)
    v = visitor(people.reviewer)
    r = v.fire(
        case.id,
        "return",
        {
            "opinion": "证据不足，请补充。",
            "needs_supplement": "on",
            "findings-0-item": "执法主体是否合法",
            "findings-2-item": "程序是否合法",
            "findings-2-ticked": "on",
            "findings-2-problem": "未告知听证权利",
            "findings-3-item": "事实是否清楚、证据是否合法充分",
            "findings-3-ticked": "on",
            "findings-3-problem": "缺少检验报告",
            "findings-3-suggestion": "补充检验报告",
        },
    )
    assert r.status_code == 200 and r.url.path == f"/cases/{case.id}"
    assert "已退回" in text_of(r.text)
    detail = queries.get_case(rt, people.reviewer.id, case.id)
    assert detail.state == "returned"
    assert detail.history[-1].payload["findings"] == [
        {"item": "程序是否合法", "problem": "未告知听证权利"},
        {"item": "事实是否清楚、证据是否合法充分", "problem": "缺少检验报告", "suggestion": "补充检验报告"},
    ]
    assert detail.history[-1].payload["needs_supplement"] is True


def test_a_ticked_item_without_its_problem_is_refused_with_the_error_beside_it(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = submitted_case(rt, people)
    r = visitor(people.reviewer).fire(
        case.id,
        "return",
        {
            "opinion": "见下。",
            "findings-5-item": "是否超越法定权限",
            "findings-5-ticked": "on",
        },
    )
    assert r.status_code == 422
    error = re.search(r'id="f-findings-5-problem-error"[^>]*>([^<]+)<', r.text)
    assert error and "存在的问题" in error.group(1)
    assert 'name="f-opinion"' in r.text and "见下。" in r.text  # what was written is kept
    assert queries.get_case(rt, people.reviewer.id, case.id).state == "under_review"


def test_missing_fields_are_named_beside_them_in_chinese(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = start_case(rt, people.handler.id, WORKFLOW, "某案", "某公司")
    r = visitor(people.handler).fire(case.id, "submit", {"summary": "事实清楚。", "proposed_decision": ""})
    assert r.status_code == 422
    assert "未执行" in text_of(r.text)
    for name, words in (("f-proposed_decision", "拟作出的决定"), ("f-materials", "送审材料")):
        error = re.search(rf'id="{name}-error"[^>]*>([^<]+)<', r.text)
        assert error and words in error.group(1), name
    assert re.search(r'<textarea id="f-summary"[^>]*>事实清楚。</textarea>', r.text)
    assert queries.get_case(rt, people.handler.id, case.id).state == "drafting"


def test_a_stale_form_shows_a_clear_message_and_the_fresh_page(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = submitted_case(rt, people)
    v = visitor(people.reviewer)
    old_version = version_of(v.get(f"/cases/{case.id}").text)
    fire(
        rt, case.id, "approve", people.legal_head.id, {"opinion": "同意。"}, case.version
    )  # someone else first
    r = v.fire(case.id, "return", {**_return_fields(), "opinion": "我的意见"}, version=old_version)
    assert r.status_code == 409 and "text/html" in r.headers["content-type"]
    message = re.search(r'data-testid="case-message">([^<]+)<', r.text)
    assert message and "已被他人更新" in message.group(1) and "“退回”未执行" in message.group(1)
    assert "审核通过" in text_of(r.text)  # the fresh state, not the one the form was made on
    assert 'data-event="return"' not in r.text  # nothing left to do on an approved case


def test_a_form_for_an_event_no_longer_possible_says_why(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = submitted_case(rt, people)
    r = visitor(people.handler).fire(
        case.id,
        "submit",
        {"summary": "x", "proposed_decision": "y", "materials": "z"},
        version=str(case.version),
    )
    assert r.status_code == 409
    assert "不能执行“送审”" in text_of(r.text)


def test_a_guard_that_says_no_is_a_message_on_the_page(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = submitted_case(rt, people)
    v = visitor(people.unqualified_reviewer)
    page = v.get(f"/cases/{case.id}").text
    assert 'data-event="approve"' not in page  # not offered to someone without the qualification
    r = v.client.post(
        f"/cases/{case.id}/events/approve",
        data={
            "version": str(case.version),
            "f-opinion": "同意",
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
        },  # type: ignore[union-attr]
    )
    assert r.status_code == 403 and "法律职业资格" in text_of(r.text)
    assert queries.get_case(rt, people.reviewer.id, case.id).state == "under_review"


def test_another_agency_s_case_is_not_found(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = submitted_case(rt, people)
    r = visitor(people.outsider).get(f"/cases/{case.id}")
    assert r.status_code == 404 and "不存在或无权查看" in text_of(r.text)
    assert visitor(people.outsider).get(f"/cases/{case.id}/documents/1").status_code == 404
    for path in (
        "/cases/99999999999999999999",
        f"/cases/{case.id}/documents/99999999999999999999",
        "/cases/0",
    ):
        r = visitor(people.outsider).get(path)
        assert r.status_code == 404 and "地址中的编号有误" in text_of(r.text), path


def test_the_opinion_downloads_as_a_word_document(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = submitted_case(rt, people)
    fire(rt, case.id, "approve", people.reviewer.id, {"opinion": "事实清楚，证据确凿，同意。"}, case.version)
    v = visitor(people.handler)
    page = v.get(f"/cases/{case.id}").text
    link = re.search(r'href="(/cases/\d+/documents/\d+)"[^>]*data-kind="review_opinion"', page)
    assert link
    r = v.get(link.group(1))
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    doc = Docx(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        cell.text for table in doc.tables for row in table.rows for cell in row.cells
    )
    assert "事实清楚，证据确凿，同意。" in text


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_hostile_user_text_is_shown_escaped_everywhere(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    case = submitted_case(rt, people, title=HOSTILE, party=HOSTILE, summary=HOSTILE)
    fire(rt, case.id, "return", people.reviewer.id, {**RETURN, "opinion": HOSTILE}, case.version)
    v = visitor(people.handler)
    for path in (f"/cases/{case.id}", "/inbox", "/cases", f"/cases?q={HOSTILE}"):
        html = v.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert(" in html, path


def test_a_new_case_starts_from_the_form(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    v = visitor(people.handler)
    page = v.get(f"/cases/new?workflow={WORKFLOW}")
    assert page.status_code == 200 and 'data-testid="new-case"' in page.text
    assert f'<input type="hidden" name="workflow" value="{WORKFLOW}">' in page.text
    r = v.post(
        "/cases/new",
        {"workflow": WORKFLOW, "title": "某公司无证经营案", "party": "某公司"},
        page="/cases/new",
    )
    assert r.status_code == 200 and re.fullmatch(r"/cases/\d+", r.url.path)
    assert "已发起案件“某公司无证经营案”" in r.text and "拟稿" in text_of(r.text)


def test_the_new_case_page_offers_every_workflow_the_user_may_start_with_its_own_fields(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    v = visitor(people.handler)
    startable = [w for w in rt.workflows.values() if "handler" in w.definition.start_roles]
    page = v.get("/cases/new").text
    for wf in startable:
        assert f'href="/cases/new?workflow={wf.definition.name}"' in page
    with_fields = next((w.definition for w in startable if w.definition.case_fields), None)
    if with_fields is None:
        pytest.skip("no workflow declares case fields")
    form = v.get(f"/cases/new?workflow={with_fields.name}").text
    for name, spec in with_fields.case_fields.items():
        assert f'name="f-{name}"' in form and spec.title in form


def test_a_new_case_without_a_title_says_so_and_keeps_what_was_typed(
    visitor: Callable[..., Visitor], people: People
) -> None:
    v = visitor(people.handler)
    r = v.post("/cases/new", {"workflow": WORKFLOW, "title": " ", "party": "某公司"}, page="/cases/new")
    assert r.status_code == 422 and "案由（title）不能为空" in r.text and 'value="某公司"' in r.text


def test_only_people_who_may_start_see_the_new_case_form(
    visitor: Callable[..., Visitor], people: People
) -> None:
    v = visitor(people.reviewer)
    assert 'href="/cases/new"' not in v.get("/inbox").text
    r = v.get("/cases/new")
    assert r.status_code == 403 and "不能发起任何流程" in text_of(r.text)
    r = v.post("/cases/new", {"workflow": WORKFLOW, "title": "x", "party": "y"})
    assert r.status_code == 403


def test_an_expired_certificate_is_a_message_not_an_error_page(
    visitor: Callable[..., Visitor], people: People
) -> None:
    r = visitor(people.expired_handler).post(
        "/cases/new", {"workflow": WORKFLOW, "title": "x", "party": "y"}, page="/cases/new"
    )
    assert r.status_code == 403 and "执法证" in text_of(r.text) and 'data-testid="new-case"' in r.text


def test_parent_and_children_are_shown_when_the_case_has_them(
    visitor: Callable[..., Visitor], people: People, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = start_case(rt, people.handler.id, WORKFLOW, "主案件", "某公司")
    child = submitted_case(rt, people, title="子流程案件")

    def link(case: CasePublic, due: date | None) -> CaseLink:
        return CaseLink(
            id=case.id,
            workflow=case.workflow,
            workflow_title=case.workflow_title,
            title=case.title,
            state=case.state,
            state_title=case.state_title,
            final=case.final,
            due=due,
            deadlines=[],
        )

    real = queries.get_case

    def get_case(rt: Runtime, actor_id: int, case_id: int) -> CaseDetail:
        detail = real(rt, actor_id, case_id)
        if case_id != child.id:
            return detail
        return detail.model_copy(
            update={"parent": link(parent, None), "children": [link(child, date(2026, 3, 16))]}
        )

    monkeypatch.setattr(case_view.queries, "get_case", get_case)
    page = visitor(people.handler).get(f"/cases/{child.id}").text
    related = page[page.index("关联案件") : page.index("办理记录")]
    assert f'href="/cases/{parent.id}">重大执法决定法制审核<' in related and "主案件" in related
    assert f'href="/cases/{child.id}">重大执法决定法制审核<' in related
    assert "法制审核中" in related and "2026-03-16" in related
    assert "关联案件" not in visitor(people.handler).get(f"/cases/{parent.id}").text


def _return_fields() -> dict[str, str]:
    return {
        "findings-0-item": "执法主体是否合法",
        "findings-0-ticked": "on",
        "findings-0-problem": "主体不明",
    }


def test_a_page_number_out_of_range_is_a_message_not_an_error(
    visitor: Callable[..., Visitor], people: People
) -> None:
    v = visitor(people.handler)
    for page in ("0", "abc", "99999999999999999999"):
        r = v.get(f"/cases?page={page}")
        assert r.status_code == 422 and "请求参数有误：page" in text_of(r.text), page
