import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from cafe.notify.models import Delivery
from cafe.testing.factories import TEST_PASSWORD, UserFactory, accept_privacy

pytestmark = pytest.mark.django_db

LOGIN = "/ingresar/"


def post_login(client, email, password, ip="10.1.1.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_spanish(client):
    response = client.get(LOGIN)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Correo institucional" in body
    assert "Contraseña" in body
    assert '<html lang="es-CO">' in body


def test_login_with_email_in_any_case(client):
    user = UserFactory(email="laura.rojas@prueba.gov.co")
    response = post_login(client, "Laura.Rojas@Prueba.gov.co", TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_wrong_password_gets_spanish_error_and_no_session(client):
    user = UserFactory()
    response = post_login(client, user.email, "no-es-la-clave")
    assert response.status_code == 200
    assert "El correo o la contraseña no son correctos" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_lockout_after_repeated_failures_is_per_user_and_ip(client, settings):
    victim = UserFactory()
    colleague = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post_login(client, victim.email, "mala").status_code == 200
    locked = post_login(client, victim.email, "mala")
    assert locked.status_code == 429
    assert "Acceso bloqueado temporalmente" in locked.content.decode()

    # Even the right password is refused while locked.
    assert post_login(client, victim.email, TEST_PASSWORD).status_code == 429
    assert SESSION_KEY not in client.session

    # Someone else behind the same IP (one office, one NAT address) still gets in.
    response = post_login(client, colleague.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(colleague.pk)


def test_lockout_does_not_block_the_same_user_from_another_ip(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, user.email, "mala", ip="10.9.9.9")
    assert (
        post_login(client, user.email, TEST_PASSWORD, ip="10.9.9.9").status_code == 429
    )
    assert (
        post_login(client, user.email, TEST_PASSWORD, ip="10.2.2.2").status_code == 302
    )


def test_logout_requires_post_and_ends_the_session(client):
    user = UserFactory()
    accept_privacy(user)
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get("/").status_code == 302


def test_deactivating_a_user_ends_their_sessions(client):
    user = UserFactory()
    accept_privacy(user)
    client.force_login(user)
    assert client.get("/").status_code == 200
    user.is_active = False
    user.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_password_reset_mail_is_spanish_and_goes_through_the_outbox(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(full_name="Laura Martínez")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": user.email.upper()})
    assert response.status_code == 302
    delivery = Delivery.objects.get(recipient=user)
    assert delivery.kind == "password_reset"
    assert delivery.state == Delivery.State.SENT
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [user.email]
    assert mail.subject == "Restablezca su contraseña de Un Café con el Secretario"
    assert "Hola, Laura Martínez" in mail.body
    assert "restablecer la contraseña" in mail.body
    html = mail.alternatives[0][0]
    assert 'lang="es-CO"' in html

    # The link in the e-mail really lets the person set a new password.
    link = next(
        line for line in mail.body.splitlines() if "/clave/restablecer/" in line
    )
    path = link.strip().split("127.0.0.1:8000", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assert "Escriba su nueva contraseña" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "Una-clave-nueva-2026",
            "new_password2": "Una-clave-nueva-2026",
        },
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Una-clave-nueva-2026")


def test_password_reset_for_unknown_email_sends_nothing(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nadie@prueba.gov.co"})
    assert response.status_code == 302
    assert Delivery.objects.count() == 0
    assert mailoutbox == []
