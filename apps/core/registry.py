"""The registries every app contributes to: navigation, dashboard cards and demo-data seeders.

Apps register here from their `registrations.py`, imported by `AppConfig.ready()`; core imports none
of them. An entry names the roles that see it (any role, in any organization) or a predicate on the user.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    order: int = 100
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: any signed-in user
    predicate: Callable | None = None

    def visible_to(self, user) -> bool:
        if not user.is_authenticated:
            return False
        if self.roles and not (self.roles & user.role_names):
            return False
        return self.predicate(user) if self.predicate else True


@dataclass(frozen=True)
class Card:
    """A dashboard card: what is next for this user. `template` renders inside the card."""

    key: str
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    url: str = ""
    link_label: str = ""


_nav: dict[str, NavItem] = {}
_card_providers: dict[str, Callable] = {}


def register_nav(item: NavItem) -> None:
    _nav[item.key] = item


def register_cards(key: str, provider: Callable) -> None:
    """`provider(request)` returns the cards for this user (an empty list when none apply)."""
    _card_providers[key] = provider


def navigation_for(user) -> list[dict]:
    items = sorted((i for i in _nav.values() if i.visible_to(user)), key=lambda i: (i.order, i.key))
    return [{"key": i.key, "label": i.label, "url": reverse(i.url_name)} for i in items]


def cards_for(request) -> list[Card]:
    cards: list[Card] = []
    for provider in _card_providers.values():
        cards.extend(provider(request))
    return sorted(cards, key=lambda c: (c.order, c.key))




# --- demo data -------------------------------------------------------------------------------------
# `manage.py seed_demo` creates organizations and one user per role, then runs each app's seeder
# in order: `seeder(*, users, organizations, stdout)` where users maps the login's local part
# ("coordinator", "responder", ...) to the User and organizations maps name to Organization.
# A seeder must be idempotent: running seed_demo twice leaves the same data. An app may also keep
# its seeders in `<app>/demo.py` and register them there: `demo_seeders()` imports every installed
# app's `demo` module first (like the admin's autodiscovery), so core still imports no app by name.
_demo_seeders: dict[str, tuple[int, Callable]] = {}


def register_demo_seeder(key: str, seeder: Callable, *, order: int = 100) -> None:
    _demo_seeders[key] = (order, seeder)


def demo_seeders() -> list[Callable]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    return [fn for _, fn in sorted(_demo_seeders.values(), key=lambda pair: pair[0])]
