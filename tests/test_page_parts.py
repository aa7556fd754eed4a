"""An article page read from its stored parts is the page its rows make, after every change.

The page reads an article's topics, sections, treatments and references from the copy
stored with it (articles/models/page_parts.py). Each test changes the rows one way an
editor, a clinician or the site can, then renders the page from the copy and again from
the rows themselves (the copy removed), and finds the same page.
"""

import datetime
import re
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Article, ArticleTreatment, PageParts, Section, Topic, Treatment
from articles.models.drafts import go_live

from .factories import (
    ArticleFactory,
    ArticleTreatmentFactory,
    ClinicianFactory,
    ReferenceFactory,
    SectionFactory,
    TopicFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def every_request_renders(settings):
    """No page cache: each request renders its page from what is stored now."""
    settings.PAGE_CACHE_SECONDS = 0


# The comment form's signed stamp is the time of each render.
STAMP = re.compile(r'name="started" value="[^"]*"')


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return STAMP.sub("", response.content.decode())


def page_from_rows(client, article):
    """The page as the rows make it: read with the queries, the stored copy set aside."""
    stored = list(PageParts.objects.filter(article=article))
    PageParts.objects.filter(article=article).delete()
    try:
        return page(client, article)
    finally:
        PageParts.objects.bulk_create(stored)


def assert_page_as_its_rows_make_it(client, article):
    assert PageParts.objects.filter(article=article).exists(), "no stored copy to read"
    from_copy = page(client, article)
    assert from_copy == page_from_rows(client, article)
    return from_copy


@pytest.fixture
def article():
    article = ArticleFactory(title="Back spasms")
    urgent = SectionFactory(
        article=article, heading="When to get help", kind=Section.Kind.URGENT_ADVICE, order=1
    )
    SectionFactory(article=article, heading="Causes", order=2)
    SectionFactory(article=article, heading="Lifting", parent=urgent, order=3)
    SectionFactory(article=article, heading="Treatments", kind=Section.Kind.TREATMENTS, order=4)
    SectionFactory(
        article=article,
        heading="Other treatments",
        kind=Section.Kind.ALTERNATIVE_TREATMENTS,
        order=5,
    )
    ArticleTreatmentFactory(article=article, treatment=TreatmentFactory(name="Heat"), order=1)
    ArticleTreatmentFactory(article=article, treatment=TreatmentFactory(name="Ice packs"), order=2)
    ArticleTreatmentFactory(
        article=article,
        treatment=TreatmentFactory(name="Acupuncture", category=Treatment.Category.ALTERNATIVE),
    )
    ReferenceFactory(article=article, title="NHS: back pain")
    ReferenceFactory(article=article, title="NICE NG59", url="", accessed=None)
    article.topics.add(
        TopicFactory(name="Back pain", slug="back-pain"), TopicFactory(name="Neck", slug="neck")
    )
    return article


def test_the_stored_copy_makes_the_page_its_rows_make(client, article):
    html = assert_page_as_its_rows_make_it(client, article)

    for shown in ("When to get help", "Lifting", "Heat", "Acupuncture", "NHS: back pain"):
        assert shown in html


def test_the_page_reads_its_parts_in_one_query_with_the_article(
    client, article, django_assert_num_queries
):
    client.get(article.get_absolute_url())  # warm: sessions, the pages version, the care card
    # The article with its parts, and its related articles.
    with django_assert_num_queries(2) as with_copy:
        client.get(article.get_absolute_url())
    PageParts.objects.filter(article=article).delete()

    with django_assert_num_queries(6) as without_copy:
        client.get(article.get_absolute_url())

    assert len(without_copy) - len(with_copy) == 4


CHANGES = {
    "section text edited": lambda a: save(
        a.sections.get(heading="Causes"), body="Cold and **stress**."
    ),
    "section added": lambda a: SectionFactory(article=a, heading="Outlook", order=9),
    "section deleted": lambda a: a.sections.get(heading="Lifting").delete(),
    "sections reordered": lambda a: save(a.sections.get(heading="Causes"), order=99),
    "sections deleted together": lambda a: a.sections.filter(kind=Section.Kind.NORMAL).delete(),
    "treatment text edited": lambda a: save(Treatment.objects.get(name="Heat"), summary="Warmth."),
    "treatment linked by the article": lambda a: a.treatments.add(
        TreatmentFactory(name="Massage"), through_defaults={"order": 5}
    ),
    "treatment linked by the treatment": lambda a: TreatmentFactory(name="Stretching").articles.add(
        a, through_defaults={"order": 6}
    ),
    "treatment link saved": lambda a: ArticleTreatmentFactory(
        article=a, treatment=TreatmentFactory(name="Walking")
    ),
    "treatment link reordered": lambda a: save(
        ArticleTreatment.objects.get(article=a, treatment__name="Heat"), order=3
    ),
    "treatment unlinked": lambda a: a.treatments.remove(Treatment.objects.get(name="Heat")),
    "treatments cleared": lambda a: a.treatments.clear(),
    "reference added": lambda a: ReferenceFactory(article=a, title="Mayo Clinic"),
    "reference edited": lambda a: save(a.references.get(title="NICE NG59"), publisher="NICE"),
    "reference deleted": lambda a: a.references.get(title="NHS: back pain").delete(),
    "topic renamed": lambda a: save(Topic.objects.get(slug="back-pain"), name="Backache"),
    "topic linked": lambda a: a.topics.add(TopicFactory(name="Posture", slug="posture")),
    "topic linked from the topic": lambda a: TopicFactory(name="Work", slug="work").articles.add(a),
    "topic unlinked": lambda a: a.topics.clear(),
    "topic unlinked from the topic": lambda a: Topic.objects.get(slug="back-pain").articles.clear(),
    "topic deleted": lambda a: Topic.objects.get(slug="neck").delete(),
    "article retitled": lambda a: save(a, title="Muscle spasms in the back"),
}


def save(obj, **changes):
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_change_to_the_parts_is_on_the_page(client, article, change):
    before = page(client, article)

    change(article)

    after = assert_page_as_its_rows_make_it(client, Article.objects.get(pk=article.pk))
    assert after != before


def test_a_treatment_edit_reaches_every_article_showing_it(client, article):
    other = ArticleFactory(title="Sciatica")
    heat = Treatment.objects.get(name="Heat")
    ArticleTreatmentFactory(article=other, treatment=heat)

    save(heat, cautions="Never on numb skin.")

    for each in (article, other):
        assert "Never on numb skin." in assert_page_as_its_rows_make_it(client, each)


def test_a_draft_going_live_puts_its_parts_on_the_live_page(client, article):
    draft = ArticleFactory(
        title=article.title, slug="back-spasms-draft", draft_of=article, status="approved"
    )
    SectionFactory(article=draft, heading="When to get help", kind=Section.Kind.URGENT_ADVICE)
    SectionFactory(article=draft, heading="New advice on sleep")
    ReferenceFactory(article=draft, title="A new source")

    go_live(draft, ClinicianFactory())

    html = assert_page_as_its_rows_make_it(client, Article.objects.get(pk=article.pk))
    assert "New advice on sleep" in html
    assert "A new source" in html
    assert "Causes" not in html


@pytest.mark.parametrize(
    "delete",
    [
        lambda article: article.delete(),
        lambda article: Article.objects.filter(pk=article.pk).delete(),
    ],
    ids=["article.delete", "queryset.delete"],
)
def test_deleting_an_article_takes_its_copy_with_it(article, delete):
    delete(article)

    assert not PageParts.objects.exists()
    assert not Section.objects.exists()


@pytest.mark.parametrize(
    "stale",
    [
        lambda parts: parts | {"version": 0},
        lambda parts: parts | {"sections": [{"id": 1}]},
    ],
    ids=["another version", "a field missing"],
)
def test_a_copy_in_another_shape_is_not_used(client, article, stale):
    stored = PageParts.objects.get(article=article)
    expected = page(client, article)
    PageParts.objects.filter(pk=stored.pk).update(parts=stale(stored.parts))

    assert page(client, article) == expected


def test_the_migration_stores_every_copy_as_they_are_kept(article):
    scheduled = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=3))
    SectionFactory(article=scheduled)
    kept = dict(PageParts.objects.values_list("article", "parts"))
    PageParts.objects.all().delete()  # as the new table starts

    migration = import_module("articles.migrations.0018_page_parts")
    migration.store_every_copy(apps, connection.schema_editor())

    assert dict(PageParts.objects.values_list("article", "parts")) == kept
    assert set(kept) == {article.pk, scheduled.pk}


def test_the_refresh_command_mends_a_copy_written_without_signals(client, article):
    """As code without the signals would leave it (a deploy's old instances, a bulk write)."""
    Section.objects.filter(article=article, heading="Causes").update(body_html="<p>Mended.</p>")
    assert "Mended." not in page(client, article)

    call_command("refresh_page_parts", stdout=StringIO())

    assert "Mended." in assert_page_as_its_rows_make_it(client, article)
