"""Small SVG charts drawn on the server: no script, scale with the page, every label escaped.

Each chart is an <svg role="img"> with a <title>; the page puts the same figures in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count

from markupsafe import Markup, escape

from ..services.reports import MonthFigure

WIDTH = 360
FONT = 12
MET, LATE, MISSING = "#15803d", "#f59e0b", "#b91c1c"
BAR, GRID, INK, MUTED = "#1d4ed8", "#e5e7eb", "#111827", "#6b7280"
_ids = count(1)


def _clip(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _svg(height: int, title: str, body: list[str]) -> Markup:
    ident = f"chart-{next(_ids)}"
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{ident}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="{FONT}"><title id="{ident}">{escape(title)}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")


def bar_chart(items: Sequence[tuple[str, int]], title: str, unit: str = "件") -> Markup:
    """Horizontal bars, one per (label, value); the value is written after its bar."""
    label_w, row_h, top = 150, 24, 6
    bar_w = WIDTH - label_w - 44
    peak = max((v for _, v in items), default=0) or 1
    height = top * 2 + row_h * max(len(items), 1)
    body: list[str] = []
    if not items:
        body.append(
            f'<text x="{WIDTH / 2}" y="{top + 16}" text-anchor="middle" fill="{MUTED}">暂无数据</text>'
        )
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        w = max(2.0, bar_w * value / peak) if value else 0
        body.append(
            f"<g><title>{escape(label)}：{value}{escape(unit)}</title>"
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end" fill="{INK}">{escape(_clip(label, 11))}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" rx="2" fill="{BAR}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 16}" fill="{INK}">{value}</text></g>'
        )
    return _svg(height, title, body)


LEGEND = ("按时办结", "逾期办结", "逾期未办结")


def on_time_chart(months: Sequence[MonthFigure], title: str, legend: Sequence[str] = LEGEND) -> Markup:
    """Stacked columns per month: on time (green), closed late (amber), overdue and still open (red),
    with the on-time rate above. `legend` names the three (e.g. 按时备案, 逾期备案, 逾期未备案)."""
    left, top, plot_h, foot = 28, 22, 120, 34
    slot = (WIDTH - left - 4) / max(len(months), 1)
    bar = min(28.0, slot * 0.6)
    peak = max((m.met + m.late + m.missing for m in months), default=0) or 1
    height = top + plot_h + foot
    base = top + plot_h
    body = [
        f'<line x1="{left}" y1="{base}" x2="{WIDTH - 4}" y2="{base}" stroke="{GRID}"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" fill="{MUTED}" font-size="10">{peak}</text>',
        f'<text x="{left - 4}" y="{base}" text-anchor="end" fill="{MUTED}" font-size="10">0</text>',
    ]
    for i, m in enumerate(months):
        cx = left + slot * i + slot / 2
        x = cx - bar / 2
        rate = "—" if m.rate is None else f"{m.rate:.0%}"
        tip = f"{m.month}：{legend[0]} {m.met}，{legend[1]} {m.late}，{legend[2]} {m.missing}，按时率 {rate}"
        body.append(f"<g><title>{escape(tip)}</title>")
        top_y: float = base
        for value, colour in ((m.met, MET), (m.late, LATE), (m.missing, MISSING)):
            if value:
                h = plot_h * value / peak
                top_y -= h
                body.append(
                    f'<rect x="{x:.1f}" y="{top_y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}"/>'
                )
        body.append(
            f'<text x="{cx:.1f}" y="{top_y - 4:.1f}" text-anchor="middle" fill="{INK}" font-size="10">{rate}</text>'
            f'<text x="{cx:.1f}" y="{base + 14}" text-anchor="middle" fill="{MUTED}">{int(m.month[5:])}月</text></g>'
        )
    legend_y = base + 30
    for i, (label, colour) in enumerate(zip(legend, (MET, LATE, MISSING), strict=True)):
        lx = left + i * 108
        body.append(
            f'<rect x="{lx}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14}" y="{legend_y}" fill="{INK}">{escape(label)}</text>'
        )
    return _svg(height, title, body)
