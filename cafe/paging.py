"""Pagination that sorts narrow rows and loads wide ones only for the page shown."""

from django.core.paginator import Paginator


class IdsFirstPaginator(Paginator):
    """A ``Paginator`` over a queryset that pages its primary keys first.

    The count and the sort (a ranking, say, over thousands of matches) run on the
    queryset reduced to its ids, so PostgreSQL neither joins the related rows
    (``select_related``) nor computes the per-row annotations for every match before
    sorting. The page's rows are then read by id, with everything they show, in the
    order of the page. One query more than a plain ``Paginator``, whatever the data.
    """

    def __init__(self, queryset, per_page, **kwargs):
        self.rows = queryset
        super().__init__(queryset.values_list("pk", flat=True), per_page, **kwargs)

    def _get_page(self, object_list, number, paginator):
        ids = list(object_list)
        by_id = {row.pk: row for row in self.rows.filter(pk__in=ids).order_by()}
        rows = [by_id[pk] for pk in ids if pk in by_id]
        return super()._get_page(rows, number, paginator)
