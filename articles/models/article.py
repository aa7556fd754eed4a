"""Health articles written and reviewed by clinicians.

An article is made of ordered sections (with one level of numbered sub-sections), a curated
and ordered list of treatments, and the references it rests on.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from . import drafts, page_parts, related
from .clinical_code import ClinicalCode
from .publication import DRAFT_WORKFLOW, WORKFLOW, ArticleStatus, is_published
from .section import Section, normalise_line_endings
from .treatment import Treatment


def add_months(day, months):
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass
class TableOfContents:
    """An article's numbered sections in reading order (iterate it), and the treatment
    groups no section lists, which the page shows in a block of their own so a chosen
    treatment is never silently hidden."""

    sections: list
    unplaced_treatment_groups: dict

    def __iter__(self):
        return iter(self.sections)

    def __getitem__(self, index):
        return self.sections[index]

    def __len__(self):
        return len(self.sections)

    @property
    def urgent_advice(self):
        """The "when to get help" section readers are pointed to from the top, or None."""
        return next((section for section in self.sections if section.is_urgent_advice), None)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles the public may read: published, with a publish time that has come."""
        return self.filter(is_published())

    def visible_to(self, user):
        """Staff see drafts and scheduled articles too (with a banner); the public does not."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def next_change_by_clock(self):
        """The next moment a public page changes with no edit: a scheduled article going
        live, or an article's comments closing. None if nothing is due."""
        now = timezone.now()
        changes = {"going_live": Min("published_at", filter=Q(published_at__gt=now))}
        comments_last = datetime.timedelta(days=settings.COMMENTS_CLOSE_AFTER_DAYS)
        if comments_last:
            open_since = Q(comments_open=True, published_at__gt=now - comments_last)
            changes["oldest_open"] = Min("published_at", filter=open_since)
        due = self.filter(status__in=[Article.Status.PUBLISHED, Article.Status.APPROVED]).aggregate(
            **changes
        )
        closing = due.get("oldest_open") and due["oldest_open"] + comments_last
        return min(filter(None, (due["going_live"], closing)), default=None)

    def next_approved_draft(self):
        """When the next approved draft of a live page is due to replace it, or None."""
        return self.filter(draft_of__isnull=False, status=Article.Status.APPROVED).aggregate(
            due=Min("published_at")
        )["due"]

    def in_review_date(self):
        """Published articles whose clinical review has not lapsed: what another system
        may show its users as current advice (overdue pages stay on our own site, where
        editors are reminded of them)."""
        return self.published().filter(
            Q(next_review_due__isnull=True) | Q(next_review_due__gte=timezone.localdate())
        )

    def for_code(self, system, code):
        """The articles carrying `code` of `system`, a broader or a narrower one (see
        `ClinicalCodeQuerySet.matching`; ValueError for a malformed code), closest first.
        Each has `matched_code` and `matched_display_name`: the code of its that matched."""
        matches = ClinicalCode.objects.matching(system, code).filter(article=OuterRef("pk"))
        return (
            self.filter(Exists(matches))
            .annotate(
                closeness=Subquery(matches.values("closeness")[:1]),
                characters_apart=Subquery(matches.values("characters_apart")[:1]),
                matched_code=Subquery(matches.values("code")[:1]),
                matched_display_name=Subquery(matches.values("display_name")[:1]),
            )
            .order_by("closeness", "characters_apart", "title", "pk")
        )

    def pages(self):
        """Articles in their own right: not drafts of live articles."""
        return self.filter(draft_of__isnull=True)

    def review_overdue(self):
        """Live articles whose clinical review date has passed (archived ones need none)."""
        return (
            self.pages()
            .exclude(status=Article.Status.ARCHIVED)
            .filter(next_review_due__lt=timezone.localdate())
        )

    def review_due_within(self, days):
        today = timezone.localdate()
        return (
            self.pages()
            .exclude(status=Article.Status.ARCHIVED)
            .filter(
                next_review_due__gte=today, next_review_due__lte=today + datetime.timedelta(days)
            )
        )

    def refresh_related_reading(self):
        """Work out these articles' "Related articles" lists again (see models/related.py)."""
        related.refresh(self)

    def for_page(self):
        """Everything the article page shows, in one query: the article, its reviewer and
        its stored page parts (topics, sections, treatments, references; see
        models/page_parts.py), or four queries more for an article with no stored copy.

        Sections come with their stored HTML only: the page needs neither the text it was
        made from nor the search vectors, the largest columns of a long article.
        """
        articles = self.defer("search_vector").select_related("reviewed_by", "page_parts")
        articles._iterable_class = page_parts.PageIterable
        return articles

    def refresh_page_parts(self):
        """Store again these articles' page parts (see models/page_parts.py)."""
        page_parts.refresh(self)


class Article(models.Model):
    Status = ArticleStatus

    title = models.CharField(
        max_length=200, help_text="The page heading readers see. Plain words, no jargon."
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The end of the web address, e.g. back-muscle-spasms. Filled in from the title; "
        "changing it later breaks links people have shared.",
    )
    standfirst = models.TextField(
        help_text="One short paragraph under the title: what the article covers and the key "
        "message. Shown on the home page too."
    )
    status = models.CharField(
        max_length=20,
        choices=Status,
        default=Status.DRAFT,
        help_text="Drafts are only visible to staff. Published articles are public from the "
        "publish time onwards.",
    )
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="When the article becomes public. Leave empty to publish as soon as the "
        "status is Published; a future time schedules it.",
    )
    updated_at = models.DateTimeField("last updated", auto_now=True)
    signed_off_at = models.DateTimeField(
        "content signed off",
        null=True,
        blank=True,
        editable=False,
        help_text="When a clinician last signed off the content readers see: the page's "
        "“updated” time in feeds, sitemaps and search results.",
    )
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="The date a clinician last checked the whole article."
    )
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text="When the article must be checked again (usually a year after the last review).",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_articles",
        limit_choices_to={"is_staff": True},
        help_text="The clinician who signed off the last review. Their full name is shown to "
        "readers.",
    )
    topics = models.ManyToManyField(
        "Topic",
        blank=True,
        related_name="articles",
        help_text="Articles sharing a topic are suggested to each other as related reading.",
    )
    related_articles = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="+",
        help_text="Hand-picked related articles, shown first under “Related articles”. Only "
        "published ones are shown.",
    )
    treatments = models.ManyToManyField(
        "Treatment", through="ArticleTreatment", blank=True, related_name="articles"
    )
    draft_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="draft",
        help_text="The live article this is a draft of: it replaces the live page's content "
        "once a clinician approves it.",
    )
    changes_requested = models.TextField(
        "note from the reviewer",
        blank=True,
        help_text="What the reviewing clinician asked to change when they sent it back.",
    )
    changes_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comments_open = models.BooleanField(
        default=True,
        help_text="Untick to close comments on this article. Comments also close by "
        "themselves a set number of days after publishing.",
    )

    comment_thread_count = models.PositiveIntegerField(
        "comments shown",
        default=0,
        # Code from before the field, still serving during a deploy, inserts without it.
        db_default=0,
        editable=False,
        help_text="How many readers' comments (replies aside) are shown under the article. "
        "Kept by the comments app as comments are approved, hidden or removed, so the "
        "page's pager needs no count of a popular article's comments on every render.",
    )

    # PostgreSQL full-text search: title (A) and standfirst (B), so articles whose title
    # matches are always among the candidates, however common the words; kept up to date
    # by the search app.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "title"]
        permissions = [
            ("submit_article", "Can submit an article for clinical review"),
            ("publish_article", "Can sign off, publish, unpublish and archive articles"),
        ]
        indexes = [
            # Published articles newest first, as the home page pages them: read in order
            # instead of sorting every article for each page of twenty.
            models.Index(
                fields=["-published_at", "title"],
                condition=Q(status=ArticleStatus.PUBLISHED),
                name="article_published_order_idx",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.standfirst = normalise_line_endings(self.standfirst)
        if self.status in (self.Status.PUBLISHED, self.Status.APPROVED) and not self.published_at:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)
        drafts.remember_next_draft_time()

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        drafts.remember_next_draft_time()
        return deleted

    @property
    def is_draft_of_live_page(self):
        return self.draft_of_id is not None

    def start_draft(self, user):
        """The draft of this live article (made now if it has none) for a correction."""
        return drafts.start_draft(self, user)

    @property
    def is_due_to_go_live(self):
        """An approved draft whose publish time has come."""
        return (
            self.is_draft_of_live_page
            and self.status == self.Status.APPROVED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def send_back(self, clinician, note):
        """A clinician asks for changes: the article goes back to draft with their note."""
        with reversion.create_revision():
            self.status = self.Status.DRAFT
            self.changes_requested = note
            self.changes_requested_by = clinician
            self.save()
            reversion.set_user(clinician)
            reversion.set_comment(f"Changes requested: {note}")

    def go_live(self, approver):
        """Approve this draft: its content replaces the live page's at once."""
        return drafts.go_live(self, approver)

    def allowed_statuses(self, user):
        """The statuses this user may move the article to from where it is now."""
        workflow = DRAFT_WORKFLOW if self.is_draft_of_live_page else WORKFLOW
        allowed = [
            status
            for status, permission in workflow.get(self.status, {}).items()
            if user.has_perm(f"articles.{permission}")
        ]
        return [self.Status(self.status), *allowed]

    def sign_off(self, clinician, today=None):
        """Record a clinician's review: who, when, and when the next one is due."""
        today = today or timezone.localdate()
        self.signed_off_at = timezone.now()
        self.reviewed_by = clinician
        self.last_reviewed = today
        self.next_review_due = add_months(today, settings.REVIEW_INTERVAL_MONTHS)

    def content_warnings(self):
        """Gaps a clinician should look at before publishing (warnings, never blocks)."""
        sections = list(self.sections.all())
        warnings = []
        if not any(section.is_urgent_advice for section in sections):
            warnings.append("No “urgent advice” section: readers need to know when to get help.")
        if not self.references.exists():
            warnings.append("No references: add the sources this article rests on.")
        warnings += [
            f"The section “{section.heading}” has no text."
            for section in sections
            if not section.body.strip()
        ]
        warnings += [
            f"The treatment “{link.treatment}” has no cautions (who should not use it)."
            for link in self.article_treatments.select_related("treatment")
            if not link.treatment.cautions.strip()
        ]
        return warnings

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and not self.is_public

    @property
    def comments_are_open(self):
        if not self.comments_open:
            return False
        days = settings.COMMENTS_CLOSE_AFTER_DAYS
        if days and self.published_at is not None:
            return timezone.now() < self.published_at + datetime.timedelta(days=days)
        return True

    @property
    def review_overdue(self):
        """The next review date has passed: the page tells readers the advice may be out of
        date. Cached pages need no clock change for it, as their key holds today's date."""
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()

    def table_of_contents(self):
        """Sections in reading order, each numbered ("1", "2", "4.1") and with its sub-sections
        and the treatment groups it lists after its text.

        Works on the prefetched sections, so the page costs one query however many there are.
        """
        sections = list(self.sections.all())
        unplaced = self._place_treatments(sections)
        children = defaultdict(list)
        for section in sections:
            if section.parent_id:
                children[section.parent_id].append(section)
        contents = []
        top_level = [section for section in sections if not section.parent_id]
        for number, section in enumerate(top_level, start=1):
            section.number = str(number)
            section.children = children.get(section.pk, [])
            for sub_number, child in enumerate(section.children, start=1):
                child.number = f"{number}.{sub_number}"
                child.children = []
            contents.append(section)
        return TableOfContents(sections=contents, unplaced_treatment_groups=unplaced)

    def _place_treatments(self, sections):
        """Give each section the treatment groups it lists; return the groups none lists.

        The first "Treatments" section lists every category, except alternatives when an
        "Alternative treatments" section exists to list them with their evidence notes.
        """
        groups = self.treatment_groups()
        kinds = Section.Kind
        alternative = Treatment.Category.ALTERNATIVE
        main = next((s for s in sections if s.kind == kinds.TREATMENTS), None)
        extra = next((s for s in sections if s.kind == kinds.ALTERNATIVE_TREATMENTS), None)
        placement = {}
        if main is not None:
            placement[main.pk] = [c for c in groups if c != alternative or extra is None]
        if extra is not None:
            placement[extra.pk] = [c for c in groups if c == alternative]
        placed = {category for categories in placement.values() for category in categories}
        for section in sections:
            section.treatment_groups = {c: groups[c] for c in placement.get(section.pk, [])}
        return {category: items for category, items in groups.items() if category not in placed}

    def treatment_groups(self):
        """The article's chosen treatments in its order, grouped by category.

        Returns {category label: [treatments]} in the category order readers expect.
        """
        groups = {category: [] for category in Treatment.Category}
        for link in self.article_treatments.all():
            groups[Treatment.Category(link.treatment.category)].append(link.treatment)
        return {category: items for category, items in groups.items() if items}

    def related_for_readers(self):
        """The "Related articles" list as readers see it now: one query on the stored list
        (see models/related.py), whatever the size of the site.

        Only articles published by now are shown: a scheduled one waits in the list for its
        publish time, and nothing unpublished is shown even if a list were ever out of step.
        """
        return list(
            Article.objects.published()
            .filter(listed_as_related__article=self)
            .order_by("listed_as_related__position")
            .only("title", "slug", "standfirst")[: related.RELATED_SHOWN]
        )
