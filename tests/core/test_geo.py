"""A point's neighborhood (apps/core/geo.py): outlines loaded from GeoJSON all or nothing, looked up by ray
casting with holes and multipolygons; the dispatch API answers for a point as for a zone."""

import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from apps.core.errors import ApplicationError
from apps.core.geo import boundaries_load, neighborhood_at
from apps.core.models import AuditEvent, Neighborhood

pytestmark = pytest.mark.django_db


def square(west, south, east, north):
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def feature(name, geometry, prop="name"):
    return {"type": "Feature", "properties": {prop: name}, "geometry": geometry}


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


# Two made-up outlines in the Boston area: Dorchester a square with a hole (where Roxbury's island is), Roxbury
# that island plus a second piece (a MultiPolygon).
DORCHESTER = {"type": "Polygon", "coordinates": [square(-71.08, 42.28, -71.03, 42.32),
                                                 square(-71.06, 42.29, -71.05, 42.30)]}
ROXBURY = {"type": "MultiPolygon", "coordinates": [[square(-71.06, 42.29, -71.05, 42.30)],
                                                   [square(-71.10, 42.31, -71.085, 42.33)]]}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def loaded():
    boundaries_load(by=None, geojson_text=collection(feature("Dorchester", DORCHESTER),
                                                     feature("roxbury", ROXBURY)))


def test_a_point_is_found_in_its_neighborhood_holes_and_pieces_included(loaded):
    assert neighborhood_at(lat=42.285, lon=-71.07).slug == "dorchester"
    assert neighborhood_at(lat=42.295, lon=-71.055).slug == "roxbury"  # in Dorchester's hole
    assert neighborhood_at(lat=42.32, lon=-71.09).slug == "roxbury"  # Roxbury's second piece
    with pytest.raises(ApplicationError) as caught:
        neighborhood_at(lat=42.40, lon=-71.00)
    assert caught.value.field == "lat" and "in none of the city's neighborhoods" in caught.value.message


def test_without_outlines_a_point_cannot_be_looked_up():
    with pytest.raises(ApplicationError) as caught:
        neighborhood_at(lat=42.285, lon=-71.07)
    assert caught.value.field == "lat" and "No neighborhood boundaries are loaded" in caught.value.message


def test_loading_is_audited_and_the_cache_follows(loaded, django_capture_on_commit_callbacks):
    assert neighborhood_at(lat=42.285, lon=-71.07).slug == "dorchester"
    event = AuditEvent.objects.get(action="core.neighborhood_boundaries.loaded")
    assert event.after == {"neighborhoods": ["dorchester", "roxbury"], "positions": 20}
    # Reloading Dorchester bigger: the next lookup reads the new outline (the cache was dropped on commit).
    bigger = {"type": "Polygon", "coordinates": [square(-71.08, 42.28, -70.99, 42.41)]}
    with django_capture_on_commit_callbacks(execute=True):
        boundaries_load(by=None, geojson_text=collection(feature("Dorchester", bigger)))
    assert neighborhood_at(lat=42.40, lon=-71.00).slug == "dorchester"


@pytest.mark.parametrize(("text", "expected"), [
    ("not json", "The file is not JSON"),
    (json.dumps({"type": "Feature"}), "must be a GeoJSON FeatureCollection"),
    (collection(feature("Atlantis", DORCHESTER)), "Feature 2: “Atlantis” (property “name”) is no neighborhood"),
    (collection(feature("Dorchester", DORCHESTER), feature("dorchester", DORCHESTER)), "Feature 3: “dorchester” has"),
    (collection(feature("Dorchester", {"type": "Point", "coordinates": [-71, 42]})), "Polygon or MultiPolygon"),
    (collection(feature("Dorchester", {"type": "Polygon", "coordinates": [[[-71, 42], [-71, 43]]]})),
     "at least four positions"),
    (collection(feature("Dorchester", {"type": "Polygon", "coordinates": [square(235000, 890000, 236000, 891000)]})),
     "WGS 84"),
    (collection(feature("Dorchester", {"type": "Polygon", "coordinates": [[["a", 1], [1, 1], [1, 2], ["a", 1]]]})),
     "[longitude, latitude]"),
])
def test_a_bad_file_changes_nothing_and_says_why(loaded, text, expected):
    before = dict(Neighborhood.objects.filter(boundary__isnull=False).values_list("slug", "boundary"))
    # A good feature first (so the bad one is feature 2 or 3): it must not be left half-loaded.
    if text.startswith("{\"type\": \"FeatureCollection\""):
        data = json.loads(text)
        data["features"].insert(0, feature("Roxbury", {"type": "Polygon", "coordinates": [square(0, 0, 1, 1)]}))
        text = json.dumps(data)
    with pytest.raises(ApplicationError) as caught:
        boundaries_load(by=None, geojson_text=text)
    assert expected in caught.value.message and caught.value.field == "file"
    assert dict(Neighborhood.objects.filter(boundary__isnull=False).values_list("slug", "boundary")) == before


def test_the_command_loads_a_file_and_reports_errors(tmp_path):
    path = tmp_path / "hoods.geojson"
    path.write_text(collection(feature("Dorchester", DORCHESTER, prop="Name")), encoding="utf-8")
    out = StringIO()
    call_command("load_neighborhood_boundaries", str(path), "--name-property", "Name", stdout=out)
    assert "Loaded the outlines of 1 neighborhoods (10 positions)." in out.getvalue()
    assert Neighborhood.objects.get(slug="dorchester").boundary == DORCHESTER
    with pytest.raises(CommandError, match="is no neighborhood"):
        call_command("load_neighborhood_boundaries", str(path))  # no "name" property
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_neighborhood_boundaries", str(tmp_path / "missing.geojson"))
