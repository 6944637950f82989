"""Masking of personal details in published quotes: every case of the suite, both ways, in English,
Spanish, Portuguese, French and Haitian Creole, and the places that show a quote publicly."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.engagement import services
from apps.engagement.models import Decision
from apps.engagement.privacy import mask_personal_details
from tests.engagement.masking_cases import MUST_KEEP, MUST_MASK
from tests.factories.engagement import FeedbackFactory, ThemeFactory, moderator_of


@pytest.mark.parametrize(("text", "expected"), MUST_MASK, ids=[t for t, _ in MUST_MASK])
def test_masking_hides_contact_details(text, expected):
    assert mask_personal_details(text) == expected


@pytest.mark.parametrize("text", MUST_KEEP)
def test_masking_keeps_ordinary_numbers(text):
    assert mask_personal_details(text) == text


def test_masking_a_long_quote_stays_fast():
    # The longest feedback (5,000 characters) made of the words the patterns try hardest.
    text = ("jane dot " * 560)[:5000]
    started = time.perf_counter()
    mask_personal_details(text)
    assert time.perf_counter() - started < 0.5


@pytest.mark.django_db
def test_masking_on_the_public_report_back_page(client):
    moderator = moderator_of()
    item = FeedbackFactory(status="approved",
                           text="Llámenme al +1 617 555 0123, vivo en Calle Falsa 123, jane dot doe at gmail dot com")
    decision = services.decision_save(
        by=moderator, title="Call-backs",
            translations={"es": {"title": "Llamadas", "action": "Devolvemos la llamada."}},
            action="We call back.", outcome=Decision.Outcome.ADOPTED, progress="done",
        decided_on=timezone.localdate(), themes=[ThemeFactory()], feedback_items=[item])
    services.decision_publish(by=moderator, decision=decision)
    html = client.get(reverse("engagement:decision-public-list")).content.decode()
    assert "Llámenme al [phone], vivo en [address], [email]" in html
    assert "555 0123" not in html and "Falsa" not in html and "gmail" not in html
