"""The checker's result: every row of the spec's table, the advice, numbers and treatments."""

import re

import pytest

from triage.models import RedFlag

from .checker_forms import URL, answers, disposition_of, submit
from .factories import ArticleFactory, ArticleTreatmentFactory, SectionFactory, TopicFactory
from .triage_spec import EMERGENCY_QUESTIONS, GP_QUESTIONS, URGENT_QUESTIONS

pytestmark = pytest.mark.django_db

TABLE = (
    [pytest.param({slug: "yes"}, "emergency", id=slug) for slug in EMERGENCY_QUESTIONS]
    + [pytest.param({slug: "yes"}, "urgent", id=slug) for slug in URGENT_QUESTIONS]
    + [pytest.param({slug: "yes"}, "gp", id=slug) for slug in GP_QUESTIONS]
    + [
        pytest.param({"duration_weeks": "0"}, "self_care", id="0-weeks"),
        pytest.param({"duration_weeks": "5"}, "self_care", id="5-weeks"),
        pytest.param({"duration_weeks": "6"}, "gp", id="6-weeks"),
        pytest.param({"duration_weeks": "520"}, "gp", id="520-weeks"),
        pytest.param({}, "self_care", id="no-to-every-warning-sign"),
        pytest.param(
            {slug: "no" for slug in GP_QUESTIONS} | {"duration_weeks": "2"},
            "self_care",
            id="no-to-everything",
        ),
    ]
)


# Every row of the table


@pytest.mark.parametrize(("given", "expected"), TABLE)
def test_every_row_of_the_table_through_the_form(client, given, expected):
    response = submit(client, **given)

    assert response.status_code == 200
    assert disposition_of(response) == expected


def test_the_gp_questions_may_be_left_unanswered(client):
    response = client.post(URL, answers())

    assert disposition_of(response) == "self_care"


def test_a_red_flag_wins_over_every_milder_answer(client):
    gp_yes = {slug: "yes" for slug in GP_QUESTIONS}

    response = submit(client, both_legs="yes", fever="yes", duration_weeks="30", **gp_yes)

    assert disposition_of(response) == "emergency"


# The result page


def test_the_result_lists_every_answer_that_led_there_most_urgent_first(client):
    response = submit(client, saddle_numbness="yes", fever="yes", worried="yes", duration_weeks="8")

    html = response.content.decode()
    deciding = html.index("You said:")
    others = html.index("You also said:")
    # A yes is repeated in its red flag's own words, as the care card lists it.
    saddle = html.index("numbness, tingling or no feeling around your bottom, genitals or inner")
    fever = html.index("a high temperature, or you feel hot and shivery")
    worried = html.index("you are worried about the pain, or finding it hard to cope")
    weeks = html.index("the pain has lasted 8 weeks")
    assert deciding < saddle < others < fever < worried
    assert others < weeks
    assert "you have lost weight without trying" not in html


def test_the_result_repeats_a_yes_in_the_red_flags_current_wording(client):
    RedFlag.objects.filter(slug="fever").update(noticed="a fever, or you feel hot and shaky")

    html = submit(client, fever="yes").content.decode()

    assert "<li>a fever, or you feel hot and shaky</li>" in html


def test_a_self_care_result_says_no_warning_signs_and_how_long(client):
    html = submit(client, duration_weeks="3").content.decode()

    assert "You said no to all the warning signs, and your pain has lasted 3 weeks" in html


@pytest.mark.parametrize(
    ("given", "disposition", "headline", "safety_net"),
    [
        (
            {"chest_pain": "yes"},
            "emergency",
            "Call 999 now or go to the emergency department",
            "If you are told to wait, and your symptoms get worse, call 999 again.",
        ),
        (
            {"night_pain": "yes"},
            "urgent",
            "Get help today: call 111 or your GP surgery",
            "If you cannot get an appointment today, call 111.",
        ),
        (
            {"recurrent": "yes"},
            "gp",
            "Book an appointment with a GP or physiotherapist",
            "Get help today (call 111) if you get a high temperature",
        ),
        (
            {},
            "self_care",
            "You can look after this at home",
            "See a GP or physiotherapist if the pain is not better after about 6 weeks",
        ),
    ],
)
def test_the_result_page_gives_the_advice_safety_net_and_disclaimer(
    client, given, disposition, headline, safety_net
):
    response = submit(client, **given)

    html = response.content.decode()
    assert disposition_of(response) == disposition
    assert headline in html
    assert "When to get more help" in html
    assert safety_net in html
    assert "This is not a diagnosis" in html
    assert re.search(r'<a [^>]*href="/triage/"[^>]*>Start again</a>', html)


def test_an_emergency_result_has_a_call_button_for_the_emergency_number(client):
    html = submit(client, bladder_bowel_change="yes").content.decode()

    assert re.search(r'<a [^>]*href="tel:999"[^>]*>Call 999</a>', html)


def test_an_urgent_result_has_a_call_button_for_the_urgent_number(client):
    html = submit(client, leg_weakness="yes").content.decode()

    assert re.search(r'<a [^>]*href="tel:111"[^>]*>Call 111</a>', html)


def test_the_result_uses_the_numbers_from_settings(client, settings):
    settings.EMERGENCY_NUMBER = "112"
    settings.URGENT_NUMBER = "116117"

    emergency = submit(client, both_legs="yes").content.decode()
    urgent = submit(client, fever="yes").content.decode()
    gp = submit(client, worried="yes").content.decode()

    assert re.search(r'href="tel:112"[^>]*>Call 112</a>', emergency)
    assert "Call 112 now or go to the emergency department" in emergency
    assert re.search(r'href="tel:116117"[^>]*>Call 116117</a>', urgent)
    assert "Get help today: call 116117 or your GP surgery" in urgent
    assert "Call 112 if you get numbness around your genitals" in gp
    for html in (emergency, urgent, gp):
        assert "999" not in html
        assert "111" not in html.replace("116117", "")


@pytest.fixture
def treatments_on_the_topic():
    """A published back-pain article with a treatment and a treatments section."""
    article = ArticleFactory(title="Back spasms", slug="back-spasms")
    article.topics.add(TopicFactory(name="Back pain", slug="back-pain"))
    link = ArticleTreatmentFactory(
        article=article, treatment__name="Heat packs", treatment__slug="heat-packs"
    )
    section = SectionFactory(article=article, heading="How to ease it", kind="treatments")
    draft = ArticleFactory(title="Draft one", status="draft", published_at=None)
    draft.topics.add(article.topics.get())
    ArticleTreatmentFactory(article=draft, treatment__name="Unreviewed cream")
    SectionFactory(article=draft, heading="Unreviewed treatments", kind="treatments")
    return article, link.treatment, section


@pytest.mark.parametrize("given", [{}, {"worried": "yes"}], ids=["self_care", "gp"])
def test_self_care_and_gp_results_link_to_the_curated_treatments(
    client, treatments_on_the_topic, given
):
    article, treatment, section = treatments_on_the_topic

    html = submit(client, **given).content.decode()

    article_url = article.get_absolute_url()
    assert f'<a href="{article_url}#treatment-{treatment.slug}">Heat packs</a>' in html
    assert f'<a href="{article_url}#{section.anchor}">How to ease it</a>' in html
    assert "Unreviewed" not in html


@pytest.mark.parametrize("given", [{"chest_pain": "yes"}, {"fever": "yes"}])
def test_emergency_and_urgent_results_do_not_suggest_treatments(
    client, treatments_on_the_topic, given
):
    html = submit(client, **given).content.decode()

    assert "Heat packs" not in html
    assert "How to ease it" not in html


def test_the_treatments_come_from_the_topic_in_settings(client, settings, treatments_on_the_topic):
    settings.SYMPTOM_CHECKER_TOPIC = "neck-pain"
    neck = ArticleFactory(title="Stiff neck")
    neck.topics.add(TopicFactory(name="Neck pain", slug="neck-pain"))
    ArticleTreatmentFactory(article=neck, treatment__name="Gentle turns")

    html = submit(client).content.decode()

    assert "Gentle turns" in html
    assert "Heat packs" not in html
