"""What a rendered report looks like on paper, measured: boxes that stick out of the page's content area
(WeasyPrint's layout tree) and charts whose value axis does not start at zero or names no unit."""

import re
from xml.etree import ElementTree

from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from apps.reports.renderer import REPORT_ORIGIN, StaticOnlyURLFetcher

SVG = "{http://www.w3.org/2000/svg}"
# Half a point: rounding in the layout, not a table running off the page.
TOLERANCE = 0.5


def render(html: str):
    return HTML(string=html, base_url=REPORT_ORIGIN + "/", url_fetcher=StaticOnlyURLFetcher()).render()


def _describe(box) -> str:
    element = getattr(box, "element", None)
    tag = getattr(box, "element_tag", "") or (element.tag if element is not None else "")
    text = getattr(box, "text", "") or (element.text if element is not None and element.text else "")
    return f"{type(box).__name__}<{tag}> «{' '.join(str(text).split())[:40]}»"


def overflows(document) -> list[str]:
    """Every box on every page that passes the page's content area: right of it, left of it, or below it (an
    unbreakable block taller than what is left of the page)."""
    found = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        left, top = page_box.content_box_x(), page_box.content_box_y()
        right, bottom = left + page_box.width, top + page_box.height
        for child in page_box.children:
            if isinstance(child, boxes.MarginBox):
                continue  # the running header and footer live in the margins by design
            for box in child.descendants():
                if not isinstance(box, boxes.Box) or box.position_x is None or isinstance(box, boxes.TableColumnBox):
                    continue
                if box.width is None:
                    continue
                # The border box: a bottom margin at the foot of a page is dropped by the page break.
                box_right = box.position_x + box.margin_left + box.border_width()
                if box_right > right + TOLERANCE or box.position_x < left - TOLERANCE:
                    found.append(f"page {number}: {_describe(box)} spans x {box.position_x:.0f}–{box_right:.0f}, "
                                 f"page content {left:.0f}–{right:.0f}")
                elif box.height is not None and (box_bottom := box.position_y + box.margin_top
                                                 + box.border_height()) > bottom + TOLERANCE:
                    found.append(f"page {number}: {_describe(box)} ends at y {box_bottom:.0f}, below the page "
                                 f"content's {bottom:.0f}")
    return found


def _number(text: str) -> float | None:
    match = re.search(r"-?[\d,]*\.?\d+", text or "")
    return float(match.group().replace(",", "")) if match else None


def chart_problems(html: str) -> list[str]:
    """Each chart (an inline <svg class="chart">) must draw a value axis with ticks whose lowest is 0, at the
    origin its bars or lines start from, and must name its unit (an element of class axis-unit)."""
    problems = []
    for index, source in enumerate(re.findall(r'<svg [^>]*class="chart".*?</svg>', html, flags=re.S), start=1):
        root = ElementTree.fromstring(source)
        title = (root.findtext(f"{SVG}title") or f"chart {index}").strip()
        ticks = [(float(t.get("data-value")), t) for t in root.iter(f"{SVG}text")
                 if "tick" in (t.get("class") or "").split() and t.get("data-value") is not None]
        if not ticks:
            problems.append(f"{title}: no value axis with ticks")
            continue
        low, _tick = min(ticks, key=lambda pair: pair[0])
        if low != 0:
            problems.append(f"{title}: the value axis starts at {low:g}, not 0")
        units = [u for u in root.iter(f"{SVG}text") if "axis-unit" in (u.get("class") or "").split()]
        if not units or not "".join(units[0].itertext()).strip():
            problems.append(f"{title}: the value axis does not say its unit")
        top = max(value for value, _t in ticks)
        origin = root.find(".//*[@class='axis-origin']")
        end = root.find(".//*[@class='axis-end']")
        bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
        if bars and origin is not None and end is not None:
            x0, x1 = float(origin.get("x1")), float(end.get("x1"))
            for bar in bars:
                value = float(bar.get("data-value"))
                if abs(float(bar.get("x")) - x0) > 0.5:
                    problems.append(f"{title}: a bar starts at x={bar.get('x')}, not at the axis origin {x0:g}")
                expected = (x1 - x0) * value / top if top else 0
                if abs(float(bar.get("width")) - expected) > 1.0:
                    problems.append(f"{title}: the bar for {value:g} is {float(bar.get('width')):.0f} long, "
                                    f"{expected:.0f} on its axis")
        elif bars:
            problems.append(f"{title}: bars without an axis origin and end")
    return problems
