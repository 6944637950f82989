"""`{% load report_figures %}`: `{{ n|count }}`, `{{ r|percent }}`, `{{ h|amount }}` — see reports.figures."""

from django import template

from ..figures import amount_text, count_text, rate_text

register = template.Library()
register.filter("count", count_text)
register.filter("percent", rate_text)
register.filter("amount", amount_text)
