"""Admin building blocks shared by every app's admin."""


class ReadOnlyAdminMixin:
    """A screen whose rows nobody adds, edits or deletes in a form: its changes, if any,
    happen through admin actions that call a service."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
