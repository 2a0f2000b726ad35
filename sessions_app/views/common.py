"""Small helpers shared by the sessions views."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def as_id(value: str) -> int | None:
    """A primary key typed in a form or URL (ASCII digits that fit a bigint)."""
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def report(request, error: ValidationError) -> None:
    """Show each message of a service's ValidationError to the person."""
    for message in error.messages:
        messages.error(request, message)
