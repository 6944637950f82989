"""Load the neighborhoods' outlines from a GeoJSON file (the city's open data), for the dispatch API's point
lookup: `manage.py load_neighborhood_boundaries boston_neighborhoods.geojson --name-property name`.

All or nothing: a feature naming no neighborhood, a neighborhood named twice, or a bad geometry changes
nothing and says which feature. Coordinates must be longitude/latitude (WGS 84, EPSG:4326)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import ApplicationError
from apps.core.geo import boundaries_load


class Command(BaseCommand):
    help = "Load neighborhood outlines (a GeoJSON FeatureCollection in WGS 84) for the dispatch API's point lookup."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A GeoJSON FeatureCollection, one feature per neighborhood.")
        parser.add_argument("--name-property", default="name",
                            help="The feature property holding the neighborhood's name or slug (default: name).")

    def handle(self, *args, path, name_property, **options):
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            result = boundaries_load(by=None, geojson_text=text, name_property=name_property)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Loaded the outlines of {result['neighborhoods']} neighborhoods "
                          f"({result['positions']} positions).")
