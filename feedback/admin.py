from django.contrib import admin, messages
from django.utils.text import Truncator

from governance.counters import ReadOnlyCountAdmin

from .models import DailyAnswerCount, MissingNote


@admin.register(DailyAnswerCount)
class DailyAnswerCountAdmin(ReadOnlyCountAdmin):
    list_display = ["date", "article", "yes", "no"]
    list_filter = ["date", "article"]
    list_select_related = ["article"]


@admin.register(MissingNote)
class MissingNoteAdmin(admin.ModelAdmin):
    """Moderators approve or reject readers' notes; clinicians read the approved ones.

    A reader may have written a name, a phone number or their symptoms despite the request
    not to, so only a moderator's approval shows a note to clinicians. Readers' words are
    never edited, and notes go after FEEDBACK_NOTES_KEEP_DAYS (`delete_old_feedback`).
    """

    list_display = ["short_text", "article", "date", "status"]
    list_filter = ["status", "date", "article"]
    list_select_related = ["article"]
    search_fields = ["text"]
    date_hierarchy = "date"
    actions = ["approve", "reject"]
    readonly_fields = ["article", "date", "text"]
    fields = ["status", *readonly_fields]

    def get_queryset(self, request):
        notes = super().get_queryset(request)
        if self.has_moderate_permission(request):
            return notes
        return notes.approved()

    def get_readonly_fields(self, request, obj=None):
        if self.has_moderate_permission(request):
            return self.readonly_fields
        return ["status", *self.readonly_fields]

    def get_list_filter(self, request):
        # Clinicians see approved notes only: a status filter would offer empty choices.
        if self.has_moderate_permission(request):
            return self.list_filter
        return [name for name in self.list_filter if name != "status"]

    def has_add_permission(self, request):
        return False  # notes come from readers

    def has_moderate_permission(self, request):
        return request.user.has_perm("feedback.moderate_missingnote")

    @admin.display(description="what was missing")
    def short_text(self, note):
        return Truncator(note.text).chars(80)

    def moderate_selected(self, request, queryset, status, verb):
        notes = list(queryset)
        for note in notes:
            note.status = status
            note.save(update_fields=["status"])
            # Who decided, and when, is in the admin's log, not on the reader's note.
            self.log_change(request, note, [{"changed": {"fields": ["status"]}}])
        self.message_user(request, f"{len(notes)} note(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Approve selected notes for clinicians", permissions=["moderate"])
    def approve(self, request, queryset):
        self.moderate_selected(request, queryset, MissingNote.Status.APPROVED, "approved")

    @admin.action(description="Reject selected notes", permissions=["moderate"])
    def reject(self, request, queryset):
        self.moderate_selected(request, queryset, MissingNote.Status.REJECTED, "rejected")
