"""What the sessions app does for a supresión and for retention.

Registered in ``SessionsConfig.ready`` with ``cafe.org.erasure.register_erasure`` and
``cafe.org.retention.register_retention``. Registrations, attendance and survey scores
stay (they are counted); the free texts that may identify the person go.
"""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from cafe.org.erasure import mentions_in, redact
from cafe.org.retention import Outcome, cutoff

from .models import Feedback, Minutes, MinutesVersion, Registration, Session
from .services.voices import erase_testimonials_of


def erase_person_data(person) -> dict:
    """Needs are cleared; survey comments lose the person's name; rows stay;
    testimonials are removed."""
    registrations = Registration.objects.filter(user=person)
    count = registrations.count()
    registrations.exclude(needs="").update(needs="")
    for feedback in Feedback.objects.filter(user=person).exclude(comment=""):
        feedback.comment = redact(feedback.comment, person)
        feedback.save(update_fields=["comment"])
    for session in Session.objects.filter(mentions_in(person, "host_name")):
        session.host_name = redact(session.host_name, person)
        session.save(update_fields=["host_name"])
    for version in MinutesVersion.objects.filter(
        mentions_in(person, "summary", "agreements", "comment")
    ):
        version.summary = redact(version.summary, person)
        version.agreements = redact(version.agreements, person)
        version.comment = redact(version.comment, person)
        version.save(update_fields=["summary", "agreements", "comment"])
    for minutes in Minutes.objects.filter(
        mentions_in(person, "summary", "agreements", "review_comment")
    ):
        minutes.summary = redact(minutes.summary, person)
        minutes.agreements = redact(minutes.agreements, person)
        minutes.review_comment = redact(minutes.review_comment, person)
        minutes.save(update_fields=["summary", "agreements", "review_comment"])
    return {
        "inscripciones_anonimizadas": count,
        "encuestas_anonimizadas": Feedback.objects.filter(user=person).count(),
        # Quotes are the person's words with their consent: removed, not kept.
        "testimonios_eliminados": erase_testimonials_of(person),
    }


def needs_after_session(now, dry_run: bool) -> Outcome:
    """Accessibility and logistics needs are kept only until after the session."""
    limit = cutoff(now, settings.CAFE_RETENTION_NEEDS_DAYS)
    rows = Registration.objects.filter(~Q(needs=""), session__starts_at__lt=limit)
    count = rows.count() if dry_run else rows.update(needs="")
    return Outcome("necesidades", _("Necesidades de accesibilidad"), count)


def survey_comments(now, dry_run: bool) -> Outcome:
    rows = Feedback.objects.filter(
        ~Q(comment=""),
        created_at__lt=cutoff(now, settings.CAFE_RETENTION_SURVEY_COMMENT_DAYS),
    )
    count = rows.count() if dry_run else rows.update(comment="")
    return Outcome("comentarios", _("Comentarios de la encuesta"), count)
