"""A responder's roster preferences in one organization: read for the form, saved (and audited) by the
responder themself or a coordinator of that organization."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Organization, User
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require

from ..models import ShiftTemplate
from ..permissions import can_manage_schedule, responder_organization_ids
from .models import RosterProfile


def can_edit_roster_profile(by: User, *, user: User, organization_id: int) -> bool:
    """The responder themself, or a coordinator of the organization they respond for."""
    if organization_id not in responder_organization_ids(user):
        return False
    return by.pk == user.pk or can_manage_schedule(by, organization_id)


def roster_profile_for(*, user: User, organization: Organization) -> RosterProfile:
    """The saved profile, or an unsaved empty one (nothing is written until the form is saved)."""
    return (RosterProfile.objects.filter(user=user, organization=organization).first()
            or RosterProfile(user=user, organization=organization))


def _ids(items) -> list[int]:
    return sorted(item.pk for item in items)


def roster_profile_save(*, by: User, user: User, organization: Organization, weekly_hours: int | None,
                        preferred_zones, languages, preferred_templates, avoided_templates) -> RosterProfile:
    require(can_edit_roster_profile(by, user=user, organization_id=organization.pk),
            _("Only the responder or a coordinator of their organization can change these preferences."))
    preferred_templates, avoided_templates = list(preferred_templates), list(avoided_templates)
    if weekly_hours is not None and not 0 <= weekly_hours <= 80:
        raise ApplicationError(_("Give between 0 and 80 hours a week."), field="weekly_hours")
    templates = {t.pk for t in [*preferred_templates, *avoided_templates]}
    if templates and ShiftTemplate.objects.filter(pk__in=templates, team__organization=organization).count() \
            != len(templates):
        raise ApplicationError(_("Choose shifts of this organization's teams."), field="preferred_templates")
    if set(_ids(preferred_templates)) & set(_ids(avoided_templates)):
        raise ApplicationError(_("A shift cannot be both wanted and rather not."), field="avoided_templates")
    with transaction.atomic():
        profile, _created = RosterProfile.objects.select_for_update().get_or_create(user=user,
                                                                                    organization=organization)
        before = _snapshot(profile)
        profile.weekly_hours = weekly_hours
        profile.save(update_fields=["weekly_hours", "updated_at"])
        profile.preferred_zones.set(preferred_zones)
        profile.languages.set(languages)
        profile.preferred_templates.set(preferred_templates)
        profile.avoided_templates.set(avoided_templates)
        audit(actor=by, action="scheduling.roster_profile.saved", target=profile, organization=organization,
              before=before, after=_snapshot(profile))
    return profile


def _snapshot(profile: RosterProfile) -> dict:
    return {"user": profile.user_id, "weekly_hours": profile.weekly_hours,
            "preferred_zones": _ids(profile.preferred_zones.all()), "languages": _ids(profile.languages.all()),
            "preferred_templates": _ids(profile.preferred_templates.all()),
            "avoided_templates": _ids(profile.avoided_templates.all())}
