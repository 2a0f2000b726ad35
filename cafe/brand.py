"""The brand colours as a tiny stylesheet, so the CSP can stay without inline styles."""

import re

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_DEFAULTS = {"primary": "#8a1538", "secondary": "#1d3b6f"}


def _colour(value: str, fallback: str) -> str:
    return value if _HEX.match(value or "") else fallback


def colours() -> dict[str, str]:
    """The configured brand colours, each a #rrggbb value (the default otherwise):
    safe to write into a stylesheet or an e-mail's inline styles."""
    return {
        "primary": _colour(settings.CAFE_BRAND_PRIMARY, _DEFAULTS["primary"]),
        "secondary": _colour(settings.CAFE_BRAND_SECONDARY, _DEFAULTS["secondary"]),
    }


@cache_control(public=True, max_age=3600)
@require_GET
def brand_css(request):
    brand = colours()
    body = (
        f":root {{ --cafe-primary: {brand['primary']}; "
        f"--cafe-secondary: {brand['secondary']}; }}\n"
    )
    return HttpResponse(body, content_type="text/css; charset=utf-8")
