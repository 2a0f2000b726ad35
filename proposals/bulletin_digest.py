"""What the bulletin e-mail tells of an edition: at most a few items per list.

A pure function of the edition's content, so the edition can keep it next to the
content (``Bulletin.digest``) and the preview need not read a month of a large
entity, megabytes of it, to show ten items per list.
"""

from django.conf import settings

# Each list of the e-mail, and how its items are chosen when it is too long: sessions
# with published conclusions first, the most supported proposals first, the next
# sessions first; the chosen ones keep the edition's order.
DIGEST_PRIORITY = {
    "sessions": lambda item: not item.get("conclusions"),
    # The month's agreements, then the overdue ones of earlier months.
    "agreements": lambda item: (not item.get("this_month"), not item.get("overdue")),
    "implemented": lambda item: -item.get("supports", 0),
    "commitments": lambda item: -item.get("supports", 0),
    "upcoming": lambda item: 0,
}


def digest(data: dict, limit: int | None = None) -> dict:
    """The edition as the e-mail tells it: at most ``limit`` items per list
    (``PROPOSALS_BULLETIN_SECTION_ITEMS``; an e-mail to all staff stays readable in a
    month of fifty sessions and hundreds of commitments), with ``totals`` saying how
    many the web edition has."""
    limit = limit or settings.PROPOSALS_BULLETIN_SECTION_ITEMS
    shown, totals = dict(data), {}
    for key, priority in DIGEST_PRIORITY.items():
        items = data.get(key, [])
        totals[key] = len(items)
        if len(items) > limit:
            order = sorted(range(len(items)), key=lambda i: (priority(items[i]), i))
            shown[key] = [items[i] for i in sorted(order[:limit])]
    shown["totals"] = totals
    shown["limit"] = limit
    return shown
