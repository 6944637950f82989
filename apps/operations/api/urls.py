from django.urls import path  # noqa: F401  (each part appends its routes below)

urlpatterns: list = [
    # DISPATCH: /api/v1/dispatch/...

    # ENCOUNTERS: /api/v1/encounters/...
]
