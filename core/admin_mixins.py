"""Admin building blocks shared by every app's admin."""

from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404

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


class GuardedAdmin:
    """One rule per object, for every view of it.

    ``get_queryset(request)`` is the rule: the rows this user may see. The change page uses it
    already (Django); here the history, each history entry (django-simple-history falls back
    to a row's last version otherwise) and the actions use it too. An action is run only when
    it is offered to this user (``get_actions``, by the action's ``permissions``) and on rows
    they can see; anything else is refused before any data is read, so an action's preview
    is as guarded as the action.
    """

    def _visible_or_404(self, request, object_id) -> None:
        try:
            visible = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            visible = False
        if not visible:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and request.POST.get("action"):
            if request.POST["action"] not in self.get_actions(request):
                raise PermissionDenied
            selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            try:
                visible = self.get_queryset(request).filter(pk__in=selected).exists()
            except (ValueError, ValidationError):
                visible = False
            if selected and not visible:
                raise PermissionDenied
        return super().changelist_view(request, extra_context)
