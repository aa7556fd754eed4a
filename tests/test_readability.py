"""Readability figures for clinicians, on the article page in the admin and in the live preview.

Patient material should read at about grade 8 or below. The figures are a guide shown to
the writer, never a gate.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from articles.readability import GRADE_LIMIT, Readability, measure, syllables

from .factories import ArticleFactory, EditorFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

FOX = "The quick brown fox jumps over the lazy dog."
JARGON = (
    "Idiopathic paravertebral musculoskeletal hypertonicity necessitates comprehensive "
    "multidisciplinary pharmacological intervention, particularly nonsteroidal "
    "anti-inflammatory medication administration alongside physiotherapeutic rehabilitation."
)
ABOVE_GRADE_8 = (
    "Above grade 8: try shorter sentences and everyday words, and explain any medical term."
)


# The figures ------------------------------------------------------------------------------


def test_the_quick_brown_fox_figures():
    figures = measure(FOX)

    assert (figures.words, figures.sentences, figures.syllables) == (9, 1, 11)
    assert figures.reading_ease == 94.3
    assert figures.grade == 2.3
    assert figures.ease_label == "very easy"
    assert not figures.too_hard
    assert figures.summary() == "Reading ease 94.3 (very easy) · grade 2.3 · 9 words"


def test_a_long_jargon_sentence_is_above_grade_8_and_the_summary_says_so():
    figures = measure(JARGON)

    assert figures.sentences == 1
    assert figures.grade > GRADE_LIMIT == 8
    assert figures.too_hard
    assert figures.ease_label == "very hard"
    assert figures.summary().endswith(ABOVE_GRADE_8)


def test_an_easy_text_has_no_advice_in_its_summary():
    assert "Above grade" not in measure(FOX).summary()


def test_each_bullet_point_counts_as_a_sentence():
    as_list = measure("- Keep moving\n- Use a heat pad\n- Take paracetamol")
    as_one_line = measure("Keep moving use a heat pad take paracetamol")

    assert as_list.sentences == 3
    assert as_one_line.sentences == 1
    assert as_list.words == as_one_line.words == 8
    assert as_list.grade < as_one_line.grade


def test_numbered_steps_paragraphs_and_headings_count_as_sentences():
    assert measure("1. First step\n2. Second step").sentences == 2
    assert measure("Keep moving\n\nUse heat\n\nSee a GP").sentences == 3
    assert measure("# When to get help\n\nCall 111.").sentences == 2


def test_a_bullet_that_ends_with_a_full_stop_is_still_one_sentence():
    assert measure("- Keep moving.\n- Use heat.").sentences == 2


def test_every_sentence_ending_counts():
    assert measure("Wait! Really? Yes.").sentences == 3


@pytest.mark.parametrize("text", ["", "   \n\n  ", "123 456", "<script>alert(1)</script>", None])
def test_a_text_with_no_words_has_no_figures(text):
    assert measure(text) is None


def test_formatting_and_link_addresses_are_not_counted_as_words():
    assert measure("**Bold** words here.").words == 3
    assert measure("[NHS advice](https://www.nhs.uk/conditions/back-pain/) is good.").words == 4


def test_words_with_apostrophes_count_once():
    assert measure("Don't stop. It\u2019s fine.").words == 4


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("the", 1),
        ("back", 1),
        ("cake", 1),
        ("jumped", 1),
        ("easy", 2),
        ("doctor", 2),
        ("tablets", 2),
        ("muscles", 2),
        ("stretching", 2),
        ("hospital", 3),
        ("paracetamol", 5),
    ],
)
def test_syllables_of_everyday_words(word, count):
    assert syllables(word) == count


def test_grade_8_itself_is_fine_and_just_above_is_too_hard():
    at_limit = Readability(words=11, sentences=1, syllables=18)
    above = Readability(words=10, sentences=3, syllables=19)

    assert at_limit.grade == 8.0
    assert not at_limit.too_hard
    assert above.grade == 8.1
    assert above.too_hard
    assert above.summary().endswith(ABOVE_GRADE_8)


# On the admin page -------------------------------------------------------------------------


def test_the_article_page_shows_each_sections_readability_and_the_whole_articles(
    clinician_client,
):
    article = ArticleFactory(standfirst="Back spasms are common.")
    SectionFactory(article=article, heading="Easy one", body=FOX, order=10)
    SectionFactory(article=article, heading="Hard one", body=JARGON, order=20)
    SectionFactory(article=article, heading="Empty one", body="", order=30)

    response = clinician_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    html = response.content.decode()
    assert measure(FOX).summary() in html
    assert f'<strong class="readability-warning">⚠ {measure(JARGON).summary()}</strong>' in html
    assert "No text yet." in html
    whole = measure("\n\n".join(["Back spasms are common.", FOX, JARGON]))
    assert whole.words == 4 + 9 + 18
    assert whole.summary() in html
    assert "readability of the whole article" in html.lower()


def test_a_plain_article_shows_no_readability_warning(clinician_client):
    article = ArticleFactory(standfirst="Back spasms are common.")
    SectionFactory(article=article, body=FOX)

    html = clinician_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()

    assert "readability-warning" not in html
    assert "Above grade 8" not in html
    assert measure(f"Back spasms are common.\n\n{FOX}").summary() in html


def test_the_add_page_says_readability_comes_after_saving(clinician_client):
    html = clinician_client.get(reverse("admin:articles_article_add")).content.decode()

    assert "Shown once the article is saved." in html


# The live preview ---------------------------------------------------------------------------

PREVIEW = "admin:articles_article_preview"


def preview(client, text, **kwargs):
    return client.post(reverse(PREVIEW), {"text": text}, **kwargs)


def test_the_preview_returns_sanitised_html_and_the_readability(clinician_client):
    response = preview(
        clinician_client,
        f"{FOX}\n\n<script>alert('x')</script>\n\n**Take care** [bad](javascript:alert(1))",
    )

    assert response.status_code == 200
    payload = json.loads(response.content)
    assert "<script" not in payload["html"]
    assert "alert" not in payload["html"]
    assert "javascript:" not in payload["html"]
    assert "<strong>Take care</strong>" in payload["html"]
    assert f"<p>{FOX}</p>" in payload["html"]
    assert payload["readability"].startswith("Reading ease")


def test_the_preview_gives_the_exact_figures_and_warns_above_grade_8(clinician_client):
    easy = json.loads(preview(clinician_client, FOX).content)
    hard = json.loads(preview(clinician_client, JARGON).content)

    assert easy["readability"] == "Reading ease 94.3 (very easy) · grade 2.3 · 9 words"
    assert "readability-warning" in hard["readability"]
    assert ABOVE_GRADE_8 in hard["readability"]


def test_the_preview_of_nothing_says_so(clinician_client):
    payload = json.loads(preview(clinician_client, "").content)

    assert payload == {"html": "", "readability": "No text yet."}


def test_the_preview_reads_at_most_50000_characters(clinician_client):
    payload = json.loads(preview(clinician_client, "word " * 12_000).content)

    assert "· 10000 words" in payload["readability"]


def test_editors_can_use_the_preview(client):
    client.force_login(EditorFactory())

    assert preview(client, FOX).status_code == 200


def test_the_preview_refuses_get(clinician_client):
    response = clinician_client.get(reverse(PREVIEW), {"text": FOX})

    assert response.status_code == 403
    assert json.loads(response.content) == {"error": "not allowed"}


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = preview(client, FOX)

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url.startswith(reverse("admin:login"))
    assert "readability" not in response.content.decode()


def test_signed_in_readers_who_are_not_staff_are_sent_to_sign_in(client):
    client.force_login(UserFactory())

    response = preview(client, FOX)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_without_article_rights_are_refused(client):
    client.force_login(UserFactory(is_staff=True))

    assert preview(client, FOX).status_code == 403


def test_the_preview_needs_the_csrf_token(clinician):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clinician)

    assert preview(client, FOX).status_code == 403
