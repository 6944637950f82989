class ApplicationError(Exception):
    """A rule of the program refused an action. The message is shown to the user as written.

    `field` names the input at fault, when there is one, so forms and the API can tie the error to it.
    """

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def require(allowed: bool, message: str) -> None:
    """A service's permission re-check: refuse with `message` (code "forbidden") unless `allowed`."""
    if not allowed:
        raise ApplicationError(message, code="forbidden")
