from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "apps.procurement"
    label = "procurement"
    verbose_name = "Procurement (RFP and facilitator selection)"

    def ready(self) -> None:
        from . import registrations  # noqa: F401  registers navigation, cards, notification kinds, scanners, demo data
