"""The translation reviewer's pages (issue 23, part 3): the resident languages with their status, one
language's strings with their current translation, marking it reviewed or draft, and importing a
reviewed .po file, whose difference is shown before anything is applied."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import services
from .catalogs import catalog_diff, current_catalog, resident_languages
from .errors import ApplicationError
from .models import CatalogOverride, TranslationStatus
from .pages import run_action
from .permissions import can_review_translations

MAX_CATALOG_BYTES = 2 * 1024 * 1024


def _reviewer(request) -> None:
    if not can_review_translations(request.user):
        raise PermissionDenied(_("Only translation reviewers and program admins review translations."))


def _language_or_404(code: str) -> dict:
    if code not in resident_languages():
        raise Http404
    info = get_language_info(code)
    return {"code": code, "name": info["name_translated"], "name_local": info["name_local"],
            "bidi": info["bidi"]}


@login_required
@require_safe
def translation_list(request):
    _reviewer(request)
    statuses = {s.language: s for s in TranslationStatus.objects.select_related("reviewed_by")}
    overrides = list(CatalogOverride.objects.all())
    rows = []
    for code in resident_languages():
        messages = current_catalog(code, overrides)
        rows.append({**_language_or_404(code), "status": statuses.get(code), "total": len(messages),
                     "empty": sum(m.empty for m in messages), "reviewed": sum(m.reviewed for m in messages)})
    return render(request, "core/translation_list.html", {"rows": rows})


@login_required
@require_safe
def translation_detail(request, code: str):
    _reviewer(request)
    language = _language_or_404(code)
    status = TranslationStatus.objects.select_related("reviewed_by").filter(language=code).first()
    messages = current_catalog(code)
    query = request.GET.get("q", "").strip().lower()
    if query:
        messages = [m for m in messages if query in m.msgid.lower() or query in m.translation.lower()]
    return render(request, "core/translation_detail.html", {
        "language": language, "status": status, "messages": messages, "q": query})


@login_required
@require_POST
def translation_status(request, code: str):
    _reviewer(request)
    language = _language_or_404(code)
    reviewed = request.POST.get("status") == "reviewed"
    run_action(request, lambda: services.translation_mark(by=request.user, language=code, reviewed=reviewed),
               _("%(language)s is marked reviewed.") % {"language": language["name"]} if reviewed else
               _("%(language)s is marked as a draft.") % {"language": language["name"]})
    return redirect("core:translation-detail", code=code)


def _uploaded_text(request) -> str:
    upload = request.FILES.get("catalog")
    if upload is not None:
        if upload.size > MAX_CATALOG_BYTES:
            raise ApplicationError(_("The file is larger than 2 MB."), field="catalog")
        raw = upload.read()
    else:
        raw = request.POST.get("catalog_text", "").encode()
    if not raw.strip():
        raise ApplicationError(_("Choose the reviewed .po file."), field="catalog")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApplicationError(_("The file must be saved as UTF-8."), field="catalog") from error


@login_required
def translation_import(request, code: str):
    """GET: the upload form. POST without confirm: the difference the file makes. POST with confirm=yes
    (the file's text carried in the preview's form): apply it."""
    _reviewer(request)
    language = _language_or_404(code)
    context = {"language": language}
    if request.method == "POST":
        try:
            text = _uploaded_text(request)
            if request.POST.get("confirm") == "yes":
                count = services.catalog_apply(by=request.user, language=code, text=text)
                from django.contrib import messages as flash
                flash.success(request, ngettext("%(count)d translation applied.", "%(count)d translations applied.",
                                                count) % {"count": count})
                return redirect("core:translation-detail", code=code)
            try:
                context.update(diff=catalog_diff(code, text), catalog_text=text)
            except ValueError as error:
                raise ApplicationError(_("This is not a .po file: %(error)s") % {"error": error},
                                       field="catalog") from error
        except ApplicationError as error:
            context["error"] = error.message
            return render(request, "core/translation_import.html", context, status=400)
    elif request.method not in ("GET", "HEAD"):
        return redirect("core:translation-import", code=code)
    return render(request, "core/translation_import.html", context)
