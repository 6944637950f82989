from django.urls import path  # noqa: F401  (each part appends its routes below)

from .views import OnDutyView, StatusChangesView

urlpatterns: list = [
    # DISPATCH: /api/v1/dispatch/...
    path("dispatch/on-duty/", OnDutyView.as_view(), name="dispatch-on-duty"),
    path("dispatch/status-changes/", StatusChangesView.as_view(), name="dispatch-status-changes"),

    # ENCOUNTERS: /api/v1/encounters/...
]
