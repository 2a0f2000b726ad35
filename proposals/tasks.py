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


@shared_task(name="proposals.escalate_overdue_commitments", acks_late=True)
def escalate_overdue_commitments() -> dict:
    """Daily: commitments overdue past PROPOSALS_ESCALATE_AFTER_DAYS business days
    go to the head of their dependency, once each (services.escalation)."""
    return services.escalate_overdue_commitments()


@shared_task(name="proposals.monthly_report", acks_late=True)
def monthly_report() -> int | None:
    """Daily; on the month's first working day (or the first run after it) stores
    last month's report and e-mails it to Despacho, once."""
    from . import report

    stored = report.generate_monthly_report()
    return stored.pk if stored else None


@shared_task(name="proposals.rebuild_themes", acks_late=True)
def rebuild_themes() -> int:
    """Nightly: group the proposals into recurring themes and store them for the
    dashboard (themes.rebuild_themes). A doubled run recomputes the same result."""
    from . import themes

    return themes.rebuild_themes()
