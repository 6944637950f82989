from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "apps.scheduling"
    label = "scheduling"
    verbose_name = "Shift scheduling"

    def ready(self) -> None:
        from . import registrations  # noqa: F401  (registers nav, cards, notification kinds, scanners, demo data)
