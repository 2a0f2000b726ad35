"""Template context shared by every page: branding and the person's navigation."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from cafe.branding import brand

from .navigation import nav_for


def site(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated

    def nav():
        return nav_for(user, request.path) if signed_in else []

    return {
        **brand(),
        # The entries, with the home page's descriptions, read only where a
        # template shows them.
        "nav_items": SimpleLazyObject(
            lambda: [item for item in nav() if item["section"] == "main"]
        ),
        "home_items": SimpleLazyObject(nav),
        "privacy_version": settings.CAFE_PRIVACY_NOTICE_VERSION,
    }
