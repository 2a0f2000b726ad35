"""E-mails of the proposals app, through the outbox."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from cafe.branding import absolute_url
from cafe.notify.services import send_templated


def proposal_changed(proposal, change) -> None:
    """Tell the identified author and every supporter about a change of the proposal.

    Anonymous authors get nothing (there is nobody to write to: that is the point).
    """
    people = get_user_model().objects.filter(
        proposal_supports__proposal=proposal, is_active=True
    )
    recipients = {user.pk: user for user in people}
    if proposal.author_id and proposal.author.is_active:
        recipients[proposal.author_id] = proposal.author
    # The named authors of proposals merged into this one follow it.
    merged_authors = set()
    for merged in proposal.duplicates.filter(author__is_active=True).select_related(
        "author"
    ):
        if merged.author_id not in recipients:
            recipients[merged.author_id] = merged.author
            merged_authors.add(merged.author_id)
    url = absolute_url(reverse("proposals:detail", args=[proposal.pk]))
    for user in recipients.values():
        send_templated(
            key=f"proposal:{proposal.pk}:change:{change.pk}:{user.pk}",
            template="proposals/proposal_changed",
            context={
                "user": user,
                "proposal": proposal,
                "change": change,
                "is_author": user.pk == proposal.author_id,
                "is_merged_author": user.pk in merged_authors,
                "detail_url": url,
            },
            to=user.email,
            recipient=user,
            kind="proposal_changed",
        )


def extension_decided(extension) -> None:
    """Tell the liaison who asked for an extension what Despacho decided (once)."""
    person = extension.requested_by
    if person is None or not person.is_active:
        return
    send_templated(
        key=f"extension:{extension.pk}:decided",
        template="proposals/extension_decided",
        context={
            "user": person,
            "extension": extension,
            "proposal": extension.proposal,
            "detail_url": absolute_url(
                reverse("proposals:detail", args=[extension.proposal_id])
            ),
        },
        to=person.email,
        recipient=person,
        kind="extension_decided",
    )
