from django.urls import path  # noqa: F401  (each part appends its routes below)

from .views import encounters

app_name = "operations"

urlpatterns: list = [
    # BOARD: team status and the on-duty board

    # DISPATCH: service tokens (program admin pages)

    # ENCOUNTERS: the encounter log and the evaluation
    path("encounters/", encounters.encounter_list_page, name="encounter-list"),
    path("encounters/new/", encounters.encounter_create, name="encounter-create"),
    path("encounters/<int:pk>/", encounters.encounter_detail, name="encounter-detail"),
    path("evaluation/", encounters.evaluation_page, name="evaluation"),
    path("evaluation/encounters.csv", encounters.evaluation_export, name="evaluation-export"),
    path("evaluation/figures.csv", encounters.evaluation_aggregate, name="evaluation-aggregate"),
    path("evaluation/data-dictionary.csv", encounters.evaluation_dictionary, name="evaluation-dictionary"),
]
