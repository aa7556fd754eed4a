"""The care card: every article of a topic shows the topic's red flags, from the rule set the
checker reads, in three tiers, with the help-line numbers from settings only."""

import re
import time
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Section, Treatment
from pagecache import kept
from triage.engine import triage
from triage.models import Advice, Question, RedFlag

from .factories import ArticleFactory, SectionFactory, TopicFactory
from .page_cache_helpers import save

pytestmark = pytest.mark.django_db


TIER = re.compile(
    r'<section class="care-tier care-tier-(?P<level>\w+)".*?'
    r'class="care-tier-heading">(?P<heading>.*?)</h\d>.*?'
    r'<ul class="care-tier-signs">(?P<signs>.*?)</ul>',
    re.DOTALL,
)


def care_card(html):
    """The care card's tiers on a page: [(level, heading, [signs])]."""
    return [
        (
            tier["level"],
            unescape(tier["heading"]).strip(),
            [unescape(sign) for sign in re.findall(r"<li>(.*?)</li>", tier["signs"])],
        )
        for tier in TIER.finditer(html)
    ]


@pytest.fixture
def demo(db):
    call_command("load_demo_content", verbosity=0)


def back_pain_article(**fields):
    article = ArticleFactory(**fields)
    article.topics.add(TopicFactory(slug="back-pain"))
    return article


def test_every_demo_article_of_the_topic_and_the_checker_agree_on_every_red_flag(client, demo):
    rules = Question.objects.rules()
    red_flags = {red_flag.noticed: red_flag for red_flag in RedFlag.objects.live()}
    articles = Article.objects.filter(topics__slug="back-pain")
    assert articles.count() >= 4

    for article in articles:
        tiers = care_card(client.get(article.get_absolute_url()).content.decode())
        assert [level for level, *_ in tiers] == ["emergency", "urgent", "gp"], article.slug
        listed = {sign: level for level, _, signs in tiers for sign in signs}
        assert set(listed) == set(red_flags), article.slug
        for sign, level in listed.items():
            question = red_flags[sign].question
            answer = "yes" if question.kind == "yes_no" else question.threshold_weeks
            # The checker, asked only this, gives the level the card lists it under.
            assert triage({question.slug: answer}, rules).disposition == level, sign


def test_the_tiers_say_what_to_do_with_the_numbers_from_settings(client, demo, settings):
    settings.EMERGENCY_NUMBER, settings.URGENT_NUMBER = "112", "116 117"

    html = client.get("/articles/back-muscle-spasms/").content.decode()

    (_, emergency, _), (_, urgent, _), (_, gp, _) = care_card(html)
    assert emergency == "Call 112 or go to A&E now if you have any of these:"
    assert urgent.startswith("Get help today: call 116 117 or ask for an urgent GP appointment")
    assert gp == "See a GP or physiotherapist soon if:"
    assert 'href="tel:112"' in html
    assert "999" not in html and "111" not in html


def test_an_article_without_a_when_to_get_help_section_still_gets_the_card(client):
    article = back_pain_article()
    SectionFactory(article=article, heading="What it is")

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<h2 id="when-to-get-help" class="section-heading">When to get medical help</h2>' in html
    assert 'href="#when-to-get-help"' in html  # pointed to from the top of the page
    assert care_card(html)[0][0] == "emergency"


def test_the_article_adds_its_own_points_after_the_card(client):
    article = back_pain_article()
    SectionFactory(
        article=article,
        kind=Section.Kind.URGENT_ADVICE,
        heading="When to get help",
        body="Sciatica in both legs counts as symptoms in both legs.",
    )

    html = client.get(article.get_absolute_url()).content.decode()

    assert html.index('id="care-card"') < html.index("Sciatica in both legs counts")
    assert "When to get medical help</h2>" not in html  # one card, in the article's section


def test_an_article_of_a_topic_with_no_red_flags_keeps_its_own_words(client, settings):
    settings.EMERGENCY_NUMBER = "112"
    article = ArticleFactory()
    article.topics.add(TopicFactory(slug="leg-cramps"))
    SectionFactory(
        article=article,
        kind=Section.Kind.URGENT_ADVICE,
        body="**Call {emergency_number} now if** one leg is swollen and you are short of breath.",
    )

    html = client.get(article.get_absolute_url()).content.decode()

    assert 'id="care-card"' not in html
    assert "<strong>Call 112 now if</strong> one leg is swollen" in html


def test_a_clinician_rewording_a_red_flag_changes_every_card_at_once(client):
    article = back_pain_article()
    client.get(article.get_absolute_url())  # now in the page cache
    saddle = RedFlag.objects.get(slug="saddle_numbness")

    save(saddle, noticed="a numb bottom, genitals or inner thighs")

    html = client.get(article.get_absolute_url()).content.decode()
    assert "<li>a numb bottom, genitals or inner thighs</li>" in html


def test_articles_of_the_same_topics_share_one_card_built_once(client):
    first, second = back_pain_article(), back_pain_article()
    client.get(first.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        html = client.get(second.get_absolute_url()).content.decode()

    assert not [query for query in queries if "triage_" in query["sql"]]
    assert care_card(html) == care_card(client.get(first.get_absolute_url()).content.decode())


def test_a_red_flag_change_reaches_the_card_of_an_article_not_shown_since(client):
    first, second = back_pain_article(), back_pain_article()
    client.get(first.get_absolute_url())  # the topics' card is built and kept

    save(RedFlag.objects.get(slug="saddle_numbness"), noticed="a numb bottom or genitals")
    save(Advice.objects.get(disposition="gp"), care_card_heading="See a GP this week if:")

    (_, _, emergency), _, (_, gp_heading, _) = care_card(
        client.get(second.get_absolute_url()).content.decode()
    )
    assert "a numb bottom or genitals" in emergency
    assert gp_heading == "See a GP this week if:"


def test_a_change_behind_the_sites_back_reaches_a_kept_card_within_a_minute(client, monkeypatch):
    first, second = back_pain_article(), back_pain_article()
    client.get(first.get_absolute_url())
    # An update() sends no signal, as SQL typed into a database shell would not.
    RedFlag.objects.filter(slug="saddle_numbness").update(noticed="a numb bottom or genitals")
    started = time.monotonic()

    monkeypatch.setattr(kept, "monotonic", lambda: started + kept.KEPT_SECONDS)

    (_, _, emergency), *_ = care_card(client.get(second.get_absolute_url()).content.decode())
    assert "a numb bottom or genitals" in emergency


def test_new_help_line_numbers_reach_a_kept_card(client, settings):
    first, second = back_pain_article(), back_pain_article()
    client.get(first.get_absolute_url())

    settings.EMERGENCY_NUMBER = "112"

    (_, emergency, _), *_ = care_card(client.get(second.get_absolute_url()).content.decode())
    assert emergency == "Call 112 or go to A&E now if you have any of these:"


def test_a_switched_off_red_flag_leaves_the_card(client):
    article = back_pain_article()
    RedFlag.objects.filter(slug="upper_back").update(active=False)

    html = client.get(article.get_absolute_url()).content.decode()
    signs = [sign for *_, tier_signs in care_card(html) for sign in tier_signs]

    assert "the pain is high up in your back, between your shoulder blades" not in signs
    assert len(signs) == RedFlag.objects.live().count()


@pytest.mark.parametrize(
    ("number", "body"),
    [
        ("999", "If it gets worse, call 999 straight away."),
        ("111", "Call 111."),
        ("111", "Call 111 24 hours a day."),
        ("112", "Ring 112, or go to hospital."),
        ("911", "In the US, call 911!"),
        ("999", "Call 999/111 if you are not sure."),
        ("999", "[Call now](tel:999)"),
    ],
)
def test_a_section_body_with_a_help_line_number_written_out_is_refused(number, body):
    section = SectionFactory.build(article=ArticleFactory(), body=body)

    with pytest.raises(ValidationError) as refused:
        section.full_clean()

    message = refused.value.message_dict["body"][0]
    assert f"Write {{emergency_number}} or {{urgent_number}} instead of {number}" in message


@pytest.mark.parametrize(
    "body",
    [
        "Call {emergency_number} if it gets worse.",
        "Samaritans are free on 116 123, day or night.",
        "Get advice [online](https://111.nhs.uk/) any time.",
        "Walk for 150 minutes a week, or 30 minutes on 5 days.",
        "Phone 0800 999 123 to book.",
        "Phone 0800 555 111 to book.",
        "About 1,000 people, or 1 000, took part; 2,999 steps; it cost £100,000.",
        "Go to 111.nhs.uk for advice.",
    ],
)
def test_placeholders_and_other_numbers_are_accepted(body):
    SectionFactory.build(article=ArticleFactory(), body=body).full_clean()


def test_a_section_heading_with_a_number_written_out_is_refused():
    section = SectionFactory.build(article=ArticleFactory(), heading="When to call 999")

    with pytest.raises(ValidationError) as refused:
        section.full_clean()

    assert set(refused.value.message_dict) == {"heading"}


def test_a_treatment_caution_with_a_number_written_out_is_refused():
    treatment = Treatment(name="Talking therapy", slug="talking", summary="Talking helps.")
    treatment.cautions = "If you feel very low, call 999."

    with pytest.raises(ValidationError) as refused:
        treatment.full_clean()

    assert set(refused.value.message_dict) == {"cautions"}


def test_the_card_is_shown_once_and_pointed_to_from_the_top(client):
    article = back_pain_article()
    SectionFactory(article=article, kind=Section.Kind.URGENT_ADVICE, heading="Get help")

    html = client.get(article.get_absolute_url()).content.decode()

    assert html.count('id="care-card"') == 1
    assert re.search(r'class="urgent-pointer"><a href="#get-help"', html)
    assert html.index('class="urgent-pointer"') < html.index('id="care-card"')


def test_only_articles_the_checker_covers_offer_it(client):
    back = back_pain_article()
    SectionFactory(article=back, kind=Section.Kind.URGENT_ADVICE, heading="Get help")
    cramps = ArticleFactory()
    cramps.topics.add(TopicFactory(slug="leg-cramps"))
    SectionFactory(article=cramps, kind=Section.Kind.URGENT_ADVICE, heading="Get help")

    back_page = client.get(back.get_absolute_url()).content.decode()
    cramps_page = client.get(cramps.get_absolute_url()).content.decode()

    assert 'href="/triage/"' in back_page.split("<main", 1)[1]
    assert 'class="checker-pointer"' not in cramps_page
    assert 'class="checker-offer"' not in cramps_page
