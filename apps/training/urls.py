from django.urls import path

from . import import_views, views

app_name = "training"

urlpatterns = [
    path("", views.my_training, name="my-training"),
    path("records/new/", views.record_create, name="record-create"),
    path("records/import/", import_views.record_import, name="record-import"),
    path("records/import/confirm/", import_views.record_import_confirm, name="record-import-confirm"),
    path("records/import/template.csv", import_views.record_import_template, name="record-import-template"),
    path("records/<int:pk>/", views.record_detail, name="record-detail"),
    path("records/<int:pk>/evidence/", views.record_evidence, name="record-evidence"),
    path("records/<int:pk>/verify/", views.record_verify, name="record-verify"),
    path("records/<int:pk>/reject/", views.record_reject, name="record-reject"),
    path("verification/", views.verification_queue, name="verification-queue"),
    path("readiness/", views.readiness_matrix, name="readiness-matrix"),
    path("readiness/export.csv", views.readiness_export, name="readiness-export"),
    path("expiring/", views.expiring_list, name="expiring-list"),
    path("courses/", views.course_list, name="course-list"),
    path("requirements/", views.requirement_list, name="requirement-list"),
    path("sessions/", views.session_list, name="session-list"),
    path("sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/enroll/", views.session_enroll, name="session-enroll"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session-cancel"),
    path("enrollments/<int:pk>/withdraw/", views.enrollment_withdraw, name="enrollment-withdraw"),
    path("enrollments/<int:pk>/attendance/", views.enrollment_attendance, name="enrollment-attendance"),
    path("enrollments/<int:pk>/assess/", views.enrollment_assess, name="enrollment-assess"),
    path("field-hours/", views.field_hours, name="field-hours"),
    path("field-hours/<int:pk>/sign-off/", views.field_hours_sign_off, name="field-hours-sign-off"),
]
