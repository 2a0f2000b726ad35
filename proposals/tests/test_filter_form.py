"""The list filter's session select: recent sessions by title, older ones accepted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from proposals.forms import ProposalFilterForm
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_the_session_filter_lists_sessions_by_title_and_keeps_the_choice():
    held = SessionFactory(title="Café <de> mayo", status=Session.Status.HELD)
    other = SessionFactory(title="Café de junio", status=Session.Status.HELD)
    SessionFactory(title="Borrador", status=Session.Status.DRAFT)
    form = ProposalFilterForm({"sesion": held.pk})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sesion"] == held
    html = str(form["sesion"])
    assert html.startswith(
        '<select name="sesion" class="form-select" '
        'aria-describedby="id_sesion_helptext" id="id_sesion">'
    )
    assert '<option value="">Todas</option>' in html
    assert f'<option value="{held.pk}" selected>Café &lt;de&gt; mayo</option>' in html
    assert f'<option value="{other.pk}">Café de junio</option>' in html
    assert "Borrador" not in html


def test_the_select_offers_the_latest_and_next_sessions_and_accepts_older_ones(
    monkeypatch,
):
    monkeypatch.setattr(ProposalFilterForm, "SESSIONS_SHOWN", 2)
    monkeypatch.setattr(ProposalFilterForm, "SESSIONS_COMING", 1)

    def session(title, days_from_now, status=Session.Status.HELD):
        start = timezone.now() + timedelta(days=days_from_now)
        return SessionFactory(
            title=title,
            status=status,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            registration_opens_at=start - timedelta(days=10),
            registration_closes_at=start - timedelta(hours=2),
        )

    recent = session("Café de la semana pasada", -7)
    session("Café del mes pasado", -30)
    old = session("Café de hace un año", -365)
    session("Café de la próxima semana", 7, Session.Status.PUBLISHED)
    session("Café del próximo mes", 30, Session.Status.PUBLISHED)
    offered = str(ProposalFilterForm()["sesion"])
    assert "Café de la semana pasada" in offered
    assert "Café del mes pasado" in offered
    assert "Café de hace un año" not in offered
    assert "Café de la próxima semana" in offered
    assert "Café del próximo mes" not in offered

    # The link from the old session's page still filters, and shows the choice.
    form = ProposalFilterForm({"sesion": str(old.pk)})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sesion"] == old
    chosen = str(form["sesion"])
    assert f'<option value="{old.pk}" selected>Café de hace un año</option>' in chosen
    assert f'<option value="{recent.pk}">' in chosen
    assert "Las anteriores, desde la página de cada sesión." in str(form)


def test_the_session_options_follow_every_change():
    """A session saved or deleted is seen by the next form."""
    first = SessionFactory(title="Café con Jurídica", status=Session.Status.HELD)
    assert "Café con Jurídica" in str(ProposalFilterForm()["sesion"])
    second = SessionFactory(title="Café con Planeación")
    html = str(ProposalFilterForm()["sesion"])
    assert "Café con Jurídica" in html and "Café con Planeación" in html
    first.title = "Café con la Oficina Jurídica"
    first.save()
    second.status = Session.Status.DRAFT
    second.save()
    html = str(ProposalFilterForm()["sesion"])
    assert "Café con la Oficina Jurídica" in html and "Planeación" not in html
    first.delete()
    assert "Jurídica" not in str(ProposalFilterForm()["sesion"])
