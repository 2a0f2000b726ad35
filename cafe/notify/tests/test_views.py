import pytest

from cafe.notify.models import Delivery

pytestmark = pytest.mark.django_db


def make(n, state=Delivery.State.PENDING, kind="test"):
    return Delivery.objects.bulk_create(
        Delivery(
            idempotency_key=f"{kind}:{state}:{i}",
            kind=kind,
            to_email=f"p{i}@prueba.gov.co",
            subject=f"Asunto {i}",
            body_text="T",
            state=state,
        )
        for i in range(n)
    )


def test_outbox_lists_and_filters_by_state(login, comunicaciones):
    make(2, Delivery.State.SENT)
    make(1, Delivery.State.FAILED, kind="bulletin")
    client = login(comunicaciones)
    page = client.get("/correo/")
    assert page.status_code == 200
    assert page.context["totals"] == {"pendiente": 0, "enviado": 2, "fallido": 1}
    failed = client.get("/correo/?estado=fallido")
    rows = list(failed.context["page"].object_list)
    assert [d.state for d in rows] == ["fallido"]
    assert "Reintentar" in failed.content.decode()
    by_kind = client.get("/correo/?tipo=bulletin")
    assert [d.kind for d in by_kind.context["page"].object_list] == ["bulletin"]
    ignored = client.get("/correo/?estado=<script>&tipo=nope")
    assert ignored.status_code == 200
    assert ignored.context["page"].paginator.count == 3


def test_outbox_query_count_is_flat(
    login, comunicaciones, django_assert_max_num_queries
):
    client = login(comunicaciones)
    make(3)
    client.get("/correo/")  # the permission cache is filled by the first request
    with django_assert_max_num_queries(12) as few:
        client.get("/correo/")
    make(120, Delivery.State.SENT, kind="many")
    with django_assert_max_num_queries(12) as many:
        client.get("/correo/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_retry_is_post_only_and_only_for_failed(
    login, comunicaciones, mailoutbox, django_capture_on_commit_callbacks
):
    [failed] = make(1, Delivery.State.FAILED)
    [sent] = make(1, Delivery.State.SENT, kind="other")
    client = login(comunicaciones)
    assert client.get(f"/correo/{failed.pk}/reintentar/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/correo/{failed.pk}/reintentar/", follow=True)
    assert "El envío volvió a la cola." in response.content.decode()
    failed.refresh_from_db()
    assert failed.state == Delivery.State.SENT
    response = client.post(f"/correo/{sent.pk}/reintentar/", follow=True)
    assert "Solo se pueden reintentar los envíos fallidos." in response.content.decode()
    assert client.post("/correo/999999/reintentar/").status_code == 404


def test_a_servidor_cannot_retry(login, servidor):
    [failed] = make(1, Delivery.State.FAILED)
    assert login(servidor).post(f"/correo/{failed.pk}/reintentar/").status_code == 403
    failed.refresh_from_db()
    assert failed.state == Delivery.State.FAILED
