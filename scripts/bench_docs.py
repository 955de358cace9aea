"""Documents: .docx renders, every template in doc_templates/, and what documents add to a transition.

Ours: `documents.render_document` (the template compiled once; the Jinja rendered straight, the unchanged
parts of the package copied as they are). Compared with plain docxtpl on the same template and context
(`DocxTemplate(path).render(ctx)` with the same Jinja filters, then save; nothing else).

Transitions: `services.cases.fire` on the review path with the workflow's documents (each of the four
transitions issues one: numbered, rendered, stored) against the same YAML without them, interleaved
rounds on one database (bench_persist.interleaved).
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

from bench_common import APPROVE, RESUBMIT, RETURN, SUBMISSION, TODAY, cast, median, runtime
from docxtpl import DocxTemplate  # type: ignore[import-untyped]

from review_workflow.core.documents import format_chinese_date, render_document

try:
    from review_workflow.core.documents import make_jinja_env
except ImportError:  # code before the compiled renderer (scripts/bench.py --at an older revision)
    from review_workflow.core.documents import _jinja_env as make_jinja_env  # type: ignore[attr-defined,no-redef]


def context() -> dict[str, Any]:
    """One context for every template: the fields the review documents read, and the keys other
    templates may ask for render empty (the renderer's ChainableUndefined)."""
    payload = {**SUBMISSION, **RETURN, **RESUBMIT, **APPROVE}
    return {
        "doc": {"number": "郑市监〔2026〕12号", "title": "法制审核意见书", "date": format_chinese_date(TODAY)},
        "agency": {"name": "郑州市市场监督管理局", "doc_code": "郑市监"},
        "case": {
            "id": 42, "title": "某公司销售过期食品案", "party": "郑州某食品有限公司",
            "workflow_title": "重大执法决定法制审核", "handler_name": "张伟", "state_title": "法制审核中",
        },
        "actor": {"name": "王芳", "roles": ["reviewer"], "legal_qualification": "A20171100001", "certificate_no": ""},
        "event": "return",
        "event_title": "退回",
        "payload": payload,
        "data": {**payload, "submit_on": format_chinese_date(TODAY), "return_on": format_chinese_date(TODAY)},
    }


def plain_docxtpl(template: Path, ctx: dict[str, Any]) -> bytes:
    tpl = DocxTemplate(str(template))
    tpl.render(ctx, jinja_env=make_jinja_env(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def per_render(fn: Any, template: Path, ctx: dict[str, Any], n: int, rounds: int) -> float:
    fn(template, ctx)  # warm-up (ours: compiles the template)
    per = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(n):
            fn(template, ctx)
        per.append((time.perf_counter() - t0) / n)
    return median(per)


def measure(templates_dir: Path, n: int, rounds: int, plain_n: int | None = None) -> list[tuple[str, float, float]]:
    """(template, ours seconds per render, plain docxtpl seconds per render), alternating per template.
    Ours is cheap enough to take more renders per round (n); docxtpl takes plain_n (default n)."""
    ctx = context()
    out = []
    for template in sorted(templates_dir.glob("*.docx")):
        ours = per_render(render_document, template, ctx, n, rounds)
        plain = per_render(plain_docxtpl, template, ctx, plain_n or n, rounds)
        out.append((template.name, ours, plain))
    return out


def transitions(url: str, nodocs: Path, cases: int, rounds: int) -> tuple[float, float]:
    """Median seconds per transition (documents off, documents on), on the database at `url`."""
    import bench_persist as bp

    rt_off = runtime(url, nodocs)
    rt_on = runtime(url, create=False)
    c = cast(rt_off)
    try:
        timings = bp.interleaved(
            [bp.Ours("off", rt_off, c), bp.Ours("on", rt_on, c)], {"off": cases, "on": cases}, rounds
        )
    finally:
        rt_off.db.dispose()
        rt_on.db.dispose()
    return timings["off"].median, timings["on"].median
