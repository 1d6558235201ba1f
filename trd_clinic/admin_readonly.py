"""Admin pages that show records without any way to add, change or delete them."""


class ReadOnlyAdminMixin:
    """For ModelAdmin and inlines alike (an inline's permission checks also receive `obj`).

    Used for append-only records (audit entries, generated reports) and for clinical records
    the admin only reviews: they change through the clinician's forms, which restage and audit.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
