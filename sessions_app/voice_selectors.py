"""Reads of campaigns and testimonials, each in a fixed number of queries."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, Sum

from .models import Session
from .voice_models import Campaign, CampaignRating, Testimonial

SOCIAL = "redes"
BULLETIN = "boletin"


def publishable_testimonials(*, channel: str, sessions=None):
    """Quotes whose consent covers ``channel`` and is still standing, read now: the
    only way an edition or an export gets a quote."""
    channel_filter = {"for_social": True} if channel == SOCIAL else {}
    if channel == BULLETIN:
        channel_filter = {"for_bulletin": True}
    if not channel_filter:
        raise ValueError(channel)
    found = Testimonial.objects.filter(withdrawn_at__isnull=True, **channel_filter)
    if sessions is not None:
        found = found.filter(session__in=sessions)
    return found.select_related("session", "person").order_by(
        "session__starts_at", "pk"
    )


def managed_testimonials():
    """Every quote, for Comunicaciones' list (withdrawn ones included, marked)."""
    return Testimonial.objects.select_related(
        "session", "person", "recorded_by", "withdrawn_by"
    ).order_by("-recorded_at", "-pk")


def own_testimonials(user):
    return (
        Testimonial.objects.filter(person=user)
        .select_related("session", "recorded_by")
        .order_by("recorded_at", "pk")
    )


@dataclass(frozen=True)
class CampaignFigures:
    """A campaign as attendees rated it. ``average`` and ``comments`` are None/empty
    while fewer than ``minimum`` answers count (the survey's rule)."""

    campaign: Campaign
    sessions: int
    answers: int
    average: float | None
    comments: tuple[str, ...]
    minimum: int

    @property
    def shown(self) -> bool:
        return self.average is not None


def campaign_aggregates(*, sessions=None, comments: int = 5) -> list[CampaignFigures]:
    """Every campaign with its sessions and ratings, from three queries.

    The rule of ``survey_aggregates``: only the ratings of a session where the
    campaign reached ``SESSIONS_SURVEY_MIN_ANSWERS`` answers on its own count, and a
    figure is shown only from that minimum up, so no number ever describes fewer
    people than the minimum. Comments are shown only with a shown figure."""
    minimum = settings.SESSIONS_SURVEY_MIN_ANSWERS
    sessions = sessions if sessions is not None else Session.objects.all()
    campaigns = list(
        Campaign.objects.annotate(
            session_count=Count(
                "sessions", filter=Q(sessions__in=sessions), distinct=True
            )
        ).order_by("name")
    )
    per_session = (
        CampaignRating.objects.filter(feedback__session__in=sessions)
        .values("campaign", "feedback__session")
        .annotate(answers=Count("pk"), total=Sum("score"))
        .order_by()
    )
    counted: dict[int, list[dict]] = {}
    for row in per_session:
        if row["answers"] >= minimum:
            counted.setdefault(row["campaign"], []).append(row)
    shown = {
        pk: rows
        for pk, rows in counted.items()
        if sum(r["answers"] for r in rows) >= minimum
    }
    texts = _comments(shown, comments)
    figures = []
    for campaign in campaigns:
        rows = shown.get(campaign.pk, [])
        answers = sum(r["answers"] for r in rows)
        figures.append(
            CampaignFigures(
                campaign=campaign,
                sessions=campaign.session_count,
                answers=answers,
                average=round(sum(r["total"] for r in rows) / answers, 2)
                if rows
                else None,
                comments=tuple(texts.get(campaign.pk, ())),
                minimum=minimum,
            )
        )
    return figures


def _comments(shown: dict[int, list[dict]], limit: int) -> dict[int, list[str]]:
    """The latest comments of the counted sessions of each shown campaign (one
    query; trimmed per campaign in Python, at most a few hundred short rows)."""
    pairs = [
        (pk, row["feedback__session"]) for pk, rows in shown.items() for row in rows
    ]
    if not pairs:
        return {}
    found: dict[int, list[str]] = {}
    allowed = set(pairs)
    rows = (
        CampaignRating.objects.filter(
            campaign__in=shown.keys(),
            feedback__session__in={s for _, s in pairs},
        )
        .exclude(comment="")
        .values_list("campaign", "feedback__session", "comment")
        .order_by("-feedback__created_at", "-pk")
    )
    for campaign, session, comment in rows:
        texts = found.setdefault(campaign, [])
        if (campaign, session) in allowed and len(texts) < limit:
            texts.append(comment)
    return found
