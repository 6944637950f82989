"""The registry of report kinds.

A kind is: a parameter form (scoped to the requester: it only offers what that person may pick),
who may run it, a data-gathering function that reads the other apps through their selectors with
the requester's scope, and a template under templates/reports/pdf/. The same form validates the
parameters when they are requested (page, API, command) and again when the report runs, so a
person who lost access in between gets a failed report, not someone else's data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.db import models


class ReportForm(forms.Form):
    """Parameters of one kind. Subclasses take the requester as `user` and limit their choices to it."""

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def full_clean(self):
        """Errors tied to their fields: a field in error points at its message (and its help) for screen
        readers, as the page shows them under it (templates/includes/_form.html's `<id>_error`)."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                described = [f"{bound.auto_id}_error"] + ([f"{bound.auto_id}_helptext"] if bound.help_text else [])
                self.fields[name].widget.attrs.update({"aria-describedby": " ".join(described),
                                                       "aria-invalid": "true"})

    def to_parameters(self) -> dict:
        """The cleaned values as JSON: objects by id, dates as ISO strings."""
        out = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, models.Model):
                out[name] = value.pk
            elif isinstance(value, date):
                out[name] = value.isoformat()
            else:
                out[name] = value
        return out

    def describe(self) -> str:
        """What this report is about, for its title ("— Harbor Peer Outreach, 1–30 Nov 2026")."""
        return ""


@dataclass(frozen=True)
class ReportKind:
    key: str
    label: str
    description: str
    template: str
    form_class: type[ReportForm]
    # gather(*, user, data, progress) -> template context. `data` is the form's cleaned_data;
    # `progress(percent)` records how far it got.
    gather: Callable[..., dict]
    roles: frozenset[str] = field(default_factory=frozenset)
    # A finer rule than the roles, when there is one.
    predicate: Callable | None = None
    # The parameter that names the report's language ("en"/"es"); else the requester's language.
    language_parameter: str = ""
    order: int = 100

    def can_run(self, user) -> bool:
        if not user.is_authenticated or not (self.roles & user.role_names):
            return False
        return self.predicate(user) if self.predicate else True


_kinds: dict[str, ReportKind] = {}


def register_report_kind(kind: ReportKind) -> ReportKind:
    _kinds[kind.key] = kind
    return kind


def get_report_kind(key: str) -> ReportKind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"Unknown report kind {key!r}") from None


def all_report_kinds() -> list[ReportKind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


def report_kind_choices() -> list[tuple[str, str]]:
    return [(k.key, k.label) for k in all_report_kinds()]


def all_report_roles() -> frozenset[str]:
    roles: set[str] = set()
    for kind in _kinds.values():
        roles |= kind.roles
    return frozenset(roles)
