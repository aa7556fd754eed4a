"""Text is stored with plain LF line endings, however it was sent: browsers send CR LF
from every form box, so without this a section saved unchanged would differ from its last
version on every line."""

import importlib

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from articles.models import Article, Section

from .admin_forms import change_form_data
from .factories import ArticleFactory, SectionFactory, ready_to_publish

pytestmark = pytest.mark.django_db

migration = importlib.import_module("articles.migrations.0013_normalise_line_endings")


@pytest.mark.parametrize("sent", ["a\r\nb\r\n\r\n- c", "a\rb\r\r- c", "a\nb\n\n- c"])
def test_a_section_is_stored_with_lf_line_endings(sent):
    section = SectionFactory(heading="Heat\r\nand cold", body=sent)

    section.refresh_from_db()
    assert section.body == "a\nb\n\n- c"
    assert section.heading == "Heat\nand cold"
    assert "\r" not in section.body_html
    assert section.body_html == SectionFactory(body="a\nb\n\n- c").body_html


def test_an_articles_standfirst_is_stored_with_lf_line_endings():
    article = ArticleFactory(standfirst="What helps.\r\nWhen to get help.")

    article.refresh_from_db()
    assert article.standfirst == "What helps.\nWhen to get help."


def test_saving_through_the_admin_as_a_browser_sends_it_stores_lf(clinician_client):
    article = ArticleFactory(standfirst="What helps.\nWhen to get help.")
    section = SectionFactory(article=article, body="Rest.\n\n- Heat\n- Gentle movement", order=1)
    ready_to_publish(article)
    url = reverse("admin:articles_article_change", args=[article.pk])
    # Every form box comes back with CR LF line endings, as a browser sends it.
    data = {
        name: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for name, value in change_form_data(clinician_client.get(url)).items()
    }
    assert data["sections-0-body"] == "Rest.\r\n\r\n- Heat\r\n- Gentle movement"

    response = clinician_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    section.refresh_from_db()
    article.refresh_from_db()
    assert section.body == "Rest.\n\n- Heat\n- Gentle movement"
    assert article.standfirst == "What helps.\nWhen to get help."
    # Saved unchanged: the log and History do not call the text changed.
    [entry] = LogEntry.objects.filter(object_id=str(article.pk))
    assert "Body" not in entry.get_change_message()
    assert "Standfirst" not in entry.get_change_message()


def test_the_migration_rewrites_stored_text_and_leaves_the_rest_alone(
    django_assert_num_queries,
):
    crlf = SectionFactory(heading="Heat")
    lone_cr = SectionFactory(article=crlf.article)
    untouched = SectionFactory(body="Rest.\n\nWalk.")
    # As saved before this change: update() stores the text exactly as given.
    Section.objects.filter(pk=crlf.pk).update(body="Rest.\r\n\r\nWalk.", body_html="<p>a</p>\r\n")
    Section.objects.filter(pk=lone_cr.pk).update(body="Rest.\r\rWalk.")
    Article.objects.filter(pk=crlf.article_id).update(standfirst="What helps.\r\nWhen.")
    untouched_before = Section.objects.values().get(pk=untouched.pk)

    migration.forwards(apps, schema_editor=None)

    assert Section.objects.get(pk=crlf.pk).body == "Rest.\n\nWalk."
    assert Section.objects.get(pk=crlf.pk).body_html == "<p>a</p>\n"
    assert Section.objects.get(pk=lone_cr.pk).body == "Rest.\n\nWalk."
    assert Article.objects.get(pk=crlf.article_id).standfirst == "What helps.\nWhen."
    assert Section.objects.values().get(pk=untouched.pk) == untouched_before

    with django_assert_num_queries(2):  # once everything is LF: one read per model, no writes
        migration.forwards(apps, schema_editor=None)


def test_the_migration_goes_back_without_changing_anything():
    operation = migration.Migration.operations[0]

    assert operation.reversible
    assert operation.reverse_code is operation.noop
