from django.http import FileResponse, Http404

from ..models import Solicitation


def public_solicitation_or_404(user, reference: str) -> Solicitation:
    from ..permissions import can_view_solicitation

    # PostgreSQL refuses a NUL byte in a query: such a reference cannot exist.
    solicitation = None if "\x00" in reference else Solicitation.objects.filter(reference=reference).first()
    if solicitation is None or not can_view_solicitation(user, solicitation):
        raise Http404
    return solicitation


def file_response(field_file, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
