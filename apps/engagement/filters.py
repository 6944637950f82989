"""The feedback queue's filters. One definition for the queue, its "next item" and the bulk action's
return address: the filters travel in the query string, so whichever page reads them narrows the
queue the same way."""

from datetime import datetime, time, timedelta

import django_filters
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from apps.core.models import Language
from apps.core.rendering import DatePickerInput

from .models import CommunitySession, FeedbackCoding, FeedbackItem, Theme

# The queue opens on what waits for a moderator; "status=" (All) is a choice of its own.
DEFAULT_STATUS = FeedbackItem.Status.PENDING
FILTER_FIELDS = ["q", "status", "language", "session", "theme", "received_from", "received_to", "flagged", "topic"]
DEFAULT_TOPIC = "program"


def _local_midnight(day) -> datetime:
    # The city's calendar day, not UTC's: an item received at 11:30 p.m. belongs to that evening.
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def _staff_sessions(request):
    from .selectors import session_list  # scoped to the departments the moderator handles

    if request is None:
        return CommunitySession.objects.none()
    return session_list(user=request.user).select_related(None).prefetch_related(None).order_by("-starts_at", "-id")


class FeedbackFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search the text"), method="filter_text")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FeedbackItem.Status.choices,
                                         empty_label=_("All"))
    language = django_filters.ModelChoiceFilter(
        label=_("Language"), empty_label=_("Any language"), to_field_name="code",
        queryset=Language.objects.filter(is_active=True).order_by("sort_order", "name"))
    session = django_filters.ModelChoiceFilter(label=_("Session"), empty_label=_("Any session"),
                                               queryset=_staff_sessions)
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), empty_label=_("Any theme"), method="filter_theme",
        queryset=Theme.objects.select_related("parent").order_by("parent__name", "name", "id"))
    received_from = django_filters.DateFilter(label=_("Received from"), method="filter_received_from",
                                              widget=DatePickerInput)
    received_to = django_filters.DateFilter(label=_("Received to"), method="filter_received_to",
                                            widget=DatePickerInput)
    # Translation feedback (from the pages' "Tell us what is unclear") is read apart from the program's.
    topic = django_filters.ChoiceFilter(
        label=_("Topic"), empty_label=_("Any topic"), method="filter_topic",
        choices=[("program", _("The program")), ("translation", _("Translation of the website"))])
    flagged = django_filters.ChoiceFilter(
        label=_("Crisis alerts"), empty_label=_("Any"), method="filter_flagged",
        choices=[("1", _("Crisis alerts only")), ("0", _("No crisis alerts"))])

    class Meta:
        model = FeedbackItem
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        data = QueryDict(mutable=True) if data is None else data.copy()
        if "status" not in data:
            data["status"] = DEFAULT_STATUS
        if "topic" not in data:
            data["topic"] = DEFAULT_TOPIC
        super().__init__(data, *args, **kwargs)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        number = value.lstrip("#")
        if number.isdigit() and len(number) < 10:
            return queryset.filter(Q(pk=int(number)) | Q(text__icontains=value))
        return queryset.filter(text__icontains=value) if value else queryset

    def filter_theme(self, queryset, name, value):
        # A top-level theme includes its sub-themes; a subquery, so no join multiplies the rows.
        coded = FeedbackCoding.objects.filter(Q(theme=value) | Q(theme__parent=value)).values("item_id")
        return queryset.filter(pk__in=coded)

    def filter_received_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_local_midnight(value))

    def filter_received_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_local_midnight(value + timedelta(days=1)))

    def filter_topic(self, queryset, name, value):
        return queryset.filter(is_translation_feedback=value == "translation")

    def filter_flagged(self, queryset, name, value):
        return queryset.filter(safety_flag=value == "1")

    def query(self) -> str:
        """The filters as a query string, in a fixed order: what links to an item, the next item and
        the pages of the queue carry. The status is always there, since no status means the default."""
        form = self.form
        form.is_valid()
        pairs = []
        for name in FILTER_FIELDS:
            raw = form.data.get(name, "")
            if name in form.errors:
                continue
            if name == "topic" and raw == DEFAULT_TOPIC:
                continue
            if raw or name == "status":
                pairs.append((name, raw))
        return urlencode(pairs)

    @property
    def active(self) -> bool:
        """Whether any filter narrows the queue beyond the default status."""
        form = self.form
        return any(form.data.get(name) for name in FILTER_FIELDS if name not in ("status", "topic")) or \
            form.data.get("status") != DEFAULT_STATUS or form.data.get("topic") != DEFAULT_TOPIC
