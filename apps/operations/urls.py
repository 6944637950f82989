from django.urls import path  # noqa: F401  (each part appends its routes below)

from .views import board, status

app_name = "operations"

urlpatterns: list = [
    # BOARD: team status and the on-duty board
    path("board/", board.board, name="board"),
    path("board/live/", board.board_live, name="board-live"),
    path("shifts/<int:pk>/status/", status.team_status, name="team-status"),

    # DISPATCH: service tokens (program admin pages)

    # ENCOUNTERS: the encounter log and the evaluation
]
