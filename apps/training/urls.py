from django.urls import path

from .views import field_hours, imports, readiness, records, sessions

app_name = "training"

urlpatterns = [
    path("", records.my_training, name="my-training"),
    path("records/new/", records.record_create, name="record-create"),
    path("records/import/", imports.record_import, name="record-import"),
    path("records/import/confirm/", imports.record_import_confirm, name="record-import-confirm"),
    path("records/import/template.csv", imports.record_import_template, name="record-import-template"),
    path("records/<int:pk>/", records.record_detail, name="record-detail"),
    path("records/<int:pk>/evidence/", records.record_evidence, name="record-evidence"),
    path("records/<int:pk>/verify/", records.record_verify, name="record-verify"),
    path("records/<int:pk>/reject/", records.record_reject, name="record-reject"),
    path("verification/", records.verification_queue, name="verification-queue"),
    path("readiness/", readiness.readiness_matrix, name="readiness-matrix"),
    path("readiness/export.csv", readiness.readiness_export, name="readiness-export"),
    path("expiring/", readiness.expiring_list, name="expiring-list"),
    path("courses/", sessions.course_list, name="course-list"),
    path("requirements/", sessions.requirement_list, name="requirement-list"),
    path("sessions/", sessions.session_list, name="session-list"),
    path("sessions/new/", sessions.session_create, name="session-create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session-detail"),
    path("sessions/<int:pk>/enroll/", sessions.session_enroll, name="session-enroll"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session-cancel"),
    path("enrollments/<int:pk>/withdraw/", sessions.enrollment_withdraw, name="enrollment-withdraw"),
    path("enrollments/<int:pk>/attendance/", sessions.enrollment_attendance, name="enrollment-attendance"),
    path("enrollments/<int:pk>/assess/", sessions.enrollment_assess, name="enrollment-assess"),
    path("field-hours/", field_hours.field_hours, name="field-hours"),
    path("field-hours/<int:pk>/sign-off/", field_hours.field_hours_sign_off, name="field-hours-sign-off"),
]
