"""Comparing versions of an article: per section, word by word, in the admin."""

import json
import re
from dataclasses import replace

import pytest
import reversion
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from reversion.models import Version

from articles.content import ArticleContent, SectionContent
from articles.diffs import DELETE, EQUAL, INSERT, TextChange, compare, segments_html
from articles.models import Section

from .admin_forms import admin_url, change_form_data, save_through_admin
from .factories import (
    ArticleFactory,
    ArticleTreatmentFactory,
    ModeratorFactory,
    ReferenceFactory,
    SectionFactory,
    TopicFactory,
    TreatmentFactory,
    draft,
)


def nine_sections():
    return tuple(
        SectionContent(
            heading=f"Part {number}",
            body=f"Part {number} explains one thing.\n\nThen it says another thing.",
            anchor=f"part-{number}",
            order=number * 10,
        )
        for number in range(1, 10)
    )


def article(**fields):
    return ArticleContent(
        **{"title": "Back spasms", "standfirst": "What helps.", "sections": (), **fields}
    )


def changed_words(text_change):
    return [(operation, text) for operation, text in text_change.segments if operation != EQUAL]


def visible_text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# Word diffs -------------------------------------------------------------------------------


def test_one_changed_sentence_marks_only_its_section_and_its_words():
    old = article(sections=nine_sections())
    sections = list(old.sections)
    sections[1] = replace(
        sections[1], body="Part 2 explains one thing.\n\nThen it says something quite different."
    )
    new = replace(old, sections=tuple(sections))

    comparison = compare(old, new)

    assert [section.unchanged for section in comparison.sections] == [True, False] + [True] * 7
    second = comparison.sections[1]
    assert second.status == "changed"
    assert not second.heading.changed
    assert changed_words(second.body) == [
        (DELETE, "another thing"),
        (INSERT, "something quite different"),
    ]
    assert comparison.unchanged_parts == [
        "title",
        "standfirst",
        "treatments",
        "references",
        "topics",
        "clinical codes",
    ]


def test_unchanged_neighbours_collapse_into_one_run():
    old = article(sections=nine_sections())
    sections = list(old.sections)
    sections[4] = replace(sections[4], body="New words.")

    runs = compare(old, replace(old, sections=tuple(sections))).section_runs

    assert [(run.unchanged, len(run.sections)) for run in runs] == [
        (True, 4),
        (False, 1),
        (True, 4),
    ]


def test_windows_line_endings_are_not_a_change():
    old = article(
        standfirst="What helps.\nWhat does not.",
        sections=(SectionContent("Rest", "First line.\nSecond line.\n\n- a point", anchor="rest"),),
    )
    new = article(
        standfirst="What helps.\r\nWhat does not.",
        sections=(
            SectionContent("Rest", "First line.\r\nSecond line.\r\n\r\n- a point", anchor="rest"),
        ),
    )

    comparison = compare(old, new)

    assert not comparison.changed
    assert comparison.sections[0].unchanged


def test_added_and_removed_sections_are_shown_whole_in_their_places():
    kept_first = SectionContent("Symptoms", "Pain.", anchor="symptoms")
    kept_last = SectionContent("Getting help", "See a GP if it lasts.", anchor="getting-help")
    old = article(
        sections=(kept_first, SectionContent("Causes", "Lifting.", anchor="causes"), kept_last)
    )
    new = article(
        sections=(kept_first, kept_last, SectionContent("Exercises", "Walk.", anchor="exercises"))
    )

    sections = compare(old, new).sections

    assert [(section.title, section.status) for section in sections] == [
        ("Symptoms", "unchanged"),
        ("Causes", "removed"),
        ("Getting help", "unchanged"),
        ("Exercises", "added"),
    ]
    assert sections[1].body.segments == ((DELETE, "Lifting."),)
    assert sections[3].body.segments == ((INSERT, "Walk."),)
    assert not any(section.moved for section in sections)


def test_a_renamed_section_keeps_its_anchor_and_shows_the_heading_change():
    old = article(sections=(SectionContent("What to do", "Rest.", anchor="what-to-do"),))
    new = article(sections=(SectionContent("What you can do", "Rest.", anchor="what-to-do"),))

    [section] = compare(old, new).sections

    assert section.status == "changed"
    assert changed_words(section.heading) == [(DELETE, "to"), (INSERT, "you can")]
    assert not section.body.changed


def test_sections_without_a_common_anchor_are_matched_by_heading():
    old = article(sections=(SectionContent("Rest", "One day.", anchor="rest"),))
    new = article(sections=(SectionContent("Rest", "Two days.", anchor="rest-2"),))

    [section] = compare(old, new).sections

    assert section.status == "changed"
    assert changed_words(section.body) == [(DELETE, "One day"), (INSERT, "Two days")]
    assert section.notes == [
        "Link changed from #rest to #rest-2: links people shared to this part of the page "
        "no longer lead to it."
    ]


def test_a_moved_section_is_noted_and_the_others_are_not():
    old = article(sections=nine_sections())
    sections = list(old.sections)
    sections.insert(6, sections.pop(1))

    comparison = compare(old, replace(old, sections=tuple(sections)))

    moved = [section.title for section in comparison.sections if section.moved]
    assert moved == ["Part 2"]
    assert comparison.sections[6].notes == ["Moved to another place in the article."]


def test_kind_and_sub_section_changes_are_noted():
    old = article(sections=(SectionContent("Help", "Call.", anchor="help"),))
    new = article(
        sections=(
            SectionContent(
                "Help", "Call.", anchor="help", kind="urgent_advice", parent_heading="Advice"
            ),
        )
    )

    [section] = compare(old, new).sections

    assert section.notes == [
        "Kind changed from “Normal section” to “Urgent advice (when to get help)”.",
        "Now a sub-section of “Advice”.",
    ]


def test_treatments_references_and_topics_list_what_came_and_went():
    old = article(
        treatments=("Heat", "Ibuprofen"),
        references=("NHS: back pain",),
        topic_slugs=frozenset({"back-pain", "cramps"}),
    )
    new = article(
        treatments=("Heat", "Stretching", "Ibuprofen"),
        references=("NICE NG59",),
        topic_slugs=frozenset({"back-pain", "sciatica"}),
    )

    comparison = compare(old, new)

    assert comparison.treatments.items == (
        (EQUAL, "Heat"),
        (INSERT, "Stretching"),
        (EQUAL, "Ibuprofen"),
    )
    assert comparison.references.items == ((DELETE, "NHS: back pain"), (INSERT, "NICE NG59"))
    assert comparison.topics.items == (
        (EQUAL, "back-pain"),
        (DELETE, "cramps"),
        (INSERT, "sciatica"),
    )


def test_html_in_the_text_is_escaped():
    change = TextChange.between("Take <b>one</b>", 'Take <script>alert("x")</script> & rest')

    html = str(change.html)

    marks = re.compile(r'</?(ins|del)>|<span class="visually-hidden">|</span>')
    assert "<" not in marks.sub("", html)
    assert "alert(&quot;x&quot;)&lt;/script&gt; &amp; rest" in html


def test_segments_say_added_and_removed_in_words():
    html = segments_html([(EQUAL, "Rest "), (DELETE, "a day"), (INSERT, "an hour")])

    assert html == (
        'Rest <del><span class="visually-hidden">removed: </span>a day</del>'
        '<ins><span class="visually-hidden">added: </span>an hour</ins>'
    )


words = st.lists(st.sampled_from(["rest", "heat", "walk", " ", "\n", "\r\n", ".", "<b>"]))


@given(old=words.map("".join), new=words.map("".join))
def test_the_segments_spell_out_both_texts(old, new):
    segments = TextChange.between(old, new).segments

    def plain(text):
        return text.replace("\r\n", "\n")

    assert "".join(text for operation, text in segments if operation != INSERT) == plain(old)
    assert "".join(text for operation, text in segments if operation != DELETE) == plain(new)


# Reading a version from the history -------------------------------------------------------


def save_version(article_to_save):
    with reversion.create_revision():
        article_to_save.save()
    return Version.objects.get_for_object(article_to_save).first()


@pytest.mark.django_db
def test_a_version_reads_as_the_article_was_then():
    topic = TopicFactory(slug="back-pain")
    saved = ArticleFactory(title="Back spasms", standfirst="What helps.")
    saved.topics.add(topic)
    main = SectionFactory(article=saved, heading="What to do", body="Rest.", order=10)
    SectionFactory(article=saved, heading="At work", body="Sit less.", order=20, parent=main)
    ArticleTreatmentFactory(article=saved, treatment=TreatmentFactory(name="Heat"))
    ReferenceFactory(article=saved, title="NHS: back pain")
    then = ArticleContent.of(saved)
    version = save_version(saved)
    main.body = "Keep moving."
    main.save()
    saved.topics.clear()

    content = ArticleContent.from_revision(version.revision, saved.pk)

    assert content == then
    assert content.sections[1].parent_heading == "What to do"
    assert content.treatments == ("Heat",)
    assert content.topic_slugs == frozenset({"back-pain"})


@pytest.mark.django_db
def test_a_version_reads_only_its_own_articles_rows():
    mine = ArticleFactory()
    SectionFactory(article=mine, heading="Mine")
    other = ArticleFactory()
    SectionFactory(article=other, heading="Someone else's")
    with reversion.create_revision():
        mine.save()
        other.save()
    version = Version.objects.get_for_object(mine).first()

    content = ArticleContent.from_revision(version.revision, mine.pk)

    assert [section.heading for section in content.sections] == ["Mine"]


@pytest.mark.django_db
def test_a_treatment_deleted_since_is_named_by_its_number():
    saved = ArticleFactory()
    treatment = TreatmentFactory(name="Old remedy")
    link = ArticleTreatmentFactory(article=saved, treatment=treatment)
    version = save_version(saved)
    number = treatment.pk
    link.delete()  # an article's treatments are protected from deletion while listed
    treatment.delete()

    content = ArticleContent.from_revision(version.revision, saved.pk)

    assert content.treatments == (f"Treatment #{number}",)


# The admin pages --------------------------------------------------------------------------


def section_field(client, saved, section, field):
    data = change_form_data(client.get(admin_url(saved, "change")))
    return next(
        key.replace("-id", f"-{field}")
        for key, value in data.items()
        if key.startswith("sections-") and key.endswith("-id") and value == str(section.pk)
    )


@pytest.fixture
def rewritten_article(clinician_client):
    """An article with three sections, saved twice through the admin; the second save
    rewrites the advice in the second section only."""
    saved = draft(title="Back spasms", standfirst="What helps.")
    SectionFactory(article=saved, heading="Symptoms", body="Sudden pain.", order=10)
    advice = SectionFactory(article=saved, heading="What to do", body="Rest for a day.", order=20)
    SectionFactory(article=saved, heading="Getting help", body="See a GP if it lasts.", order=30)
    save_through_admin(clinician_client, saved)
    body = section_field(clinician_client, saved, advice, "body")
    save_through_admin(clinician_client, saved, **{body: "Keep moving gently."})
    first, second = Version.objects.get_for_object(saved).order_by("pk")
    return saved, first, second


def compare_url(saved, first, second):
    return f"{admin_url(saved, 'compare')}?version_id1={first.pk}&version_id2={second.pk}"


def compare_live_url(saved):
    return reverse("admin:articles_article_compare_live", args=[saved.pk])


@pytest.mark.django_db
def test_a_clinician_sees_the_changed_words_of_the_changed_section(
    clinician_client, rewritten_article
):
    saved, first, second = rewritten_article

    response = clinician_client.get(compare_url(saved, second, first))

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<del><span class="visually-hidden">removed: </span>Rest for a day</del>'
        '<ins><span class="visually-hidden">added: </span>Keep moving gently</ins>.'
    ) in html
    text = visible_text(response)
    assert "Unchanged: Symptoms" in text
    assert "Unchanged: Getting help" in text
    assert "Sudden pain." not in text
    assert "Added words are underlined and green" in text
    assert (response.context["version1"], response.context["version2"]) == (first, second)
    assert admin_url(saved, "change") in html
    assert admin_url(saved, "history") in html
    assert 'href="/static/articles/admin/compare.css"' in html
    assert "style=" not in html


@pytest.mark.django_db
def test_the_comparison_costs_the_same_queries_however_many_sections(
    clinician_client,
):
    def queries_for(section_count):
        saved = ArticleFactory()
        for number in range(section_count):
            SectionFactory(article=saved, body=f"Point {number}.")
        ArticleTreatmentFactory(article=saved)
        first = save_version(saved)
        Section.objects.filter(article=saved).update(body="Changed.")
        second = save_version(saved)
        url = compare_url(saved, first, second)
        with CaptureQueriesContext(connection) as captured:
            assert clinician_client.get(url).status_code == 200
        return len(captured)

    queries_for(1)  # the first page also fills the content-type cache
    assert queries_for(1) == queries_for(9)


@pytest.mark.django_db
def test_a_version_of_another_article_is_refused(clinician_client, rewritten_article):
    saved, first, _ = rewritten_article
    other = ArticleFactory(title="Sciatica")
    SectionFactory(article=other, body="Secret other words.")
    other_version = save_version(other)

    response = clinician_client.get(compare_url(saved, first, other_version))

    assert response.status_code == 404
    assert "Secret other words" not in response.content.decode()


@pytest.mark.django_db
def test_without_version_numbers_there_is_nothing_to_compare(clinician_client, rewritten_article):
    saved, _, _ = rewritten_article

    assert clinician_client.get(admin_url(saved, "compare")).status_code == 404


@pytest.mark.django_db
def test_a_version_the_models_cannot_read_falls_back_to_the_stored_data(
    clinician_client, rewritten_article
):
    saved, first, second = rewritten_article
    [stored] = json.loads(first.serialized_data)
    stored["fields"]["published_at"] = "not a time"  # as if the field had changed type
    Version.objects.filter(pk=first.pk).update(serialized_data=json.dumps([stored]))

    response = clinician_client.get(compare_url(saved, first, second))

    assert response.status_code == 200
    assert "compare_error" in response.context


@pytest.mark.django_db
def test_a_draft_of_a_live_page_is_compared_with_the_live_page(clinician_client, clinician):
    live = ArticleFactory(title="Back spasms")
    SectionFactory(article=live, heading="Symptoms", body="Sudden pain.", order=10)
    SectionFactory(article=live, heading="What to do", body="Rest for a day.", order=20)
    correction = live.start_draft(clinician)
    correction.sections.filter(heading="What to do").update(body="Keep moving gently.")

    response = clinician_client.get(compare_live_url(correction))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<del><span class="visually-hidden">removed: </span>Rest for a day</del>' in html
    assert '<ins><span class="visually-hidden">added: </span>Keep moving gently</ins>' in html
    assert "Unchanged: Symptoms" in visible_text(response)
    for page in (admin_url(correction, "change"), admin_url(correction, "history")):
        assert page in html
    assert admin_url(live, "change") in html


@pytest.mark.django_db
def test_an_article_that_is_not_a_draft_of_a_live_page_has_no_live_comparison(
    clinician_client,
):
    assert clinician_client.get(compare_live_url(ArticleFactory())).status_code == 404


@pytest.mark.django_db
def test_signing_in_comes_first(rewritten_article, clinician):
    saved, first, second = rewritten_article
    correction = ArticleFactory().start_draft(clinician)

    for url in (compare_url(saved, first, second), compare_live_url(correction)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_a_moderator_sees_neither_comparison(rewritten_article, clinician):
    saved, first, second = rewritten_article
    correction = ArticleFactory().start_draft(clinician)
    client = Client()
    client.force_login(ModeratorFactory())

    for url in (compare_url(saved, first, second), compare_live_url(correction)):
        response = client.get(url)
        assert response.status_code == 403
        assert "Rest for a day" not in response.content.decode()
