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

    Only the words and a count of readers are kept, never who searched, and only for words
    several different readers searched for on one day: one person's search, often their own
    symptoms, never shows here. Entries nobody searched for in 90 days go by themselves
    (`delete_old_searches`). Delete an entry once the content exists (or the search was
    nonsense); it comes back if enough readers search for it again.
    """

    list_display = ["query", "count", "last_searched"]
    search_fields = ["query"]
    date_hierarchy = "last_searched"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
