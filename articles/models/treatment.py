from django.core.exceptions import ValidationError
from django.db import models

from governance.helplines import literal_helpline_message, literal_helplines

from .publication import is_published


class TreatmentQuerySet(models.QuerySet):
    def recommended_for_topic(self, topic_slug):
        """Standard (not alternative) treatments that published articles on a topic list.

        Each comes with `read_more_url`, pointing at where an article explains it, and the
        list is grouped by category in the order readers see categories. One query.
        """
        links = (
            ArticleTreatment.objects.filter(
                is_published(through="article__"),
                article__topics__slug=topic_slug,
                treatment__in=self,
            )
            .exclude(treatment__category=Treatment.Category.ALTERNATIVE)
            .select_related("treatment", "article")
            # Of the article, only its address: not the whole row of every article.
            .only("treatment", "article__slug")
            .order_by("treatment__order", "treatment__name", "article__title")
        )
        treatments = {}
        for link in links:
            if link.treatment_id not in treatments:
                treatment = link.treatment
                treatment.read_more_url = (
                    f"{link.article.get_absolute_url()}#treatment-{treatment.slug}"
                )
                treatments[treatment.pk] = treatment
        categories = list(Treatment.Category.values)
        return sorted(treatments.values(), key=lambda t: categories.index(t.category))


class Treatment(models.Model):
    class Category(models.TextChoices):
        SELF_CARE = "self_care", "Things you can do yourself"
        MEDICINE = "medicine", "Medicines"
        THERAPY = "therapy", "Therapies"
        ALTERNATIVE = "alternative", "Alternative treatments"

    name = models.CharField(max_length=120, help_text="The name readers know it by.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Filled in from the name.")
    category = models.CharField(
        max_length=20,
        choices=Category,
        default=Category.SELF_CARE,
        help_text="Articles group their treatments under these headings. Alternative "
        "treatments are always shown with their evidence note.",
    )
    summary = models.TextField(help_text="One or two plain sentences: what it is.")
    how_it_helps = models.TextField(blank=True, help_text="How it can help, in plain words.")
    cautions = models.TextField(
        blank=True,
        verbose_name="cautions / who should not use it",
        help_text="Side effects, and who should not use it or should ask a pharmacist or "
        "doctor first. Write {emergency_number} or {urgent_number} for the help-line numbers.",
    )
    evidence_note = models.TextField(
        blank=True,
        help_text="How good the evidence is, honestly. Shown with alternative treatments.",
    )
    order = models.PositiveIntegerField(
        default=0, help_text="Default position in lists; each article can reorder its own."
    )

    objects = TreatmentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {
            field: literal_helpline_message(numbers)
            for field in ("summary", "how_it_helps", "cautions", "evidence_note")
            if (numbers := literal_helplines(getattr(self, field)))
        }
        if errors:
            raise ValidationError(errors)


class ArticleTreatment(models.Model):
    """A treatment chosen for an article, in the article's own order."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="article_treatments"
    )
    treatment = models.ForeignKey(
        Treatment,
        on_delete=models.PROTECT,
        related_name="article_links",
        help_text="Start typing to find a treatment. Add new ones under Treatments first.",
    )
    order = models.PositiveIntegerField(default=0, help_text="Lowest number is shown first.")

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "treatment in this article"
        verbose_name_plural = "treatments in this article"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "treatment"], name="unique_treatment_per_article"
            )
        ]

    def __str__(self):
        return str(self.treatment)


class Reference(models.Model):
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="references"
    )
    title = models.CharField(max_length=300, help_text="Title of the page or paper.")
    publisher = models.CharField(
        max_length=200, blank=True, help_text="Who published it, e.g. NHS, NICE."
    )
    url = models.URLField(
        "web address",
        max_length=500,
        blank=True,
        help_text="The full address, starting https://. Leave empty for a printed source.",
    )
    accessed = models.DateField(
        "date accessed", null=True, blank=True, help_text="When you last checked the source."
    )
    order = models.PositiveIntegerField(default=0, help_text="Lowest number is listed first.")

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title
