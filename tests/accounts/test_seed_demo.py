"""seed_demo's guard and its demo path through the second factor (`make run` passes --with-totp)."""

import re
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.accounts.management.commands.seed_demo import DOMAIN
from apps.accounts.models import User
from apps.accounts.permissions import has_mfa
from apps.accounts.roles import CITY_STAFF_ROLES

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False  # as in production settings: demo users share a published password
    with pytest.raises(CommandError, match="local runs and tests only"):
        call_command("seed_demo", "--quiet")
    assert not User.objects.exists()


def test_with_totp_city_staff_have_an_authenticator_and_the_logins_print_its_secret(settings):
    settings.SITE_URL = "http://127.0.0.1:8221"
    out = StringIO()
    call_command("seed_demo", "--with-totp", stdout=out)
    text = out.getvalue()
    assert "Demo data ready. Sign in at http://127.0.0.1:8221/accounts/login/" in text
    staff = User.objects.filter(memberships__role__in=CITY_STAFF_ROLES).distinct()
    assert staff.count() == 7
    for user in staff:
        assert has_mfa(user)
        assert re.search(rf"{re.escape(user.email)} .* authenticator secret [A-Z2-7]{{32}}$", text, re.MULTILINE)
    assert re.search(rf"coordinator@{re.escape(DOMAIN)} +Neighborhood Peer Response Collective$", text, re.MULTILINE)

    # Run again (make run does, each time): the same authenticators, no second one.
    secrets = re.findall(r"authenticator secret ([A-Z2-7]{32})", text)
    again = StringIO()
    call_command("seed_demo", "--with-totp", stdout=again)
    assert re.findall(r"authenticator secret ([A-Z2-7]{32})", again.getvalue()) == secrets
    assert Authenticator.objects.filter(type=Authenticator.Type.TOTP).count() == 7


def test_without_totp_staff_set_one_up_at_first_sign_in():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert not Authenticator.objects.exists()
    assert "moderator@demo.crisisprog.org" in out.getvalue()
    assert "(sets up two-factor authentication at first sign-in)" in out.getvalue()
