"""The report PDFs draw with the charts in core, which the scheduling pages share (nothing imports reports)."""

from apps.core.charts import bar_chart, line_chart

__all__ = ["bar_chart", "line_chart"]
