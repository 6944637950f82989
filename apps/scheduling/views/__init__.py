from . import calendar, coordinator, responder

__all__ = ["calendar", "coordinator", "responder"]
