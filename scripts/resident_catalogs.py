"""Keep the resident catalogs in step with the code (issue 23): `make catalogs`.

After `manage.py makemessages -l es` (which `make catalogs` runs first) the Spanish catalog holds every
message with its source references. This adds each resident message (apps/core/i18n_catalogs.py says
which) that a resident language's catalog lacks, untranslated, so tests/core/test_resident_crawl.py fails
until a translator fills it, and drops the messages no longer used on resident pages (Django's own form
and date messages stay in the Haitian Creole, Cabo Verdean Creole and Somali catalogs). Translations are
never changed. Then compile with `manage.py compilemessages`.

    python scripts/resident_catalogs.py            # update locale/<code>/LC_MESSAGES/django.po
    python scripts/resident_catalogs.py --check    # change nothing; exit 1 when a catalog is behind
"""

import argparse
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apps.core.i18n_catalogs import (  # noqa: E402
    RESIDENT_LOCALES,
    WITH_DJANGO_MESSAGES,
    django_keys,
    empty_entries,
    resident_entries,
    sync,
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a catalog is behind")
    parser.add_argument("--locale-dir", default=str(ROOT / "locale"))
    parser.add_argument("locales", nargs="*", default=RESIDENT_LOCALES)
    args = parser.parse_args(argv)
    locale_dir = Path(args.locale_dir)
    resident = resident_entries(polib.pofile(str(locale_dir / "es" / "LC_MESSAGES" / "django.po")))
    django = django_keys()
    behind = False
    print(f"{len(resident)} resident messages (from the Spanish catalog's references)")
    for locale in args.locales:
        path = locale_dir / locale / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(path), wrapwidth=100)
        added, dropped = sync(po, resident, keep=django if locale in WITH_DJANGO_MESSAGES else set())
        empty = empty_entries(po)
        behind = behind or bool(added or dropped)
        print(f"{locale}: {len(added)} added, {len(dropped)} dropped, {len(empty)} untranslated")
        for msgid in added:
            print(f"  + {msgid[:90]!r}")
        for msgid in dropped:
            print(f"  - {msgid[:90]!r}")
        if not args.check and (added or dropped):
            po.save(str(path))
    return 1 if args.check and behind else 0


if __name__ == "__main__":
    sys.exit(main())
