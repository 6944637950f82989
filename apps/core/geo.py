"""Which neighborhood a point is in: the dispatch API's "a point's neighborhood" (issue 22).

Neighborhoods carry their outline as GeoJSON (`Neighborhood.boundary`, longitude/latitude, WGS 84), loaded
from the city's open data by `manage.py load_neighborhood_boundaries` (`boundaries_load`, all or nothing,
audited). A point is looked up by ray casting in plain Python: a city has a few dozen neighborhoods of a few
hundred vertices each, so no spatial database is needed; each outline's bounding box is checked first, and
the outlines are read once and kept in the cache until the next load.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit
from .errors import ApplicationError
from .models import Neighborhood

CACHE_KEY = "core:neighborhood-boundaries:v1"
CACHE_SECONDS = 24 * 60 * 60
MAX_VERTICES = 200_000  # a whole city's outlines at survey precision are a few tens of thousands


@dataclass(frozen=True)
class Outline:
    neighborhood_id: int
    slug: str
    bbox: tuple[float, float, float, float]  # west, south, east, north
    polygons: tuple[tuple[tuple[tuple[float, float], ...], ...], ...]  # polygons -> rings (outer first) -> points


def _ring_contains(ring, x: float, y: float) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def outline_contains(outline: Outline, lon: float, lat: float) -> bool:
    west, south, east, north = outline.bbox
    if not (west <= lon <= east and south <= lat <= north):
        return False
    # Inside a polygon's outer ring and in none of its holes.
    return any(_ring_contains(rings[0], lon, lat) and not any(_ring_contains(h, lon, lat) for h in rings[1:])
               for rings in outline.polygons)


def _polygons(geometry) -> tuple:
    """The polygons of a GeoJSON geometry (a Polygon, a MultiPolygon, or a Feature holding one), checked."""
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError(_("a boundary must be a GeoJSON Polygon or MultiPolygon"))
    polygons = [geometry.get("coordinates")] if geometry["type"] == "Polygon" else geometry.get("coordinates")
    out = []
    for polygon in polygons or ():
        rings = []
        for ring in polygon or ():
            points = []
            for point in ring or ():
                if (not isinstance(point, list | tuple) or len(point) < 2
                        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point[:2])):
                    raise ValueError(_("every position must be [longitude, latitude]"))
                lon, lat = float(point[0]), float(point[1])
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise ValueError(_("a position is outside longitude −180…180, latitude −90…90: "
                                       "the file must be in WGS 84 (EPSG:4326)"))
                points.append((lon, lat))
            if len(points) < 4:
                raise ValueError(_("a ring needs at least four positions (the first repeated last)"))
            rings.append(tuple(points))
        if not rings:
            raise ValueError(_("a polygon has no ring"))
        out.append(tuple(rings))
    if not out:
        raise ValueError(_("the geometry has no polygon"))
    return tuple(out)


def _outline(neighborhood_id: int, slug: str, boundary) -> Outline:
    polygons = _polygons(boundary)
    xs = [p[0] for rings in polygons for p in rings[0]]
    ys = [p[1] for rings in polygons for p in rings[0]]
    return Outline(neighborhood_id=neighborhood_id, slug=slug, bbox=(min(xs), min(ys), max(xs), max(ys)),
                   polygons=polygons)


def outlines() -> list[Outline]:
    """The active neighborhoods' outlines, from the cache (one query when it is cold)."""
    found = cache.get(CACHE_KEY)
    if found is None:
        found = [_outline(pk, slug, boundary) for pk, slug, boundary in
                 Neighborhood.objects.filter(is_active=True, boundary__isnull=False).order_by("sort_order", "pk")
                 .values_list("pk", "slug", "boundary")]
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def neighborhood_at(*, lat: float, lon: float) -> Neighborhood:
    """The active neighborhood whose outline holds the point. A specific ApplicationError (field `lat`) when
    no outline is loaded or none holds it: the dispatch system then asks by zone."""
    loaded = outlines()
    if not loaded:
        raise ApplicationError(_("No neighborhood boundaries are loaded, so a point cannot be looked up: send the "
                                 "zone's slug instead."), field="lat")
    for outline in loaded:
        if outline_contains(outline, lon, lat):
            return Neighborhood.objects.get(pk=outline.neighborhood_id)
    raise ApplicationError(_("The point %(lat)s, %(lon)s is in none of the city's neighborhoods.")
                           % {"lat": f"{lat:.5f}", "lon": f"{lon:.5f}"}, field="lat")


def boundaries_load(*, by, geojson_text: str, name_property: str = "name") -> dict[str, int]:
    """Load the outlines of a GeoJSON FeatureCollection, each feature matched to a neighborhood by its
    `name_property` (the neighborhood's name or slug, ignoring case). All or nothing: a feature that matches
    no neighborhood, two features for one neighborhood, or a bad geometry changes nothing and says which."""
    try:
        data = json.loads(geojson_text)
    except ValueError as error:
        raise ApplicationError(_("The file is not JSON: %(error)s") % {"error": error}, field="file") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise ApplicationError(_("The file must be a GeoJSON FeatureCollection."), field="file")
    by_key = {}
    for pk, name, slug in Neighborhood.objects.values_list("pk", "name", "slug"):
        by_key[name.casefold()] = by_key[slug.casefold()] = pk
    found: dict[int, dict] = {}
    vertices = 0
    for n, feature in enumerate(data["features"], start=1):
        name = str(((feature or {}).get("properties") or {}).get(name_property) or "").strip()
        pk = by_key.get(name.casefold())
        if pk is None:
            raise ApplicationError(_("Feature %(n)s: “%(name)s” (property “%(property)s”) is no neighborhood of the "
                                     "city.") % {"n": n, "name": name[:100], "property": name_property},
                                   field="file")
        if pk in found:
            raise ApplicationError(_("Feature %(n)s: “%(name)s” has an outline already.") % {"n": n, "name": name},
                                   field="file")
        try:
            polygons = _polygons(feature.get("geometry"))
        except ValueError as error:
            raise ApplicationError(_("Feature %(n)s (“%(name)s”): %(error)s.") % {"n": n, "name": name,
                                                                                   "error": error},
                                   field="file") from None
        vertices += sum(len(ring) for rings in polygons for ring in rings)
        if vertices > MAX_VERTICES:
            raise ApplicationError(_("The outlines have more than %(n)s positions: simplify them first.")
                                   % {"n": MAX_VERTICES}, field="file")
        found[pk] = feature["geometry"]
    with transaction.atomic():
        rows = {n.pk: n for n in Neighborhood.objects.select_for_update().filter(pk__in=found)}
        for pk, geometry in found.items():
            rows[pk].boundary = geometry
        Neighborhood.objects.bulk_update(rows.values(), ["boundary"])
        audit(actor=by, action="core.neighborhood_boundaries.loaded", target=None,
              after={"neighborhoods": sorted(rows[pk].slug for pk in found), "positions": vertices})
        transaction.on_commit(lambda: cache.delete(CACHE_KEY))
    return {"neighborhoods": len(found), "positions": vertices}
