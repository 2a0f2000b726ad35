"""Similar proposals: the suggestions shown while a person writes one, and the
possible duplicates a moderator sees on a proposal's page.

How similar two proposals are (the score, from 0 to 1) is the mean of two plain
measures, so anyone can tell why a suggestion appears:

- on PostgreSQL, the ``pg_trgm`` similarity of the titles (the share of three-letter
  pieces they have in common) and the share of the written title's key words that
  the other proposal's Spanish full-text document contains (its stemmed words);
- elsewhere (SQLite, the embedded default), the share of key words the two titles
  have in common (Dice) and the share of the written title's key words found in the
  other's title or text.

A proposal is suggested from ``MIN_SCORE`` on. The candidates scored are at most
``CANDIDATES``, the most supported of those with at least two of the title's words:
on PostgreSQL one query on the GIN index of the full-text document, so the work is
bounded whatever the number of proposals. (A trigram index on the title was tried
for the candidates and left out: at 200,000 proposals most titles share enough
three-letter pieces that its recheck read tens of thousands of rows per keystroke;
see docs/performance.md.)
"""

import re
from itertools import combinations

from django.db import connection
from django.db.models import Case, FloatField, Q, Value, When
from django.db.models.functions import Cast

from .models import Proposal
from .selectors import base_queryset

MIN_SCORE = 0.4
CANDIDATES = 200
LIMIT = 5
MAX_QUERY_WORDS = 8

# Words that say nothing about a proposal's subject.
_STOPWORDS = """
    a al algo algun alguna algunas alguno algunos ante antes asi aun cada como con
    contra cual cuales cuando de del desde donde durante e el ella ellas ellos en
    entre era eran es esa esas ese eso esos esta estan estas este esto estos fue
    fueron ha han hay hace hacer la las le les lo los mas me mi mis mucho muy nada
    ni no nos nuestra nuestro nuestras nuestros o otra otras otro otros para pero
    poco por porque puede pueden que quien se sea sean ser si sin sobre solo su sus
    tambien tan te tener tiene tienen todo todos toda todas tu un una uno unos unas
    y ya yo haya hayan propongo proponemos pedimos solicito solicitamos
"""
STOPWORDS = frozenset(_STOPWORDS.split())
WORD = re.compile(r"[^\W\d_]+")


# Accented vowels to plain ones (ñ stays: it changes the word). A translation table,
# not Unicode decomposition: the themes job runs it on every title.
ACCENTS = str.maketrans("áéíóúüàèìòùâêîôûä", "aeiouuaeiouaeioua")


def _plain(text: str) -> str:
    """Lower case without accents."""
    return (text or "").lower().translate(ACCENTS)


def meaningful_words(text: str) -> list[str]:
    """The words of ``text`` that carry meaning, in lower case and in order, without
    repeats: stop words, numbers and words of one or two letters left out."""
    seen = {}
    for word in WORD.findall((text or "").lower()):
        if len(word) > 2 and word.translate(ACCENTS) not in STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)


def _cut(plain_word: str) -> str:
    if len(plain_word) > 3 and plain_word.endswith("s"):
        plain_word = plain_word[:-1]
    return plain_word[:6]


def stem(word: str) -> str:
    """A crude stem: no accents, no plural ``s``, at most six letters."""
    return _cut(_plain(word))


def key_words(text: str) -> list[str]:
    """The stems of the meaningful words ("Horarios flexibles" → horari, flexib),
    in order of appearance, without repeats."""
    seen = {}
    for word in WORD.findall(_plain(text)):
        if len(word) > 2 and word not in STOPWORDS:
            seen.setdefault(_cut(word), None)
    return list(seen)


def dice(first: set, second: set) -> float:
    if not first or not second:
        return 0.0
    return 2 * len(first & second) / (len(first) + len(second))


def similar_proposals(
    *, title: str, user=None, exclude_id: int | None = None, limit: int = LIMIT
) -> list[Proposal]:
    """Up to ``limit`` visible proposals (public, not hidden, not merged) similar to
    ``title``, the most similar first, each with ``score`` (0 to 1) and, when
    ``user`` is given, ``i_support``. A title needs two meaningful words (one says
    too little to compare). One query."""
    title = " ".join((title or "").split())[:150]
    words = meaningful_words(title)[:MAX_QUERY_WORDS]
    if len(words) < 2:
        return []
    queryset = (
        base_queryset(user) if user is not None else Proposal.objects.all()
    ).filter(is_hidden=False, duplicate_of__isnull=True)
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    if connection.vendor == "postgresql":
        return _postgres(queryset, title, words, limit)
    return _fallback(queryset, words, limit)


def _postgres(queryset, title: str, words: list[str], limit: int) -> list[Proposal]:
    from django.contrib.postgres.search import SearchQuery, TrigramSimilarity

    queryset = queryset.defer("search_document", "text")
    # Each word as its own Spanish query (stemmed by PostgreSQL as the document is).
    queries = [SearchQuery(w, config="spanish") for w in words]
    # Candidates: the documents with at least two of the words, one tsquery for the
    # GIN index, the most supported first.
    pairs = [first & second for first, second in combinations(queries, 2)]
    two_words = pairs[0]
    for pair in pairs[1:]:
        two_words |= pair
    candidates = (
        queryset.filter(search_document=two_words)
        .order_by("-support_count", "-created_at", "-pk")
        .values("pk")[:CANDIDATES]
    )
    coverage = sum(
        (
            Case(
                When(search_document=query, then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            )
            for query in queries
        ),
        start=Value(0.0),
    ) / Value(float(len(queries)))
    score = (Cast(TrigramSimilarity("title", title), FloatField()) + coverage) / 2
    return list(
        queryset.filter(pk__in=candidates)
        .annotate(score=score)
        .filter(score__gte=MIN_SCORE)
        .order_by("-score", "-support_count", "-created_at", "-pk")[:limit]
    )


def _fallback(queryset, words: list[str], limit: int) -> list[Proposal]:
    """Candidates that contain a key word, the most supported first; scored here."""
    condition = Q()
    for word in {stem(word) for word in words}:
        condition |= Q(title__icontains=word) | Q(text__icontains=word)
    candidates = (
        queryset.filter(condition)
        .defer("search_document")
        .order_by("-support_count", "-created_at", "-pk")[:CANDIDATES]
    )
    wanted = {stem(word) for word in words}
    scored = []
    for proposal in candidates:
        in_title = set(key_words(proposal.title))
        in_either = in_title | set(key_words(proposal.text))
        coverage = len(wanted & in_either) / len(wanted)
        proposal.score = (dice(wanted, in_title) + coverage) / 2
        if proposal.score >= MIN_SCORE:
            scored.append(proposal)
    scored.sort(key=lambda p: (-p.score, -p.support_count, -p.created_at.timestamp()))
    return scored[:limit]
