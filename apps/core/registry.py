"""The registries every app contributes to: navigation, dashboard cards and demo-data seeders.

Apps register here from their `registrations.py`, imported by `AppConfig.ready()`; core imports none
of them. An entry names the roles that see it (any role, in any organization) or a predicate on the user.

A navigation entry belongs to a group of the header, named by the group's key: the groups are the
program's tasks (core registers them, since the header is core's), so an entry is placed by what a person
does with it rather than by the app that serves it. An entry with no group is a link of its own;
`ACCOUNT` entries go in the user menu, beside the profile and sign out.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

ACCOUNT = "account"  # the group of the user menu


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    order: int = 100
    group: str = ""  # a NavGroup's key, ACCOUNT, or empty: a link of its own
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
_nav_groups: dict[str, NavGroup] = {}
_card_providers: dict[str, Callable] = {}


def register_nav(item: NavItem) -> None:
    _nav[item.key] = item


def register_nav_group(group: NavGroup) -> None:
    _nav_groups[group.key] = group


def register_cards(key: str, provider: Callable) -> None:
    """`provider(request)` returns the cards for this user (an empty list when none apply)."""
    _card_providers[key] = provider


def navigation_for(user) -> list[dict]:
    """Every entry this user may see, in order, each with its group's key."""
    items = sorted((i for i in _nav.values() if i.visible_to(user)), key=lambda i: (i.order, i.key))
    return [{"key": i.key, "label": i.label, "url": reverse(i.url_name), "group": i.group,
             "order": i.order} for i in items]


def navigation_menu(items: list[dict], *, path: str = "") -> dict:
    """The header's menus from `navigation_for`'s entries: `sections` (a link of its own, or a group with its
    entries; a group with one entry the user may see is shown as that link) and `account` (the user menu).

    The entry for `path` is marked `current` ("page" on the page itself, "true" on a page under it, such as
    a shift under the schedule), and so is its section: the longest entry address that `path` starts with,
    so "/shifts/open/" is Open shifts and not My shifts. The dashboard ("/") is current only on itself.
    """
    under = [i["url"] for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))]
    current = max(under, key=len, default=None)
    sections: dict[str, dict] = {}
    account: list[dict] = []
    for item in items:
        entry = {**item, "current": ("page" if path == item["url"] else "true") if item["url"] == current else ""}
        if item["group"] == ACCOUNT:
            account.append(entry)
            continue
        group = _nav_groups.get(item["group"])
        key = group.key if group else f"item:{item['key']}"
        section = sections.setdefault(key, {
            "key": key, "label": group.label if group else item["label"], "items": [], "current": False,
            "order": group.order if group else item["order"]})
        section["items"].append(entry)
        section["current"] = section["current"] or bool(entry["current"])
    ordered = sorted(sections.values(), key=lambda s: (s["order"], s["key"]))
    for section in ordered:
        section["link"] = section["items"][0] if len(section["items"]) == 1 else None
    return {"sections": ordered, "account": account}


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
