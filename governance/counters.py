"""Counting in the database when many requests count the same thing at once."""

from django.contrib import admin
from django.db import IntegrityError, transaction
from django.db.models import F


def count_one(model, *, field="count", also=None, **key):
    """Add one to `field` of the row matching `key`, creating the row at 1 if there is none.

    `also` sets other fields on both paths (e.g. the day last seen). The add is one SQL
    UPDATE, so two requests never lose a count; when two create the same row at once, the
    unique constraint on `key` refuses the second, which then counts by update instead.
    """
    also = also or {}
    if model.objects.filter(**key).update(**{field: F(field) + 1}, **also):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **{field: 1}, **also)
    except IntegrityError:
        model.objects.filter(**key).update(**{field: F(field) + 1}, **also)


class ReadOnlyCountAdmin(admin.ModelAdmin):
    """Anonymous daily counts in the admin: for staff to read, never to edit."""

    list_filter = ["date"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
