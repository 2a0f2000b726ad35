"""Testimonials: a quote is kept only with the person's recorded consent per channel;
withdrawing it (by Comunicaciones at the person's request, or by the person in "Mis
datos") takes it out of every export from then on; suppression erases it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cafe.org.selectors import personal_data_for
from cafe.testing.factories import UserFactory
from sessions_app import services
from sessions_app.tests.factories import SessionFactory, held_session
from sessions_app.voice_models import Testimonial as Quote
from sessions_app.voice_selectors import (
    BULLETIN,
    SOCIAL,
    publishable_testimonials,
)

pytestmark = pytest.mark.django_db


def record(session, person, actor, **overrides):
    values = {
        "session_id": session.pk,
        "person": person,
        "quote": "Aquí sí nos escucharon.",
        "for_social": True,
        "for_bulletin": True,
        "consent_method": Quote.ConsentMethod.SIGNED,
        "consent_note": "Formato firmado n.º 3",
        "actor": actor,
    }
    values.update(overrides)
    return services.record_testimonial(**values)


def test_a_quote_keeps_its_consent(servidor, comunicaciones):
    session = held_session()
    quote = record(session, servidor, comunicaciones, for_social=False)
    quote.refresh_from_db()
    assert quote.recorded_by == comunicaciones
    assert quote.consented_at is not None
    assert quote.get_consent_method_display() == "Firmado en la sala"
    assert list(publishable_testimonials(channel=BULLETIN)) == [quote]
    assert list(publishable_testimonials(channel=SOCIAL)) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"for_social": False, "for_bulletin": False}, "al menos un canal"),
        ({"quote": "x" * 501}, "500 caracteres"),
        ({"quote": "   "}, "Escriba la cita"),
    ],
)
def test_bad_quotes_are_refused(servidor, comunicaciones, overrides, message):
    with pytest.raises(ValidationError) as error:
        record(held_session(), servidor, comunicaciones, **overrides)
    assert message in str(error.value)
    assert not Quote.objects.exists()


def test_only_held_sessions_have_testimonials(servidor, comunicaciones):
    with pytest.raises(ValidationError, match="sesiones realizadas"):
        record(SessionFactory(), servidor, comunicaciones)
    assert not Quote.objects.exists()


def test_withdrawal_removes_the_quote_from_publication(servidor, comunicaciones):
    quote = record(held_session(), servidor, comunicaciones)
    services.withdraw_testimonial(testimonial_id=quote.pk, actor=comunicaciones)
    services.withdraw_testimonial(testimonial_id=quote.pk, actor=servidor)  # no-op
    quote.refresh_from_db()
    assert quote.withdrawn_by == comunicaciones
    assert list(publishable_testimonials(channel=BULLETIN)) == []
    assert list(publishable_testimonials(channel=SOCIAL)) == []


def test_a_person_withdraws_only_their_own(servidor, comunicaciones):
    quote = record(held_session(), servidor, comunicaciones)
    stranger = UserFactory()
    with pytest.raises(Quote.DoesNotExist):
        services.withdraw_testimonial(testimonial_id=quote.pk, actor=stranger, own=True)
    quote.refresh_from_db()
    assert quote.withdrawn_at is None


def test_suppression_erases_every_quote_of_the_person(servidor, comunicaciones):
    session = held_session()
    record(session, servidor, comunicaciones)
    record(session, servidor, comunicaciones, quote="Otra cita.")
    kept = record(session, UserFactory(), comunicaciones)
    assert services.erase_testimonials_of(servidor) == 2
    assert list(Quote.objects.all()) == [kept]


# --- Pages ---------------------------------------------------------------------------


def test_comunicaciones_records_a_quote(login, comunicaciones, servidor):
    session = held_session()
    client = login(comunicaciones)
    response = client.post(
        reverse("sessions:testimonial_create"),
        {
            "session": session.pk,
            "email": servidor.email.upper(),
            "quote": "Me gustó que respondieran en la sala.",
            "for_bulletin": "on",
            "consent_method": "correo",
            "consent_note": "Correo del 3 de marzo",
        },
    )
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert (quote.person, quote.for_bulletin, quote.for_social) == (
        servidor,
        True,
        False,
    )
    page = client.get(reverse("sessions:testimonials"))
    assert "Me gustó que respondieran en la sala." in page.content.decode()


def test_the_form_refuses_a_quote_without_a_channel(login, comunicaciones, servidor):
    response = login(comunicaciones).post(
        reverse("sessions:testimonial_create"),
        {
            "session": held_session().pk,
            "email": servidor.email,
            "quote": "Sin canal.",
            "consent_method": "firmado",
        },
    )
    assert response.status_code == 200
    assert "Marque al menos un canal" in response.content.decode()
    assert not Quote.objects.exists()


def test_the_person_sees_and_withdraws_it_in_my_data(login, servidor, comunicaciones):
    quote = record(held_session(), servidor, comunicaciones)
    client = login(servidor)
    page = client.get(reverse("my_data")).content.decode()
    url = reverse("sessions:my_testimonial_withdraw", args=[quote.pk])
    assert "Aquí sí nos escucharon." in page
    assert f'action="{url}"' in page
    assert "Retirar mi autorización" in page
    response = client.post(url)
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.withdrawn_by == servidor
    page = client.get(reverse("my_data")).content.decode()
    assert f'action="{url}"' not in page
    assert "ya enviadas no se modifican" in page


def test_someone_elses_quote_is_a_404(login, servidor, comunicaciones):
    quote = record(held_session(), UserFactory(), comunicaciones)
    response = login(servidor).post(
        reverse("sessions:my_testimonial_withdraw", args=[quote.pk])
    )
    assert response.status_code == 404
    quote.refresh_from_db()
    assert quote.withdrawn_at is None


def test_my_data_exports_the_quote_without_the_button(servidor, comunicaciones):
    record(held_session(), servidor, comunicaciones)
    section = next(s for s in personal_data_for(servidor) if s.key == "testimonios")
    assert section.rows[0][1] == "Aquí sí nos escucharon."
    assert len(section.rows[0]) == len(section.columns)


def test_the_social_export_leaves_out_withdrawn_quotes(login, comunicaciones):
    session = held_session()
    person = UserFactory(full_name="Ana Rojas")
    kept = record(session, person, comunicaciones, quote="Se queda.")
    gone = record(session, person, comunicaciones, quote="Se retira.")
    record(session, person, comunicaciones, quote="Solo boletín.", for_social=False)
    client = login(comunicaciones)
    url = reverse("sessions:testimonial_withdraw", args=[gone.pk])
    assert client.post(url).status_code == 302
    body = client.get(reverse("sessions:testimonials_export")).content.decode()
    assert kept.quote in body
    assert "Se retira." not in body
    assert "Solo boletín." not in body
    assert timezone.localtime(session.starts_at).strftime("%d/%m/%Y") in body


def test_the_list_costs_the_same_with_many_quotes(login, comunicaciones):
    client = login(comunicaciones)
    session = held_session()
    record(session, UserFactory(), comunicaciones)
    url = reverse("sessions:testimonials")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(12):
        quote = record(held_session(), UserFactory(), UserFactory(), quote=f"Cita {n}")
        if n % 2:
            services.withdraw_testimonial(testimonial_id=quote.pk, actor=UserFactory())
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Cita 11" in page
    assert len(many) == len(few)


def test_the_export_neutralises_formulas(login, comunicaciones):
    record(held_session(), UserFactory(), comunicaciones, quote='=HYPERLINK("x")')
    body = login(comunicaciones).get(reverse("sessions:testimonials_export"))
    assert "'=HYPERLINK" in body.content.decode()
