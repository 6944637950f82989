from django.urls import path  # noqa: F401  (each part appends its routes below)

from .views import board, status, tokens

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
]
