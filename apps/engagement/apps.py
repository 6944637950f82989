from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "apps.engagement"
    label = "engagement"
    verbose_name = "Community sessions and feedback"

    def ready(self) -> None:
        from . import registrations  # noqa: F401  registers navigation, cards, notification kinds, scanner, seeder
