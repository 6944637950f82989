from django.urls import path
from rest_framework.routers import DefaultRouter

from .imports import RecordImportView
from .manage import EnrollmentViewSet
from .views import (
    CourseViewSet,
    FieldHoursViewSet,
    ReadinessView,
    RequirementViewSet,
    TrainingRecordViewSet,
    TrainingSessionViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("training/courses", CourseViewSet, basename="training-course")
router.register("training/requirements", RequirementViewSet, basename="training-requirement")
router.register("training/records", TrainingRecordViewSet, basename="training-record")
router.register("training/sessions", TrainingSessionViewSet, basename="training-session")
router.register("training/enrollments", EnrollmentViewSet, basename="training-enrollment")
router.register("training/field-hours", FieldHoursViewSet, basename="training-field-hours")

urlpatterns = [
    path("training/readiness/", ReadinessView.as_view(), name="training-readiness"),
    # Before the router: its record detail route would otherwise take "import" for an id.
    path("training/records/import/", RecordImportView.as_view(), name="training-record-import"),
    *router.urls,
]
