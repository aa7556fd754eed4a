"""Version history in the admin (django-reversion with django-reversion-compare).

Restoring a version first writes it to the database and only then shows the normal change
form, so checks that compare "before" and "after" must look at the live object first.

django-reversion finds a version by its number alone and reverts its whole revision, so
each page here first checks that the version is of this page's object (or, to recover, of
a deleted object of this model) and that its revision holds nothing else that this page
does not edit: otherwise any History page could write any other object's old values,
past the checks of that object's own page.
"""

from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from reversion.models import Version
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
        self.check_restorable(self.version_of_this_model(version_id, object_id=live.pk))
        self.before_restore(request, live, version_id)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = self.version_of_this_model(version_id)
        if self.model._default_manager.filter(pk=version.object_id).exists():
            # Only deleted objects are recovered; a live one goes back through its History.
            raise PermissionDenied
        self.check_restorable(version)
        return super().recover_view(request, version_id, extra_context)

    def version_of_this_model(self, version_id, **lookups):
        return get_object_or_404(
            Version,
            pk=version_id,
            content_type=ContentType.objects.get_for_model(self.model),
            **{key: str(value) for key, value in lookups.items()},
        )

    def check_restorable(self, version):
        """Refuse a revision that would also write objects this page does not edit."""
        edited = {self.model, *(inline.model for inline in self.inlines)}
        allowed = {ContentType.objects.get_for_model(model).pk for model in edited}
        if version.revision.version_set.exclude(content_type__in=allowed).exists():
            raise PermissionDenied

    def before_restore(self, request, live, version_id):
        """Hook: check or remember the live object before the old version replaces it."""
