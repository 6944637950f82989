from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import InvitationViewSet, MembershipViewSet, MeView, OrganizationViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("memberships", MembershipViewSet, basename="membership")

urlpatterns = [path("me/", MeView.as_view(), name="me"), *router.urls]
