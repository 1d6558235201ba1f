"""Only the lookups an admin page's own filters write may come from its URL.

Django's admin accepts any lookup on a model's own fields from the query string
(`?name__regex=(a+)+$`), so a crafted link runs whatever the database can be made to do
(a catastrophic regular expression ran for over 10 s on SQLite, issue 10 §5). A list filter
writes `<field>__exact`, `<field>__isnull`, `<field>__<related key>__exact` or, for dates,
`__gte` / `__lt` (a SimpleListFilter its `parameter_name`); everything else is refused and
Django answers its usual way for a disallowed lookup (400 Bad Request).
"""

from __future__ import annotations

from django.contrib import admin

# What Django's field list filters write after the field's path (django.contrib.admin.filters).
FILTER_LOOKUP_SUFFIXES = ("exact", "isnull", "id__exact", "pk__exact", "gte", "lt", "isempty")


class FilterLookupsOnlyMixin:
    """For a ModelAdmin: `lookup_allowed` (the supported hook) accepts only its filters' lookups."""

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in self.filter_lookups(request)

    def filter_lookups(self, request) -> set[str]:
        filters = self.get_list_filter(request) if request is not None else self.list_filter
        lookups = set()
        for item in filters:
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
                lookups.add(item.parameter_name)
                continue
            path = item[0] if isinstance(item, (list, tuple)) else item
            lookups.update(f"{path}__{suffix}" for suffix in FILTER_LOOKUP_SUFFIXES)
        return lookups
