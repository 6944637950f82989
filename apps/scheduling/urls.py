from django.urls import path

from .views import board, calendar, coordinator, responder

app_name = "scheduling"

urlpatterns = [
    path("", responder.my_shifts, name="my-shifts"),
    path("open/", responder.open_shifts, name="open-shifts"),
    path("positions/<int:pk>/sign-up/", responder.position_sign_up, name="position-sign-up"),
    path("positions/<int:pk>/assign/", coordinator.position_assign, name="position-assign"),
    path("assignments/<int:pk>/cancel/", responder.assignment_cancel, name="assignment-cancel"),
    path("assignments/<int:pk>/check-in/", responder.assignment_check_in, name="assignment-check-in"),
    path("assignments/<int:pk>/check-out/", responder.assignment_check_out, name="assignment-check-out"),
    path("assignments/<int:pk>/no-show/", coordinator.assignment_no_show, name="assignment-no-show"),
    path("assignments/<int:pk>/hours/", coordinator.assignment_hours, name="assignment-hours"),
    path("assignments/<int:pk>/offer/", responder.swap_offer, name="swap-offer"),
    path("swaps/", responder.swap_list, name="swap-list"),
    path("swaps/<int:pk>/accept/", responder.swap_accept, name="swap-accept"),
    path("swaps/<int:pk>/decide/", responder.swap_decide, name="swap-decide"),
    path("swaps/<int:pk>/withdraw/", responder.swap_withdraw, name="swap-withdraw"),
    path("time-off/", responder.time_off, name="time-off"),
    path("time-off/<int:pk>/decide/", responder.time_off_decide, name="time-off-decide"),
    path("time-off/<int:pk>/withdraw/", responder.time_off_withdraw, name="time-off-withdraw"),
    path("availability/", responder.availability, name="availability"),
    path("availability/<int:pk>/delete/", responder.availability_delete, name="availability-delete"),
    path("board/", board.board, name="board"),
    path("board/publish/", board.board_publish, name="board-publish"),
    path("positions/<int:pk>/candidates/", board.position_candidates, name="position-candidates"),
    path("schedule/", coordinator.schedule, name="schedule"),
    path("schedule/publish/", coordinator.week_publish, name="week-publish"),
    path("shifts/new/", coordinator.shift_create, name="shift-create"),
    path("shifts/<int:pk>/", coordinator.shift_detail, name="shift-detail"),
    path("shifts/<int:pk>/publish/", coordinator.shift_publish, name="shift-publish"),
    path("shifts/<int:pk>/cancel/", coordinator.shift_cancel, name="shift-cancel"),
    path("shifts/<int:pk>/reschedule/", coordinator.shift_reschedule, name="shift-reschedule"),
    path("teams/", coordinator.team_list, name="team-list"),
    path("templates/new/", coordinator.template_create, name="template-create"),
    path("templates/<int:pk>/generate/", coordinator.template_generate, name="template-generate"),
    path("timesheets/", coordinator.timesheet, name="timesheet"),
    path("coverage/", coordinator.coverage, name="coverage"),
    path("calendar/", calendar.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", calendar.ical, name="ical"),
]
