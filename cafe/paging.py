"""Pagination that sorts narrow rows, loads wide ones only for the page shown, and
counts no further than it needs to."""

from django.core.cache import cache
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Window
from django.utils.functional import cached_property

CACHED_PAGE_SECONDS = 60


class IdsPage(Page):
    """A page that knows whether another follows without knowing how many there
    are (when the paginator's count stopped at its limit)."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more


class IdsFirstPaginator(Paginator):
    """A ``Paginator`` over a queryset that pages its primary keys first.

    The count and the sort (a ranking, say, over thousands of matches) run on the
    queryset reduced to its ids, so PostgreSQL neither joins the related rows
    (``select_related``) nor computes the per-row annotations for every match before
    sorting. The page's rows are then read by id, with everything they show, in the
    order of the page. One query more than a plain ``Paginator``, whatever the data.

    The count stops at ``count_limit``: past it, the exact number of matches costs a
    scan of every one of them on every page, and nobody pages through a thousand
    results. The pages then show "más de 1.000" and a "Siguiente" link while one
    more id follows; every page stays reachable.
    """

    count_limit = 1000
    max_page = 100_000  # an OFFSET PostgreSQL can take, far past any real list

    def __init__(
        self, queryset, per_page, *, count_with_page=False, cache_key=None, **kwargs
    ):
        """``count_with_page``: for a list that must read every match to sort them
        (a text search), count them in the same query as the page's ids.
        ``cache_key``: with ``count_with_page``, each page's ids and the count are
        kept in the cache under this key (which must change with the data they come
        from, cafe.generations) for ``CACHED_PAGE_SECONDS``; the rows are always read
        afresh."""
        self.rows = queryset
        self.count_with_page = count_with_page
        self.cache_key = cache_key
        self.count_bounded = True  # False once the count came with the page's ids
        super().__init__(queryset.values_list("pk", flat=True), per_page, **kwargs)

    @cached_property
    def count(self):
        # Unordered: the ids up to the limit, in whatever order is cheapest to read.
        return self.object_list.order_by()[: self.count_limit + 1].count()

    @property
    def count_is_exact(self) -> bool:
        return not self.count_bounded or self.count <= self.count_limit

    def validate_number(self, number):
        if self.count_is_exact:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > self.max_page:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        if self.count_is_exact:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not ids:
            raise EmptyPage(self.error_messages["no_results"])
        return IdsPage(
            self._rows(ids[: self.per_page]),
            number,
            self,
            more=len(ids) > self.per_page,
        )

    def get_page(self, number):
        if self.count_with_page and "count" not in self.__dict__:
            page = self._page_with_count(number)
            if page is not None:
                return page
        try:
            return super().get_page(number)
        except EmptyPage:  # past the end of a list counted only up to the limit
            return self.page(1)

    def _page_with_count(self, number):
        """The page's ids and the number of matches (``COUNT(*) OVER ()``) in one
        query; None when ``number`` is not a page (the usual path then handles it)."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        if not 1 <= number <= self.max_page:
            return None
        key = f"{self.cache_key}:{number}:{self.per_page}" if self.cache_key else None
        found = cache.get(key) if key else None
        if found is None:
            bottom = (number - 1) * self.per_page
            rows = list(
                self.object_list.annotate(matches=Window(Count("pk"))).values_list(
                    "pk", "matches"
                )[bottom : bottom + self.per_page]
            )
            if not rows or self.orphans:
                return None
            found = ([pk for pk, _matches in rows], rows[0][1])
            if key:
                cache.set(key, found, CACHED_PAGE_SECONDS)
        ids, count = found
        self.__dict__["count"] = count  # exact: every match was read to sort
        self.count_bounded = False
        return self._get_page(ids, number, self)

    def _get_page(self, object_list, number, paginator):
        return super()._get_page(self._rows(list(object_list)), number, paginator)

    def _rows(self, ids: list) -> list:
        by_id = {row.pk: row for row in self.rows.filter(pk__in=ids).order_by()}
        return [by_id[pk] for pk in ids if pk in by_id]
