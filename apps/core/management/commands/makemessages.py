"""makemessages, also reading `N_` (gettext_noop imported as N_): the PDF reports' label tables
(apps/reports/labels.py and the report kinds) mark their words that way, and a report in a resident's
language reads them from the catalog (issue 23: "what we heard" in all eleven)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
