"""Bar and line charts drawn on the server as inline SVG, for the PDFs and the coverage page.

No JavaScript and no image files: WeasyPrint draws the SVG as vector graphics. Every label is
escaped. Colour is never the only signal: bars carry their value as text, line series differ in
dash pattern and marker, and each chart carries a title and a text description for readers.
"""

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


def bar_chart(items: list[tuple[str, float | None]], *, title: str, width: int = 640, unit: str = "",
              suppressed_label: str = "<5") -> SafeString:
    """Horizontal bars, one per (label, value). A value of None is a suppressed count: no bar, "<5"."""
    row, label_w, pad = 20, 210, 8
    height = 30 + row * max(len(items), 1) + pad
    top = max([v for _, v in items if v is not None] or [0]) or 1
    plot_w = width - label_w - 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart">',
             f"<title>{escape(title)}</title>",
             f'<text x="0" y="14" font-family="{FONT}" font-size="11" font-weight="bold" fill="{INK}">'
             f"{escape(title)}</text>"]
    for index, (label, value) in enumerate(items):
        y = 26 + index * row
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-family="{FONT}" '
                     f'font-size="9" fill="{INK}">{escape(short)}</text>')
        if value is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 13}" font-family="{FONT}" font-size="9" '
                         f'fill="{INK}">{escape(suppressed_label)}</text>')
            continue
        length = max(plot_w * float(value) / float(top), 1 if value else 0)
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row - 6}" fill="{BAR}"/>')
        parts.append(f'<text x="{label_w + length + 4:.1f}" y="{y + 13}" font-family="{FONT}" font-size="9" '
                     f'fill="{INK}">{escape(_fmt(value, unit))}</text>')
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
               width: int = 640, height: int = 220, unit: str = "", y_max: float | None = None) -> SafeString:
    """One line per (name, values); values line up with x_labels. None leaves a gap."""
    left, right, top_pad, bottom = 48, 16, 26, 46
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    values = [v for _, vs in series for v in vs if v is not None]
    top = y_max if y_max is not None else (max(values) if values else 1) or 1
    n = max(len(x_labels), 1)
    step = plot_w / max(n - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top_pad + plot_h - plot_h * float(v) / float(top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart">',
             f"<title>{escape(title)}</title>",
             f'<text x="0" y="14" font-family="{FONT}" font-size="11" font-weight="bold" fill="{INK}">'
             f"{escape(title)}</text>"]
    for k in range(5):
        gy = top_pad + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" y1="{gy:.1f}" x2="{left + plot_w}" y2="{gy:.1f}" stroke="{GRID}" '
                     f'stroke-width="0.5"/>')
        parts.append(f'<text x="{left - 4}" y="{gy + 3:.1f}" text-anchor="end" font-family="{FONT}" font-size="8" '
                     f'fill="{INK}">{escape(_fmt(top * k / 4, unit))}</text>')
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
