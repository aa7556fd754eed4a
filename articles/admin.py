from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from reversion.models import Version

from spasmcms.history import HistoryAdmin

from . import notifications, readability
from .markdown import render_markdown
from .models import (
    Article,
    ArticleTreatment,
    BlockedWord,
    Comment,
    Reference,
    SearchSynonym,
    Section,
    Topic,
    Treatment,
    UnansweredSearch,
)


class ReviewOverdueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue for review"), ("due_soon", "Due in the next 30 days")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.review_overdue()
        if self.value() == "due_soon":
            return queryset.review_due_within(30)
        return queryset


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ["order", "heading", "kind", "parent", "anchor", "body", "readability"]
    readonly_fields = ["readability"]
    ordering = ["order", "pk"]
    show_change_link = False

    @admin.display(description="readability (when saved)")
    def readability(self, section):
        return readability_of(section.body) if section.pk else "Shown once saved."

    def get_formset(self, request, obj=None, **kwargs):
        # Offer only this article's main sections as parents (one query, shared by every row).
        self._parent_choices = (
            list(obj.sections.filter(parent__isnull=True).order_by("order", "pk")) if obj else []
        )
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "parent":
            field.choices = [("", "— none: a main section —")] + [
                (section.pk, section.heading) for section in self._parent_choices
            ]
        return field


class ArticleTreatmentInline(admin.TabularInline):
    model = ArticleTreatment
    extra = 0
    autocomplete_fields = ["treatment"]
    ordering = ["order", "pk"]


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 0
    fields = ["order", "title", "publisher", "url", "accessed"]
    ordering = ["order", "pk"]


def readability_of(markdown_text):
    figures = readability.measure(markdown_text)
    if figures is None:
        return "No text yet."
    if figures.too_hard:
        return format_html('<strong class="readability-warning">⚠ {}</strong>', figures.summary())
    return figures.summary()


class ArticleForm(forms.ModelForm):
    """Offers only the statuses this user may move the article to, and checks it again.

    `user` is set on a per-request subclass by ArticleAdmin.get_form.
    """

    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            allowed = set(self.instance.allowed_statuses(self.user))
            self.fields["status"].choices = [
                choice for choice in Article.Status.choices if choice[0] in allowed
            ]

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status not in self.instance.allowed_statuses(self.user):
            raise forms.ValidationError("You cannot move the article to this status.")
        return status


@admin.register(Article)
class ArticleAdmin(HistoryAdmin):
    form = ArticleForm
    list_display = ["title", "status", "published_at", "last_reviewed", "next_review_due"]
    list_filter = ["status", "topics", ReviewOverdueFilter]
    search_fields = ["title", "standfirst", "sections__heading"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics", "related_articles"]
    date_hierarchy = "published_at"
    inlines = [SectionInline, ArticleTreatmentInline, ReferenceInline]
    fieldsets = [
        ("Before you publish", {"fields": ["content_checks", "readability"]}),
        (None, {"fields": ["title", "slug", "standfirst"]}),
        (
            "Publishing",
            {
                "fields": ["status", "published_at"],
                "description": "Editors submit articles for review. Publishing is a clinical "
                "sign-off: it records you as the reviewer, today as the review date, and "
                "the next review as due in a year.",
            },
        ),
        ("Clinical review", {"fields": ["reviewed_by", "last_reviewed", "next_review_due"]}),
        ("Topics and related reading", {"fields": ["topics", "related_articles"]}),
        ("Comments", {"fields": ["comments_open"]}),
    ]
    readonly_fields = ["content_checks", "readability"]

    class Media:
        js = ["articles/admin/markdown-preview.js"]
        css = {"all": ["articles/admin/admin.css"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_perm("articles.publish_article"):
            return self.readonly_fields
        # Only a clinician's sign-off sets who reviewed the article and when.
        return [*self.readonly_fields, "reviewed_by", "last_reviewed", "next_review_due"]

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # Editors work on drafts; what readers can see changes only through a clinician.
        return (
            obj is None
            or obj.status in (Article.Status.DRAFT, Article.Status.IN_REVIEW)
            or request.user.has_perm("articles.publish_article")
        )

    def before_restore(self, request, live, version_id):
        restored_status = Version.objects.get(pk=version_id).field_dict["status"]
        if restored_status not in live.allowed_statuses(request.user):
            raise PermissionDenied
        request.status_before_restore = live.status

    def save_model(self, request, obj, form, change):
        previous = getattr(request, "status_before_restore", None) or form.initial.get("status")
        if obj.status == Article.Status.PUBLISHED and previous != Article.Status.PUBLISHED:
            obj.sign_off(request.user)  # publishing, or restoring a published version
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for warning in form.instance.content_warnings():
            self.message_user(request, warning, messages.WARNING)

    @admin.display(description="content checks")
    def content_checks(self, article):
        if article.pk is None:
            return "Shown once the article is saved."
        warnings = article.content_warnings()
        if not warnings:
            return "No problems found."
        return format_html_join("", '<p class="content-warning">⚠ {}</p>', ((w,) for w in warnings))

    @admin.display(description="readability of the whole article")
    def readability(self, article):
        if article.pk is None:
            return "Shown once the article is saved."
        text = "\n\n".join([article.standfirst, *(s.body for s in article.sections.all())])
        return readability_of(text)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "related_articles":
            kwargs["queryset"] = Article.objects.order_by("title")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_urls(self):
        preview = path(
            "preview/",
            self.admin_site.admin_view(self.markdown_preview),
            name="articles_article_preview",
        )
        return [preview, *super().get_urls()]

    def markdown_preview(self, request):
        """Live preview for the body editor: the same renderer and sanitiser readers get."""
        if request.method != "POST" or not self.has_view_or_change_permission(request):
            return JsonResponse({"error": "not allowed"}, status=403)
        text = request.POST.get("text", "")[:50_000]
        return JsonResponse({"html": render_markdown(text), "readability": readability_of(text)})


@admin.register(Treatment)
class TreatmentAdmin(HistoryAdmin):
    list_display = ["name", "category", "order"]
    list_filter = ["category"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "slug",
        "category",
        "order",
        "summary",
        "how_it_helps",
        "cautions",
        "evidence_note",
    ]


@admin.register(Topic)
class TopicAdmin(HistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


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
        return request.user.has_perm("articles.add_comment")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("articles.add_comment")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "short_body",
        "display_name",
        "article",
        "status",
        "report_count",
        "hidden_by_reports",
        "created_at",
    ]
    list_filter = ["status", "hidden_by_reports", "article"]
    search_fields = ["body", "display_name"]
    list_select_related = ["article"]
    actions = ["approve", "reject", "mark_as_spam"]
    date_hierarchy = "created_at"
    inlines = [ClinicianReplyInline]
    readonly_fields = [
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
        if request.user.has_perm("articles.moderate_comment"):
            return self.readonly_fields
        return ["status", *self.readonly_fields]

    def has_add_permission(self, request):
        return False  # comments come from readers; clinicians reply on a comment's page

    @admin.display(description="comment")
    def short_body(self, comment):
        return Truncator(comment.body).chars(80)

    def save_model(self, request, obj, form, change):
        # A moderator saving a comment's page is a decision, even with the status unchanged
        # (an approved comment hidden by reports is shown again).
        if request.user.has_perm("articles.moderate_comment"):
            obj.moderate(obj.status, request.user)
        else:
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        replies = formset.save(commit=False)
        for reply in replies:
            if reply.pk is None:
                reply.article = form.instance.article
                reply.author = request.user
                name = request.user.get_full_name() or request.user.get_username()
                reply.display_name = name[: Comment._meta.get_field("display_name").max_length]
                reply.status = Comment.Status.APPROVED
                reply.moderated_by = request.user
                reply.moderated_at = timezone.now()
                reply.save()
                notifications.tell_reader_their_comment_was_answered(reply, request)
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
        return request.user.has_perm("articles.moderate_comment")


@admin.register(BlockedWord)
class BlockedWordAdmin(admin.ModelAdmin):
    list_display = ["word"]
    search_fields = ["word"]


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
