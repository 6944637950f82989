"""Bar and line charts drawn on the server as inline SVG, for the PDFs and the coverage page.

No JavaScript and no image files: WeasyPrint draws the SVG as vector graphics. Every label is
escaped. Colour is never the only signal: bars carry their value as text, line series differ in
dash pattern and marker, and each chart carries a title and a text description for readers.
"""

import math
from html import escape

from django.utils.safestring import SafeString, mark_safe

FONT = "DejaVu Sans, sans-serif"
INK, GRID, BAR = "#1b1b1b", "#c9c9c9", "#1f5a96"
SERIES = [("#1f5a96", "", "circle"), ("#b35900", "6 3", "square"), ("#2e7d32", "2 3", "triangle"),
          ("#6a1b9a", "8 3 2 3", "circle")]


def _fmt(value: float, unit: str = "") -> str:
    if unit == "%":
        return f"{value:.0f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def axis_ticks(top: float, *, unit: str = "", most: int = 5) -> list[float]:
    """Tick values from 0 up to a round number at or above `top`: 0, 25 … 100 for a percentage, else steps
    of 1, 2, 2.5 or 5 times a power of ten. A value axis always starts at zero, so a bar's length and a
    line's height are proportional to the value (8 % is a short bar, not a full-width one)."""
    if unit == "%" and top <= 100:
        return [0, 25, 50, 75, 100]
    top = float(top) if top and top > 0 else 1.0
    raw = top / (most - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(f * magnitude for f in (1, 2, 2.5, 5, 10) if f * magnitude >= raw - 1e-12)
    if step < 1 <= top:
        step = 1.0  # counts: no tick at 0.5 of a person
    count = max(1, math.ceil(top / step - 1e-9))
    return [round(step * k, 6) for k in range(count + 1)]


def _text(x: float, y: float, text: str, *, size: int = 8, anchor: str = "start", css: str = "",
          extra: str = "", bold: bool = False) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}"' + (f' text-anchor="{anchor}"' if anchor != "start" else "")
            + (f' class="{css}"' if css else "") + extra + f' font-family="{FONT}" font-size="{size}"'
            + (' font-weight="bold"' if bold else "") + f' fill="{INK}">{escape(text)}</text>')


def bar_chart(items: list[tuple[str, float | None]], *, title: str, width: int = 640, unit: str = "",
              suppressed_label: str = "<5", axis_label: str = "", x_max: float | None = None) -> SafeString:
    """Horizontal bars, one per (label, value), on a value axis from zero (to 100 for a percentage) with its
    ticks and `axis_label` (the unit: "%", "comments") under it. A value of None is a suppressed count:
    no bar, "<5"."""
    row, label_w, pad = 20, 210, 8
    top_pad = 26
    plot_w = width - label_w - 44
    values = [float(v) for _, v in items if v is not None]
    ticks = axis_ticks(max([x_max or 0, *values]) or 1, unit=unit)
    top = ticks[-1]
    plot_h = row * max(len(items), 1)
    base = top_pad + plot_h
    height = base + 34 + pad
    label = axis_label or ("%" if unit == "%" else "")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart">',
             f"<title>{escape(title)}</title>", _text(0, 14, title, size=11, bold=True)]
    for value in ticks:
        x = label_w + plot_w * value / top
        parts.append(f'<line x1="{x:.1f}" y1="{top_pad}" x2="{x:.1f}" y2="{base}" stroke="{GRID}" '
                     f'stroke-width="0.5"/>')
        parts.append(_text(x, base + 11, _fmt(value, unit), anchor="middle", css="tick",
                           extra=f' data-value="{value:g}"'))
    parts.append(f'<line class="axis-origin" x1="{label_w}" y1="{top_pad}" x2="{label_w}" y2="{base}" '
                 f'stroke="{INK}" stroke-width="0.8"/>')
    parts.append(f'<line class="axis-end" x1="{label_w + plot_w}" y1="{base}" x2="{label_w + plot_w}" '
                 f'y2="{base}" stroke="{INK}" stroke-width="0"/>')
    parts.append(f'<line x1="{label_w}" y1="{base}" x2="{label_w + plot_w}" y2="{base}" stroke="{INK}" '
                 f'stroke-width="0.8"/>')
    parts.append(_text(label_w + plot_w / 2, base + 24, label, anchor="middle", css="axis-unit"))
    for index, (name, value) in enumerate(items):
        y = top_pad + index * row
        short = name if len(name) <= 34 else name[:33] + "…"
        parts.append(_text(label_w - 6, y + 13, short, size=9, anchor="end"))
        if value is None:
            parts.append(_text(label_w + 4, y + 13, suppressed_label, size=9))
            continue
        length = plot_w * float(value) / top
        parts.append(f'<rect class="bar" data-value="{float(value):g}" x="{label_w}" y="{y + 3}" '
                     f'width="{length:.1f}" height="{row - 6}" fill="{BAR}"/>')
        parts.append(_text(label_w + length + 4, y + 13, _fmt(value, unit), size=9))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every text and attribute value above is escaped


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    if shape == "triangle":
        return (f'<polygon points="{x:.1f},{y - 4:.1f} {x - 4:.1f},{y + 3:.1f} {x + 4:.1f},{y + 3:.1f}" '
                f'fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'


def line_chart(x_labels: list[str], series: list[tuple[str, list[float | None]]], *, title: str,
               width: int = 640, height: int = 220, unit: str = "", y_max: float | None = None,
               axis_label: str = "") -> SafeString:
    """One line per (name, values); values line up with x_labels. None leaves a gap. The value axis starts
    at zero and goes to a round number at or above the largest value (or `y_max`); `axis_label` names its
    unit above it ("%" for a percentage when not given)."""
    left, right, top_pad, bottom = 48, 16, 38, 46
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    values = [v for _, vs in series for v in vs if v is not None]
    ticks = axis_ticks(max([y_max or 0, *values]) or 1, unit=unit)
    top = ticks[-1]
    n = max(len(x_labels), 1)
    step = plot_w / max(n - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top_pad + plot_h - plot_h * float(v) / float(top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart">',
             f"<title>{escape(title)}</title>", _text(0, 14, title, size=11, bold=True),
             _text(0, top_pad - 10, axis_label or ("%" if unit == "%" else ""), css="axis-unit")]
    for value in ticks:
        gy = top_pad + plot_h - plot_h * value / top
        parts.append(f'<line x1="{left}" y1="{gy:.1f}" x2="{left + plot_w}" y2="{gy:.1f}" '
                     f'stroke="{INK if value == 0 else GRID}" stroke-width="{0.8 if value == 0 else 0.5}"/>')
        parts.append(_text(left - 4, gy + 3, _fmt(value, unit), anchor="end", css="tick",
                           extra=f' data-value="{value:g}"'))
    every = max(1, n // 12)
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == n - 1:
            x = left + i * step
            parts.append(f'<text x="{x:.1f}" y="{top_pad + plot_h + 12}" text-anchor="middle" font-family="{FONT}" '
                         f'font-size="8" fill="{INK}">{escape(label)}</text>')
    for index, (name, vs) in enumerate(series):
        colour, dash, shape = SERIES[index % len(SERIES)]
        segments, current = [], []
        for i, v in enumerate(vs):
            if v is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(xy(i, v))
        if current:
            segments.append(current)
        for seg in segments:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in seg)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.5"'
                         + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
            parts.extend(_marker(shape, x, y, colour) for x, y in seg)
        lx = left + index * 150
        ly = height - 10
        parts.append(f'<line x1="{lx}" y1="{ly - 3}" x2="{lx + 22}" y2="{ly - 3}" stroke="{colour}" stroke-width="1.5"'
                     + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        parts.append(_marker(shape, lx + 11, ly - 3, colour))
        parts.append(f'<text x="{lx + 26}" y="{ly}" font-family="{FONT}" font-size="8" fill="{INK}">'
                     f"{escape(name)}</text>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every text and attribute value above is escaped
