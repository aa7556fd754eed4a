from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator

from . import notifications
from .models import BlockedWord, Comment


class ClinicianReplyInline(admin.StackedInline):
    """Clinicians answer a reader under their comment; the reply is public at once."""

    model = Comment
    fk_name = "parent"
    extra = 0
    fields = ["body", "author_role", "author", "status"]
    readonly_fields = ["author", "status"]
    verbose_name = "reply from a clinician"
    verbose_name_plural = "replies from clinicians"

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("comments.add_comment")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("comments.add_comment")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "red_flag",
        "short_body",
        "display_name",
        "article",
        "status",
        "report_count",
        "hidden_by_reports",
        "created_at",
    ]
    list_filter = ["red_flag_urgency", "status", "hidden_by_reports", "article"]
    # A reader who may need help now comes first: emergencies, then urgent, then the rest,
    # newest first within each.
    ordering = ["-red_flag_urgency", "-created_at"]
    search_fields = ["body", "display_name"]
    list_select_related = ["article"]
    actions = ["approve", "reject", "mark_as_spam"]
    date_hierarchy = "created_at"
    inlines = [ClinicianReplyInline]
    readonly_fields = [
        "red_flag",
        "article",
        "parent",
        "display_name",
        "email",
        "notify_on_reply",
        "body",
        "spam_reason",
        "report_count",
        "hidden_by_reports",
        "created_at",
        "moderated_by",
        "moderated_at",
    ]
    fields = ["status", *readonly_fields]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(author__isnull=True)

    def get_readonly_fields(self, request, obj=None):
        # Readers' words are never edited; only a moderator changes the status.
        if request.user.has_perm("comments.moderate_comment"):
            return self.readonly_fields
        return ["status", *self.readonly_fields]

    def has_add_permission(self, request):
        return False  # comments come from readers; clinicians reply on a comment's page

    @admin.display(description="red flag", ordering="red_flag_urgency")
    def red_flag(self, comment):
        """The mark set when the comment came in, e.g. “⚠ Possible emergency: …”."""
        mark = comment.red_flag_mark
        return format_html("<strong>{}</strong>", mark) if mark else ""

    @admin.display(description="comment")
    def short_body(self, comment):
        return Truncator(comment.body).chars(80)

    def save_model(self, request, obj, form, change):
        # A moderator saving a comment's page is a decision, even with the status unchanged
        # (an approved comment hidden by reports is shown again).
        if request.user.has_perm("comments.moderate_comment"):
            obj.moderate(obj.status, request.user)
        else:
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        replies = formset.save(commit=False)
        for reply in replies:
            if reply.pk is None:
                answer = form.instance.reply(request.user, reply.body, reply.author_role)
                notifications.tell_reader_their_comment_was_answered(answer, request)
            else:
                reply.save()
        for reply in formset.deleted_objects:
            reply.delete()

    def moderate_selected(self, request, queryset, status, verb):
        for comment in queryset:
            comment.moderate(status, request.user)
        self.message_user(request, f"{queryset.count()} comment(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["moderate"])
    def approve(self, request, queryset):
        self.moderate_selected(request, queryset, Comment.Status.APPROVED, "approved")

    @admin.action(description="Reject selected comments", permissions=["moderate"])
    def reject(self, request, queryset):
        self.moderate_selected(request, queryset, Comment.Status.REJECTED, "rejected")

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_as_spam(self, request, queryset):
        self.moderate_selected(request, queryset, Comment.Status.SPAM, "marked as spam")

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")


@admin.register(BlockedWord)
class BlockedWordAdmin(admin.ModelAdmin):
    list_display = ["word"]
    search_fields = ["word"]
