"""Page numbers that stay cheap at page 1,000 of 100,000 patients.

A plain OFFSET reads and throws away every full row before the page: page 1,000 of the list
fetches 25,000 rows from the table. Here the page's ids come first, from a query that selects
only the primary key, so PostgreSQL answers it with an index-only scan of the index whose
columns match the ORDER BY (patients.models, migration 0003) and skips index entries, not rows;
then the page's 25 rows are loaded by id. Two queries per page at any size.
"""

from __future__ import annotations

from django.core.paginator import Paginator


class IdsFirstPaginator(Paginator):
    """A Paginator over an ordered queryset whose pages load in two steps (ids, then rows).

    The page's object_list is a list in the queryset's order; the count is the Paginator's.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        # a row deleted between the two queries is left out rather than shown half-loaded
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
