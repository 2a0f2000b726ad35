"""Guards that keep an insecure configuration out of production."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_insecure_production() -> None:
    """Refuse to serve with DEBUG off and the development secret key.

    Called by the WSGI/ASGI entry points only, so management commands (migrations,
    checks) still run on a developer machine without a configured key.
    """
    if not settings.DEBUG and settings.SECRET_KEY == settings.INSECURE_DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
        )
