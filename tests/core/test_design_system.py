"""Pages use the U.S. Web Design System consistently: every button and table carries its USWDS class, no
template uses the old class names, and every file the vendored stylesheet names is vendored."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
VENDOR = Path(settings.BASE_DIR) / "static" / "vendor" / "uswds"
# Emails, text messages and the PDFs are not pages: WeasyPrint and mail clients get their own styles.
NOT_PAGES = ("emails", "sms", "reports/pdf")
# The names the first stylesheet used for what USWDS now draws (usa-button, usa-alert, usa-hint, ...).
OLD_CLASSES = {"button", "secondary", "danger", "link-button", "panel", "card", "notice", "help", "error",
               "form-errors", "badge", "visually-hidden", "table-wrap", "skip-link", "message"}
CLASS_ATTR = re.compile(r'class="([^"]*)"')
# Grids USWDS has no component for, drawn by their app's stylesheet: the schedule board (people × days).
OWN_GRIDS = {"scheduling/board.html"}


def _pages():
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES).as_posix()
        if not relative.startswith(NOT_PAGES):
            yield relative, path.read_text()


def _tags(source: str, name: str):
    return re.findall(rf"<{name}\b[^>]*>", source)


@pytest.mark.parametrize(("name", "needs"), [("button", "usa-"), ("table", "usa-table")])
def test_every_button_and_table_in_a_page_has_its_uswds_class(name, needs):
    missing = [(relative, tag) for relative, source in _pages() for tag in _tags(source, name)
               if needs not in (CLASS_ATTR.search(tag) or [None, ""])[1]
               and not (name == "table" and relative in OWN_GRIDS)]
    assert not missing, f"<{name}> without a {needs}* class: {missing}"


def test_no_page_uses_the_old_class_names():
    used = []
    for relative, source in _pages():
        for classes in CLASS_ATTR.findall(source):
            # Template tags inside a class attribute ({% if %}…) are dropped; the words they join are checked.
            words = set(re.sub(r"\{[%{].*?[%}]\}", "", classes).split())
            if words & OLD_CLASSES:
                used.append((relative, sorted(words & OLD_CLASSES)))
    assert not used, f"old class names still in use (use USWDS's, see docs/ARCHITECTURE.md): {used}"


def test_every_file_the_vendored_stylesheet_names_is_vendored():
    css = (VENDOR / "css" / "uswds.min.css").read_text()
    urls = {u.strip("\"'") for u in re.findall(r"url\(([^)]+)\)", css)} - {""}
    relative = [u for u in urls if not u.startswith("data:")]
    assert len(relative) >= 50
    missing = [u for u in relative if not (VENDOR / "css" / u).resolve().is_file()]
    assert not missing
    assert "sourceMappingURL" not in css  # the maps are not shipped; the manifest storage would refuse the name
    assert (VENDOR / "img" / "sprite.svg").is_file()
    assert (VENDOR / "VERSION").read_text().strip() == "3.14.0"


@pytest.mark.django_db
def test_the_base_page_loads_uswds_before_the_sites_stylesheet(client):
    page = client.get("/").content.decode()
    assert page.index("vendor/uswds/css/uswds.min") < page.index("css/app.")
    assert "vendor/uswds/js/uswds-init.min" in page and "vendor/uswds/js/uswds.min" in page
    assert 'class="usa-header usa-header--basic' in page and 'class="usa-footer' in page
