from django.apps import AppConfig


class ScaleConfig(AppConfig):
    """Volume data and benchmarks tooling (seed_scale). Reads and writes every app's models in bulk."""

    name = "apps.scale"
    label = "scale"
    verbose_name = "Scale data"
