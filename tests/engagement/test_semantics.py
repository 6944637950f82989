"""Feedback across languages: fingerprints of repeats, the embedding task (batched, repeatable,
resumable), the detected language, the nearest items in any language and the moderator's pages."""

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.engagement import services
from apps.engagement.models import FeedbackItem
from apps.engagement.selectors import feedback_list
from apps.engagement.semantics import encoder, index
from apps.engagement.semantics.detect import detect_language
from apps.engagement.semantics.models import FeedbackEmbedding
from apps.engagement.semantics.services import embed_pending, fingerprint, repeat_counts, similar_items
from apps.engagement.tasks import embed_feedback
from tests.factories import CityDepartmentFactory
from tests.factories.engagement import SessionFactory, language, moderator_of

pytestmark = pytest.mark.django_db

NIGHT_EN = "There should be more crisis teams working at night, nobody answers after midnight."
NIGHT_ES = "Hacen falta más equipos de crisis por la noche, después de medianoche nadie contesta."
PARKING = "The parking lot at the library needs better lighting and new paint."


def _submit(text: str, code: str = "en", session=None) -> FeedbackItem:
    return services.feedback_submit(text=text, language=language(code), session=session)


@pytest.fixture
def department():
    return CityDepartmentFactory()


@pytest.fixture
def moderator(department):
    return moderator_of(department)


def test_fingerprint_ignores_case_spacing_punctuation_and_width():
    assert fingerprint("More teams at NIGHT!!") == fingerprint("  more teams, at night ") != ""
    assert fingerprint("ＡＢＣ team") == fingerprint("abc team")
    assert fingerprint("More teams at night") != fingerprint("More teams in the morning")
    assert fingerprint("?!") == ""


def test_submit_stores_the_fingerprint():
    first, again = _submit("Please, more teams at night."), _submit("please more teams at night")
    assert first.fingerprint == again.fingerprint


def test_detector_reads_the_written_language_and_admits_what_it_cannot_tell():
    assert detect_language(NIGHT_ES, form_language="en") == "es"
    assert detect_language("我们需要更多会说中文的危机应对人员", form_language="zh-Hans") == "zh"
    assert detect_language("Precisamos de mais pessoas que falem português nas equipes", form_language="pt") == "pt"
    # Haitian Creole reads as French to the detector: not claimed.
    assert detect_language("Nou bezwen plis moun ki pale kreyòl nan ekip yo", form_language="ht") == ""
    assert detect_language("ok", form_language="en") == ""


def test_embedding_task_embeds_each_item_once_and_detects_its_language():
    items = [_submit(NIGHT_EN), _submit(NIGHT_ES), _submit(PARKING)]
    assert embed_feedback() == {"embedded": 3}
    assert embed_feedback() == {"embedded": 0}  # a second run finds nothing to do
    stored = {e.item_id: e for e in FeedbackEmbedding.objects.all()}
    assert set(stored) == {item.pk for item in items}
    vector = encoder.from_bytes(stored[items[0].pk].vector)
    assert vector.shape == (encoder.DIMENSIONS,) and abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4
    assert stored[items[0].pk].model == encoder.MODEL
    detected = dict(FeedbackItem.objects.values_list("pk", "detected_language"))
    assert detected[items[1].pk] == "es" and detected[items[0].pk] == "en"


def test_embedding_is_resumable_in_batches_and_redoes_another_models_vectors():
    items = [_submit(f"{NIGHT_EN} ({n})") for n in range(5)]
    assert embed_pending(batch_size=2, limit=3) == {"embedded": 3}  # a worker stopped after two batches
    assert FeedbackEmbedding.objects.count() == 3
    assert embed_pending(batch_size=2) == {"embedded": 2}
    FeedbackEmbedding.objects.filter(item=items[0]).update(model="an-older-model")
    assert embed_pending() == {"embedded": 1}
    assert set(FeedbackEmbedding.objects.values_list("model", flat=True)) == {encoder.MODEL}


def test_backfill_command_and_rebuild(capsys):
    _submit(NIGHT_EN), _submit(PARKING)
    call_command("embed_feedback")
    assert "Embedded 2 feedback items" in capsys.readouterr().out
    call_command("embed_feedback")
    assert "Embedded 0 feedback items" in capsys.readouterr().out
    call_command("embed_feedback", "--rebuild")
    assert "Embedded 2 feedback items" in capsys.readouterr().out


def test_similar_items_cross_languages_and_stay_within_what_the_user_may_see(department, moderator):
    session = SessionFactory(organization=department)
    night_en, night_es, parking = (_submit(NIGHT_EN, "en", session), _submit(NIGHT_ES, "es", session),
                                   _submit(PARKING, "en", session))
    elsewhere = _submit(NIGHT_EN + " Truly.", "en", SessionFactory())  # another department's session
    assert similar_items(queryset=feedback_list(user=moderator), item=night_en) is None  # not analysed yet
    embed_pending()
    found = similar_items(queryset=feedback_list(user=moderator), item=night_en)
    assert [entry.item.pk for entry in found][:1] == [night_es.pk]
    assert found[0].score > 0.6
    assert elsewhere.pk not in [entry.item.pk for entry in found]
    assert parking.pk not in [entry.item.pk for entry in found] or found[-1].item.pk == parking.pk


def test_same_words_are_flagged_as_repeats(department, moderator):
    session = SessionFactory(organization=department)
    first = _submit(NIGHT_EN, session=session)
    copies = [_submit(NIGHT_EN.upper(), session=session), _submit(NIGHT_EN + "!!", session=session)]
    embed_pending()
    visible = feedback_list(user=moderator)
    assert repeat_counts(queryset=visible, items=[first, *copies]) == {first.pk: 2, copies[0].pk: 2, copies[1].pk: 2}
    assert all(entry.repeat for entry in similar_items(queryset=visible, item=first))


def test_index_follows_new_vectors_without_reading_all_again():
    _submit(NIGHT_EN)
    embed_pending()
    ids, _ = index.INDEX.current()
    assert len(ids) == 1
    added = _submit(NIGHT_ES, "es")
    embed_pending()
    ids, matrix = index.INDEX.current()
    assert added.pk in set(ids.tolist()) and matrix.shape == (2, encoder.DIMENSIONS)


def test_detail_page_shows_the_written_language_and_similar_feedback(client, department, moderator):
    session = SessionFactory(organization=department)
    night_en, night_es = _submit(NIGHT_EN, "en", session), _submit(NIGHT_ES, "en", session)
    client.force_login(moderator)
    page = client.get(f"/staff/engagement/feedback/{night_es.pk}/").content.decode()
    assert "written language not read yet" in page and "has not been analysed yet" in page
    embed_pending()
    page = client.get(f"/staff/engagement/feedback/{night_es.pk}/").content.decode()
    assert "Form in English · written in Spanish" in page
    assert f'href="/staff/engagement/feedback/{night_en.pk}/"' in page
    assert "Similar feedback, in any language" in page


def test_queue_marks_repeats_in_constant_queries(client, department, moderator):
    session = SessionFactory(organization=department)
    _submit(NIGHT_EN, session=session)
    client.force_login(moderator)
    client.get("/staff/engagement/feedback/")  # the first request of a session reads more (the session itself)
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/engagement/feedback/")
    for _ in range(4):
        _submit(NIGHT_EN, session=session), _submit(PARKING + " (more)", session=session)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/staff/engagement/feedback/").content.decode()
    assert "Repeated 4 more times" in page
    assert len(many) == len(few)


def test_large_index_ranks_through_the_projection_as_the_exact_scan_would(monkeypatch):
    """From REDUCE_FROM rows a query scans a 128-dimensional projection first: its answers are the exact
    scan's (recall of the 8 nearest over 50 queries, on clustered vectors like a season's)."""
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(300, encoder.DIMENSIONS))
    rows = centres[rng.integers(0, 300, size=index.REDUCE_FROM + 1000)] + rng.normal(
        scale=0.6, size=(index.REDUCE_FROM + 1000, encoder.DIMENSIONS))
    matrix = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
    built = index._Index()
    built.ids, built.matrix = np.arange(1, len(matrix) + 1, dtype=np.int64), matrix
    built._fit()
    assert built.basis.shape == (encoder.DIMENSIONS, index.REDUCED)
    monkeypatch.setattr(index, "INDEX", built)
    monkeypatch.setattr(built, "snapshot", lambda: (built.ids, built.matrix, built.basis, built.reduced))
    found = total = 0
    for k in range(0, len(matrix), len(matrix) // 50):
        exact = {int(built.ids[j]) for j in np.argsort(-(matrix @ matrix[k]))[:9]} - {int(built.ids[k])}
        got = {pk for pk, _ in index.nearest(matrix[k], count=8, exclude=int(built.ids[k]))}
        found, total = found + len(exact & got), total + len(exact)
    assert found / total >= 0.95
