from django.conf import settings
from rest_framework import serializers

from apps.accounts.models import Invitation, Membership, Organization, User
from apps.accounts.permissions import has_mfa
from apps.accounts.roles import Role
from apps.accounts.selectors import organization_list, user_memberships
from apps.core.api.fields import StrictCharField, StrictSlugRelatedField, StrictStringsMixin


class OrganizationSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "kind", "is_active", "email", "phone", "address", "member_count"]


class MembershipSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    user_email = serializers.EmailField(source="user.email", read_only=True)
    user_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "organization", "organization_name", "role", "is_active", "user_email", "user_name"]


class OrganizationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "kind"]


class MeMembershipSerializer(serializers.Serializer):
    organization = OrganizationBriefSerializer(source="org")
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    memberships = serializers.SerializerMethodField()
    is_city_staff = serializers.BooleanField(read_only=True)
    mfa_enabled = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "preferred_language", "is_city_staff", "mfa_enabled", "roles",
                  "memberships"]

    def get_roles(self, user) -> list[str]:
        return sorted(user.role_names)

    def get_mfa_enabled(self, user) -> bool:
        return has_mfa(user)

    def get_memberships(self, user) -> list[dict]:
        grouped: dict[int, dict] = {}
        for membership in user_memberships(user=user):
            entry = grouped.setdefault(membership.organization_id, {"org": membership.organization, "roles": []})
            entry["roles"].append(membership.role)
        return MeMembershipSerializer(list(grouped.values()), many=True).data


class InvitationSerializer(StrictStringsMixin, serializers.ModelSerializer):
    organization = StrictSlugRelatedField(slug_field="slug", queryset=Organization.objects.all())
    invited_by = serializers.EmailField(source="invited_by.email", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "full_name", "organization", "role", "message", "status", "expires_at",
                  "invited_by", "created_at", "accepted_at", "revoked_at"]
        read_only_fields = ["status", "expires_at", "invited_by", "created_at", "accepted_at", "revoked_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            # Another organization's slug is "does not exist", never "not allowed".
            self.fields["organization"].queryset = organization_list(user=request.user)


class ProfileInputSerializer(serializers.Serializer):
    """The profile page's form."""

    full_name = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    phone = serializers.RegexField(r"^\+?[0-9 ()./-]{7,31}$", max_length=32, required=False, allow_blank=True,
                                   default="", help_text="For text-message reminders; empty for none.")
    preferred_language = serializers.ChoiceField(choices=[code for code, _name in settings.STAFF_LANGUAGES])
