"""待办 by urgency with coloured deadlines, notifications, and the supervisor's figures and charts."""

from __future__ import annotations

import re
from collections.abc import Callable

from review_workflow.runtime import Runtime
from review_workflow.services import alerts, reports, worklist
from review_workflow.services.cases import fire, start_case
from tests.conftest import RETURN, People, pin_clock
from tests.web.conftest import WORKFLOW, Visitor, submitted_case, text_of


def _desk(rt: Runtime, people: People) -> dict[str, int]:
    """On 2026-03-12: a returned case whose supplement period ran out on 03-05 (overdue), a review due
    03-16 (inside its 2-working-day warning lead), one submitted on 03-10 (due 03-24), one in draft."""
    returned = submitted_case(rt, people, title="已退回案")
    fire(rt, returned.id, "return", people.reviewer.id, RETURN, returned.version)
    warning = submitted_case(rt, people, title="预警案")
    draft = start_case(rt, people.handler.id, WORKFLOW, "拟稿案", "某公司")
    pin_clock(rt, "2026-03-10T10:00:00")
    normal = submitted_case(rt, people, title="期限内案")
    pin_clock(rt, "2026-03-12T09:00:00")
    return {"overdue": returned.id, "warning": warning.id, "normal": normal.id, "none": draft.id}


def test_the_worklist_puts_overdue_first_then_warning_then_by_due_date(rt: Runtime, people: People) -> None:
    ids = _desk(rt, people)
    work = worklist.my_tasks(rt, people.handler.id)
    assert [(t.case.id, t.urgency) for t in work.data] == [
        (ids["overdue"], "overdue"),
        (ids["warning"], "warning"),
        (ids["normal"], "normal"),
        (ids["none"], "none"),
    ]
    overdue = work.data[0].deadlines
    assert [(r.deadline.timer, r.urgency) for r in overdue] == [("supplement_period", "overdue")]


def test_the_inbox_shows_the_tasks_coloured_and_in_that_order(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    ids = _desk(rt, people)
    html = visitor(people.handler).get("/inbox").text
    order = [int(i) for i in re.findall(r'<li class="task \w+" data-case="(\d+)"', html)]
    assert order == [ids["overdue"], ids["warning"], ids["normal"], ids["none"]]
    for urgency, case_id in ids.items():
        assert f'<li class="task {urgency}" data-case="{case_id}"' in html
    assert re.search(r'class="due overdue"[^>]*>\s*补充材料期限：2026-03-05', html)
    assert re.search(r'class="due warning"[^>]*>\s*法制审核期限：2026-03-16', html)
    text = text_of(html)
    assert "已逾期" in text and "即将到期" in text and "重新报送" in text


def test_notifications_show_in_the_inbox_and_can_be_marked_read(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    _desk(rt, people)
    assert alerts.sweep(rt).overdue == 1
    v = visitor(people.handler)
    html = v.get("/inbox").text
    assert "【逾期警告】已退回案：补充材料期限已于2026-03-05届满" in html
    assert re.search(r'<span class="badge" title="未读通知">1</span>', html)
    note_id = re.search(r'action="/notifications/(\d+)/read"', html)
    assert note_id
    r = v.post(f"/notifications/{note_id.group(1)}/read", {"next": "/inbox"})
    assert r.status_code == 200 and "已标记为已读" in r.text
    assert 'title="未读通知"' not in r.text and "已读于" in r.text
    assert "没有未读的通知" in v.get("/inbox?unread=true").text


def test_someone_else_s_notification_cannot_be_marked(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    _desk(rt, people)
    alerts.sweep(rt)
    html = visitor(people.handler).get("/inbox").text
    note_id = re.search(r'action="/notifications/(\d+)/read"', html).group(1)  # type: ignore[union-attr]
    r = visitor(people.reviewer).post(f"/notifications/{note_id}/read", {})
    assert r.status_code == 404 and "站内通知" in text_of(r.text)


def _figures(rt: Runtime, people: People) -> dict[str, int]:
    """A review due this week (submitted 02-27, due 03-12: Saturday 02-28 is a make-up workday), one approved on time, one closed late
    (submitted 02-06, due 02-24 across the Spring Festival, returned 03-02), a supplement period overdue,
    and a case of another agency."""
    pin_clock(rt, "2026-02-06T10:00:00")
    late = submitted_case(rt, people, title="逾期审核案")
    pin_clock(rt, "2026-02-27T10:00:00")
    this_week = submitted_case(rt, people, title="本周到期案")
    pin_clock(rt, "2026-03-02T10:00:00")
    fire(
        rt, late.id, "return", people.reviewer.id, RETURN, late.version
    )  # closes the review late; supplement opens
    on_time = submitted_case(rt, people, title="按时审核案")
    fire(rt, on_time.id, "approve", people.reviewer.id, {"opinion": "同意"}, on_time.version)
    start_case(rt, people.outsider.id, WORKFLOW, "外单位案件", "某企业")
    pin_clock(rt, "2026-03-12T09:00:00")
    return {"late": late.id, "this_week": this_week.id, "on_time": on_time.id}


def test_the_figures_count_open_cases_deadlines_and_on_time_rates(rt: Runtime, people: People) -> None:
    ids = _figures(rt, people)
    sup = people.supervisor.id
    assert [(s.state, s.count) for s in reports.open_cases_by_state(rt, sup)] == [
        ("drafting", 1),
        ("under_review", 1),
        ("returned", 1),
    ]
    assert [(a.agency.name, a.count) for a in reports.open_cases_by_agency(rt, sup)] == [
        ("郑州市市场监督管理局", 2),
        ("开封市市场监督管理局", 1),
    ]
    assert [
        (d.deadline.case_id, d.deadline.due.isoformat()) for d in reports.deadlines_due_this_week(rt, sup)
    ] == [
        (ids["this_week"], "2026-03-12"),
    ]
    assert [(d.deadline.case_id, d.deadline.timer) for d in reports.overdue_deadlines(rt, sup)] == [
        (ids["late"], "supplement_period"),
    ]
    series = {s.timer: s for s in reports.on_time_by_month(rt, sup, months=3)}
    review = series["review_period"]
    assert [m.month for m in review.months] == ["2026-01", "2026-02", "2026-03"]
    march = review.months[-1]
    assert (march.met, march.late, march.missing, march.rate) == (1, 1, 0, 0.5)
    supplement = series["supplement_period"].months[-1]
    assert (supplement.met, supplement.late, supplement.missing, supplement.rate) == (0, 0, 1, 0.0)
    # the handler sees their own agency only
    assert [(a.agency.name, a.count) for a in reports.open_cases_by_agency(rt, people.handler.id)] == [
        ("郑州市市场监督管理局", 2),
    ]
    assert reports.scope_title(rt, people.handler.id) == "郑州市市场监督管理局"


def test_the_dashboard_draws_the_figures_as_svg_charts(
    visitor: Callable[..., Visitor], people: People, rt: Runtime
) -> None:
    ids = _figures(rt, people)
    html = visitor(people.supervisor).get("/dashboard").text
    assert html.count('<svg class="chart"') == 4  # by state, by agency, the review period, the supplement
    assert "统计范围：河南省司法厅及所辖机关" in html
    assert re.search(r"<title[^>]*>[^<]*法制审核：按月按时率</title>", html)
    assert "2026-03：按期审结 1，逾期审结 1，逾期未审结 0，按时率 50%" in html
    assert re.search(r"<title[^>]*>[^<]*补充材料期限：按月按时办结率</title>", html)
    section = html[html.index('data-testid="due-this-week"') : html.index('data-testid="overdue"')]
    assert f'href="/cases/{ids["this_week"]}"' in section
    section = html[html.index('data-testid="overdue"') : html.index('data-testid="on-time"')]
    assert f'href="/cases/{ids["late"]}"' in section and "补充材料期限" in section


def test_chart_labels_are_escaped(visitor: Callable[..., Visitor], people: People, rt: Runtime) -> None:
    from review_workflow.web.charts import bar_chart

    svg = str(bar_chart([("<script>x</script>", 3)], "标题<b>"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "标题&lt;b&gt;" in svg
