"""Full-text search: PostgreSQL with the Spanish configuration, a simple fallback
elsewhere (SQLite, the embedded default)."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q

# The same expression is indexed (GIN) by migration 0002, so searches use the index.
SEARCH_VECTOR = SearchVector("title", "text", config="spanish")


def search(queryset, text: str):
    """Filter ``queryset`` to proposals matching ``text``, best matches first."""
    text = " ".join((text or "").split())[:200]
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="spanish", search_type="websearch")
        # Filter on the match itself (@@), which uses the GIN index; rank only orders.
        return (
            queryset.alias(document=SEARCH_VECTOR)
            .filter(document=query)
            .annotate(search_rank=SearchRank(SEARCH_VECTOR, query))
            .order_by("-search_rank", "-created_at", "-pk")
        )
    return simple_search(queryset, text)


def simple_search(queryset, text: str):
    """Every word in the title or the text (case-insensitive): the SQLite fallback."""
    condition = Q()
    for word in text.split()[:8]:
        condition &= Q(title__icontains=word) | Q(text__icontains=word)
    return queryset.filter(condition).order_by("-created_at", "-pk")
