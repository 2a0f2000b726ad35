"""The richer bulletin: the month's testimonials (only with consent for the bulletin,
gone from every future edition once withdrawn), photos resized and stripped of
metadata with their alt text, video links, and approval by a second person."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cafe.notify.models import MessageContent
from cafe.testing.factories import UserFactory
from proposals import bulletin, bulletin_media
from proposals.models import Bulletin, BulletinPhoto, BulletinVideo
from sessions_app import services as session_services
from sessions_app.tests.factories import SessionFactory
from sessions_app.voice_models import Testimonial as Quote

pytestmark = pytest.mark.django_db
BOGOTA = ZoneInfo("America/Bogota")
TODAY = date(2026, 12, 1)  # composing November's edition


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def november_session():
    start = datetime(2026, 11, 10, 9, 0, tzinfo=BOGOTA)
    return SessionFactory(
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        registration_opens_at=start - timedelta(days=10),
        registration_closes_at=start - timedelta(hours=2),
        status="realizada",
    )


def quote(session, text, *, for_bulletin=True, for_social=False, person=None):
    return session_services.record_testimonial(
        session_id=session.pk,
        person=person or UserFactory(full_name="Ana Rojas"),
        quote=text,
        for_social=for_social,
        for_bulletin=for_bulletin,
        consent_method=Quote.ConsentMethod.SIGNED,
        actor=UserFactory(role="Comunicaciones"),
    )


def quotes_of(edition) -> list[str]:
    edition.refresh_from_db()
    return [q["quote"] for q in edition.data.get("testimonials", [])]


# --- Testimonials ------------------------------------------------------------------


def test_the_edition_tells_only_quotes_with_consent_for_the_bulletin():
    session = november_session()
    quote(session, "Para el boletín.")
    quote(session, "Solo para redes.", for_bulletin=False, for_social=True)
    withdrawn = quote(session, "Retirada antes.")
    session_services.withdraw_testimonial(
        testimonial_id=withdrawn.pk, actor=withdrawn.person, own=True
    )
    edition, _ = bulletin.compose_bulletin(today=TODAY)
    assert quotes_of(edition) == ["Para el boletín."]
    _subject, text, html = bulletin.render(edition)
    assert "Para el boletín." in text and "Para el boletín." in html
    assert "Ana Rojas" in html
    assert "Retirada antes." not in html and "Solo para redes." not in html


def test_a_withdrawal_after_composing_leaves_the_draft_and_the_next_editions():
    session = november_session()
    kept = quote(session, "Se queda.")
    gone = quote(session, "Se va.")
    edition, _ = bulletin.compose_bulletin(today=TODAY)
    assert quotes_of(edition) == ["Se queda.", "Se va."]
    session_services.withdraw_testimonial(
        testimonial_id=gone.pk, actor=UserFactory(role="Comunicaciones")
    )
    assert quotes_of(edition) == ["Se queda."]
    bulletin.refresh_draft(bulletin_id=edition.pk)
    assert quotes_of(edition) == ["Se queda."]
    bulletin.approve_bulletin(bulletin_id=edition.pk, actor=UserFactory())
    content = MessageContent.objects.get(key=f"bulletin:{edition.pk}")
    assert "Se queda." in content.body_html
    assert "Se va." not in content.body_html and "Se va." not in content.body_text
    assert kept.pk  # still publishable


def test_an_edition_already_sent_is_not_rewritten():
    session = november_session()
    sent = quote(session, "Ya enviada.")
    edition, _ = bulletin.compose_bulletin(today=TODAY)
    bulletin.approve_bulletin(bulletin_id=edition.pk, actor=UserFactory())
    session_services.withdraw_testimonial(
        testimonial_id=sent.pk, actor=sent.person, own=True
    )
    assert quotes_of(edition) == ["Ya enviada."]
    assert "Ya enviada." in MessageContent.objects.get().body_html


def test_suppression_takes_the_quotes_out_of_drafts():
    session = november_session()
    person = UserFactory()
    quote(session, "De quien pidió la supresión.", person=person)
    edition, _ = bulletin.compose_bulletin(today=TODAY)
    assert session_services.erase_testimonials_of(person) == 1
    assert quotes_of(edition) == []


def test_a_quote_withdrawn_between_drafts_is_checked_again_at_approval():
    """Even a draft the withdrawal did not reach (its data edited by hand) loses
    the quote when approved."""
    session = november_session()
    gone = quote(session, "Retirada.")
    edition, _ = bulletin.compose_bulletin(today=TODAY)
    data = edition.data
    Quote.objects.filter(pk=gone.pk).update(withdrawn_at=datetime.now(tz=BOGOTA))
    Bulletin.objects.filter(pk=edition.pk).update(data=data)
    bulletin.approve_bulletin(bulletin_id=edition.pk, actor=UserFactory())
    assert "Retirada." not in MessageContent.objects.get().body_html


# --- Four eyes ---------------------------------------------------------------------


def test_the_drafter_cannot_approve(comunicaciones):
    edition, _ = bulletin.compose_bulletin(today=TODAY, actor=comunicaciones)
    with pytest.raises(ValidationError, match="debe aprobarla otra persona"):
        bulletin.approve_bulletin(bulletin_id=edition.pk, actor=comunicaciones)
    edition.refresh_from_db()
    assert edition.status == Bulletin.Status.DRAFT
    assert not MessageContent.objects.exists()


def test_the_last_editor_cannot_approve(comunicaciones, despacho):
    edition, _ = bulletin.compose_bulletin(today=TODAY)
    colleague = UserFactory(role="Comunicaciones")
    bulletin.save_note(bulletin_id=edition.pk, note="Hola.", actor=colleague)
    with pytest.raises(ValidationError):
        bulletin.approve_bulletin(bulletin_id=edition.pk, actor=colleague)
    bulletin.approve_bulletin(bulletin_id=edition.pk, actor=despacho)
    edition.refresh_from_db()
    assert (edition.status, edition.approved_by) == (Bulletin.Status.APPROVED, despacho)


def test_the_approve_page_refuses_the_drafter(login, comunicaciones):
    client = login(comunicaciones)
    client.post(reverse("proposals:bulletin_compose"))
    edition = Bulletin.objects.get()
    assert edition.drafted_by == comunicaciones
    page = client.get(reverse("proposals:bulletin_edit", args=[edition.pk]))
    assert "pida a otra persona que la apruebe" in page.content.decode()
    response = client.post(
        reverse("proposals:bulletin_approve", args=[edition.pk]), follow=True
    )
    assert "debe aprobarla otra persona" in response.content.decode()
    edition.refresh_from_db()
    assert edition.status == Bulletin.Status.DRAFT


def test_despacho_approves_from_the_web_edition(login, comunicaciones, despacho):
    edition, _ = bulletin.compose_bulletin(today=TODAY, actor=comunicaciones)
    client = login(despacho)
    page = client.get(reverse("proposals:bulletin", args=[edition.pk]))
    approve = reverse("proposals:bulletin_approve", args=[edition.pk])
    assert f'action="{approve}"' in page.content.decode()
    response = client.post(approve)
    assert response.status_code == 302
    edition.refresh_from_db()
    assert (edition.status, edition.approved_by) == (Bulletin.Status.APPROVED, despacho)


# --- Photos and videos -------------------------------------------------------------


def jpeg_with_metadata(width=3000, height=1500) -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Cámara de prueba"  # Make
    exif[0x013B] = "Persona fotógrafa"  # Artist
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("foto.jpg", buffer.getvalue(), "image/jpeg")


def test_a_photo_is_resized_and_loses_its_metadata(comunicaciones):
    edition, _ = bulletin.compose_bulletin(today=TODAY)
    upload = jpeg_with_metadata()
    assert Image.open(io.BytesIO(upload.read())).getexif()  # the input has it
    photo = bulletin_media.add_photo(
        bulletin_id=edition.pk,
        upload=upload,
        alt_text="El Secretario conversa con el equipo de Talento Humano.",
        actor=comunicaciones,
    )
    with Image.open(photo.image.path) as stored:
        assert stored.size == (1200, 600)
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert (photo.width, photo.height) == (1200, 600)
    edition.refresh_from_db()
    assert edition.last_edited_by == comunicaciones
    _subject, _text, html = bulletin.render(edition)
    assert photo.image.url in html
    assert 'alt="El Secretario conversa con el equipo de Talento Humano."' in html


@pytest.mark.parametrize(
    ("upload", "alt", "message"),
    [
        (lambda: jpeg_with_metadata(), "  ", "texto alternativo"),
        (
            lambda: SimpleUploadedFile("foto.jpg", b"no soy una foto", "image/jpeg"),
            "Algo",
            "no es una imagen válida",
        ),
        (
            lambda: SimpleUploadedFile("foto.gif", _gif(), "image/gif"),
            "Algo",
            "JPG, PNG o WebP",
        ),
    ],
)
def test_bad_photos_are_refused(comunicaciones, upload, alt, message):
    edition, _ = bulletin.compose_bulletin(today=TODAY)
    with pytest.raises(ValidationError, match=message):
        bulletin_media.add_photo(
            bulletin_id=edition.pk, upload=upload(), alt_text=alt, actor=comunicaciones
        )
    assert not BulletinPhoto.objects.exists()


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    return buffer.getvalue()


def test_a_photo_too_heavy_is_refused(settings, comunicaciones):
    settings.PROPOSALS_BULLETIN_PHOTO_MAX_BYTES = 1024 * 1024
    edition, _ = bulletin.compose_bulletin(today=TODAY)
    heavy = SimpleUploadedFile("foto.jpg", b"\xff" * (1024 * 1024 + 1), "image/jpeg")
    with pytest.raises(ValidationError, match="pesa más de 1 MB"):
        bulletin_media.add_photo(
            bulletin_id=edition.pk, upload=heavy, alt_text="Algo", actor=comunicaciones
        )


def test_an_approved_edition_takes_no_more_media(comunicaciones):
    edition, _ = bulletin.compose_bulletin(today=TODAY)
    bulletin.approve_bulletin(bulletin_id=edition.pk, actor=UserFactory())
    with pytest.raises(ValidationError, match="ya fue aprobada"):
        bulletin_media.add_video(
            bulletin_id=edition.pk,
            url="https://video.example.gov.co/1",
            title="Resumen",
            actor=comunicaciones,
        )


def test_the_edit_page_uploads_a_photo_and_a_video(login, comunicaciones):
    edition, _ = bulletin.compose_bulletin(today=TODAY)
    client = login(comunicaciones)
    response = client.post(
        reverse("proposals:bulletin_photo_add", args=[edition.pk]),
        {"image": jpeg_with_metadata(800, 400), "alt_text": "Foto de la sala."},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("proposals:bulletin_video_add", args=[edition.pk]),
        {"url": "video.example.gov.co/cafe-noviembre", "title": "El café en video"},
    )
    assert response.status_code == 302
    assert (
        BulletinVideo.objects.get().url == "https://video.example.gov.co/cafe-noviembre"
    )
    page = client.get(reverse("proposals:bulletin", args=[edition.pk])).content.decode()
    assert 'alt="Foto de la sala."' in page
    assert "El café en video" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "javascript:alert(1)", "title": "Malo"}, "Ingrese una URL válida"),
        (
            {"url": "https://video.example.gov.co/\u202e1", "title": "Malo"},
            "invisibles",
        ),
        ({"image": "", "alt_text": ""}, "Elija la foto"),
    ],
)
def test_the_edit_page_refuses_bad_media(login, comunicaciones, data, message):
    edition, _ = bulletin.compose_bulletin(today=TODAY)
    kind = "video" if "url" in data else "photo"
    response = login(comunicaciones).post(
        reverse(f"proposals:bulletin_{kind}_add", args=[edition.pk]), data, follow=True
    )
    assert message in response.content.decode()
    assert not BulletinVideo.objects.exists()
    assert not BulletinPhoto.objects.exists()


def test_the_photo_form_requires_the_alt_text(login, comunicaciones):
    edition, _ = bulletin.compose_bulletin(today=TODAY)
    response = login(comunicaciones).post(
        reverse("proposals:bulletin_photo_add", args=[edition.pk]),
        {"image": jpeg_with_metadata(800, 400), "alt_text": ""},
        follow=True,
    )
    assert "Escriba el texto alternativo" in response.content.decode()
    assert not BulletinPhoto.objects.exists()
