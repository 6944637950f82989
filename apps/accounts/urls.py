from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization-detail"),
    path("memberships/<int:pk>/deactivate/", views.membership_deactivate, name="membership-deactivate"),
    path("invitations/", views.invitation_list, name="invitation-list"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("invitations/accept/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("profile/", views.profile, name="profile"),
    path("profile/api-tokens/", views.api_token_list, name="api-token-list"),
    path("profile/api-tokens/<str:token_key>/revoke/", views.api_token_revoke, name="api-token-revoke"),
]
