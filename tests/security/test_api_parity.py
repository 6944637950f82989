"""API parity: every page route that accepts POST has an API operation that does the same thing
(tests/security/parity_table.py), or a written reason why not. Self-completing like the permission
matrix: the routes come from the URL resolver and which of them accept POST from the views
themselves, so a new page action fails here until it is mapped.

How a view says which methods it accepts: a class-based view by its handlers (`post`) within
`http_method_names`; a function view by Django's `require_http_methods` family (`require_POST`,
`require_safe`, `require_http_methods([...])`). A function view that declares nothing answers every
method, POST included, so it counts as accepting POST: a GET-only page says so with `require_safe`.
"""

from collections import defaultdict

from django.views.decorators.http import require_http_methods, require_POST, require_safe
from drf_spectacular.generators import SchemaGenerator

from apps.core.routes import walk_views
from tests.security.parity_table import PARITY
from tests.security.parity_types import Api, Exempt

# Apps whose part of the table another session is filling; their missing routes are reported but
# tolerated. The lead empties this set when the branches are merged.
PENDING_APPS: set[str] = set()

# Not pages of this project: the Django admin is staff's own tool over the models (every write there
# is a model admin's, not a page action with a service behind it), and the API is the API.
EXCLUDED_PREFIXES = ("admin/", "api/")


def view_methods(view) -> set[str] | None:
    """The HTTP methods a view accepts, or None when it declares none (it then answers them all)."""
    cls = getattr(view, "view_class", None)
    if cls is not None:
        return {m.upper() for m in cls.http_method_names if hasattr(cls, m)}
    func = view
    while func is not None:
        code = getattr(func, "__code__", None)
        # Django's require_http_methods keeps its list in the closure of the wrapper it returns.
        if code is not None and "request_method_list" in code.co_freevars:
            return {m.upper() for m in func.__closure__[code.co_freevars.index("request_method_list")].cell_contents}
        func = getattr(func, "__wrapped__", None)
    return None


def post_routes() -> dict[str, str]:
    """Route name -> pattern for every page route whose view accepts POST."""
    routes = {}
    for pattern, name, view in walk_views():
        if pattern.startswith(EXCLUDED_PREFIXES):
            continue
        methods = view_methods(view)
        if methods is None or "POST" in methods:
            assert name, f"URL pattern {pattern!r} accepts POST and has no name: the parity table cannot list it"
            routes.setdefault(name, pattern)
    return routes


def app_of(route: str) -> str:
    """The app a route belongs to: its namespace, or "allauth" / "django" for the third-party routes."""
    if ":" in route:
        return route.split(":", 1)[0]
    return "allauth" if route.startswith(("account_", "mfa_", "socialaccount_")) else "django"


def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops
            if method in ("get", "post", "put", "patch", "delete")}


def _grouped(routes) -> str:
    groups = defaultdict(list)
    for route in routes:
        groups[app_of(route)].append(route)
    return "\n".join(f"  {app}: {', '.join(sorted(names))}" for app, names in sorted(groups.items()))


# --- the reader of views: it must see what Django's decorators declare ------------------------------

def test_view_methods_reads_djangos_declarations():
    def page(request):
        return None

    assert view_methods(page) is None
    assert view_methods(require_POST(page)) == {"POST"}
    assert view_methods(require_safe(page)) == {"GET", "HEAD"}
    assert view_methods(require_http_methods(["GET", "POST"])(page)) == {"GET", "POST"}
    from django.contrib.auth.decorators import login_required

    assert view_methods(login_required(require_POST(page))) == {"POST"}  # through wrappers


def test_post_routes_are_found():
    routes = post_routes()
    # Controls: a require_POST view, a view that posts its own form, a class-based view, and a GET-only page.
    assert "scheduling:shift-publish" in routes and "training:record-create" in routes
    assert "account_login" in routes
    assert "core:dashboard" not in routes and "healthz" not in routes


# --- the table ------------------------------------------------------------------------------------

def test_every_post_route_has_a_parity_row():
    missing = sorted(set(post_routes()) - set(PARITY))
    blocking = [route for route in missing if app_of(route) not in PENDING_APPS]
    assert blocking == [], ("page routes that accept POST with no row in the parity table "
                            "(map them to their API operation, or Exempt with a reason):\n" + _grouped(blocking))


def test_pending_apps_are_reported():
    """What is still tolerated, so the report shows it; empty once every part of the table is merged."""
    pending = sorted(r for r in set(post_routes()) - set(PARITY) if app_of(r) in PENDING_APPS)
    print("pending (tolerated) routes:\n" + _grouped(pending))


def test_no_stale_parity_rows():
    routes = post_routes()
    stale = sorted(route for route in PARITY if route not in routes)
    assert stale == [], "parity rows for routes that no longer exist or no longer accept POST:\n" + _grouped(stale)


def test_every_api_row_is_an_operation_of_the_schema():
    operations = schema_operations()
    wrong = sorted(f"{route}: {row.method} {row.path}" for route, row in PARITY.items()
                   if isinstance(row, Api) and (row.method.upper(), row.path) not in operations)
    assert wrong == [], "parity rows naming no operation of the OpenAPI schema:\n" + "\n".join(wrong)


def test_rows_are_api_or_exempt_with_a_reason():
    for route, row in PARITY.items():
        assert isinstance(row, Api | Exempt), route
        if isinstance(row, Exempt):
            assert len(row.reason.split()) >= 5, f"{route}: an exemption needs a reason a reviewer can judge"
        else:
            assert row.method in ("POST", "PUT", "PATCH", "DELETE"), f"{route}: a page action maps to a write"
            assert row.path.startswith("/api/v1/"), route
