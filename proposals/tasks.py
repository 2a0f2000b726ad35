"""Scheduled jobs of the proposals app."""

from celery import shared_task

from . import bulletin, communications, services


@shared_task(name="proposals.send_overdue_digests", acks_late=True)
def send_overdue_digests() -> dict:
    return communications.send_overdue_digests()


@shared_task(name="proposals.compose_bulletin", acks_late=True)
def compose_bulletin() -> int:
    """Daily; creates last month's draft the first time it runs in a month."""
    edition, _created = bulletin.compose_bulletin()
    return edition.pk


@shared_task(name="proposals.publish_anonymous", acks_late=True)
def publish_anonymous() -> int:
    """Every PROPOSALS_ANONYMOUS_BATCH_MINUTES: publish the waiting anonymous
    proposals in one shuffled batch (services.publish_anonymous_batch). A doubled or
    missed run only moves them to the next batch."""
    return len(services.publish_anonymous_batch())


@shared_task(name="proposals.rebuild_themes", acks_late=True)
def rebuild_themes() -> int:
    """Nightly: group the proposals into recurring themes and store them for the
    dashboard (themes.rebuild_themes). A doubled run recomputes the same result."""
    from . import themes

    return themes.rebuild_themes()
