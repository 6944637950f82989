"""The codebook and the decisions ("you said, we did"): editing one with the feedback picker, and
the preview residents will see before it is published."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.core.charts import bar_chart
from apps.core.errors import ApplicationError
from apps.core.pages import apply_error
from apps.core.privacy import mask_personal_details

from .. import selectors, services
from ..forms import DecisionForm, FeedbackPickerForm, ThemeForm, describe_errors
from ..models import Decision, FeedbackItem, Theme
from ..trends import theme_trend, theme_trends
from ._common import PAGE_SIZE, staff_only


@login_required
def theme_list(request):
    staff_only(request.user)
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_create(by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Theme added."))
            return redirect("engagement:theme-list")
    themes = selectors.theme_list()
    page = Paginator(themes, 100).get_page(request.GET.get("page"))
    # The last twelve months of each top-level theme on the page, in one aggregate query.
    tops = [t for t in page if not t.parent_id]
    trends = {trend.theme.pk: trend for trend in theme_trends(themes=tops)}
    rows = [(theme, trends.get(theme.pk)) for theme in page]
    return render(request, "engagement/theme_list.html", {"page": page, "rows": rows, "form": form})


@login_required
@require_safe
def theme_detail(request, pk: int):
    """A theme's trend: comments by month and by neighborhood over the last twelve months, and how much
    of it a published decision answers."""
    staff_only(request.user)
    theme = get_object_or_404(Theme.objects.select_related("parent"), pk=pk)
    trend = theme_trend(theme=theme)
    top = trend.theme
    month_labels = [formats.date_format(m, "YEAR_MONTH_FORMAT") for m in trend.months]
    chart = bar_chart(list(zip(month_labels, trend.by_month, strict=True)),
                      title=_("Comments about “%(theme)s” by month") % {"theme": top.name},
                      axis_label=_("comments"))
    # Decisions that name the theme (or a sub-theme), or answer one of its comments by name.
    ids = [top.pk, *top.children.values_list("pk", flat=True)]
    decisions = list(selectors.decision_list(user=request.user)
                     .filter(Q(themes__in=ids) | Q(feedback_items__themes__in=ids)).distinct())
    return render(request, "engagement/theme_detail.html", {
        "theme": theme, "top": top, "languages": [(c, n) for c, n in settings.LANGUAGES if c != "en"],
        "trend": trend, "chart": chart, "decisions": decisions,
        "children": list(top.children.order_by("name", "id")),
        "first_month": trend.months[0], "last_month": trend.months[-1],
        "queue_url": reverse("engagement:feedback-list") + "?" + urlencode({"theme": top.pk, "status": "approved"}),
    })


@login_required
@require_safe
def decision_list(request):
    staff_only(request.user)
    page = Paginator(selectors.decision_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "engagement/decision_list.html", {"page": page})


def _staff_decision_or_404(user, pk: int) -> Decision:
    staff_only(user)
    try:
        return selectors.decision_list(user=user).get(pk=pk)
    except Decision.DoesNotExist as exc:
        raise Http404 from exc


def _picker_context(request, picker: FeedbackPickerForm, linked_ids: list[int]) -> dict:
    """The picker's two lists: the feedback ticked (linked, or ticked before a search) with its full
    text, and the matches of the search, capped. Two queries however many items."""
    q = (picker.cleaned_data.get("q", "") if picker.is_bound and picker.is_valid()
         else request.GET.get("q", "")).strip()[:200]
    linked = list(selectors.feedback_list(user=request.user).select_related(None)
                  .select_related("session", "language").prefetch_related(None).filter(pk__in=linked_ids))
    matches, more = selectors.feedback_picker(user=request.user, q=q, exclude=linked_ids)
    return {"linked": linked, "matches": matches, "more": more, "q": q, "picker_limit": selectors.PICKER_LIMIT}


def _ticked_ids(data) -> list[int]:
    return [int(v) for v in data.getlist("feedback_items") if v.isdigit() and len(v) < 10]


@login_required
def decision_edit(request, pk: int | None = None):
    staff_only(request.user)
    decision = _staff_decision_or_404(request.user, pk) if pk is not None else None
    if request.method == "GET" and request.GET.get("results") == "1":
        return _picker_results(request)
    linkable = selectors.feedback_linkable(user=request.user)
    posted = request.POST if request.method == "POST" else None
    form = DecisionForm(posted, instance=decision)
    picker = FeedbackPickerForm(posted, linkable=linkable,
                                initial={"q": request.GET.get("q", "")})
    # "Search" re-shows the page with what was typed and ticked, saving nothing (it works without
    # JavaScript; with it, picker.js lists matches as one types).
    searching = posted is not None and "search" in posted
    valid = posted is not None and not searching and all([form.is_valid(), picker.is_valid()])
    if valid:
        try:
            decision = services.decision_save(by=request.user, decision=decision, **form.cleaned_data,
                                              feedback_items=picker.cleaned_data["feedback_items"])
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Decision saved."))
            url = reverse("engagement:decision-edit", args=[decision.pk])
            q = picker.cleaned_data["q"].strip()
            return redirect(f"{url}?{urlencode({'q': q})}" if q else url)
    if posted is not None:
        linked_ids = _ticked_ids(posted)
        if searching:
            picker.is_valid()
            # Shown as typed, without marking what is still missing: nothing was saved yet.
            form = DecisionForm(instance=decision, initial={
                name: posted.getlist(name) if name == "themes" else posted.get(name, "") for name in form.fields})
    else:
        linked_ids = list(decision.feedback_items.values_list("pk", flat=True)) if decision else []
    describe_errors(form)
    context = {"form": form, "picker": picker, "decision": decision, "searching": searching,
               **_picker_context(request, picker, linked_ids)}
    return render(request, "engagement/decision_form.html", context)


def _picker_results(request):
    """The picker's matches for a search, as an HTML fragment for picker.js: the decision page's
    address with ?results=1 (the page's own permission check has run)."""
    exclude = _ticked_ids(request.GET)
    matches, more = selectors.feedback_picker(user=request.user, q=request.GET.get("q", "")[:200], exclude=exclude)
    return render(request, "engagement/_picker_results.html", {
        "matches": matches, "more": more, "q": request.GET.get("q", "").strip()[:200],
        "picker_limit": selectors.PICKER_LIMIT})


def _as_published(decision: Decision) -> Decision:
    """The decision with what the public page shows under it: its themes and up to three published
    comments, masked (as views/public.py's decision_public_list does)."""
    quotes = FeedbackItem.objects.filter(status=FeedbackItem.Status.APPROVED, safety_flag=False).order_by("-id")
    decision = (Decision.objects.filter(pk=decision.pk)
                .prefetch_related("themes", Prefetch("feedback_items", queryset=quotes, to_attr="quotes")).get())
    decision.masked_quotes = [mask_personal_details(q.text) for q in decision.quotes[:3]]
    return decision


@login_required
def decision_publish(request, pk: int):
    """GET: the decision exactly as residents will see it, in English and in Spanish, with Publish and
    Back to edit. POST: publish, only with the preview's confirmation."""
    decision = _staff_decision_or_404(request.user, pk)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Nothing was published: check the preview, then publish from it."))
            return redirect("engagement:decision-publish", pk=pk)
        try:
            services.decision_publish(by=request.user, decision=decision)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("engagement:decision-publish", pk=pk)
        messages.success(request, _("Published on the public report-back page."))
        return redirect("engagement:decision-edit", pk=pk)
    decision = _as_published(decision)
    return render(request, "engagement/decision_preview.html", {
        "decision": decision,
        "previews": [(code, name) for code, name in settings.LANGUAGES
                     if code != "en" and code in decision.offered_languages]})
