from . import privacy, public, staff

__all__ = ["privacy", "public", "staff"]
