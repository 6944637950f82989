"""How figures read (one rule for suppressed numbers) and charts' value axes (from zero, in their unit)."""

import re

from django.template import Context, Template

from apps.core.charts import axis_ticks, bar_chart, line_chart
from apps.reports.figures import SUPPRESSED, suppressed_rate

from .layout import chart_problems


def _render(source: str, **context) -> str:
    return Template("{% load report_figures %}" + source).render(Context(context))


def test_a_suppressed_count_and_rate_read_the_same_everywhere():
    assert suppressed_rate(75.0, 4, exact=False) is SUPPRESSED
    assert suppressed_rate(75.0, 4, exact=True) == 75.0
    assert suppressed_rate(86.7, 15, exact=False) == 86.7
    assert _render("{{ a|count }} {{ b|count }} {{ r|percent }} {{ s|percent }} {{ n|percent }} {{ h|amount }}",
                   a=None, b=13, r=86.7, s=SUPPRESSED, n=None, h=None) == "&lt;5 13 86.7% &lt;5 — —"


def test_axis_ticks_start_at_zero_and_end_on_a_round_number():
    assert axis_ticks(8, unit="%") == [0, 25, 50, 75, 100]
    assert axis_ticks(3) == [0, 1, 2, 3]
    assert axis_ticks(13) == [0, 5, 10, 15]
    assert axis_ticks(298.9) == [0, 100, 200, 300]


def test_a_small_percentage_is_a_short_bar_on_an_axis_to_100():
    svg = bar_chart([("Dorchester", 8.0), ("Roxbury", 80.0)], title="Fill rate by zone (%)", unit="%",
                    axis_label="% of places filled")
    widths = [float(w) for w in re.findall(r'class="bar" data-value="[\d.]+" x="[\d.]+" y="[\d.]+" width="([\d.]+)"',
                                           svg)]
    assert widths == [30.9, 308.8]  # 8 % and 80 % of a 386-wide plot (was: 8 % drawn full width)
    assert chart_problems(str(svg)) == []
    assert ">% of places filled</text>" in svg


def test_the_axis_check_fails_a_chart_scaled_to_its_largest_value():
    svg = str(bar_chart([("Dorchester", 8.0)], title="Fill rate", unit="%", axis_label="%"))
    stretched = svg.replace('width="30.9"', 'width="386.0"')
    assert chart_problems(stretched) == ["Fill rate: the bar for 8 is 386 long, 31 on its axis"]
    no_axis = re.sub(r'<text[^>]*class="tick"[^>]*>[^<]*</text>', "", svg)
    assert chart_problems(no_axis) == ["Fill rate: no value axis with ticks"]


def test_line_chart_axis_starts_at_zero_and_names_its_unit():
    svg = str(line_chart(["11-01", "11-08"], [("Hours worked", [280.5, 298.9])], title="Hours worked by week",
                         axis_label="hours"))
    assert chart_problems(svg) == []
    assert re.findall(r'class="tick" data-value="([\d.]+)"', svg) == ["0", "100", "200", "300"]
