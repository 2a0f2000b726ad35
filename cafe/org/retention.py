"""Retention of personal data: what has outlived its purpose is purged or anonymised.

Each rule has a configurable period (``CAFE_RETENTION_*`` settings; their defaults and
legal basis are in docs/datos-personales.md). ``apply_retention`` runs every rule; with
``dry_run`` it only counts and changes nothing (not even the report). Apps above
``org`` register their rules with ``register_retention`` in ``AppConfig.ready``: a rule
is ``rule(now, dry_run) -> (key, label, count)``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cafe.notify.models import Delivery

from .models import DataRequest, PersonalDataAccess, RetentionRun


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    count: int

    def as_dict(self) -> dict:
        return {"clave": self.key, "que": self.label, "cuantos": self.count}


_rules: list[Callable] = []


def register_retention(rule: Callable) -> None:
    if rule not in _rules:
        _rules.append(rule)


def cutoff(now, days: int):
    return now - timedelta(days=days)


def outbox_bodies(now, dry_run: bool) -> Outcome:
    """Sent or failed e-mails keep who, what kind and when; the body goes."""
    rows = Delivery.objects.filter(
        created_at__lt=cutoff(now, settings.CAFE_RETENTION_OUTBOX_BODY_DAYS),
        state__in=(Delivery.State.SENT, Delivery.State.FAILED),
    ).exclude(body_text="", body_html="", attachments=[])
    count = (
        rows.count()
        if dry_run
        else rows.update(body_text="", body_html="", attachments=[])
    )
    return Outcome("correo", _("Cuerpos de correos enviados"), count)


def login_logs(now, dry_run: bool) -> Outcome:
    """Login attempts, lockouts and sessions recorded by django-axes."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    limit = cutoff(now, settings.CAFE_RETENTION_LOGIN_LOG_DAYS)
    count = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        rows = model.objects.filter(attempt_time__lt=limit)
        count += rows.count() if dry_run else rows.delete()[0]
    return Outcome("ingresos", _("Registros de ingreso y bloqueo"), count)


def access_log(now, dry_run: bool) -> Outcome:
    rows = PersonalDataAccess.objects.filter(
        at__lt=cutoff(now, settings.CAFE_RETENTION_ACCESS_LOG_DAYS)
    )
    count = rows.count() if dry_run else rows.delete()[0]
    return Outcome("accesos", _("Registro de accesos a datos personales"), count)


def deactivated_accounts(now, dry_run: bool) -> Outcome:
    """Accounts deactivated and unused for the period are anonymised (supresión)."""
    from .erasure import erase_person

    limit = cutoff(now, settings.CAFE_RETENTION_INACTIVE_ACCOUNT_DAYS)
    open_requests = DataRequest.objects.filter(state__in=DataRequest.OPEN_STATES)
    people = (
        get_user_model()
        .objects.annotate(seen=Coalesce("last_login", "date_joined"))
        .filter(is_active=False, is_superuser=False, erased_at__isnull=True)
        .filter(seen__lt=limit)
        .exclude(Q(pk__in=open_requests.values("person_id")))
    )
    if dry_run:
        return Outcome(
            "cuentas", _("Cuentas desactivadas anonimizadas"), people.count()
        )
    count = 0
    for person in people:
        try:
            erase_person(person=person)
        except ValidationError:  # a message still pending: next night
            continue
        count += 1
    return Outcome("cuentas", _("Cuentas desactivadas anonimizadas"), count)


CORE_RULES = (outbox_bodies, login_logs, access_log, deactivated_accounts)


def apply_retention(*, dry_run: bool = False, now=None) -> list[Outcome]:
    """Run every retention rule. Without ``dry_run`` the run is recorded in a
    ``RetentionRun`` (what, how many); with it nothing at all is written."""
    now = now or timezone.now()
    outcomes = []
    for rule in (*CORE_RULES, *_rules):
        if dry_run:
            outcomes.append(rule(now, True))
            continue
        with transaction.atomic():
            outcomes.append(rule(now, False))
    if not dry_run:
        RetentionRun.objects.create(
            started_at=now,
            results=[o.as_dict() for o in outcomes],
            total=sum(o.count for o in outcomes),
        )
    return outcomes
