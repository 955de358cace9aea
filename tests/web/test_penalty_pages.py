"""A penalty case in the pages, from 立案 to the decision: the case fields by their labels (个人/单位),
the legal review as a child case, and the decision's children — legal review, filing, disclosure — on
the case page with their due dates and links. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable

from review_workflow.runtime import Runtime
from review_workflow.services import queries
from tests.conftest import SUBMISSION, People, pin_clock
from tests.web.conftest import Visitor, text_of

WF = "penalty_case"


def _children(rt: Runtime, people: People, case_id: int) -> dict[str, int]:
    return {c.workflow: c.id for c in queries.get_case(rt, people.handler.id, case_id).children}


def _related(html: str) -> str:
    return html[html.index('data-testid="related"') : html.index('aria-labelledby="history-h"')]


def test_the_new_penalty_case_form_offers_the_party_type_by_its_labels(
    visitor: Callable[..., Visitor], people: People
) -> None:
    html = visitor(people.handler).get(f"/cases/new?workflow={WF}").text
    assert re.search(r'<select id="f-party_type" name="f-party_type"[^>]*>', html)
    assert '<option value="individual">个人</option>' in html
    assert '<option value="organization">单位</option>' in html
    text = text_of(html)
    assert "individual" not in text and "organization" not in text


def test_a_penalty_case_from_register_to_decision_shows_its_children(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    handler, reviewer, head = visitor(people.handler), visitor(people.reviewer), visitor(people.agency_head)
    pin_clock(rt, "2026-02-02T09:00:00")
    r = handler.post(
        "/cases/new",
        {
            "workflow": WF,
            "title": "某化工公司超标排放案",
            "party": "郑州某化工有限公司",
            "f-party_type": "organization",
            "f-party_id_no": "91410100MA44XYZ12B",
            "f-party_address": "郑州市金水区某路1号",
            "f-legal_representative": "钱某",
            "f-case_source": "监督检查",
        },
        page=f"/cases/new?workflow={WF}",
    )
    assert r.status_code == 200 and "待立案" in text_of(r.text)
    case_id = int(r.url.path.rsplit("/", 1)[1])
    fields = text_of(r.text[r.text.index('data-testid="case-fields"') :])
    assert "当事人类型 单位" in fields and "案件来源 监督检查" in fields
    start = text_of(r.text[r.text.index('data-event="start"') :])
    assert "当事人类型 单位" in start and "organization" not in text_of(r.text)

    # 立案: the handler proposes with two officers picked by name; the agency head approves
    form = r.text[r.text.index('data-event="propose_register"') :]
    form = form[: form.index("</form>")]
    assert f'value="{people.handler2.id}"' in form and "刘洋（执法证号 豫执002）" in form
    r = handler.fire(
        case_id,
        "propose_register",
        {
            "facts_brief": "执法检查发现超标排放。",
            "register_basis": "《行政处罚法》第五十四条",
            "investigators": [str(people.handler.id), str(people.handler2.id)],
            "discovered_on": "2026-02-01",
        },
    )
    assert r.status_code == 200 and "待立案" in text_of(r.text)
    assert "办案人员（不少于两名持证执法人员） 张伟 刘洋" in text_of(r.text)  # by name, not by number
    r = head.fire(case_id, "register", {"opinion": "同意立案。"})
    assert r.status_code == 200 and "调查取证" in text_of(r.text)
    assert "作出处罚决定期限" in text_of(r.text)  # 90 days from 立案
    r = handler.fire(
        case_id,
        "notify",
        {
            "facts": "超标排放水污染物。",
            "evidence": "监测报告\n现场检查笔录",
            "legal_basis": "《水污染防治法》第八十三条",
            "proposed_penalty": "罚款二十万元",
            "proposed_types": "罚款",
            "proposed_fine": "200000",
            "officers": [str(people.handler.id), str(people.handler2.id)],
            "served_on": "2026-02-02",
        },
    )
    assert r.status_code == 200 and "已告知" in text_of(r.text)
    assert "听证告知书" in text_of(r.text)  # ¥200,000 on an organisation: a right to a hearing

    pin_clock(rt, "2026-03-02T09:00:00")  # the party's five working days are long over
    r = handler.fire(
        case_id,
        "propose_decision",
        {
            "outcome": "给予行政处罚",
            "facts": "超标排放水污染物。",
            "legal_basis": "《水污染防治法》第八十三条",
            "discretion": "一般情节。",
            "penalty_types": "罚款",
            "fine_amount": "200000",
            "penalty_content": "罚款人民币二十万元。",
            "review_body": "郑州市人民政府",
            "court": "郑州市中原区人民法院",
        },
    )
    assert r.status_code == 200 and "拟定处理意见" in text_of(r.text), text_of(r.text)[-600:]
    r = handler.fire(case_id, "submit_review", {})
    assert r.status_code == 200 and "法制审核中" in text_of(r.text), text_of(r.text)[-600:]
    review_id = _children(rt, people, case_id)["major_decision_review"]
    assert f'href="/cases/{review_id}">重大执法决定法制审核<' in _related(r.text)
    r = handler.fire(
        review_id,
        "submit",
        {"summary": SUBMISSION["summary"], "proposed_decision": "罚款二十万元", "materials": "调查终结报告"},
    )
    assert r.status_code == 200 and "法制审核中" in text_of(r.text)
    parent = _related(r.text)  # the review links back to its penalty case
    assert "上级流程" in parent and f'href="/cases/{case_id}">行政处罚案件（一般程序）<' in parent
    r = reviewer.fire(review_id, "approve", {"opinion": "事实清楚，证据确凿，同意。"})
    assert r.status_code == 200 and "审核通过" in text_of(r.text)

    page = handler.get(f"/cases/{case_id}").text
    assert "拟定处理意见" in text_of(page) and 'data-event="refer_discussion"' in page
    passed = text_of(page[page.index('<li data-event="review_passed">') :])
    assert passed.startswith(" 法制审核通过") and "法制审核意见 事实清楚，证据确凿，同意。" in passed
    assert "review_opinion" not in text_of(page) and f"下级流程编号 {review_id}" in passed
    r = handler.fire(case_id, "refer_discussion", {})
    assert r.status_code == 200 and "集体讨论中" in text_of(r.text)
    r = head.fire(
        case_id,
        "discuss",
        {"held_on": "2026-03-02", "conclusion": "同意拟处理意见", "attendees": "陈明\n李静\n张伟", "minutes": "经集体讨论，同意。"},
    )
    assert r.status_code == 200 and "拟定处理意见" in text_of(r.text)
    assert 'data-event="decide_penalty"' not in handler.get(f"/cases/{case_id}").text  # the handler does not decide
    r = head.fire(case_id, "decide_penalty", {"decision_date": "2026-03-02", "opinion": "同意。"})
    assert r.status_code == 200 and "已作出决定" in text_of(r.text)
    children = _children(rt, people, case_id)
    assert set(children) == {"major_decision_review", "major_penalty_filing", "enforcement_disclosure"}
    related = _related(r.text)
    for workflow, title in (
        ("major_decision_review", "重大执法决定法制审核"),
        ("major_penalty_filing", "重大行政处罚备案"),
        ("enforcement_disclosure", "行政执法公示"),
    ):
        assert f'<li data-case="{children[workflow]}" data-workflow="{workflow}">' in related
        assert f'href="/cases/{children[workflow]}">{title}<' in related
    text = text_of(related)
    assert "重大行政处罚备案期限：2026-03-17（周二） 进行中" in text  # 15 days from the decision
    assert "公示期限：2026-03-11（周三） 进行中" in text  # 7 working days
    assert "法制审核期限：" in text and "按时" in text  # the review, decided on time
    proposal = text_of(r.text[r.text.index('data-event="propose_decision"', r.text.index("办理记录")) :])
    assert "处罚种类 罚款" in proposal and "罚款金额（元） 200,000" in proposal
    assert "organization" not in text_of(r.text)

    # the filing child, from the filing office's side
    office = visitor(people.filing_officer)
    filing_page = office.get(f"/cases/{children['major_penalty_filing']}").text
    assert "当事人类型 单位" in text_of(filing_page) and "待报送" in text_of(filing_page)
    assert office.get(f"/cases/{case_id}").status_code == 404  # the penalty case itself is not theirs
