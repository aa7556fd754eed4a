"""Readability figures for clinicians, on the article page in the admin and in the live preview.

Patient material should read at about grade 8 or below (the target); publishing is refused
above `settings.READING_GRADE_LIMIT` unless harder reading is accepted for the section. The
plain words come from the grade alone, so they never call a text plain while warning it is
hard.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from articles.readability import TARGET_GRADE, Level, Readability, measure, syllables

from .factories import ArticleFactory, EditorFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

FOX = "The quick brown fox jumps over the lazy dog."
JARGON = (
    "Idiopathic paravertebral musculoskeletal hypertonicity necessitates comprehensive "
    "multidisciplinary pharmacological intervention, particularly nonsteroidal "
    "anti-inflammatory medication administration alongside physiotherapeutic rehabilitation."
)
PLAINER = "Try shorter sentences and everyday words, and explain any medical term."
FOX_SUMMARY = "Grade 2.3 — easy to read · reading ease 94.3 (higher is easier) · 9 words"


# The figures ------------------------------------------------------------------------------


def test_the_quick_brown_fox_figures():
    figures = measure(FOX)

    assert (figures.words, figures.sentences, figures.syllables) == (9, 1, 11)
    assert figures.reading_ease == 94.3
    assert figures.grade == 2.3
    assert figures.level == Level.EASY
    assert figures.label == "easy to read"
    assert not figures.above_target
    assert not figures.too_hard
    assert figures.summary() == FOX_SUMMARY


def test_a_long_jargon_sentence_is_too_hard_to_publish_and_the_summary_says_so():
    figures = measure(JARGON)

    assert figures.sentences == 1
    assert figures.grade > 9
    assert figures.too_hard
    assert figures.level == Level.TOO_HARD
    assert figures.headline == (
        f"Grade {figures.grade:g} — too hard: above grade 9, publishing needs an accepted reason"
    )
    assert figures.summary().endswith(f"words. {PLAINER}")


def test_an_easy_text_has_no_advice_in_its_summary():
    assert PLAINER not in measure(FOX).summary()
    assert measure(FOX).advice == ""


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


def test_a_grade_just_above_8_is_never_called_plain_whatever_its_reading_ease():
    """Reading ease 61.9 is "plain English" on the Flesch scale; grade 8.4 is above target.

    The preview used to say both in one line.
    """
    figures = Readability(words=15, sentences=1, syllables=23)

    assert (figures.grade, figures.reading_ease) == (8.4, 61.9)
    assert figures.level == Level.HARD
    assert figures.summary() == (
        "Grade 8.4 — a little hard: aim for grade 8 or below · reading ease 61.9 (higher is "
        f"easier) · 15 words. {PLAINER}"
    )
    assert "plain english" not in figures.summary().lower()


@pytest.mark.parametrize(
    ("figures", "grade", "level"),
    [
        (Readability(words=10, sentences=1, syllables=15), 6.0, Level.EASY),
        (Readability(words=8, sentences=3, syllables=14), 6.1, Level.PLAIN),
        (Readability(words=11, sentences=1, syllables=18), 8.0, Level.PLAIN),
        (Readability(words=8, sentences=2, syllables=15), 8.1, Level.HARD),
        (Readability(words=5, sentences=2, syllables=10), 9.0, Level.HARD),
        (Readability(words=7, sentences=1, syllables=13), 9.1, Level.TOO_HARD),
    ],
)
def test_each_grade_band_has_its_words_and_each_limit_is_inclusive(figures, grade, level):
    assert figures.grade == grade
    assert figures.level == level
    assert figures.above_target == (grade > 8)
    assert figures.too_hard == (grade > 9)
    assert (PLAINER in figures.summary()) == (grade > 8)


def test_grade_8_is_plain_english_the_target_for_health_information():
    assert Readability(words=11, sentences=1, syllables=18).headline == (
        "Grade 8 — plain English, the target for health information"
    )


def test_the_publish_limit_comes_from_settings(settings):
    settings.READING_GRADE_LIMIT = 10
    at_grade_9_1 = Readability(words=7, sentences=1, syllables=13)

    assert at_grade_9_1.level == Level.HARD
    assert not at_grade_9_1.too_hard


def test_a_limit_set_below_the_target_never_lets_a_blocked_text_be_called_plain(settings):
    settings.READING_GRADE_LIMIT = 7
    at_grade_8 = Readability(words=11, sentences=1, syllables=18)

    assert at_grade_8.too_hard
    assert at_grade_8.level == Level.TOO_HARD
    assert "plain english" not in at_grade_8.summary().lower()


@given(
    words=st.integers(min_value=1, max_value=400),
    sentences=st.integers(min_value=1, max_value=60),
    extra_syllables=st.integers(min_value=0, max_value=800),
)
def test_the_words_always_agree_with_the_grade(words, sentences, extra_syllables):
    figures = Readability(words=words, sentences=sentences, syllables=words + extra_syllables)
    summary = figures.summary().lower()

    if figures.grade > TARGET_GRADE:
        assert "plain english" not in summary and "easy to read" not in summary
        assert "hard" in figures.label and PLAINER in figures.summary()
    else:
        assert "hard" not in summary and PLAINER not in figures.summary()
    assert figures.summary().startswith(f"Grade {figures.grade:g} — ")


# On the admin page -------------------------------------------------------------------------


FOX_HTML = (
    '<span class="readability readability-easy"><strong>Grade 2.3 — easy to read</strong> · '
    "reading ease 94.3 (higher is easier) · 9 words</span>"
)


def warned_html(figures):
    return (
        f'<span class="readability readability-{figures.level}"><strong>⚠ {figures.headline}'
        f'</strong> · {figures.details}<span class="readability-advice">{PLAINER}</span></span>'
    )


def test_the_article_page_shows_each_sections_readability_and_the_whole_articles(
    clinician_client,
):
    article = ArticleFactory(standfirst="Back spasms are common.")
    SectionFactory(article=article, heading="Easy one", body=FOX, order=10)
    SectionFactory(article=article, heading="Hard one", body=JARGON, order=20)
    SectionFactory(article=article, heading="Empty one", body="", order=30)

    response = clinician_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    html = response.content.decode()
    assert FOX_HTML in html
    assert warned_html(measure(JARGON)) in html
    assert "too hard: above grade 9, publishing needs an accepted reason" in html
    assert "No text yet." in html
    whole = measure("\n\n".join(["Back spasms are common.", FOX, JARGON]))
    assert whole.words == 4 + 9 + 18
    assert warned_html(whole) in html
    assert "readability of the whole article" in html.lower()


def test_a_section_a_little_above_the_target_is_marked_but_not_as_too_hard(clinician_client):
    a_little_hard = "Stretching every morning strengthens the muscles that support your back."
    figures = measure(a_little_hard)
    assert figures.level == Level.HARD
    article = ArticleFactory(standfirst="Back spasms are common.")
    SectionFactory(article=article, body=a_little_hard)

    html = clinician_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()

    assert warned_html(figures) in html
    assert "a little hard: aim for grade 8 or below" in html
    assert "publishing needs an accepted reason" not in html


def test_a_plain_article_shows_no_readability_warning(clinician_client):
    article = ArticleFactory(standfirst="Back spasms are common.")
    SectionFactory(article=article, body=FOX)

    html = clinician_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()

    assert "readability-hard" not in html
    assert "readability-too_hard" not in html
    assert PLAINER not in html
    assert FOX_HTML in html
    whole = measure(f"Back spasms are common.\n\n{FOX}")
    assert f"<strong>{whole.headline}</strong> · {whole.details}</span>" in html


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
    assert payload["readability"]["headline"].startswith("Grade ")


def test_the_preview_gives_the_figures_as_values_for_the_page_to_lay_out(clinician_client):
    easy = json.loads(preview(clinician_client, FOX).content)["readability"]
    hard = json.loads(preview(clinician_client, JARGON).content)["readability"]
    figures = measure(JARGON)

    assert easy == {
        "level": "easy",
        "warning": False,
        "grade": 2.3,
        "reading_ease": 94.3,
        "words": 9,
        "headline": "Grade 2.3 — easy to read",
        "details": "reading ease 94.3 (higher is easier) · 9 words",
        "advice": "",
        "summary": FOX_SUMMARY,
    }
    assert hard["level"] == "too_hard"
    assert hard["warning"] is True
    assert hard["grade"] == figures.grade
    assert hard["advice"] == PLAINER
    assert hard["summary"] == figures.summary()


def test_no_figure_in_the_preview_is_html(clinician_client):
    """The page shows them as text: markup in them would be shown, not followed."""
    for text in (FOX, JARGON, ""):
        payload = json.loads(preview(clinician_client, text).content)["readability"]

        assert not any("<" in str(value) for value in payload.values())


def test_the_preview_of_nothing_says_so(clinician_client):
    payload = json.loads(preview(clinician_client, "").content)

    assert payload["html"] == ""
    assert payload["readability"]["level"] == "none"
    assert payload["readability"]["summary"] == "No text yet."
    assert payload["readability"]["grade"] is None


def test_the_preview_reads_at_most_50000_characters(clinician_client):
    payload = json.loads(preview(clinician_client, "word " * 12_000).content)

    assert payload["readability"]["words"] == 10_000
    assert "· 10000 words" in payload["readability"]["summary"]


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
