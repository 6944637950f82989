"""The API under /api/v1/: each app contributes its routes here."""

from django.urls import include, path

urlpatterns = [
    path("", include("apps.core.api.urls")),
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.notifications.api.urls")),
    path("", include("apps.procurement.api.urls")),
    path("", include("apps.training.api.urls")),
    path("", include("apps.scheduling.api.urls")),
    path("", include("apps.engagement.api.urls")),
    path("", include("apps.operations.api.urls")),
    path("", include("apps.reports.api.urls")),
]
