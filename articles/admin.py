from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import JsonResponse
from django.urls import path
from django.utils.html import format_html_join
from reversion.models import Version

from governance.history import HistoryAdmin

from . import readability
from .markdown import render_markdown
from .models import Article, ArticleTreatment, Reference, Section, Topic, Treatment
from .models.section import normalise_line_endings


class TextWithPlainLineEndings(forms.CharField):
    """A text box whose CR LF line endings (as browsers send them) read as LF, so a section
    saved unchanged is not "changed" in History and its log."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_line_endings(value) if value else value


PLAIN_LINE_ENDINGS = {models.TextField: {"form_class": TextWithPlainLineEndings}}


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
    formfield_overrides = PLAIN_LINE_ENDINGS
    extra = 0
    fields = ["order", "heading", "kind", "parent", "anchor", "body", "readability"]
    readonly_fields = ["readability"]
    ordering = ["order", "pk"]
    show_change_link = False

    @admin.display(description="readability (when saved)")
    def readability(self, section):
        return readability.html_summary(section.body) if section.pk else "Shown once saved."

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
    formfield_overrides = PLAIN_LINE_ENDINGS
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
        return readability.html_summary(text)

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
        return JsonResponse({"html": render_markdown(text), **readability.preview(text)})


@admin.register(Treatment)
class TreatmentAdmin(HistoryAdmin):
    formfield_overrides = PLAIN_LINE_ENDINGS
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
