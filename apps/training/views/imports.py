"""The CSV import of completed training: upload → report and preview → confirm.

Between the two steps the checked file stays on the server (private storage, a random name); the
page carries only a signed token naming the user, the organization, the stored file and its hash.
Confirming reads the stored file, checks the hash and validates it again (the people, courses and
records may have changed meanwhile) before anything is written.
"""

import hashlib
import uuid
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from apps.accounts.models import Organization
from apps.core.errors import ApplicationError

from .. import services
from ..imports import max_bytes, max_rows, template_csv
from ..permissions import managed_organization_ids

TOKEN_SALT = "crisisprog.training.import"
# How long a checked file waits for its confirmation.
TOKEN_MAX_AGE = timedelta(hours=1)
STORAGE_DIR = "training/imports"
PREVIEW_ROWS = 100


class ImportForm(forms.Form):
    organization = forms.ModelChoiceField(label=gettext_lazy("Organization"), queryset=None, empty_label=None)
    file = forms.FileField(label=gettext_lazy("CSV file"), allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["file"].help_text = _(
            "CSV UTF-8, at most %(mb)s MB and %(rows)s rows. Columns: email, course_code, completed_on "
            "(YYYY-MM-DD); optional: expires_on, certificate_number.") % {
            "mb": max(1, max_bytes() // (1024 * 1024)), "rows": max_rows()}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(_("The file is larger than %(mb)s MB; split it into smaller files.")
                                        % {"mb": max(1, max_bytes() // (1024 * 1024))})
        return upload


class ConfirmForm(forms.Form):
    token = forms.CharField(max_length=2000, widget=forms.HiddenInput)


def _organizations(user):
    organizations = Organization.objects.filter(pk__in=managed_organization_ids(user), is_active=True).order_by("name")
    if not organizations.exists():
        raise PermissionDenied
    return organizations


def _purge_stale_uploads() -> None:
    """Checked files nobody confirmed hold people's emails: remove them once their token has expired."""
    try:
        _dirs, files = default_storage.listdir(STORAGE_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - TOKEN_MAX_AGE
    for name in files:
        path = f"{STORAGE_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


def _render(request, form, report=None, token="", status=200, errors=()):
    rows = report.rows if report is not None else []
    return render(request, "training/record_import.html", {
        "form": form, "report": report, "token": token, "errors": list(errors), "preview": rows[:PREVIEW_ROWS],
        "more_rows": max(0, len(rows) - PREVIEW_ROWS),
    }, status=status)


@login_required
def record_import(request):
    organizations = _organizations(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, organizations=organizations)
    if request.method != "POST":
        return _render(request, form)
    if not form.is_valid():
        return _render(request, form, status=400)
    organization, upload = form.cleaned_data["organization"], form.cleaned_data["file"]
    upload.seek(0)
    content = upload.read(max_bytes() + 1)
    try:
        report = services.records_import(by=request.user, organization=organization, content=content,
                                         file_name=upload.name or "", dry_run=True)
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _render(request, form, status=400)
    if not report.ok:
        return _render(request, form, report, status=400)
    _purge_stale_uploads()
    stored = default_storage.save(f"{STORAGE_DIR}/{uuid.uuid4().hex}.csv", ContentFile(content))
    token = signing.dumps({"u": request.user.pk, "o": organization.pk, "s": stored, "h": report.file_sha256,
                           "f": (upload.name or "")[:200]}, salt=TOKEN_SALT)
    return _render(request, form, report, token=token)


@login_required
@require_POST
def record_import_confirm(request):
    organizations = _organizations(request.user)
    form = ImportForm(organizations=organizations)
    confirm = ConfirmForm(request.POST)
    expired = _("This upload has expired or is not valid; upload the file again.")
    try:
        if not confirm.is_valid():
            raise signing.BadSignature("no token")
        data = signing.loads(confirm.cleaned_data["token"], salt=TOKEN_SALT,
                             max_age=TOKEN_MAX_AGE.total_seconds())
        if data["u"] != request.user.pk:
            raise signing.BadSignature("another user's token")
        organization = organizations.get(pk=data["o"])
        with default_storage.open(data["s"], "rb") as stored:
            content = stored.read()
        if hashlib.sha256(content).hexdigest() != data["h"]:
            raise signing.BadSignature("the stored file changed")
    except (signing.BadSignature, KeyError, TypeError, OSError, Organization.DoesNotExist):
        return _render(request, form, status=400, errors=[expired])
    try:
        report = services.records_import(by=request.user, organization=organization, content=content,
                                         file_name=data.get("f", ""))
    except ApplicationError as error:
        return _render(request, form, status=400, errors=[error.message])
    default_storage.delete(data["s"])
    if not report.ok:
        # Something changed since the check (a responder left, a record was added): nothing was written.
        return _render(request, form, report, status=400, errors=[
            _("Since the file was checked, something changed: nothing was imported. Correct the problems and "
              "upload the file again.")])
    messages.success(request, _("%(created)s training records imported for %(organization)s; %(skipped)s rows were "
                                "already recorded.") % {"created": len(report.created),
                                                        "organization": organization.name,
                                                        "skipped": len(report.skipped)})
    return redirect(f"{reverse('training:readiness-matrix')}?{urlencode({'organization': organization.slug})}")


@login_required
@require_safe
def record_import_template(request):
    _organizations(request.user)
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="training-records-template.csv"'
    return response
