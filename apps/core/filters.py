import django_filters
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent
from .rendering import DatePickerInput


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(label=_("Action starts with"), lookup_expr="istartswith")
    actor = django_filters.CharFilter(label=_("Actor email contains"), field_name="actor_label",
                                      lookup_expr="icontains")
    target_type = django_filters.ModelChoiceFilter(
        label=_("Record type"), queryset=ContentType.objects.order_by("app_label", "model"))
    target_id = django_filters.CharFilter(label=_("Record id"))
    date_from = django_filters.DateFilter(label=_("From"), field_name="created_at", lookup_expr="date__gte",
                                          widget=DatePickerInput())
    date_to = django_filters.DateFilter(label=_("To"), field_name="created_at", lookup_expr="date__lte",
                                        widget=DatePickerInput())

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "target_type", "target_id", "organization", "date_from", "date_to"]
