"""The public symptom checker over HTTP: the form, the result page, privacy and safety.

Everything goes through the real form with the default questions the data migration
installs, the way a reader's browser would send it.
"""

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from triage.models import DailyOutcomeCount, DailyYesCount

from .factories import ArticleFactory, ArticleTreatmentFactory, SectionFactory, TopicFactory
from .triage_spec import EMERGENCY_QUESTIONS, GP_QUESTIONS, RED_FLAGS, URGENT_QUESTIONS

pytestmark = pytest.mark.django_db

URL = reverse("triage:checker")
REQUIRED_MESSAGE = "We need this answer to check for signs that need urgent help."


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


def answers(**given):
    """A form submission: "no" to every required (red-flag) question, plus the given answers."""
    return {slug: "no" for slug in RED_FLAGS} | given


def submit(client, **given):
    return client.post(URL, answers(**given))


def disposition_of(response):
    found = re.findall(r'data-disposition="([^"]*)"', response.content.decode())
    return found[0] if len(found) == 1 else found


def question_block(html, slug):
    """The part of the form page that belongs to one question."""
    start = html.index(f'id="div_id_{slug}"')
    following = html.find('id="div_id_', start + 1)
    return html[start : following if following != -1 else html.index("</form>", start)]


def checked_value(html, slug):
    """The value of the checked radio button for a yes/no question, or None."""
    checked = [
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in re.findall(rf'<input[^>]*name="{slug}"[^>]*>', html)
        if re.search(r"\bchecked\b", tag)
    ]
    assert len(checked) <= 1
    return checked[0] if checked else None


def number_value(html, slug):
    tag = re.search(rf'<input[^>]*name="{slug}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else None


def recorded_counts():
    return (
        {row.disposition: row.count for row in DailyOutcomeCount.objects.all()},
        {row.question_slug: row.count for row in DailyYesCount.objects.all()},
    )


def assert_form_with_errors(response):
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "data-disposition" not in html
    assert recorded_counts() == ({}, {})
    return html


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The article factories create clinicians; their passwords need not be slow to hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def every_row():
    """Every row of every table, as plain data: to prove what a submission stored."""
    snapshot = {}
    for model in apps.get_models():
        rows = model._base_manager.order_by("pk").values()
        snapshot[model._meta.label] = [repr(sorted(row.items())) for row in rows]
    return snapshot


# The form


def test_the_form_asks_every_question_red_flags_first(client):
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f'name="{slug}"') for slug in [*RED_FLAGS, *GP_QUESTIONS]]
    assert positions[:4] == sorted(positions[:4])
    assert max(positions[:4]) < min(positions[4:12])
    assert max(positions[4:12]) < min(positions[12:])
    assert 'name="duration_weeks"' in html
    assert re.search(r'<form method="post" action="/triage/"', html)
    assert "This is not a diagnosis" in html
    assert "data-disposition" not in html


def test_only_the_gp_questions_are_marked_optional(client):
    html = client.get(URL).content.decode()

    for slug in [*GP_QUESTIONS, "duration_weeks"]:
        assert "(optional)" in question_block(html, slug), slug
    for slug in RED_FLAGS:
        assert "(optional)" not in question_block(html, slug), slug


def test_the_form_fills_in_the_emergency_number_from_settings(client, settings):
    settings.EMERGENCY_NUMBER = "112"

    html = client.get(URL).content.decode()

    assert "such as a car crash, call 112." in question_block(html, "serious_accident")
    assert "call 112 now" in html
    assert "999" not in html


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
    saddle = html.index("you have numbness or tingling around your genitals, bottom or inner")
    fever = html.index("you have a high temperature, or feel hot and shivery")
    worried = html.index("you are worried about the pain or finding it hard to cope")
    weeks = html.index("the pain has lasted 8 weeks")
    assert deciding < saddle < others < fever < worried
    assert others < weeks
    assert "you have lost weight without trying" not in html


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


# Missing and malformed answers


@pytest.mark.parametrize("missing", ["saddle_numbness", "chest_pain", "fever", "upper_back"])
def test_a_missing_red_flag_answer_shows_the_form_again_with_every_answer_kept(client, missing):
    given = answers(both_legs="yes", worried="yes", recurrent="no", duration_weeks="7")
    del given[missing]

    response = client.post(URL, given)

    html = assert_form_with_errors(response)
    assert REQUIRED_MESSAGE in question_block(html, missing)
    for slug in [*RED_FLAGS, *GP_QUESTIONS]:
        if slug != missing:
            assert REQUIRED_MESSAGE not in question_block(html, slug), slug
            assert checked_value(html, slug) == given.get(slug), slug
    assert checked_value(html, missing) is None
    assert number_value(html, "duration_weeks") == "7"
    assert "Error:" in html[: html.index("</title>")]
    assert (
        "Answer yes or no."
        in html[html.index("There is a problem") : html.index('<form method="post"')]
    )


def test_a_skipped_gp_question_stays_unanswered_when_the_form_comes_back(client):
    given = answers(stops_daily_life="yes")
    del given["night_pain"]

    html = assert_form_with_errors(client.post(URL, given))

    assert checked_value(html, "stops_daily_life") == "yes"
    assert checked_value(html, "recurrent") is None
    assert number_value(html, "duration_weeks") in (None, "")


def test_every_missing_red_flag_gets_its_own_error(client):
    html = assert_form_with_errors(client.post(URL, {"worried": "yes", "duration_weeks": "2"}))

    for slug in RED_FLAGS:
        assert REQUIRED_MESSAGE in question_block(html, slug), slug
    assert checked_value(html, "worried") == "yes"
    assert number_value(html, "duration_weeks") == "2"


def test_a_post_with_no_answers_at_all_shows_the_missing_answer_errors(client):
    html = assert_form_with_errors(client.post(URL, {}))

    assert REQUIRED_MESSAGE in question_block(html, "saddle_numbness")


LONG = "9" * 100_000


@pytest.mark.parametrize("value", ["maybe", "-3", "9999", "2.5", "", LONG, "x" * 100_000])
@pytest.mark.parametrize("slug", ["saddle_numbness", "fever"])
def test_a_malformed_red_flag_answer_shows_the_form_with_an_error(client, slug, value):
    response = client.post(URL, answers(**{slug: value}))

    html = assert_form_with_errors(response)
    block = question_block(html, slug)
    assert "Choose yes or no." in block or REQUIRED_MESSAGE in block


@pytest.mark.parametrize("value", ["maybe", "-3", "9999", "2.5", LONG, "x" * 100_000])
def test_a_malformed_gp_answer_shows_the_form_with_an_error(client, value):
    html = assert_form_with_errors(client.post(URL, answers(worried=value)))

    assert "Choose yes or no." in question_block(html, "worried")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("maybe", "Enter a whole number of weeks, like 2."),
        ("2.5", "Enter a whole number of weeks, like 2."),
        ("-3", "Enter a number of weeks from 0 upwards."),
        ("9999", "Enter a number of weeks up to 520."),
        ("521", "Enter a number of weeks up to 520."),
        (LONG, "Enter a whole number of weeks, like 2."),
        ("x" * 100_000, "Enter a whole number of weeks, like 2."),
    ],
)
def test_a_malformed_number_of_weeks_shows_the_form_with_an_error(client, value, message):
    html = assert_form_with_errors(client.post(URL, answers(fever="yes", duration_weeks=value)))

    assert message in question_block(html, "duration_weeks")
    assert checked_value(html, "fever") == "yes"


# How answers travel


def test_answers_in_the_query_string_give_no_result(client):
    query = "?saddle_numbness=yes&" + "&".join(f"{slug}=no" for slug in RED_FLAGS[1:])

    response = client.get(URL + query)

    assert response.status_code == 200
    html = response.content.decode()
    assert "data-disposition" not in html
    assert "There is a problem" not in html
    assert checked_value(html, "saddle_numbness") is None
    assert recorded_counts() == ({}, {})


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(client, method):
    response = getattr(client, method)(URL, data="saddle_numbness=yes")

    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}
    assert recorded_counts() == ({}, {})


def test_head_is_answered_for_monitoring_without_giving_a_result(client):
    response = client.head(URL, {"saddle_numbness": "yes"})

    assert response.status_code == 200
    assert recorded_counts() == ({}, {})


def test_a_post_without_a_csrf_token_is_refused():
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(URL, answers(fever="yes"))

    assert response.status_code == 403
    assert recorded_counts() == ({}, {})


def test_a_post_with_the_forms_csrf_token_is_accepted():
    browser = Client(enforce_csrf_checks=True)
    form = browser.get(URL)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())

    response = browser.post(URL, answers(fever="yes") | {"csrfmiddlewaretoken": token.group(1)})

    assert response.status_code == 200
    assert disposition_of(response) == "urgent"


@pytest.mark.parametrize(
    "request_page",
    [
        pytest.param(lambda client: client.get(URL), id="form"),
        pytest.param(lambda client: client.post(URL, {"worried": "yes"}), id="form-with-errors"),
        pytest.param(lambda client: submit(client, fever="yes"), id="result"),
    ],
)
def test_the_checker_pages_are_never_cached_or_shared(client, request_page):
    response = request_page(client)

    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


# Privacy and the anonymous counts


def test_nothing_about_the_reader_is_stored(client):
    before = every_row()
    form = client.get(URL)
    response = submit(client, saddle_numbness="yes", fever="yes", worried="yes", duration_weeks="7")
    after = every_row()

    assert disposition_of(response) == "emergency"
    changed = {label for label in after if after[label] != before[label]}
    assert changed == {"triage.DailyOutcomeCount", "triage.DailyYesCount"}
    assert list(DailyOutcomeCount.objects.values("disposition", "count")) == [
        {"disposition": "emergency", "count": 1}
    ]
    for row in DailyYesCount.objects.values():
        assert set(row) == {"id", "date", "question_slug", "count"}
    for model in apps.get_models():
        if model._meta.label in ("triage.DailyOutcomeCount", "triage.DailyYesCount"):
            continue
        assert after[model._meta.label] == before[model._meta.label], model._meta.label
    assert set(form.cookies) <= {"csrftoken"}
    assert set(response.cookies) <= {"csrftoken"}
    assert set(client.cookies) <= {"csrftoken"}


def test_a_form_with_errors_stores_nothing_at_all(client):
    before = every_row()

    response = client.post(URL, {"fever": "yes", "duration_weeks": "12"})

    assert response.status_code == 200
    assert every_row() == before
    assert set(response.cookies) <= {"csrftoken"}


def test_each_result_is_counted_anonymously_by_day_and_disposition(client):
    submit(client, fever="yes", worried="yes", duration_weeks="3")
    submit(client, fever="yes", night_pain="yes", recurrent="no")
    submit(client, worried="yes")
    submit(client)

    outcomes, yeses = recorded_counts()
    assert outcomes == {"urgent": 2, "gp": 1, "self_care": 1}
    assert yeses == {"fever": 2, "worried": 2, "night_pain": 1}
    today = timezone.localdate()
    assert set(DailyOutcomeCount.objects.values_list("date", flat=True)) == {today}
    assert set(DailyYesCount.objects.values_list("date", flat=True)) == {today}


def test_only_questions_answered_yes_are_counted(client):
    submit(client, recurrent="no", stops_daily_life="no", duration_weeks="1")

    assert recorded_counts() == ({"self_care": 1}, {})
