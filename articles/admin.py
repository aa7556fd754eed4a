from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from reversion.models import Version

from governance.history import HistoryAdmin
from governance.roles import staff_name

from . import checks, readability
from .admin_compare import CompareContentsMixin
from .content import ArticleContent, SectionContent, coded
from .markdown import render_markdown
from .models import (
    Article,
    ArticleTreatment,
    ClinicalCode,
    Reference,
    Section,
    Topic,
    Treatment,
)
from .models.clinical_code import checked_code
from .models.section import normalise_line_endings

# How long an open change page counts as "being edited" for the notice to others.
EDITING_NOTICE_SECONDS = 20 * 60


class TextWithPlainLineEndings(forms.CharField):
    """A text box whose CR LF line endings (as browsers send them) read as LF, so a section
    saved unchanged is not "changed" in History and its log."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_line_endings(value) if value else value


PLAIN_LINE_ENDINGS = {models.TextField: {"form_class": TextWithPlainLineEndings}}


class DraftFilter(admin.SimpleListFilter):
    title = "drafts of live pages"
    parameter_name = "drafts"

    def lookups(self, request, model_admin):
        return [("only", "Drafts of live pages"), ("none", "Pages (no drafts of live pages)")]

    def queryset(self, request, queryset):
        if self.value() == "only":
            return queryset.filter(draft_of__isnull=False)
        if self.value() == "none":
            return queryset.pages()
        return queryset


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


def has_a_draft(article):
    """A live article with a draft beside it: its content changes only through the draft,
    so that approving the draft never undoes an edit made on the live page meanwhile."""
    return article is not None and article.pk is not None and hasattr(article, "draft")


class LockedWhileDrafted:
    """An article's inline rows, read-only while the article has a draft of it."""

    def has_add_permission(self, request, obj):
        return not has_a_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not has_a_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not has_a_draft(obj) and super().has_delete_permission(request, obj)


class SectionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Deleting a main section would delete its sub-sections and their text with it:
        ask for them to be deleted (or moved) in so many words."""
        super().clean()
        deleted = {form.instance.pk for form in self.deleted_forms if form.instance.pk}
        if not deleted:
            return
        kept_children = [
            form.cleaned_data["heading"]
            for form in self.forms
            if form not in self.deleted_forms
            and form.cleaned_data.get("parent") is not None
            and form.cleaned_data["parent"].pk in deleted
        ]
        if kept_children:
            raise forms.ValidationError(
                "A section you are deleting still has sub-sections ("
                + ", ".join(f"“{heading}”" for heading in kept_children)
                + "): delete them too, or make them sub-sections of another section, first."
            )


class SectionInline(LockedWhileDrafted, admin.StackedInline):
    model = Section
    formset = SectionFormSet
    formfield_overrides = PLAIN_LINE_ENDINGS
    extra = 0
    fields = [
        "order",
        "heading",
        "kind",
        "parent",
        "anchor",
        "body",
        "readability",
        "harder_reading_accepted",
        "harder_reading_reason",
    ]
    readonly_fields = ["readability"]
    ordering = ["order", "pk"]
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_perm("articles.publish_article"):
            return self.readonly_fields
        # Accepting harder reading is the reviewing clinician's judgement.
        return [*self.readonly_fields, "harder_reading_accepted", "harder_reading_reason"]

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


class ArticleTreatmentInline(LockedWhileDrafted, admin.TabularInline):
    model = ArticleTreatment
    extra = 0
    autocomplete_fields = ["treatment"]
    ordering = ["order", "pk"]


class ReferenceInline(LockedWhileDrafted, admin.TabularInline):
    model = Reference
    extra = 0
    fields = ["order", "title", "publisher", "url", "accessed"]
    ordering = ["order", "pk"]


class ClinicalCodeForm(forms.ModelForm):
    def clean(self):
        """The code as it is stored (M62.830 for m62830), already in the form: the check
        for the same code twice among the rows compares these values."""
        cleaned = super().clean()
        system, code = cleaned.get("system"), cleaned.get("code")
        if system and code:
            try:
                cleaned["code"] = checked_code(system, code)
            except forms.ValidationError as error:
                self.add_error("code", error)
        return cleaned


class ClinicalCodeInline(LockedWhileDrafted, admin.TabularInline):
    """The diagnoses the article is written for, so that health records can link to it."""

    model = ClinicalCode
    form = ClinicalCodeForm
    extra = 0
    fields = ["order", "system", "code", "display_name"]
    ordering = ["order", "pk"]


class ArticleForm(forms.ModelForm):
    """Offers only the statuses this user may move the article to, and checks it again;
    refuses a save over someone else's newer one; refuses to publish an unsafe page.

    `request` and `user` are set on a per-request subclass by ArticleAdmin.get_form.
    """

    request = None
    user = None
    # When the article was last saved as this form was opened: a save on top of a newer
    # one is refused rather than silently undoing it.
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = version_stamp(self.instance)
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

    def clean(self):
        cleaned = super().clean()
        self.refuse_save_over_a_newer_one()
        status = cleaned.get("status", self.instance.status)
        if status in (Article.Status.PUBLISHED, Article.Status.APPROVED):
            reviewer, signing_off = self.reviewer(status)
            problems = checks.publish_problems(self.content_to_save(), reviewer, signing_off)
            if problems:
                action = "approved" if status == Article.Status.APPROVED else "published"
                raise forms.ValidationError(
                    [f"This article cannot be {action} yet:", *problems], code="unsafe"
                )
        return cleaned

    def refuse_save_over_a_newer_one(self):
        loaded = self.cleaned_data.get("loaded_version")
        if not (self.instance.pk and loaded):
            return
        # Locked until this save commits, so that of two saves at once the second waits
        # and then sees the first.
        stored = Article.objects.select_for_update().filter(pk=self.instance.pk).first()
        if stored is None or version_stamp(stored) == loaded:
            return
        latest = Version.objects.get_for_object(stored).select_related("revision__user").first()
        who = latest.revision.user if latest and latest.revision.user else None
        name = staff_name(who) if who else "Someone else"
        raise forms.ValidationError(
            f"{name} saved this article at {timezone.localtime(stored.updated_at):%H:%M} "
            "while you had it open, so your changes are not saved yet (nothing has been "
            "overwritten). Copy any text you changed, reload the page to see their "
            "version, then make your changes again.",
            code="conflict",
        )

    def reviewer(self, status):
        """Who readers will see as the reviewer once this is saved, and whether this save
        is their sign-off: publishing or approving names whoever does it; an edit of a
        live page keeps its reviewer (or the one a clinician names instead)."""
        before = getattr(self.request, "status_before_restore", None) or self.initial.get("status")
        if before != status:
            return self.user, True
        return self.cleaned_data.get("reviewed_by", self.instance.reviewed_by), False

    def content_to_save(self):
        """The content as it will be once this form and its inlines are saved."""
        formsets = {
            formset.model: formset for formset in getattr(self.request, "article_formsets", [])
        }

        def kept_rows(model):
            formset = formsets.get(model)
            if formset is None or not formset.is_valid():
                return None
            return [
                form.cleaned_data
                for form in formset.forms
                if form.cleaned_data
                and not form.cleaned_data.get("DELETE")
                and (form.instance.pk or form.has_changed())
            ]

        stored = ArticleContent.of(self.instance) if self.instance.pk else None
        sections = kept_rows(Section)
        treatments = kept_rows(ArticleTreatment)
        references = kept_rows(Reference)
        codes = kept_rows(ClinicalCode)
        topics = self.cleaned_data.get("topics")
        return ArticleContent(
            title=self.cleaned_data.get("title", self.instance.title),
            standfirst=self.cleaned_data.get("standfirst", self.instance.standfirst),
            sections=stored.sections
            if sections is None and stored
            else tuple(
                SectionContent(
                    heading=row.get("heading", ""),
                    body=row.get("body", ""),
                    kind=row.get("kind", Section.Kind.NORMAL),
                    anchor=row.get("anchor", ""),
                    order=row.get("order") or 0,
                    parent_heading=row["parent"].heading if row.get("parent") else "",
                    harder_reading_accepted=row.get("harder_reading_accepted", False),
                    harder_reading_reason=row.get("harder_reading_reason", ""),
                )
                for row in sorted(sections or [], key=lambda row: row.get("order") or 0)
            ),
            treatments=stored.treatments
            if treatments is None and stored
            else tuple(str(row["treatment"]) for row in treatments or [] if row.get("treatment")),
            references=stored.references
            if references is None and stored
            else tuple(row.get("title", "") for row in references or [] if row.get("title")),
            codes=stored.codes
            if codes is None and stored
            else tuple(
                coded(row["system"], row["code"], row.get("display_name", ""))
                for row in sorted(codes or [], key=lambda row: row.get("order") or 0)
                if row.get("system") and row.get("code")
            ),
            topic_slugs=frozenset(topic.slug for topic in topics)
            if topics is not None
            else (stored.topic_slugs if stored else frozenset()),
        )


def version_stamp(article):
    return article.updated_at.isoformat() if article.updated_at else ""


class RequestChangesForm(forms.Form):
    note = forms.CharField(
        label="What should the editor change?",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text="Be specific: the editor sees this note at the top of the article.",
    )


def typed_label(name):
    """ "sections-2-body" as a person would say it: "Section 3: text"."""
    if name in ("title", "standfirst"):
        return name.capitalize()
    prefix, index, part = name.rsplit("-", 2)
    thing = {"sections": "Section"}.get(prefix, prefix.capitalize())
    return f"{thing} {int(index) + 1}: {'text' if part == 'body' else part}"


@admin.register(Article)
class ArticleAdmin(CompareContentsMixin, HistoryAdmin):
    form = ArticleForm
    formfield_overrides = PLAIN_LINE_ENDINGS
    list_display = [
        "title",
        "draft_label",
        "status",
        "published_at",
        "last_reviewed",
        "next_review_due",
    ]
    list_filter = ["status", DraftFilter, "topics", ReviewOverdueFilter]
    list_select_related = ["draft_of", "draft"]
    search_fields = ["title", "standfirst", "sections__heading"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics", "related_articles"]
    date_hierarchy = "published_at"
    inlines = [SectionInline, ArticleTreatmentInline, ReferenceInline, ClinicalCodeInline]
    fieldsets = [
        ("Before you publish", {"fields": ["content_checks", "readability"]}),
        (None, {"fields": ["title", "slug", "standfirst", "loaded_version"]}),
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
        css = {"all": ["articles/admin/admin.css", "articles/admin/drafts.css"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user, "request": request})

    def _create_formsets(self, request, obj, change):
        # Kept for the article form, which checks the whole page (its sections and
        # references included) before it may be published.
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        request.article_formsets = formsets
        return formsets, inline_instances

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.readonly_fields)
        if obj is not None and obj.is_draft_of_live_page:
            # The live page's address and comments are the live page's own settings.
            readonly += ["slug", "comments_open"]
        if has_a_draft(obj):
            readonly += ["title", "slug", "standfirst", "topics", "related_articles"]
        if not request.user.has_perm("articles.publish_article"):
            # Only a clinician's sign-off sets who reviewed the article and when.
            readonly += ["reviewed_by", "last_reviewed", "next_review_due"]
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and (obj.is_draft_of_live_page or has_a_draft(obj)):
            return {}
        return super().get_prepopulated_fields(request, obj)

    @admin.display(description="draft")
    def draft_label(self, article):
        if article.is_draft_of_live_page:
            return "Draft of a live page"
        if getattr(article, "draft", None) is not None:
            return "Has a draft waiting"
        return ""

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # Editors work on drafts; what readers can see changes only through a clinician.
        return (
            obj is None
            or obj.status in (Article.Status.DRAFT, Article.Status.IN_REVIEW)
            or request.user.has_perm("articles.publish_article")
        )

    def has_delete_permission(self, request, obj=None):
        # Deleting a live page would delete the draft someone is writing with it.
        return not has_a_draft(obj) and super().has_delete_permission(request, obj)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        article = self.get_object(request, object_id)
        if has_a_draft(article):
            self.message_user(
                request,
                "This page has a draft waiting, so an earlier version cannot be restored "
                "now: approve or delete the draft first.",
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:articles_article_history", args=[object_id]))
        response = super().revision_view(request, object_id, version_id, extra_context)
        return self.make_due_draft_live(request, response)

    def before_restore(self, request, live, version_id):
        restored_status = Version.objects.get(pk=version_id).field_dict["status"]
        if restored_status not in live.allowed_statuses(request.user):
            raise PermissionDenied
        request.status_before_restore = live.status

    def save_model(self, request, obj, form, change):
        previous = getattr(request, "status_before_restore", None) or form.initial.get("status")
        if obj.status != previous and obj.status in (
            Article.Status.PUBLISHED,
            Article.Status.APPROVED,
        ):
            # Publishing, approving a draft, or restoring a published version; the
            # reviewer's note has been dealt with (it stays in the history).
            obj.sign_off(request.user)
            obj.changes_requested, obj.changes_requested_by = "", None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if (
            article.status == Article.Status.PUBLISHED
            and form.initial.get("status") == Article.Status.PUBLISHED
            and (form.has_changed() or any(formset.has_changed() for formset in formsets))
        ):
            # A clinician changed what readers see: the page's "updated" time moves on.
            article.signed_off_at = timezone.now()
            Article.objects.filter(pk=article.pk).update(signed_off_at=article.signed_off_at)
        for warning in article.content_warnings():
            self.message_user(request, warning, messages.WARNING)
        if article.is_due_to_go_live:
            # Made live once this save (and its history entry) is committed: see
            # change_view.
            request.draft_to_go_live = article

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The status as saved: after a refused save the form's instance holds the
        # refused one, and the buttons offered must match what is stored.
        stored = Article.objects.filter(pk=obj.pk).values_list("status", flat=True) if obj else []
        context["stored_status"] = next(iter(stored), None)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and not Article.objects.filter(pk=object_id).exists():
            return self.gone_while_editing(request, object_id)
        if request.method == "GET":
            self.notice_others_editing(request, object_id)
        response = super().change_view(request, object_id, form_url, extra_context)
        return self.make_due_draft_live(request, response)

    def make_due_draft_live(self, request, response):
        """After a save that approved a draft for now, with its history entry committed
        (so that the entry holds the draft only), make it live and go to the live page."""
        draft = getattr(request, "draft_to_go_live", None)
        if draft is None:
            return response
        live = draft.go_live(request.user)
        if live is None:  # made live by another request a moment ago
            live = draft.draft_of
        else:
            self.message_user(
                request,
                f"The draft is now live: readers see the new version of “{live.title}”.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[live.pk]))

    def gone_while_editing(self, request, object_id):
        """Someone saves an article that no longer exists (a draft made live or deleted
        meanwhile): show them what they typed, so nothing is lost."""
        typed = [
            (typed_label(name), value)
            for name, value in request.POST.items()
            if value.strip()
            and (name in ("title", "standfirst") or name.endswith(("-heading", "-body")))
        ]
        last = Version.objects.get_for_model(Article).filter(object_id=str(object_id)).first()
        live_pk = last and (last.field_dict.get("draft_of") or last.field_dict.get("draft_of_id"))
        live = Article.objects.filter(pk=live_pk).first() if live_pk else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "This article was changed while you were editing",
            "typed": typed,
            "live": live,
        }
        return TemplateResponse(
            request, "admin/articles/article/gone_while_editing.html", context, status=409
        )

    def response_change(self, request, obj):
        if getattr(request, "draft_to_go_live", None) is not None:
            return HttpResponseRedirect(request.path)  # replaced by make_due_draft_live
        if obj.is_draft_of_live_page and obj.status == Article.Status.APPROVED:
            self.message_user(
                request,
                f"Approved. The draft replaces the live page at "
                f"{timezone.localtime(obj.published_at):%H:%M on %-d %B %Y}.",
                messages.SUCCESS,
            )
        return super().response_change(request, obj)

    def notice_others_editing(self, request, object_id):
        """Tell whoever opens a page that someone else opened it to edit a moment ago.

        A courtesy only: the form itself refuses a save over a newer one.
        """
        key = f"articles:editing:{object_id}"
        me = {"user": request.user.pk, "name": staff_name(request.user), "at": timezone.now()}
        try:
            other = cache.get(key)
            if other and other["user"] != request.user.pk:
                self.message_user(
                    request,
                    f"{other['name']} opened this article to edit it at "
                    f"{timezone.localtime(other['at']):%H:%M}. If you both save, the second "
                    "save is refused so that nothing is overwritten: agree who goes first.",
                    messages.WARNING,
                )
            else:
                cache.set(key, me, timeout=EDITING_NOTICE_SECONDS)
        except Exception:  # noqa: S110 (the notice is a courtesy; saving is still safe)
            pass

    def recover_view(self, request, version_id, extra_context=None):
        # A draft of a live page is gone once approved; bringing it back would clash
        # with the live page's next draft.
        version = self.version_of_this_model(version_id)
        if version.field_dict.get("draft_of_id") or version.field_dict.get("draft_of"):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

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
            # Pages readers can be sent to: not this article itself, nor drafts.
            this_article = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = (
                Article.objects.pages().exclude(pk=this_article).order_by("title")
                if this_article and this_article.isdigit()
                else Article.objects.pages().order_by("title")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_urls(self):
        def view(function, name):
            return self.admin_site.admin_view(function), f"articles_article_{name}"

        preview, preview_name = view(self.markdown_preview, "preview")
        draft, draft_name = view(self.start_draft_view, "start_draft")
        send_back, send_back_name = view(self.request_changes_view, "request_changes")
        return [
            path("preview/", preview, name=preview_name),
            path("<path:object_id>/draft/", draft, name=draft_name),
            path("<path:object_id>/request-changes/", send_back, name=send_back_name),
            *super().get_urls(),
        ]

    def start_draft_view(self, request, object_id):
        """Open the draft of a live article, making it first if there is none (POST)."""
        live = get_object_or_404(Article, pk=object_id)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[live.pk]))
        if not (
            request.user.has_perm("articles.change_article")
            and live.status == Article.Status.PUBLISHED
            and not live.is_draft_of_live_page
        ):
            raise PermissionDenied
        had_draft = Article.objects.filter(draft_of=live).exists()
        draft = live.start_draft(request.user)
        self.message_user(
            request,
            "This is the draft that was already open: carry on with it."
            if had_draft
            else "Draft started. Readers keep seeing the live page until a clinician "
            "approves this draft.",
            messages.INFO if had_draft else messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[draft.pk]))

    def request_changes_view(self, request, object_id):
        """A clinician sends an article in review back to its editor with a note."""
        article = get_object_or_404(Article, pk=object_id)
        if not request.user.has_perm("articles.publish_article"):
            raise PermissionDenied
        if article.status not in (Article.Status.IN_REVIEW, Article.Status.APPROVED):
            raise Http404("Only an article in review can be sent back.")
        form = RequestChangesForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            article.send_back(request.user, form.cleaned_data["note"])
            self.message_user(request, "Sent back to the editor with your note.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Request changes to “{article.title}”",
            "form": form,
        }
        return TemplateResponse(request, "admin/articles/article/request_changes.html", context)

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
