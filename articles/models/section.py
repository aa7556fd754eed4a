from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify

from governance.helplines import literal_helpline_message, literal_helplines

from ..markdown import render_markdown
from .publication import is_published

# Ids the article page uses itself; a section anchor must never collide with them.
RESERVED_ANCHORS = frozenset(
    {
        "main",
        "contents",
        "treatments",
        "references",
        "related",
        "disclaimer",
        "urgent-help",
        "share",
        "comments",
        "comment-form",
    }
)


def normalise_line_endings(text):
    """The text with each Windows (CR LF) or old Mac (CR) line ending made a plain LF.

    Browsers send the text of a form box with CR LF line endings, while text written any
    other way (the demo content, imports) has LF: stored as it came, a section saved
    unchanged through the admin would differ from its last version on every line.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


class SectionQuerySet(models.QuerySet):
    def treatment_sections(self, topic_slug):
        """The "Treatments" sections of published articles on a topic, for further reading."""
        return (
            self.filter(is_published(through="article__"), article__topics__slug=topic_slug)
            .filter(kind=Section.Kind.TREATMENTS)
            .select_related("article")
            # What a link to the section needs, not its text and search vector.
            .only("heading", "anchor", "article__title", "article__slug")
            .order_by("article__title", "order")
        )


class Section(models.Model):
    class Kind(models.TextChoices):
        NORMAL = "normal", "Normal section"
        URGENT_ADVICE = "urgent_advice", "Urgent advice (when to get help)"
        TREATMENTS = "treatments", "Treatments (lists the article's treatments)"
        ALTERNATIVE_TREATMENTS = (
            "alternative_treatments",
            "Alternative treatments (lists them with their evidence notes)",
        )

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="sections"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subsections",
        verbose_name="sub-section of",
        help_text="Choose a section to make this one a numbered sub-section of it (like 4.1). "
        "Save the article first so new sections appear in this list.",
    )
    order = models.PositiveIntegerField(
        default=0,
        help_text="Sections are shown from the lowest number to the highest. Use gaps (10, 20, "
        "30) so you can slot new sections in between.",
    )
    heading = models.CharField(max_length=200, help_text="A short heading in plain words.")
    anchor = models.SlugField(
        max_length=80,
        blank=True,
        help_text="The link to this section (…/#anchor). Leave empty to make one from the "
        "heading. Changing it breaks links people have shared.",
    )
    kind = models.CharField(
        max_length=30,
        choices=Kind,
        default=Kind.NORMAL,
        help_text="“Urgent advice” is shown as a red box no reader can miss: use it for when "
        "to get help. “Treatments” and “Alternative treatments” list the article's chosen "
        "treatments after the text.",
    )
    body = models.TextField(
        blank=True,
        help_text="Plain text with simple formatting: a blank line starts a new paragraph, "
        "“- ” starts a bullet point, **bold** for emphasis, [link text](https://…) for links. "
        "Write {emergency_number} or {urgent_number} for the help-line numbers. In a “when "
        "to get help” section, the care card with the topic's red flags comes first: add "
        "only points for this article.",
    )
    harder_reading_accepted = models.BooleanField(
        "accept harder reading for this section",
        default=False,
        help_text="Tick only when the section cannot be made plainer (for example, it must "
        "name a medicine or a test), and say why below. Kept in the article's history.",
    )
    harder_reading_reason = models.CharField(
        "why harder reading is needed",
        max_length=300,
        blank=True,
        help_text="Needed when harder reading is accepted, e.g. “names the medicines a GP "
        "may prescribe”. The publish check names every section above the reading limit.",
    )
    body_html = models.TextField(editable=False, blank=True)
    # PostgreSQL full-text search: the article's title and standfirst with this section's
    # heading and text, weighted A-D; kept up to date by the search app.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "anchor"], name="unique_anchor_per_article")
        ]

    def __str__(self):
        return self.heading

    def save(self, *args, **kwargs):
        self.heading = normalise_line_endings(self.heading)
        self.body = normalise_line_endings(self.body)
        self.anchor = self.unique_anchor(self.anchor or slugify(self.heading)[:70] or "section")
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {
            field: literal_helpline_message(numbers)
            for field in ("heading", "body")
            if (numbers := literal_helplines(getattr(self, field)))
        }
        if self.harder_reading_accepted and not self.harder_reading_reason.strip():
            # A tick alone tells the next reviewer nothing; the reason is kept in History.
            errors["harder_reading_reason"] = (
                "Say why this section cannot be made plainer, or untick “accept harder "
                "reading for this section”."
            )
        if errors:
            raise ValidationError(errors)
        if self.parent_id is None:
            return
        if self.parent_id == self.pk:
            raise ValidationError({"parent": "A section cannot be a sub-section of itself."})
        if self.parent.article_id != self.article_id:
            raise ValidationError({"parent": "Choose a section of the same article."})
        if self.parent.parent_id is not None:
            raise ValidationError(
                {"parent": "Sub-sections go one level deep: choose a main section."}
            )

    def unique_anchor(self, wanted):
        """The wanted anchor, or a numbered variant if this article already uses it."""
        taken = set(
            Section.objects.filter(article_id=self.article_id)
            .exclude(pk=self.pk)
            .values_list("anchor", flat=True)
        ) | set(RESERVED_ANCHORS)
        anchor, suffix = wanted, 2
        while anchor in taken:
            anchor = f"{wanted}-{suffix}"
            suffix += 1
        return anchor

    @property
    def is_urgent_advice(self):
        return self.kind == self.Kind.URGENT_ADVICE
