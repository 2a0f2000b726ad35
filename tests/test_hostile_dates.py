"""Hostile dates in every form and every date filter, and a forged planner formset.

A date outside 2000–2100 is refused with a message in Spanish and changes nothing:
``9999-12-31T20:00`` in Bogotá is year 10000 in UTC, and a row holding it would make
every page that reads it fail. Year 1 is refused too. The planner's formset builds at
most its cap of forms whatever ``TOTAL_FORMS`` says.
"""

import time

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from cafe.validators import DateInRange
from proposals import forms as proposal_forms
from proposals.models import Proposal
from proposals.tests.factories import ProposalFactory
from sessions_app import forms as session_forms
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory
from tests.test_hostile_input import assert_spanish_errors, parse, session_form

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = {
    "year-10000-in-utc": "9999-12-31T20:00",
    "year-9999": "9999-01-01T10:00",
    "year-1": "0001-01-01T00:00",
    "year-1999": "1999-12-31T23:59",
    "year-2101": "2101-01-01T00:00",
}
RANGE_MESSAGE = "Escriba una fecha entre el 01/01/2000 y el 31/12/2100."
SESSION_DATES = (
    "starts_at",
    "ends_at",
    "registration_opens_at",
    "registration_closes_at",
)


def test_session_create_refuses_every_date_outside_the_window(login, comunicaciones):
    client = login(comunicaciones)
    for field in SESSION_DATES:
        for name, value in OUT_OF_RANGE.items():
            response = client.post(
                "/sesiones/gestion/nueva/", session_form(**{field: value})
            )
            assert response.status_code == 200, (field, name)
            assert_spanish_errors(parse(response), RANGE_MESSAGE)
    assert not Session.objects.exists()
    # The pages that broke on such a row answer.
    for url in ("/sesiones/gestion/", "/sesiones/gestion/?estado=borrador"):
        assert client.get(url).status_code == 200


def test_session_edit_refuses_it_and_keeps_the_session(login, comunicaciones):
    client = login(comunicaciones)
    session = SessionFactory()
    before = Session.objects.values().get(pk=session.pk)
    for name, value in OUT_OF_RANGE.items():
        response = client.post(
            f"/sesiones/{session.pk}/editar/",
            session_form(starts_at=value, title="Cambiada"),
        )
        assert response.status_code == 200, name
        assert_spanish_errors(parse(response), RANGE_MESSAGE)
    assert Session.objects.values().get(pk=session.pk) == before
    assert client.get(f"/sesiones/{session.pk}/").status_code == 200
    assert client.get(f"/sesiones/{session.pk}/invitacion.ics").status_code == 200


def test_the_model_refuses_it_too(comunicaciones):
    """Model forms (the admin's included) validate through the model's fields."""
    session = SessionFactory.build(
        starts_at=timezone.make_aware(timezone.datetime(9999, 12, 31, 20, 0)),
        created_by=comunicaciones,
    )
    with pytest.raises(ValidationError) as error:
        session.full_clean(exclude=["topic", "dependency"])
    assert error.value.message_dict["starts_at"] == [RANGE_MESSAGE]


def date_fields(form_class):
    return {
        name: field
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.DateField | forms.DateTimeField)
    }


def guarded(form_class, name, field) -> bool:
    """The form field refuses it, or the model field behind a model form does."""
    if any(isinstance(v, DateInRange) for v in field.validators):
        return True
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    if model is None:
        return False
    return any(
        isinstance(v, DateInRange) for v in model._meta.get_field(name).validators
    )


def project_forms():
    found = []
    for module in (session_forms, proposal_forms):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm):
                found.append(value)
    request = RequestFactory().get("/")
    request.user = type("Admin", (), {"is_superuser": True, "is_active": True})()
    request.user.has_perm = lambda *args, **kwargs: True
    for model_admin in admin.site._registry.values():
        found.append(model_admin.get_form(request, None))
        for inline in model_admin.get_inline_instances(request, None):
            found.append(inline.get_formset(request, None).form)
    return found


def test_every_date_field_of_every_form_and_the_admin_is_guarded():
    checked = []
    for form_class in project_forms():
        for name, field in date_fields(form_class).items():
            assert guarded(form_class, name, field), (form_class, name)
            checked.append(name)
    # The walk found the fields it is meant to guard.
    assert {"starts_at", "due_date", "day", "desde", "hasta"} <= set(checked)


def test_month_and_date_filters(login, comunicaciones, despacho):
    staff, boss = login(comunicaciones), login(despacho)
    SessionFactory()
    for month in ("9999-12", "0001-01", "1999-12", "2101-01"):
        for url in (f"/sesiones/?mes={month}", f"/sesiones/gestion/?mes={month}"):
            response = staff.get(url)
            assert response.status_code == 200, url
            assert_spanish_errors(parse(response), RANGE_MESSAGE)
        response = staff.get(f"/sesiones/gestion/ciclo/?month={month}")
        assert_spanish_errors(parse(response), RANGE_MESSAGE)
    for query in ("desde=0001-01-01", "hasta=9999-12-31", "desde=2101-01-01"):
        response = boss.get(f"/propuestas/tablero/?{query}")
        assert response.status_code == 200, query
        assert_spanish_errors(parse(response), RANGE_MESSAGE)
        assert boss.get(f"/propuestas/tablero/exportar.csv?{query}").status_code < 500


def test_a_commitment_date_outside_the_window_is_refused(login, despacho, dependency):
    proposal = ProposalFactory(status=Proposal.Status.IN_ANALYSIS)
    client = login(despacho)
    for value in ("9999-12-31", "0001-01-01"):
        response = client.post(
            f"/propuestas/{proposal.pk}/aceptar/",
            {
                "dependency": dependency.pk,
                "commitment": "Hacerlo",
                "due_date": value,
                "note": "Nota",
            },
        )
        assert response.status_code in (200, 302), value
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.IN_ANALYSIS
        assert proposal.due_date is None


def planner_post(dependency, day, total):
    return {
        "plan-TOTAL_FORMS": str(total),
        "plan-INITIAL_FORMS": "0",
        "plan-MIN_NUM_FORMS": "0",
        "plan-MAX_NUM_FORMS": "1000",
        "plan-0-include": "on",
        "plan-0-dependency": str(dependency.pk),
        "plan-0-day": day,
        "plan-0-start": "10:00",
        "plan-0-end": "11:30",
        "plan-0-place": "Sala 2",
        "plan-0-capacity": "30",
    }


def test_the_planner_refuses_a_far_day_and_caps_the_forms(login, comunicaciones):
    client = login(comunicaciones)
    dependency = comunicaciones.dependency
    for day in ("9999-12-31", "0001-01-03"):
        response = client.post(
            "/sesiones/gestion/ciclo/", planner_post(dependency, day, 1)
        )
        assert response.status_code == 200, day
        assert_spanish_errors(parse(response), RANGE_MESSAGE)
    started = time.monotonic()
    response = client.post(
        "/sesiones/gestion/ciclo/",
        planner_post(dependency, "2030-01-08", 100_000),
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert len(response.context["formset"].forms) <= (
        session_forms.PLANNER_MAX_SESSIONS
    )
    assert_spanish_errors(parse(response), "como máximo 200 sesiones")
    assert elapsed < 5
    assert not Session.objects.exists()


def test_a_near_future_date_still_works(login, comunicaciones):
    response = login(comunicaciones).post("/sesiones/gestion/nueva/", session_form())
    assert response.status_code == 302
    assert Session.objects.count() == 1
