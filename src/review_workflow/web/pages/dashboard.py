"""The supervisor's dashboard (行政执法监督): open cases, deadlines this week and overdue, the on-time
rates of legal review, filing and disclosure, and of every other time limit.

Every figure comes from services.reports; this page only draws them.
"""

from __future__ import annotations

from itertools import groupby

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...services import reports
from ..charts import bar_chart, on_time_chart
from ..common import PageRoute, PageUser, RuntimeDep, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MONTHS = 6


@router.get("/dashboard")
def dashboard(request: Request, rt: RuntimeDep, user: PageUser) -> Response:
    by_state = reports.open_cases_by_state(rt, user)
    by_agency = reports.open_cases_by_agency(rt, user)
    on_time = reports.on_time_by_month(rt, user, months=MONTHS)
    compliance = reports.compliance_from(on_time)
    headline = {(c.workflow, c.timer) for c in compliance}
    others = [s for s in on_time if (s.workflow, s.timer) not in headline]
    state_charts = [
        (title, rows, bar_chart([(r.state_title, r.count) for r in rows], f"{title}：在办案件（按状态）"))
        for title, group in groupby(by_state, key=lambda r: r.workflow_title)
        for rows in [list(group)]
    ]
    context = {
        "today": rt.clock.today(),
        "scope": reports.scope_title(rt, user),
        "week_end": reports.week_end(rt.clock.today()),
        "state_charts": state_charts,
        "open_total": sum(r.count for r in by_state),
        "by_agency": by_agency,
        "agency_chart": bar_chart([(r.agency.name, r.count) for r in by_agency], "在办案件（按机关）"),
        "due_week": reports.deadlines_due_this_week(rt, user),
        "overdue": reports.overdue_deadlines(rt, user),
        "compliance": [
            (
                c,
                on_time_chart(c.months, f"{c.title}：按月按时率", c.legend)
                if c.met + c.late + c.missing
                else None,
            )
            for c in compliance
        ],
        "compliance_months": [m.month for m in compliance[0].months] if compliance else [],
        "on_time": [
            (s, on_time_chart(s.months, f"{s.workflow_title}·{s.timer_title}：按月按时办结率"))
            for s in others
            if s.met + s.late + s.missing
        ],
        "on_time_idle": [s for s in others if not s.met + s.late + s.missing],
        "months": MONTHS,
    }
    return render(request, "dashboard.html", context, user_id=user)
