from django.urls import path  # noqa: F401  (each part appends its routes below)

from .views import board, encounters, status, tokens

app_name = "operations"

urlpatterns: list = [
    # BOARD: team status and the on-duty board
    path("board/", board.board, name="board"),
    path("board/live/", board.board_live, name="board-live"),
    path("shifts/<int:pk>/status/", status.team_status, name="team-status"),

    # DISPATCH: service tokens (program admin pages)
    path("service-tokens/", tokens.token_list, name="service-token-list"),
    path("service-tokens/new/", tokens.token_create, name="service-token-create"),
    path("service-tokens/<int:pk>/revoke/", tokens.token_revoke, name="service-token-revoke"),

    # ENCOUNTERS: the encounter log and the evaluation
    path("encounters/", encounters.encounter_list_page, name="encounter-list"),
    path("encounters/new/", encounters.encounter_create, name="encounter-create"),
    path("encounters/<int:pk>/", encounters.encounter_detail, name="encounter-detail"),
    path("evaluation/", encounters.evaluation_page, name="evaluation"),
    path("evaluation/encounters.csv", encounters.evaluation_export, name="evaluation-export"),
    path("evaluation/figures.csv", encounters.evaluation_aggregate, name="evaluation-aggregate"),
    path("evaluation/data-dictionary.csv", encounters.evaluation_dictionary, name="evaluation-dictionary"),
]
