"""Documents: .docx renders per second, every template in doc_templates/.

Ours: `documents.render_document` (docxtpl, then the East-Asian font and table repair passes, then the
zip). Compared with plain docxtpl on the same template and context (render with the same Jinja environment,
save; nothing else).
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

from bench_common import APPROVE, RESUBMIT, RETURN, SUBMISSION, TODAY, median
from docxtpl import DocxTemplate  # type: ignore[import-untyped]

from review_workflow import documents
from review_workflow.core.documents import format_chinese_date, render_document


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


def _jinja() -> Any:
    """The renderer's Jinja environment (its filters, e.g. cn_number), so both sides read the same template."""
    make = getattr(documents, "_jinja_env", None)
    return make() if make else None


def plain_docxtpl(template: Path, ctx: dict[str, Any]) -> bytes:
    tpl = DocxTemplate(str(template))
    tpl.render(ctx, jinja_env=_jinja(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def per_render(fn: Any, template: Path, ctx: dict[str, Any], n: int, rounds: int) -> float:
    fn(template, ctx)  # warm-up
    per = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(n):
            fn(template, ctx)
        per.append((time.perf_counter() - t0) / n)
    return median(per)


def measure(templates_dir: Path, n: int, rounds: int) -> list[tuple[str, float, float]]:
    """(template, ours seconds per render, plain docxtpl seconds per render), alternating per template."""
    ctx = context()
    out = []
    for template in sorted(templates_dir.glob("*.docx")):
        ours = per_render(render_document, template, ctx, n, rounds)
        plain = per_render(plain_docxtpl, template, ctx, n, rounds)
        out.append((template.name, ours, plain))
    return out
