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


@cache_control(public=True, max_age=3600)
@require_GET
def brand_css(request):
    primary = _colour(settings.CAFE_BRAND_PRIMARY, _DEFAULTS["primary"])
    secondary = _colour(settings.CAFE_BRAND_SECONDARY, _DEFAULTS["secondary"])
    body = f":root {{ --cafe-primary: {primary}; --cafe-secondary: {secondary}; }}\n"
    return HttpResponse(body, content_type="text/css; charset=utf-8")
