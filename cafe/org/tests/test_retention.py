"""Retention: expired personal data is purged or anonymised; a dry run changes
nothing; every run leaves a report."""

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.management import call_command
from django.utils import timezone

from cafe.notify.models import Delivery
from cafe.org.access_log import record_access
from cafe.org.models import PersonalDataAccess, RetentionRun, User
from cafe.org.retention import apply_retention
from cafe.testing.factories import UserFactory
from sessions_app.models import Feedback
from sessions_app.tests.factories import (
    RegistrationFactory,
    SessionFactory,
    held_on,
)
from tests.test_authorization import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired(settings, servidor):
    """One expired and one current row for every rule."""
    now = timezone.now()
    old = now - timedelta(days=3000)
    for key, when in (("viejo", old), ("nuevo", now)):
        delivery = Delivery.objects.create(
            idempotency_key=key,
            kind="test",
            recipient=servidor,
            to_email=servidor.email,
            subject="Asunto",
            body_text=f"Cuerpo {key}",
            state=Delivery.State.SENT,
        )
        Delivery.objects.filter(pk=delivery.pk).update(created_at=when)
        for model in (AccessLog, AccessAttempt):
            row = model.objects.create(
                username=servidor.email,
                user_agent="X",
                path_info="/",
                **({"get_data": "", "post_data": ""} if model is AccessAttempt else {}),
                **({"failures_since_start": 1} if model is AccessAttempt else {}),
            )
            model.objects.filter(pk=row.pk).update(attempt_time=when)
        access = record_access(actor=servidor, what="correo", path="/correo/")
        PersonalDataAccess.objects.filter(pk=access.pk).update(at=when)
    past = held_on((now - timedelta(days=60)).date())
    future = SessionFactory()
    RegistrationFactory(session=past, needs="Intérprete de señas")
    RegistrationFactory(session=future, needs="Rampa")
    for session, when in ((past, old), (future, now)):
        feedback = Feedback.objects.create(
            session=session,
            user=UserFactory(),
            felt_heard=4,
            useful=4,
            trust=4,
            comment="Muy bien",
        )
        Feedback.objects.filter(pk=feedback.pk).update(created_at=when)
    gone = UserFactory(full_name="Cuenta Vieja", is_active=False)
    User.objects.filter(pk=gone.pk).update(last_login=old, date_joined=old)
    UserFactory(is_active=False)  # deactivated recently: kept
    return {"servidor": servidor, "gone": gone}


EXPECTED = {
    "correo": 1,
    "ingresos": 2,
    "accesos": 1,
    "cuentas": 1,
    "necesidades": 1,
    "comentarios": 1,
}


def test_dry_run_changes_nothing_and_counts_what_would_go(expired):
    before = snapshot()
    axes_before = (AccessLog.objects.count(), AccessAttempt.objects.count())
    outcomes = apply_retention(dry_run=True)
    assert {o.key: o.count for o in outcomes} == EXPECTED
    assert snapshot() == before
    assert (AccessLog.objects.count(), AccessAttempt.objects.count()) == axes_before
    assert not RetentionRun.objects.exists()


def test_run_purges_only_what_expired_and_writes_the_report(expired):
    outcomes = apply_retention()
    assert {o.key: o.count for o in outcomes} == EXPECTED
    assert dict(Delivery.objects.values_list("idempotency_key", "body_text")) == {
        "viejo": "",
        "nuevo": "Cuerpo nuevo",
    }
    assert AccessLog.objects.count() == 1 and AccessAttempt.objects.count() == 1
    assert PersonalDataAccess.objects.count() == 1
    assert sorted(
        RegistrationFactory._meta.model.objects.values_list("needs", flat=True)
    ) == ["", "Rampa"]
    assert sorted(Feedback.objects.values_list("comment", flat=True)) == [
        "",
        "Muy bien",
    ]
    gone = User.objects.get(pk=expired["gone"].pk)
    assert gone.erased_at is not None and gone.full_name != "Cuenta Vieja"
    assert User.objects.filter(is_active=False, erased_at__isnull=True).count() == 1
    run = RetentionRun.objects.get()
    assert run.total == sum(EXPECTED.values())
    assert {r["clave"]: r["cuantos"] for r in run.results} == EXPECTED
    # A second run finds nothing more.
    assert sum(o.count for o in apply_retention()) == 0


def test_command_dry_run_prints_and_changes_nothing(expired):
    before = snapshot()
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "Simulación (no cambia nada)" in out.getvalue()
    assert "Cuerpos de correos enviados: 1" in out.getvalue()
    assert snapshot() == before


def test_periods_come_from_settings(expired, settings):
    settings.CAFE_RETENTION_OUTBOX_BODY_DAYS = 5000
    outcomes = {o.key: o.count for o in apply_retention(dry_run=True)}
    assert outcomes["correo"] == 0


def test_retention_page_previews_without_changing(expired, login):
    from cafe.org import roles

    officer = UserFactory(role=roles.OFICIAL_DATOS)
    client = login(officer)
    before = Delivery.objects.filter(body_text="").count()
    page = client.get("/datos/retencion/").content.decode()
    assert "Cuerpos de correos enviados" in page
    assert Delivery.objects.filter(body_text="").count() == before
