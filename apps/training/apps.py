from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "apps.training"
    label = "training"
    verbose_name = "Training and readiness"

    def ready(self) -> None:
        from . import registrations  # noqa: F401  registers navigation, cards, notification kinds, scanners, demo data
