from django.contrib import admin

from .models import SearchSynonym, UnansweredSearch


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ["phrase", "same_as"]
    search_fields = ["phrase", "same_as"]
    fields = ["phrase", "same_as"]


@admin.register(UnansweredSearch)
class UnansweredSearchAdmin(admin.ModelAdmin):
    """What readers searched for and did not find: a list of content we may be missing.

    Only the words and a count are kept, never who searched. Delete an entry once the
    content exists (or the search was nonsense); it starts again from one if it comes back.
    """

    list_display = ["query", "count", "last_searched"]
    search_fields = ["query"]
    date_hierarchy = "last_searched"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
