"""Residents' pages: public, no account, no JavaScript needed. The sessions calendar and registering
(or joining the waitlist), a registration by its signed link, feedback, and what the city did."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.core.clients import resident_limit
from apps.core.decorators import public_page
from apps.core.errors import ApplicationError
from apps.core.pages import apply_error
from apps.core.privacy import mask_personal_details

from .. import exports, selectors, services
from ..calendar import session_ics
from ..forms import FeedbackForm, RegistrationForm, SessionFilterForm
from ..models import CommunitySession, FeedbackItem
from ._common import PAGE_SIZE, registration_or_404, too_many

# --- sessions ------------------------------------------------------------------------------------

@public_page
@require_safe
def session_list(request):
    filters = SessionFilterForm(request.GET or None)
    neighborhood = language = ""
    starts_from = starts_to = None
    if filters.is_valid():
        neighborhood = filters.cleaned_data["neighborhood"].slug if filters.cleaned_data["neighborhood"] else ""
        language = filters.cleaned_data["language"].code if filters.cleaned_data["language"] else ""
        starts_from, starts_to = filters.date_range(timezone.localdate())
    sessions = selectors.public_session_list(neighborhood=neighborhood, language=language,
                                             starts_from=starts_from, starts_to=starts_to)
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = ("when", "date_from", "date_to", "neighborhood", "language")
    query = urlencode({k: request.GET[k] for k in kept if request.GET.get(k)}) if filters.is_valid() else ""
    return render(request, "engagement/session_list.html", {"filters": filters, "page": page, "query": query})


def _public_session_or_404(pk: int) -> CommunitySession:
    try:
        return selectors.public_session_get(pk=pk)
    except CommunitySession.DoesNotExist as exc:
        raise Http404 from exc


@public_page
@require_safe
def session_detail(request, pk: int):
    session = _public_session_or_404(pk)
    return render(request, "engagement/session_detail.html", {
        "session": session, "form": RegistrationForm() if session.is_upcoming else None,
        "full": session.places_left == 0,
    })


@public_page
def session_register(request, pk: int):
    session = _public_session_or_404(pk)
    if not session.is_upcoming:
        raise Http404
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if resident_limit("register", request):
            return too_many(request)
        if form.is_valid():
            try:
                registration = services.registration_create(session_id=session.pk, **form.cleaned_data)
            except ApplicationError as error:
                apply_error(form, error)
            else:
                return redirect("engagement:registration-detail", token=services.registration_token(registration))
    return render(request, "engagement/session_register.html", {"session": session, "form": form})


@public_page
@require_safe
def session_calendar(request, pk: int):
    session = _public_session_or_404(pk)
    response = HttpResponse(session_ics(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


@public_page
@require_safe
def registration_detail(request, token: str):
    registration = registration_or_404(token)
    # The session with its seat counts annotated, as the public pages show it (places left).
    try:
        session = selectors.public_session_get(pk=registration.session_id)
    except CommunitySession.DoesNotExist:  # never published: no public facts to annotate
        session = registration.session
    return render(request, "engagement/registration_detail.html", {
        "registration": registration, "session": session, "token": token,
        "position": selectors.waitlist_position(registration)})


@public_page
def registration_cancel(request, token: str):
    registration = registration_or_404(token)
    error = ""
    if request.method == "POST":
        if resident_limit("cancel", request):
            return too_many(request)
        try:
            services.registration_cancel(registration=registration)
        except ApplicationError as exc:
            # Shown on the page beside the button, not flashed: the resident stays on it.
            error = exc.message
        else:
            messages.success(request, _("Your registration is cancelled. Thank you for letting us know."))
            return redirect("engagement:registration-detail", token=token)
    return render(request, "engagement/registration_cancel.html", {
        "registration": registration, "session": registration.session, "token": token, "error": error})


# --- feedback and what the city did --------------------------------------------------------------

@public_page
def feedback_create(request):
    sessions = CommunitySession.objects.filter(status__in=[CommunitySession.Status.PUBLISHED,
                                                           CommunitySession.Status.COMPLETED]).order_by("-starts_at")
    initial = {"session": request.GET.get("session")} if request.GET.get("session", "").isdigit() else {}
    if request.GET.get("topic") == "translation":
        initial["is_translation_feedback"] = True
    form = FeedbackForm(request.POST or None, sessions=sessions, initial=initial)
    if request.method == "POST":
        if resident_limit("feedback", request):
            return too_many(request)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if data.pop("website"):
                # A bot filled the honeypot: answer as usual, keep nothing.
                return render(request, "engagement/feedback_thanks.html", {"crisis": False})
            try:
                item = services.feedback_submit(channel=FeedbackItem.Channel.ONLINE, **data)
            except ApplicationError as error:
                apply_error(form, error)
            else:
                return _feedback_thanks(request, item)
    return render(request, "engagement/feedback_form.html", {"form": form})


def _feedback_thanks(request, item: FeedbackItem) -> HttpResponse:
    """A message describing a crisis is answered in the language it is written in, as the detector
    reads it (someone writing Spanish on the English form reads the 988 block in Spanish), else in
    the form's; a language the site does not speak keeps the page's language."""
    spoken = dict(settings.LANGUAGES)
    written_in = (item.detected_language or item.language.code).lower()  # zh-Hant → zh-hant
    if written_in not in spoken:
        written_in = written_in.split("-")[0]  # pt-BR → pt
    if not item.safety_flag or written_in not in spoken:
        return render(request, "engagement/feedback_thanks.html", {"crisis": item.safety_flag})
    with translation.override(written_in):
        response = render(request, "engagement/feedback_thanks.html", {"crisis": True})
    response["Content-Language"] = written_in
    return response


@public_page
@require_safe
def decision_public_list(request):
    quotes = FeedbackItem.objects.filter(status=FeedbackItem.Status.APPROVED, safety_flag=False).order_by("-id")
    decisions = selectors.public_decision_list().prefetch_related(
        Prefetch("feedback_items", queryset=quotes, to_attr="quotes"))
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    for decision in page:
        decision.masked_quotes = [mask_personal_details(q.text) for q in decision.quotes[:3]]
    return render(request, "engagement/decision_public_list.html", {
        "page": page, "theme_counts": selectors.public_theme_counts(),
        "threshold": selectors.SUPPRESSION_THRESHOLD})


@public_page
@require_safe
def open_data_export(request):
    response = HttpResponse(exports.open_data_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="community-feedback-open-data.csv"'
    return response
