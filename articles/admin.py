from django.contrib import admin
from django.utils import timezone

from .models import Article, ArticleTreatment, Reference, Section, Topic, Treatment


class ReviewOverdueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue for review"), ("due_soon", "Due in the next 30 days")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.review_overdue()
        if self.value() == "due_soon":
            return queryset.filter(
                next_review_due__gte=today, next_review_due__lte=today + timezone.timedelta(30)
            )
        return queryset


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ["order", "heading", "kind", "parent", "anchor", "body"]
    ordering = ["order", "pk"]
    show_change_link = False

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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "last_reviewed", "next_review_due"]
    list_filter = ["status", "topics", ReviewOverdueFilter]
    search_fields = ["title", "standfirst", "sections__heading"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics", "related_articles"]
    date_hierarchy = "published_at"
    inlines = [SectionInline, ArticleTreatmentInline, ReferenceInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
        ("Clinical review", {"fields": ["reviewed_by", "last_reviewed", "next_review_due"]}),
        ("Topics and related reading", {"fields": ["topics", "related_articles"]}),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "related_articles":
            kwargs["queryset"] = Article.objects.order_by("title")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Treatment)
class TreatmentAdmin(admin.ModelAdmin):
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
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
