"""Sections: reading order, numbering (1, 2, 4.1) and anchors readers can link to."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from articles.models import Section

from .factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_contents_are_numbered_with_sub_sections_under_their_parent():
    article = ArticleFactory()
    causes = SectionFactory(article=article, heading="Causes", order=10)
    treatments = SectionFactory(article=article, heading="Treatments", order=40)
    SectionFactory(article=article, heading="Symptoms", order=20)
    SectionFactory(article=article, heading="Diagnosis", order=30)
    SectionFactory(article=article, heading="Prevention", order=50)
    SectionFactory(article=article, heading="Alternatives", order=45, parent=treatments)
    SectionFactory(article=article, heading="Medicines", order=41, parent=treatments)
    SectionFactory(article=article, heading="Triggers", order=15, parent=causes)

    contents = article.table_of_contents()

    assert [(s.number, s.heading) for s in contents] == [
        ("1", "Causes"),
        ("2", "Symptoms"),
        ("3", "Diagnosis"),
        ("4", "Treatments"),
        ("5", "Prevention"),
    ]
    assert [(c.number, c.heading) for c in contents[0].children] == [("1.1", "Triggers")]
    assert [(c.number, c.heading) for c in contents[3].children] == [
        ("4.1", "Medicines"),
        ("4.2", "Alternatives"),
    ]


def test_equal_order_numbers_keep_the_order_sections_were_added_in():
    article = ArticleFactory()
    first = SectionFactory(article=article, heading="First", order=0)
    second = SectionFactory(article=article, heading="Second", order=0)

    assert [s.pk for s in article.table_of_contents()] == [first.pk, second.pk]


def test_anchor_is_made_from_the_heading():
    section = SectionFactory(heading="When to see a doctor?")

    assert section.anchor == "when-to-see-a-doctor"


def test_repeated_headings_get_distinct_anchors_within_an_article():
    article = ArticleFactory()
    anchors = [SectionFactory(article=article, heading="Self-care").anchor for _ in range(3)]

    assert anchors == ["self-care", "self-care-2", "self-care-3"]


def test_the_same_anchor_is_fine_in_two_articles():
    one = SectionFactory(heading="Causes")
    two = SectionFactory(heading="Causes")

    assert one.anchor == two.anchor == "causes"


def test_anchor_never_collides_with_the_pages_own_ids():
    section = SectionFactory(heading="References")

    assert section.anchor == "references-2"


def test_an_edited_heading_keeps_its_anchor_so_shared_links_still_work():
    section = SectionFactory(heading="Causes")
    section.heading = "What causes it"
    section.save()

    assert section.anchor == "causes"


def test_a_heading_of_only_symbols_still_gets_an_anchor():
    assert SectionFactory(heading="???").anchor == "section"


def test_database_refuses_duplicate_anchors_in_one_article():
    section = SectionFactory(heading="Causes")
    duplicate = Section(article=section.article, heading="Other", anchor="causes", order=1)

    with pytest.raises(IntegrityError):
        # Bypass save() (which would pick a free anchor) to prove the constraint itself.
        Section.objects.bulk_create([duplicate])


def test_sub_sections_go_only_one_level_deep():
    article = ArticleFactory()
    main = SectionFactory(article=article)
    sub = SectionFactory(article=article, parent=main)
    too_deep = SectionFactory.build(article=article, parent=sub)

    with pytest.raises(ValidationError) as error:
        too_deep.full_clean()
    assert "one level deep" in str(error.value)


def test_parent_must_belong_to_the_same_article():
    other = SectionFactory()
    section = SectionFactory.build(article=ArticleFactory(), parent=other)

    with pytest.raises(ValidationError) as error:
        section.full_clean()
    assert "same article" in str(error.value)


def test_body_is_rendered_and_stored_on_save():
    section = SectionFactory(body="Keep **moving** gently.")

    assert section.body_html == "<p>Keep <strong>moving</strong> gently.</p>"
