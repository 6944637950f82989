from . import board, calendar, coordinator, responder

__all__ = ["board", "calendar", "coordinator", "responder"]
