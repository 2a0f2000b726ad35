"""Writes for people and consent."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session as DjangoSession
from django.db import transaction
from django.utils import timezone

from . import roles
from .models import PrivacyConsent
from .privacy import current_notice


def accept_privacy_notice(*, user, ip_address: str | None = None, user_agent: str = ""):
    """Record that ``user`` accepted the notice in force (proof of authorisation).

    Accepting the same version twice keeps the first record.
    """
    notice = current_notice()
    with transaction.atomic():
        consent, _created = PrivacyConsent.objects.get_or_create(
            user=user,
            version=notice.version,
            defaults={
                "text_sha256": notice.sha256,
                "ip_address": ip_address or None,
                "user_agent": (user_agent or "")[:300],
            },
        )
        get_user_model().objects.filter(pk=user.pk).update(
            privacy_notice_version=notice.version,
            privacy_accepted_at=consent.accepted_at,
            data_use_revoked_at=None,
        )
    user.privacy_notice_version = notice.version
    user.privacy_accepted_at = consent.accepted_at
    user.data_use_revoked_at = None
    return consent


def ensure_base_role(*, user) -> None:
    """Every person belongs to the Servidor group."""
    group, _created = Group.objects.get_or_create(name=roles.SERVIDOR)
    user.groups.add(group)


def end_user_sessions(*, user_id: int) -> int:
    """Delete every server-side session of a person (used when they are deactivated).

    Returns how many sessions were ended.
    """
    ended = 0
    now = timezone.now()
    for session in DjangoSession.objects.filter(expire_date__gt=now).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            session.delete()
            ended += 1
    return ended


def update_preferences(*, user, wants_invitations: bool, wants_reminders: bool) -> None:
    """Switch the optional e-mails on or off for one person."""
    get_user_model().objects.filter(pk=user.pk).update(
        wants_invitations=wants_invitations, wants_reminders=wants_reminders
    )
    user.wants_invitations = wants_invitations
    user.wants_reminders = wants_reminders
