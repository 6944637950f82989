from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "apps.operations"
    label = "operations"
    verbose_name = "Operations: on duty, dispatch and encounters"

    def ready(self) -> None:
        from . import registrations  # noqa: F401  (registers nav, cards and the demo seeder)
