"""Full-text search: PostgreSQL with the Spanish configuration, a simple fallback
elsewhere (SQLite, the embedded default)."""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q

# Proposal.search_document holds to_tsvector('spanish', title || ' ' || text), written
# by a trigger and GIN-indexed on PostgreSQL (migration 0004), so neither the match nor
# the rank parses the texts again at query time.
DOCUMENT = F("search_document")


def search(queryset, text: str):
    """Filter ``queryset`` to proposals matching ``text``, best matches first."""
    text = " ".join((text or "").split())[:200]
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="spanish", search_type="websearch")
        # Filter on the match itself (@@), which uses the GIN index. The rank is an
        # alias used only to order, so the paginator's COUNT(*) never computes it.
        return (
            queryset.filter(search_document=query)
            .alias(search_rank=SearchRank(DOCUMENT, query))
            .order_by("-search_rank", "-created_at", "-pk")
        )
    return simple_search(queryset, text)


def simple_search(queryset, text: str):
    """Every word in the title or the text (case-insensitive): the SQLite fallback."""
    condition = Q()
    for word in text.split()[:8]:
        condition &= Q(title__icontains=word) | Q(text__icontains=word)
    return queryset.filter(condition).order_by("-created_at", "-pk")
