"""Domain errors raised by services. Each carries a message a person can act on."""


class DomainError(Exception):
    """A request that breaks a business rule (shown to the user as-is, answered with 400)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The user may not do this to this object (answered with 403, or 404 when it hides existence)."""


class Conflict(DomainError):
    """Someone else changed the object first, or it already exists (answered with 409)."""
