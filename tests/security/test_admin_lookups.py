"""The Django admin's change lists filter only by what each admin declares.

Django's admin accepts a lookup on any of a model's own fields in the query string, JSON key paths
included, shown or not: `?personnel__gte=…` answered with one row or none, and binary search read a
sealed price line; `?text__startswith=…` read a sealed answer a letter at a time. Every admin now
mixes in apps.core.admin.StrictLookupsMixin. This module walks every registered ModelAdmin (a new one
is covered with no edit here) and, as the program admin (superuser with MFA) and as a staff user of
every role, tries every concrete field and a JSON key path with the exact, __gte, __lt, __startswith,
__icontains, __regex and __isnull lookups: each one the admin does not declare is refused the same
way (400, same body) whatever its value, so no answer depends on a value. The declared filters and
search fields touch no sealed, priced, blind, contact or secret field.
"""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import Permission
from django.db import models
from django.test import Client

from apps.accounts.roles import Role
from apps.core.admin import StrictLookupsMixin
from tests.factories import CityDepartmentFactory, OrganizationFactory, user_with_role
from tests.factories.engagement import FeedbackFactory, RegistrationFactory
from tests.factories.procurement import published_solicitation, submitted_proposal

pytestmark = pytest.mark.django_db

OPS = ("", "__gte", "__lt", "__startswith", "__icontains", "__regex", "__isnull")
# Two values per lookup: one that matches the world's sealed rows and one that does not.
VALUES = ("4", "zz")

# Fields no role may filter or search the admin by. Sealed until the opening (the envelopes, the
# answers, the attachments, the snapshots, who proposed), priced, blind, residents' contacts, secrets.
SENSITIVE = {
    "procurement.proposal": {"organization", "created_by"},
    "procurement.proposalsubmission": {"technical", "price", "submitted_by"},
    "procurement.priceproposal": {"personnel", "responder_stipends", "training", "operations", "indirect", "notes"},
    "procurement.technicalanswer": {"text"},
    "procurement.proposalattachment": {"file", "original_name", "sha256", "uploaded_by"},
    "procurement.conflictdeclaration": {"description"},
    "procurement.score": {"points", "rating", "rationale"},
    "procurement.consensusscore": {"points", "rating", "rationale"},
    "engagement.registration": {"name", "email", "phone", "access_needs"},
    "engagement.feedbackitem": {"contact_name", "contact_email", "contact_phone"},
    "notifications.notification": {"recipient_email", "recipient_phone", "recipient_name"},
    "notifications.residentoptout": {"contact_hash"},
    "accounts.user": {"password"},
    "accounts.apitoken": {"digest"},
    "accounts.invitation": {"nonce"},
    "scheduling.calendarfeed": {"token"},
    "mfa.authenticator": {"data"},
}

STAFF_ROLES = tuple(Role)


def _admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


def _changelist(model) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


def _probes(model) -> list[str]:
    """Every lookup the sweep tries on a model: each concrete field, a JSON key path on JSON fields."""
    paths = []
    for f in model._meta.concrete_fields:
        paths.append(f.name)
        if isinstance(f, models.JSONField):
            paths.append(f"{f.name}__total")
    return [path + op for path in paths for op in OPS]


@pytest.fixture
def world(db):
    """A sealed proposal with its price, answer, attachment and snapshot; a resident's registration
    and feedback with contact details."""
    city = CityDepartmentFactory()
    officer = user_with_role(Role.PROCUREMENT_OFFICER, city)
    org = OrganizationFactory()
    coordinator = user_with_role(Role.COORDINATOR, org)
    solicitation = published_solicitation(officer, reference="RFP-L-001", blind_review=True)
    proposal = submitted_proposal(solicitation, coordinator, org, total=Decimal("91234.00"))
    assert solicitation.is_sealed
    RegistrationFactory(name="Rosa Resident", contact_consent=True, email="rosa@resident.example", phone="617-555-0100")
    FeedbackFactory(contact_consent=True, contact_name="Marisol Q", contact_email="marisol@resident.example")
    return {"proposal": proposal, "organization": org, "city": city}


def _staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clients(world):
    """role -> a signed-in client that reaches every change list: the program admin as a superuser,
    every other role as a staff user with view permission on every model. All have an authenticator."""
    city = world["city"]
    out = {}
    admin_user = user_with_role(Role.PROGRAM_ADMIN, city, email="ada@city.example")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    out["program_admin_superuser"] = _staff_client(admin_user)
    view = list(Permission.objects.filter(codename__startswith="view_"))
    for role in STAFF_ROLES:
        org = city if role not in (Role.COORDINATOR, Role.RESPONDER, Role.PROGRAM_EVALUATOR) else None
        user = user_with_role(role, org, mfa=True, email=f"staff-{role}@example.org")
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.user_permissions.set(view)
        out[role] = _staff_client(user)
    return out


def _answer(response) -> tuple:
    return response.status_code, response.get("Location"), response.content


def test_every_registered_admin_uses_the_strict_lookups_mixin():
    loose = [model._meta.label for model, model_admin in _admins() if not isinstance(model_admin, StrictLookupsMixin)]
    assert loose == []
    assert len(_admins()) > 50  # every app's admin, and the third-party ones, were walked


def test_declared_filters_and_search_fields_touch_no_sensitive_field(rf):
    request = rf.get("/admin/")
    request.user = None
    found = []
    for model, model_admin in _admins():
        for lookup in sorted(model_admin.declared_lookups(request)):
            path = lookup
            while True:  # strip the lookup parts Django's filters add (__exact, __id__exact, __isnull, __gte...)
                try:
                    fields = get_fields_from_path(model, path)
                    break
                except Exception:  # noqa: BLE001 - not a field path yet: drop the last part
                    assert "__" in path, (model._meta.label, lookup)
                    path = path.rsplit("__", 1)[0]
            found += _sensitive(model, path, fields, f"filter {lookup}")
        for search in model_admin.get_search_fields(request):
            path = search.lstrip("^=@")
            fields = get_fields_from_path(model, path.split("__exact")[0])
            found += _sensitive(model, path, fields, f"search {search}")
    assert found == []
    # Control: the checker does see a sensitive path.
    from apps.engagement.models import Registration

    assert _sensitive(Registration, "name", get_fields_from_path(Registration, "name"), "x") != []


def _sensitive(model, path, fields, what) -> list[str]:
    out, current = [], model
    for part, field in zip(path.split("__"), fields, strict=False):
        if field.name in SENSITIVE.get(current._meta.label_lower, ()):
            out.append(f"{model._meta.label}: {what} reads {current._meta.label}.{part}")
        if field.is_relation and field.related_model is not None:
            current = field.related_model
    return out


def test_every_undeclared_lookup_is_refused_the_same_way_for_every_staff_role(clients, rf):
    """The sweep. Every role reaches every change list (control: a plain GET answers 200), and every
    lookup the admin does not declare answers exactly what a nonsense parameter answers: 400, same
    body. The program admin sends every probe over HTTP (the two values taking turns); every role's
    admin gate (`lookup_allowed`, which Django asks before any query) refuses every probe with both
    values, and each other role sends over HTTP every operator on one field of each model, the
    sensitive one where the model has one."""
    failures = []
    requests = 0
    for role, client in clients.items():
        user = client.get("/admin/").wsgi_request.user
        full = role == "program_admin_superuser"
        for model, model_admin in _admins():
            url = _changelist(model)
            request = rf.get(url)
            request.user = user
            # Control: the role reaches the change list (rendered for the program admin; the other
            # roles hold the view permission, which is all the admin asks).
            if full and client.get(url).status_code != 200:
                failures.append(f"{role} {url}: plain GET is not 200")
                continue
            if not full and not model_admin.has_view_or_change_permission(request):
                failures.append(f"{role} {url}: no view permission")
                continue
            refusal = _answer(client.get(url, {"no_such_field__regex": "x"}))
            if refusal[0] != 400:
                failures.append(f"{role} {url}: a nonsense lookup -> {refusal[0]}, expected 400")
            declared = model_admin.declared_lookups(request)
            probes = [p for p in _probes(model) if p not in declared]
            allowed = [f"{p}={v}" for p in probes for v in VALUES if model_admin.lookup_allowed(p, v, request)]
            if allowed:
                failures.append(f"{role} {url}: lookup_allowed accepts {allowed[:5]}")
            if full:
                sent = [(p, VALUES[n % 2]) for n, p in enumerate(probes)]
            else:
                sensitive = SENSITIVE.get(model._meta.label_lower) or {model._meta.concrete_fields[-1].name}
                field = sorted(sensitive)[0]
                sent = [(p, VALUES[n % 2]) for n, p in enumerate(probes) if p == field or p.startswith(f"{field}__")]
            for lookup, value in sent:
                got = _answer(client.get(url, {lookup: value}))
                requests += 1
                if got != refusal:
                    failures.append(f"{role} {url}?{lookup}={value} -> {got[0]} {got[1] or ''}, not the refusal")
    assert failures == [], "\n".join(failures[:60]) + f"\n... {len(failures)} in all"
    assert requests > 3000


def test_declared_filters_still_filter(clients, world):
    """Control: the strict admin is not simply closed. Declared filters and the date hierarchy answer."""
    client = clients["program_admin_superuser"]
    assert client.get("/admin/procurement/proposal/", {"status__exact": "submitted"}).status_code == 200
    shifts = client.get("/admin/scheduling/shift/", {"starts_at__year": "2027", "status__exact": "draft"})
    assert shifts.status_code == 200
    assert client.get("/admin/accounts/membership/",
                      {"organization__id__exact": world["organization"].pk}).status_code == 200
    assert client.get("/admin/accounts/user/", {"memberships__role__exact": "moderator"}).status_code == 200


def test_the_reported_reads_of_a_sealed_proposal_answer_the_same_whatever_the_guess(clients, world):
    """The issue's own requests: each pair differs only in a guess that is right and one that is
    wrong; the answers must be identical (and refusals)."""
    proposal, org = world["proposal"], world["organization"]
    price = proposal.price
    submission = proposal.submissions.get()
    answer = proposal.answers.get()
    attachment = proposal.attachments.get()
    total = str(submission.price.get("total", ""))
    pairs = [
        ("priceproposal", {"proposal": proposal.pk, "personnel__gte": str(price.personnel)},
         {"proposal": proposal.pk, "personnel__gte": str(price.personnel + 1)}),
        ("technicalanswer", {"proposal": proposal.pk, "text__startswith": answer.text[:3]},
         {"proposal": proposal.pk, "text__startswith": "zzz"}),
        ("proposalsubmission", {"technical__icontains": answer.text[:6]}, {"technical__icontains": "zzzzzz"}),
        ("proposalsubmission", {"price__total__startswith": total[:2]}, {"price__total__startswith": "zz"}),
        ("proposalattachment", {"original_name__icontains": attachment.original_name[:4]},
         {"original_name__icontains": "zzzz"}),
        ("proposal", {"organization": org.pk}, {"organization": org.pk + 1000}),
    ]
    for role, client in clients.items():
        for model_name, right, wrong in pairs:
            url = f"/admin/procurement/{model_name}/"
            got_right, got_wrong = _answer(client.get(url, right)), _answer(client.get(url, wrong))
            assert got_right == got_wrong, (role, model_name, right)
            assert got_right[0] == 400, (role, model_name, right)
