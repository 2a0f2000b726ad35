"""Who may log in with a local password (``CAFE_PASSWORD_LOGIN``).

With single sign-on the entity's accounts are the way in; a local password stays as
the break-glass path of the administrators (``admins``), for everyone (``all``, the
default without single sign-on) or for nobody (``off``).
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

MODES = ("admins", "all", "off")


def password_login_mode() -> str:
    mode = settings.CAFE_PASSWORD_LOGIN
    return mode if mode in MODES else "admins"


def may_use_password(user) -> bool:
    mode = password_login_mode()
    return mode == "all" or (mode == "admins" and user.is_superuser)


class PasswordPolicyBackend(ModelBackend):
    """Django's model backend, refusing a password the policy does not allow."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if password_login_mode() == "off":
            return None
        user = super().authenticate(request, username, password, **kwargs)
        if user is not None and not may_use_password(user):
            return None
        return user
