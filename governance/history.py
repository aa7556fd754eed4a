"""Version history in the admin (django-reversion with django-reversion-compare).

Restoring a version first writes it to the database and only then shows the normal change
form, so checks that compare "before" and "after" must look at the live object first.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from reversion_compare.admin import CompareVersionAdmin


class HistoryAdmin(CompareVersionAdmin):
    def compare_view(self, request, object_id, extra_context=None):
        # reversion-compare's page checks no permission of its own.
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return super().compare_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        live = self.get_object(request, unquote(object_id))
        if live is None or not self.has_change_permission(request, live):
            raise PermissionDenied
        self.before_restore(request, live, version_id)
        return super().revision_view(request, object_id, version_id, extra_context)

    def before_restore(self, request, live, version_id):
        """Hook: check or remember the live object before the old version replaces it."""
