from . import evaluation, officer, proposals, public, steps

__all__ = ["evaluation", "officer", "proposals", "public", "steps"]
