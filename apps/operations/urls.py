from django.urls import path  # noqa: F401  (each part appends its routes below)

app_name = "operations"

urlpatterns: list = [
    # BOARD: team status and the on-duty board

    # DISPATCH: service tokens (program admin pages)

    # ENCOUNTERS: the encounter log and the evaluation
]
