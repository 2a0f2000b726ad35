"""The privacy-notice gate (Ley 1581 de 2012: prior, express, informed consent)."""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from .privacy import has_accepted_current

# URL names usable before accepting: the notice itself, leaving, health probes, and
# the public transparency record (open to anyone, without login).
EXEMPT_URL_NAMES = frozenset(
    {
        "privacy_notice",
        "logout",
        "healthz",
        "readyz",
        "brand_css",
        "javascript-catalog",
        "transparency",
        "transparency_data",
        "transparency_index",
        "transparency_dataset",
    }
)
EXEMPT_PREFIXES = ("/static/",)


class PrivacyNoticeMiddleware:
    """Send a logged-in person who has not accepted the current notice to it first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not has_accepted_current(user)
            and not self._exempt(request.path_info)
        ):
            query = urlencode({"next": request.get_full_path()})
            target = f"{reverse('privacy_notice')}?{query}"
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        if path.startswith(EXEMPT_PREFIXES):
            return True
        try:
            match = resolve(path)
        except Resolver404:
            return True
        return match.url_name in EXEMPT_URL_NAMES
