"""Every route of the URL resolver, walked once: the permission matrix, the simulation's sweep and
any other gate that must cover a new page without a hand-kept list start here."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def walk_views(patterns=None, prefix: str = "",
               namespace: str | None = None) -> Iterator[tuple[str, str | None, object]]:
    """(pattern, name, view) for every URL pattern under `patterns` (the root URLconf's by default): the
    pattern is the joined regex or route text of its resolvers, the name is namespaced
    ("scheduling:shift-detail") or None for an unnamed pattern, the view is the pattern's callback."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk_views(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{namespace}:{p.name}" if namespace and p.name else p.name), p.callback


def walk_routes(patterns=None) -> Iterator[tuple[str, str | None]]:
    """(pattern, name) for every URL pattern: `walk_views` without the view."""
    for pattern, name, _view in walk_views(patterns):
        yield pattern, name
