"""Page numbers that stay cheap at page 1,000 of 100,000 patients.

A plain OFFSET reads and throws away every full row before the page: page 1,000 of the list
fetches 25,000 rows from the table. Here the page's ids come first, from a query that selects
only the primary key, so PostgreSQL answers it with an index-only scan of the index whose
columns match the ORDER BY (patients.models, migration 0003) and skips index entries, not rows;
then the page's 25 rows are loaded by id. The first page needs no skipping and stays one
query. So a given page costs the same queries at any size.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class IdsFirstPaginator(Paginator):
    """A Paginator over an ordered queryset whose pages after the first load in two steps
    (ids, then rows).

    The page's object_list is a list in the queryset's order; the count is the Paginator's.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom == 0:
            return Page(list(self.object_list[:top]), number, self)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        # a row deleted between the two queries is left out rather than shown half-loaded
        return Page([rows[pk] for pk in ids if pk in rows], number, self)


class CappedCountPaginator(IdsFirstPaginator):
    """Counts only as far as the pages around the requested one need: at least COUNT_AT_LEAST
    rows, and always PAGES_AHEAD pages past the requested page, so "page 1,000" and the links
    after it keep working. Counting every match would cost a scan of 100,000 index entries on
    each page view; past the limit the total is shown as "more than N" (count_is_capped).
    """

    COUNT_AT_LEAST = 10_000
    PAGES_AHEAD = 10  # more than the elided page range shows after the current page
    # A page number past any clinic's list (typed or tampered: ?page=99999999999999999999999)
    # counts every match instead, so that the last page is known and shown (Paginator.get_page);
    # the count's LIMIT stays a number the database can hold.
    LAST_COUNTED_PAGE = 1_000_000

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, wanted_page=None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        try:
            wanted = max(1, int(wanted_page or 1))
        except (TypeError, ValueError):
            wanted = 1  # the page itself is validated (and reported) by whoever asked for it
        wanted = min(wanted, self.LAST_COUNTED_PAGE)
        self.count_limit = max(self.COUNT_AT_LEAST, (wanted + self.PAGES_AHEAD) * self.per_page)

    @cached_property
    def _counted(self) -> int:
        return self.object_list.order_by()[: self.count_limit + 1].count()

    @property
    def count(self) -> int:
        return min(self._counted, self.count_limit)

    @property
    def count_is_capped(self) -> bool:
        return self._counted > self.count_limit

    @property
    def count_display(self) -> str:
        """The count with thousands separators; "more than" it when count_is_capped."""
        return f"{self.count:,}"

    def get_elided_page_range(self, number=1, *, on_each_side=3, on_ends=2):
        pages = list(super().get_elided_page_range(number, on_each_side=on_each_side, on_ends=on_ends))
        if self.count_is_capped and len(pages) > on_ends and pages[-on_ends - 1] == self.ELLIPSIS:
            return pages[:-on_ends]  # the last page is unknown: end on "…" instead of guessing it
        return pages
