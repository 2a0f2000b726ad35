"""Recurring themes: what comes back across sessions, dependencies and months.

A nightly job (``rebuild_themes``: the Celery task ``proposals.rebuild_themes`` and
the command ``manage.py rebuild_themes``) groups the visible proposals by their
titles and stores the groups (``Theme``, ``ThemeMember``); the dashboard reads the
stored rows (``recurring_themes``), so the page costs one query whatever the number
of proposals.

The grouping, in plain words:

1. Each title becomes its key words (``similarity.key_words``: no stop words, no
   accents, no plural, six letters at most). Words found in more than
   ``COMMON_SHARE`` of all titles (and in more than ``COMMON_MIN`` of them) say
   nothing about a subject ("propuesta", "mejorar") and are dropped too. The share
   is high on purpose: a subject that fills a tenth of all proposals is exactly
   what the Secretary must see.
2. The proposals are read oldest first. Each joins the theme whose first proposal
   (its leader) shares the most key words with it, when they share at least
   ``MIN_JACCARD`` of the key words of the two together (Jaccard); otherwise it
   starts a new theme. Only the themes whose leader holds one of the proposal's
   three rarest key words are compared, and at most ``PER_WORD`` of them per word
   (the most recent), which bounds the work per proposal.
3. Themes of at least ``MIN_SIZE`` proposals are kept. A theme recurs when its
   proposals come from at least two different months; the dashboard shows those.

The representative text is the title of the theme's most supported proposal (the
oldest among equals).
"""

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from cafe.org.models import Dependency

from .models import Proposal
from .similarity import key_words
from .theme_models import Theme, ThemeMember

MIN_JACCARD = 0.5
MIN_SIZE = 3
COMMON_SHARE = 0.25
COMMON_MIN = 20
PER_WORD = 200
RAREST = 3
SHOWN = 10
TREND_MONTHS = 6
BATCH = 2000


@dataclass
class Group:
    leader: set
    members: list = field(default_factory=list)


def group_titles(rows: list[tuple[int, str]]) -> list[list[int]]:
    """Group ``(id, title)`` pairs, given oldest first; returns the groups' ids (the
    leader first), every id in exactly one group (titles without key words alone)."""
    words = [(pk, set(key_words(title))) for pk, title in rows]
    frequency = Counter(word for _pk, found in words for word in found)
    common = max(COMMON_MIN, COMMON_SHARE * len(words))
    groups: list[Group] = []
    by_word: dict[str, list[int]] = defaultdict(list)
    for pk, found in words:
        found = {word for word in found if frequency[word] <= common}
        rarest = (
            found
            if len(found) <= RAREST
            else heapq.nsmallest(RAREST, found, key=lambda w: (frequency[w], w))
        )
        best, best_score = None, 0.0
        # Ascending, so that among equal scores the oldest theme wins.
        for index in sorted({i for w in rarest for i in by_word[w][-PER_WORD:]}):
            leader = groups[index].leader
            score = len(found & leader) / len(found | leader)
            if score >= MIN_JACCARD and score > best_score:
                best, best_score = index, score
        if best is None:
            groups.append(Group(leader=found, members=[pk]))
            for word in found:
                by_word[word].append(len(groups) - 1)
        else:
            groups[best].members.append(pk)
    return [group.members for group in groups]


def _rows():
    """Every visible proposal, oldest first, with what a theme records."""
    return (
        Proposal.objects.filter(is_hidden=False, duplicate_of__isnull=True)
        .annotate(
            origin_id=Coalesce(
                "session__dependency_id",
                "author__dependency_id",
                "responsible_dependency_id",
            )
        )
        .order_by("created_at", "pk")
        .values_list(
            "pk", "title", "created_at", "support_count", "session_id", "origin_id"
        )
        .iterator(chunk_size=BATCH)
    )


def _theme(members: list[tuple], names: dict[int, str], now) -> Theme:
    months = Counter()
    for row in members:
        months[timezone.localtime(row[2]).strftime("%Y-%m")] += 1
    origins = Counter(row[5] for row in members if row[5] is not None)
    representative = min(members, key=lambda row: (-row[3], row[2], row[0]))
    days = [timezone.localtime(row[2]).date() for row in members]
    return Theme(
        representative_id=representative[0],
        label=representative[1],
        keywords=" ".join(sorted(set(key_words(representative[1]))))[:300],
        size=len(members),
        supports=sum(row[3] for row in members),
        sessions=len({row[4] for row in members if row[4] is not None}),
        months_active=len(months),
        first_seen=min(days),
        last_seen=max(days),
        months=dict(sorted(months.items())),
        dependencies=[
            [names.get(pk, "?"), n]
            for pk, n in sorted(origins.items(), key=lambda item: (-item[1], item[0]))
        ][:10],
        computed_at=now,
    )


def rebuild_themes() -> int:
    """Group every visible proposal and replace the stored themes with the result,
    in one transaction (the dashboard shows the previous themes until it commits).
    Returns the number of themes stored. Safe to run twice: it starts from scratch."""
    rows = list(_rows())
    by_pk = {row[0]: row for row in rows}
    groups = [
        g for g in group_titles([(r[0], r[1]) for r in rows]) if len(g) >= MIN_SIZE
    ]
    names = dict(Dependency.objects.values_list("pk", "name"))
    now = timezone.now()
    themes = [_theme([by_pk[pk] for pk in group], names, now) for group in groups]
    with transaction.atomic():
        ThemeMember.objects.all().delete()
        Theme.objects.all().delete()
        Theme.objects.bulk_create(themes, batch_size=BATCH)
        ThemeMember.objects.bulk_create(
            (
                ThemeMember(theme=theme, proposal_id=pk, dependency_id=by_pk[pk][5])
                for theme, group in zip(themes, groups, strict=True)
                for pk in group
            ),
            batch_size=BATCH,
        )
    return len(themes)


# --- Reading: the dashboard's section ----------------------------------------------


def _last_months(today: date, count: int) -> list[date]:
    months, year, month = [], today.year, today.month
    for _step in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def trend(theme: Theme, months: list[date]) -> tuple[list[int], str]:
    """Proposals in each of ``months``, and whether the last half of them has more
    ("sube"), fewer ("baja") or as many ("igual") as the first half."""
    counts = [theme.months.get(f"{m:%Y-%m}", 0) for m in months]
    half = len(counts) // 2
    before, after = sum(counts[:half]), sum(counts[half:])
    return counts, "sube" if after > before else "baja" if after < before else "igual"


def recurring_themes(*, period=None, dependency=None, today: date | None = None):
    """The themes that came back (proposals in two months or more), largest first:
    those active in ``period`` and, with ``dependency``, those it took part in.
    One query. Returns the months of the trend, the rows (theme, proposals in each
    of those months, direction) and when the themes were computed."""
    # The label is stored with the theme: no join to the proposals.
    queryset = Theme.objects.filter(months_active__gte=2)
    if period is not None:
        queryset = queryset.filter(
            last_seen__gte=period.start, first_seen__lte=period.end
        )
    if dependency is not None:
        queryset = queryset.filter(
            Exists(
                ThemeMember.objects.filter(theme=OuterRef("pk"), dependency=dependency)
            )
        )
    months = _last_months(today or timezone.localdate(), TREND_MONTHS)
    rows = []
    for theme in queryset.order_by("-size", "pk")[:SHOWN]:
        counts, direction = trend(theme, months)
        rows.append({"theme": theme, "counts": counts, "trend": direction})
    return {
        "months": months,
        "rows": rows,
        "computed_at": rows[0]["theme"].computed_at if rows else None,
    }
