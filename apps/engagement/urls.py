from django.urls import path

from .views import decisions, moderation, privacy, public, staff

app_name = "engagement"

urlpatterns = [
    # Residents (public)
    path("sessions/", public.session_list, name="session-list"),
    path("sessions/<int:pk>/", public.session_detail, name="session-detail"),
    path("sessions/<int:pk>/register/", public.session_register, name="session-register"),
    path("sessions/<int:pk>/calendar.ics", public.session_calendar, name="session-ics"),
    path("sessions/registration/<str:token>/", public.registration_detail, name="registration-detail"),
    path("sessions/registration/<str:token>/cancel/", public.registration_cancel, name="registration-cancel"),
    path("sessions/registration/<str:token>/delete-details/", privacy.registration_erase,
         name="registration-erase"),
    path("privacy/forget/", privacy.forget, name="privacy-forget"),
    path("privacy/forget/<str:token>/", privacy.forget_confirm, name="privacy-forget-confirm"),
    path("feedback/", public.feedback_create, name="feedback-create"),
    path("you-said-we-did/", public.decision_public_list, name="decision-public-list"),
    path("you-said-we-did/open-data.csv", public.open_data_export, name="open-data-export"),
    # Staff
    path("staff/engagement/sessions/", staff.staff_session_list, name="staff-session-list"),
    path("staff/engagement/sessions/new/", staff.staff_session_create, name="staff-session-create"),
    path("staff/engagement/sessions/<int:pk>/", staff.staff_session_detail, name="staff-session-detail"),
    path("staff/engagement/sessions/<int:pk>/edit/", staff.staff_session_edit, name="staff-session-edit"),
    path("staff/engagement/sessions/<int:pk>/publish/", staff.staff_session_publish, name="staff-session-publish"),
    path("staff/engagement/sessions/<int:pk>/cancel/", staff.staff_session_cancel, name="staff-session-cancel"),
    path("staff/engagement/sessions/<int:pk>/check-in/", staff.staff_check_in, name="staff-check-in"),
    path("staff/engagement/sessions/<int:pk>/close/", staff.staff_session_close, name="staff-session-close"),
    path("staff/engagement/tasks/<int:pk>/done/", staff.staff_task_complete, name="staff-task-complete"),
    path("staff/engagement/feedback/", moderation.feedback_list, name="feedback-list"),
    path("staff/engagement/feedback/export.csv", moderation.feedback_export, name="feedback-export"),
    path("staff/engagement/feedback/new/", moderation.feedback_staff_create, name="feedback-staff-create"),
    path("staff/engagement/feedback/<int:pk>/", moderation.feedback_detail, name="feedback-detail"),
    path("staff/engagement/codebook/", decisions.theme_list, name="theme-list"),
    path("staff/engagement/codebook/<int:pk>/", decisions.theme_detail, name="theme-detail"),
    path("staff/engagement/decisions/", decisions.decision_list, name="decision-list"),
    path("staff/engagement/decisions/new/", decisions.decision_edit, name="decision-create"),
    path("staff/engagement/decisions/<int:pk>/", decisions.decision_edit, name="decision-edit"),
    # GET: the preview residents will see; POST (confirm=yes, from the preview): publish.
    path("staff/engagement/decisions/<int:pk>/publish/", decisions.decision_publish, name="decision-publish"),
]
