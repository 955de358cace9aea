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
MET, LATE, BAR, GRID, INK, MUTED = "#15803d", "#b91c1c", "#1d4ed8", "#e5e7eb", "#111827", "#6b7280"
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
        body.append(f'<text x="{WIDTH / 2}" y="{top + 16}" text-anchor="middle" fill="{MUTED}">暂无数据</text>')
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        w = max(2.0, bar_w * value / peak) if value else 0
        body.append(
            f'<g><title>{escape(label)}：{value}{escape(unit)}</title>'
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end" fill="{INK}">{escape(_clip(label, 11))}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" rx="2" fill="{BAR}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 16}" fill="{INK}">{value}</text></g>'
        )
    return _svg(height, title, body)


def on_time_chart(months: Sequence[MonthFigure], title: str) -> Markup:
    """Stacked columns per month: on time (green) under late (red), with the on-time rate above."""
    left, top, plot_h, foot = 28, 22, 120, 34
    slot = (WIDTH - left - 4) / max(len(months), 1)
    bar = min(28.0, slot * 0.6)
    peak = max((m.met + m.late for m in months), default=0) or 1
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
        met_h = plot_h * m.met / peak
        late_h = plot_h * m.late / peak
        rate = "—" if m.rate is None else f"{m.rate:.0%}"
        tip = f"{m.month}：按时 {m.met}，逾期 {m.late}，按时率 {rate}"
        body.append(f"<g><title>{escape(tip)}</title>")
        if m.met:
            body.append(f'<rect x="{x:.1f}" y="{base - met_h:.1f}" width="{bar:.1f}" height="{met_h:.1f}" fill="{MET}"/>')
        if m.late:
            body.append(
                f'<rect x="{x:.1f}" y="{base - met_h - late_h:.1f}" width="{bar:.1f}" height="{late_h:.1f}" fill="{LATE}"/>'
            )
        label_y = base - met_h - late_h - 4
        body.append(
            f'<text x="{cx:.1f}" y="{label_y:.1f}" text-anchor="middle" fill="{INK}" font-size="10">{rate}</text>'
            f'<text x="{cx:.1f}" y="{base + 14}" text-anchor="middle" fill="{MUTED}">{int(m.month[5:])}月</text></g>'
        )
    legend_y = base + 30
    body.append(
        f'<rect x="{left}" y="{legend_y - 9}" width="10" height="10" fill="{MET}"/>'
        f'<text x="{left + 14}" y="{legend_y}" fill="{INK}">按时办结</text>'
        f'<rect x="{left + 80}" y="{legend_y - 9}" width="10" height="10" fill="{LATE}"/>'
        f'<text x="{left + 94}" y="{legend_y}" fill="{INK}">逾期</text>'
    )
    return _svg(height, title, body)
