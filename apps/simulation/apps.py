from django.apps import AppConfig


class SimulationConfig(AppConfig):
    """`manage.py simulate`: the program through simulated months (DESIGN.md). Drives every other app
    through its services and views like a user would; nothing imports it."""

    name = "apps.simulation"
    label = "simulation"
    verbose_name = "Year simulation"
