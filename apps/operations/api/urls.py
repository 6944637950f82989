from django.urls import path  # noqa: F401  (each part appends its routes below)

from . import encounters

urlpatterns: list = [
    # DISPATCH: /api/v1/dispatch/...

    # ENCOUNTERS: /api/v1/encounters/...
    path("encounters/", encounters.EncounterListCreateView.as_view(), name="operations-encounter-list"),
    path("encounters/<int:pk>/", encounters.EncounterDetailView.as_view(), name="operations-encounter-detail"),
]
