"""Serve a local OpenID provider with the demo people, for ``make run`` offline.

Development only: it refuses to start with DEBUG off. The provider's login page lists
the demo accounts; choosing one sends the browser back signed in as that person, as
the entity's provider would after a real login.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cafe.org.models import User

from .seed_demo import DOMAIN, ROLE_USERS

DEMO_ACCOUNTS = 12


class Command(BaseCommand):
    help = "Proveedor de identidad local de demostración (solo desarrollo)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", type=int, default=settings.CAFE_SSO_DEMO_PROVIDER_PORT
        )

    def handle(self, *args, port, **options):
        if not settings.DEBUG:
            raise CommandError(
                "El proveedor de demostración solo funciona con DJANGO_DEBUG=1."
            )
        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
        from oidc_provider_mock import User as ProviderUser
        from oidc_provider_mock import app
        from werkzeug.serving import run_simple

        people = [
            ProviderUser(sub=u.email, claims=claims_for(u)) for u in demo_people()
        ]
        self.stdout.write(
            f"Proveedor de identidad de demostración en http://127.0.0.1:{port} "
            f"({len(people)} cuentas)"
        )
        run_simple(
            "127.0.0.1",
            port,
            app(require_nonce=True, user_claims=people),
            threaded=True,
        )


def demo_people():
    """The demo's one account per role first, then the first staff members."""
    active = User.objects.filter(is_active=True).order_by("email")
    emails = [f"{local}@{DOMAIN}" for local, *_rest in ROLE_USERS]
    emails.append(f"admin@{DOMAIN}")
    first = sorted(active.filter(email__in=emails), key=lambda u: emails.index(u.email))
    others = active.exclude(pk__in=[u.pk for u in first])
    return first + list(others[: max(0, DEMO_ACCOUNTS - len(first))])


def claims_for(user: User) -> dict:
    return {
        "email": user.email,
        "email_verified": True,
        "name": user.full_name,
        "preferred_username": user.email,
    }
