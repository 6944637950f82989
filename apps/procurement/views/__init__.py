from . import evaluation, officer, proposals, public

__all__ = ["evaluation", "officer", "proposals", "public"]
