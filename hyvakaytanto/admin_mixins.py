"""Admin building blocks shared by every app's admin."""

from django.db import models

# Links typed without a scheme (innokyla.fi/…) are taken as https, as Django 6 will do.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyAdminMixin:
    """A screen whose rows nobody adds, edits or deletes in a form: its changes, if any,
    happen through admin actions that call a service."""

    formfield_overrides = HTTPS_URLS  # its read-only form is still built from the fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
