from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("", views.my_shifts, name="my-shifts"),
    path("open/", views.open_shifts, name="open-shifts"),
    path("positions/<int:pk>/sign-up/", views.position_sign_up, name="position-sign-up"),
    path("positions/<int:pk>/assign/", views.position_assign, name="position-assign"),
    path("assignments/<int:pk>/cancel/", views.assignment_cancel, name="assignment-cancel"),
    path("assignments/<int:pk>/check-in/", views.assignment_check_in, name="assignment-check-in"),
    path("assignments/<int:pk>/check-out/", views.assignment_check_out, name="assignment-check-out"),
    path("assignments/<int:pk>/no-show/", views.assignment_no_show, name="assignment-no-show"),
    path("assignments/<int:pk>/hours/", views.assignment_hours, name="assignment-hours"),
    path("assignments/<int:pk>/offer/", views.swap_offer, name="swap-offer"),
    path("swaps/", views.swap_list, name="swap-list"),
    path("swaps/<int:pk>/accept/", views.swap_accept, name="swap-accept"),
    path("swaps/<int:pk>/decide/", views.swap_decide, name="swap-decide"),
    path("swaps/<int:pk>/withdraw/", views.swap_withdraw, name="swap-withdraw"),
    path("time-off/", views.time_off, name="time-off"),
    path("time-off/<int:pk>/decide/", views.time_off_decide, name="time-off-decide"),
    path("time-off/<int:pk>/withdraw/", views.time_off_withdraw, name="time-off-withdraw"),
    path("availability/", views.availability, name="availability"),
    path("availability/<int:pk>/delete/", views.availability_delete, name="availability-delete"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/publish/", views.week_publish, name="week-publish"),
    path("shifts/new/", views.shift_create, name="shift-create"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift-detail"),
    path("shifts/<int:pk>/publish/", views.shift_publish, name="shift-publish"),
    path("shifts/<int:pk>/cancel/", views.shift_cancel, name="shift-cancel"),
    path("shifts/<int:pk>/reschedule/", views.shift_reschedule, name="shift-reschedule"),
    path("teams/", views.team_list, name="team-list"),
    path("templates/new/", views.template_create, name="template-create"),
    path("templates/<int:pk>/generate/", views.template_generate, name="template-generate"),
    path("timesheets/", views.timesheet, name="timesheet"),
    path("coverage/", views.coverage, name="coverage"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.ical, name="ical"),
]
