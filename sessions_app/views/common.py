"""Small helpers shared by the sessions views."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def report(request, error: ValidationError) -> None:
    """Show each message of a service's ValidationError to the person."""
    for message in error.messages:
        messages.error(request, message)
