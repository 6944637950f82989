
from apps.core.charts import bar_chart, line_chart
from apps.reports.labels import labels


def test_bar_chart_escapes_labels_and_prints_values():
    svg = bar_chart([("<script>alert(1)</script>", 12), ("Roxbury", None)], title="Comments & themes")
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert '<title>Comments &amp; themes</title>' in svg
    assert ">12</text>" in svg and ">&lt;5</text>" in svg  # a suppressed count has no bar, only "<5"
    assert svg.count("<rect") == 1


def test_line_chart_draws_each_series_with_its_own_dash_and_gaps():
    svg = line_chart(["11-01", "11-02", "11-03"], [("Fill rate", [50, None, 100]), ("No-shows", [1, 2, 3])],
                     title="Daily", unit="%", y_max=100)
    assert svg.count("<polyline") == 3  # the gap splits the first series in two
    assert 'stroke-dasharray="6 3"' in svg
    assert ">100%</text>" in svg and ">Fill rate</text>" in svg and ">No-shows</text>" in svg


def test_labels_fall_back_to_built_in_spanish():
    spanish = labels("es", {"made_up": ("A label no catalog has", "Una etiqueta sin catálogo")})
    assert spanish["made_up"] == "Una etiqueta sin catálogo"
    assert spanish["page"] == "Página"
    assert labels("en", {"made_up": ("A label no catalog has", "x")})["made_up"] == "A label no catalog has"
