"""What every app's pages do the same way around a service call: tie a refusal to the form field it
names, or run an action and tell the user how it went."""

from collections.abc import Callable

from django.contrib import messages

from .errors import ApplicationError


def apply_error(form, error: ApplicationError) -> None:
    """Show a service's refusal on the form: beside its field when the form has one, else on top."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def run_action(request, action: Callable[[], object], success: str) -> bool:
    """Call `action`; flash `success`, or the refusal's message. True when it went through."""
    try:
        action()
    except ApplicationError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True
