"""The deployment's identity (entity, leader, bulletin, brand colours), read from
settings.

Used by page templates (through a context processor) and e-mail templates alike, so no
template names the entity itself; the colours also reach pages as a tiny stylesheet
(``brand_css``), so the CSP can stay without inline styles.
"""

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


def brand() -> dict[str, str]:
    palette = colours()
    return {
        "brand_primary": palette["primary"],
        "brand_secondary": palette["secondary"],
        "entity_name": settings.CAFE_ENTITY_NAME,
        "entity_short_name": settings.CAFE_ENTITY_SHORT_NAME,
        "program_name": settings.CAFE_PROGRAM_NAME,
        "leader_title": settings.CAFE_LEADER_TITLE,
        "bulletin_name": settings.CAFE_BULLETIN_NAME,
        "site_url": settings.CAFE_SITE_URL,
        "support_email": settings.CAFE_SUPPORT_EMAIL,
    }


def absolute_url(path: str) -> str:
    """An absolute link for e-mails: the configured site URL plus ``path``."""
    return f"{settings.CAFE_SITE_URL}{path}"
