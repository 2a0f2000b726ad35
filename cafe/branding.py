"""The deployment's identity (entity, leader, bulletin), read from settings.

Used by page templates (through a context processor) and e-mail templates alike, so no
template names the entity itself.
"""

from django.conf import settings

from cafe.brand import colours


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
