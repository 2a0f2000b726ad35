"""Template context shared by every page: branding and the person's navigation."""

from django.conf import settings

from cafe.branding import brand

from .navigation import nav_for


def site(request):
    user = getattr(request, "user", None)
    nav = (
        nav_for(user, request.path)
        if user is not None and user.is_authenticated
        else []
    )
    return {
        **brand(),
        "nav_items": [item for item in nav if item["section"] == "main"],
        "home_items": nav,
        "privacy_version": settings.CAFE_PRIVACY_NOTICE_VERSION,
    }
