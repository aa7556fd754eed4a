"""Load the demo articles, treatments and topics shipped in articles/demo_content/.

The content is data (TOML files with Markdown bodies), not code. Running the command again
changes nothing: what already exists is kept as it is, so a clinician's edits survive the
next `make run`. `--reset` puts the demo articles back to the shipped text.
"""

import datetime
import tomllib
from pathlib import Path

import reversion
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.models import (
    Article,
    ArticleTreatment,
    ClinicalCode,
    CodeSystem,
    Reference,
    Section,
    Topic,
    Treatment,
)

DEMO_CONTENT_DIR = Path(__file__).resolve().parents[2] / "demo_content"
REVIEWER_USERNAME = "demo-reviewer"


def read_toml(path):
    with path.open("rb") as file:
        return tomllib.load(file)


def at_nine(day):
    """A date in the demo content as a moment: 9 in the morning, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


class Command(BaseCommand):
    help = "Load the demo health articles. Safe to run again: existing content is kept."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Overwrite the demo articles and treatments with the shipped text.",
        )

    @transaction.atomic
    def handle(self, *args, reset=False, **options):
        # Recorded as a version, so clinicians can always compare with the shipped text.
        with reversion.create_revision():
            reversion.set_comment("Demo content loaded")
            self.load(reset)

    def load(self, reset):
        topics = {
            item["slug"]: self.upsert(Topic, item, reset)
            for item in read_toml(DEMO_CONTENT_DIR / "topics.toml")["topics"]
        }
        treatments = {
            item["slug"]: self.upsert(Treatment, {**item, "order": position * 10}, reset)
            for position, item in enumerate(
                read_toml(DEMO_CONTENT_DIR / "treatments.toml")["treatments"], start=1
            )
        }
        reviewer = self.demo_reviewer()

        files = sorted((DEMO_CONTENT_DIR / "articles").glob("*.toml"))
        documents = [read_toml(path) for path in files]
        loaded = []
        for document in documents:
            article = Article.objects.filter(slug=document["slug"]).first()
            if article is not None and not reset:
                continue
            loaded.append((self.write_article(article, document, reviewer), document))

        articles = {article.slug: article for article in Article.objects.all()}
        for article, document in loaded:
            article.topics.set(topics[slug] for slug in document.get("topics", []))
            article.related_articles.set(articles[slug] for slug in document.get("related", []))
            for position, slug in enumerate(document.get("treatments", []), start=1):
                ArticleTreatment.objects.create(
                    article=article, treatment=treatments[slug], order=position * 10
                )

        kept = len(documents) - len(loaded)
        self.stdout.write(
            f"Demo content: {len(loaded)} article(s) loaded, {kept} already there and kept; "
            f"{len(treatments)} treatments, {len(topics)} topics."
        )

    def upsert(self, model, values, reset):
        """Create by slug; with reset, also bring an existing row back to the shipped values."""
        values = dict(values)
        slug = values.pop("slug")
        instance, created = model.objects.get_or_create(slug=slug, defaults=values)
        if reset and not created:
            for field, value in values.items():
                setattr(instance, field, value)
            instance.save()
        return instance

    def demo_reviewer(self):
        """A named reviewer for the demo articles; it has no password and cannot log in."""
        reviewer, created = get_user_model().objects.get_or_create(
            username=REVIEWER_USERNAME,
            defaults={"first_name": "Demo", "last_name": "Clinical Reviewer", "is_staff": True},
        )
        if created:
            reviewer.set_unusable_password()
            reviewer.save()
        return reviewer

    def write_article(self, article, document, reviewer):
        published = document.get("published", document["last_reviewed"])
        fields = {
            "title": document["title"],
            "standfirst": document["standfirst"].strip(),
            "status": Article.Status.PUBLISHED,
            "published_at": at_nine(published),
            # The shipped text was signed off at its last review, not when it was loaded.
            "signed_off_at": at_nine(document["last_reviewed"]),
            "last_reviewed": document["last_reviewed"],
            "next_review_due": document["next_review_due"],
            "reviewed_by": reviewer,
        }
        if article is None:
            article = Article.objects.create(slug=document["slug"], **fields)
        else:
            for field, value in fields.items():
                setattr(article, field, value)
            article.save()  # a real save, so the reset is recorded in the article's history
            article.sections.all().delete()
            article.references.all().delete()
            article.article_treatments.all().delete()
            article.clinical_codes.all().delete()

        main_sections = {}
        for position, item in enumerate(document.get("sections", []), start=1):
            section = Section.objects.create(
                article=article,
                parent=main_sections[item["parent"]] if item.get("parent") else None,
                order=position * 10,
                heading=item["heading"],
                kind=item.get("kind", Section.Kind.NORMAL),
                body=item.get("body", "").strip(),
            )
            if section.parent is None:
                main_sections[section.heading] = section

        for position, item in enumerate(document.get("references", []), start=1):
            Reference.objects.create(article=article, order=position * 10, **item)

        systems = {system.label.split(" (")[0]: system for system in CodeSystem}
        for position, item in enumerate(document.get("codes", []), start=1):
            code = ClinicalCode(
                article=article,
                order=position * 10,
                system=systems[item["system"]],
                code=item["code"],
                display_name=item["display_name"],
            )
            code.full_clean()  # shipped codes are checked as a clinician's are
            code.save()
        return article
