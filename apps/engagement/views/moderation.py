"""The moderators' feedback pages: the queue (filters, received date, the bulk action under the table),
one item (moderate and code in one step, then the next item of the same filtered queue), paper
cards typed in by staff, and the CSV export.

The queue's filters travel in the query string from the queue to an item, from an item to the next,
and back: every page here reads them through the one FeedbackFilter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from apps.core.errors import ApplicationError
from apps.core.pages import apply_error
from apps.core.privacy import mask_personal_details

from .. import exports, selectors, services
from ..filters import FeedbackFilter
from ..forms import BulkModerateForm, ModerateForm, StaffFeedbackForm, describe_errors
from ..models import CommunitySession, FeedbackItem
from ..semantics.detect import NAMES
from ..semantics.encoder import GROUPED_LANGUAGES
from ..semantics.services import repeat_counts, similar_items
from ._common import staff_only

QUEUE_PAGE_SIZE = 50


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _queue_filters(request) -> FeedbackFilter:
    return FeedbackFilter(request.GET, queryset=selectors.feedback_list(user=request.user), request=request)


def _staff_feedback_or_404(user, pk: int) -> FeedbackItem:
    staff_only(user)
    try:
        return selectors.feedback_list(user=user).get(pk=pk)
    except FeedbackItem.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def feedback_list(request):
    staff_only(request.user)
    filters = _queue_filters(request)
    query = filters.query()
    page_number = request.GET.get("page", "")
    # The page the moderator acted from: the form posts back to it and the redirect returns to it.
    here = "&".join(part for part in (query, f"page={page_number}" if page_number.isdigit() else "") if part)
    bulk_form = BulkModerateForm(request.POST if request.method == "POST" else None)
    if bulk_form.is_bound and bulk_form.is_valid():
        data = bulk_form.cleaned_data
        try:
            result = services.feedback_moderate_bulk(by=request.user, item_ids=data["ids"],
                                                     approve=data["decision"] == "approve", reason=data["reason"],
                                                     note=data["note"])
        except ApplicationError as error:
            apply_error(bulk_form, error)
        else:
            _bulk_summary(request, result)
            return redirect(_with_query(reverse("engagement:feedback-list"), here))
    describe_errors(filters.form)
    page = Paginator(filters.qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    repeats = repeat_counts(queryset=selectors.feedback_list(user=request.user), items=page.object_list)
    for item in page.object_list:
        item.repeats = repeats.get(item.pk, 0)
    selected = set(bulk_form.cleaned_data.get("ids") or []) if bulk_form.is_bound else set()
    return render(request, "engagement/feedback_list.html", {
        "page": page, "filters": filters, "filtered": filters.active, "query": query, "here": here,
        "bulk_form": bulk_form, "selected": selected, "bulk_limit": services.BULK_MODERATION_LIMIT})


def _bulk_summary(request, result: services.BulkModeration) -> None:
    """One line a moderator can check at a glance: "12 approved, 1 skipped (crisis message #123)"."""
    count = len(result.done)
    parts = [(ngettext("%(n)d approved", "%(n)d approved", count) if result.approve
              else ngettext("%(n)d rejected", "%(n)d rejected", count)) % {"n": count}]
    if result.skipped:
        numbers = ", ".join(f"#{pk}" for pk in result.skipped)
        parts.append(ngettext("%(n)d skipped (crisis message %(numbers)s)",
                              "%(n)d skipped (crisis messages %(numbers)s)", len(result.skipped))
                     % {"n": len(result.skipped), "numbers": numbers})
    if result.not_found:
        numbers = ", ".join(f"#{pk}" for pk in result.not_found)
        parts.append(ngettext("%(n)d not found in your queue (%(numbers)s)",
                              "%(n)d not found in your queue (%(numbers)s)", len(result.not_found))
                     % {"n": len(result.not_found), "numbers": numbers})
    summary = ", ".join(parts)
    if result.skipped or result.not_found:
        messages.warning(request, summary)
    else:
        messages.success(request, summary)


@login_required
@require_safe
def feedback_export(request):
    staff_only(request.user)
    items = selectors.feedback_list(user=request.user).select_related(None).select_related(
        "language", "neighborhood", "entered_by").prefetch_related("themes__parent")
    response = HttpResponse(exports.staff_feedback_csv(items), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="feedback.csv"'
    return response


@login_required
def feedback_staff_create(request):
    staff_only(request.user)
    sessions = selectors.session_list(user=request.user).exclude(status=CommunitySession.Status.DRAFT)
    form = StaffFeedbackForm(request.POST or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.feedback_submit(entered_by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            if item.safety_flag:
                messages.warning(request, _("This text describes a crisis: moderators were alerted."))
            else:
                messages.success(request, _("Feedback entered. Enter the next card."))
            return redirect("engagement:feedback-staff-create")
    return render(request, "engagement/feedback_staff_form.html", {"form": form})


def _to_next(request, item: FeedbackItem, filters: FeedbackFilter):
    """The item after `item` in the moderator's filtered queue; the queue itself, with a word, when
    there is none left."""
    query = filters.query()
    following = selectors.feedback_next(queue=filters.qs, after=item)
    if following is None:
        messages.info(request, _("No more feedback in this queue. You are back at its first page."))
        return redirect(_with_query(reverse("engagement:feedback-list"), query))
    return redirect(_with_query(reverse("engagement:feedback-detail", args=[following.pk]), query))


@login_required
def feedback_detail(request, pk: int):
    item = _staff_feedback_or_404(request.user, pk)
    filters = _queue_filters(request)
    query = filters.query()
    if request.POST.get("then") == "skip":  # leave this item as it is, open the next
        return _to_next(request, item, filters)
    form = ModerateForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_moderate_and_code(by=request.user, item=item, approve=data["decision"] == "approve",
                                                reason=data["reason"], note=data["note"], themes=data["themes"])
        except ApplicationError as error:
            # The service names the model's field; on this form the choice is "decision".
            form.add_error("decision" if error.field == "status" else
                           (error.field if error.field in form.fields else None), error.message)
        else:
            messages.success(request, _("Feedback #%(n)d saved.") % {"n": item.pk})
            if request.POST.get("then") == "stay":
                return redirect(_with_query(reverse("engagement:feedback-detail", args=[pk]), query))
            return _to_next(request, item, filters)
    describe_errors(form)
    visible = selectors.feedback_list(user=request.user)
    similar = similar_items(queryset=visible, item=item)
    return render(request, "engagement/feedback_detail.html", {
        "item": item, "form": form, "query": query, "masked": mask_personal_details(item.text),
        "written_in": NAMES.get(item.detected_language, ""), "analysed": similar is not None,
        "similar": [(entry, mask_personal_details(entry.item.text)) for entry in similar or []],
        "repeats": repeat_counts(queryset=visible, items=[item]).get(item.pk, 0),
        "grouped": item.language.code.split("-")[0] in GROUPED_LANGUAGES})
