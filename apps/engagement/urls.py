from django.urls import path

from . import privacy_views, views

app_name = "engagement"

urlpatterns = [
    # Residents (public)
    path("sessions/", views.session_list, name="session-list"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/register/", views.session_register, name="session-register"),
    path("sessions/<int:pk>/calendar.ics", views.session_calendar, name="session-ics"),
    path("sessions/registration/<str:token>/", views.registration_detail, name="registration-detail"),
    path("sessions/registration/<str:token>/cancel/", views.registration_cancel, name="registration-cancel"),
    path("sessions/registration/<str:token>/delete-details/", privacy_views.registration_erase,
         name="registration-erase"),
    path("privacy/forget/", privacy_views.forget, name="privacy-forget"),
    path("privacy/forget/<str:token>/", privacy_views.forget_confirm, name="privacy-forget-confirm"),
    path("feedback/", views.feedback_create, name="feedback-create"),
    path("you-said-we-did/", views.decision_public_list, name="decision-public-list"),
    path("you-said-we-did/open-data.csv", views.open_data_export, name="open-data-export"),
    # Staff
    path("staff/engagement/sessions/", views.staff_session_list, name="staff-session-list"),
    path("staff/engagement/sessions/new/", views.staff_session_create, name="staff-session-create"),
    path("staff/engagement/sessions/<int:pk>/", views.staff_session_detail, name="staff-session-detail"),
    path("staff/engagement/sessions/<int:pk>/edit/", views.staff_session_edit, name="staff-session-edit"),
    path("staff/engagement/sessions/<int:pk>/publish/", views.staff_session_publish, name="staff-session-publish"),
    path("staff/engagement/sessions/<int:pk>/cancel/", views.staff_session_cancel, name="staff-session-cancel"),
    path("staff/engagement/sessions/<int:pk>/check-in/", views.staff_check_in, name="staff-check-in"),
    path("staff/engagement/sessions/<int:pk>/close/", views.staff_session_close, name="staff-session-close"),
    path("staff/engagement/tasks/<int:pk>/done/", views.staff_task_complete, name="staff-task-complete"),
    path("staff/engagement/feedback/", views.feedback_list, name="feedback-list"),
    path("staff/engagement/feedback/export.csv", views.feedback_export, name="feedback-export"),
    path("staff/engagement/feedback/new/", views.feedback_staff_create, name="feedback-staff-create"),
    path("staff/engagement/feedback/<int:pk>/", views.feedback_detail, name="feedback-detail"),
    path("staff/engagement/codebook/", views.theme_list, name="theme-list"),
    path("staff/engagement/decisions/", views.decision_list, name="decision-list"),
    path("staff/engagement/decisions/new/", views.decision_edit, name="decision-create"),
    path("staff/engagement/decisions/<int:pk>/", views.decision_edit, name="decision-edit"),
    path("staff/engagement/decisions/<int:pk>/publish/", views.decision_publish, name="decision-publish"),
]
