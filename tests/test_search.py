"""Site search: what readers find and in what order, the section and snippet each result
shows, typos and synonyms, what it never shows, and what it records.

The same behaviour is expected on SQLite and PostgreSQL; the websearch syntax (quoted
phrases, -exclusion) exists on PostgreSQL only.
"""

import datetime
import io
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section
from search.models import SearchSynonym, SearchWord, UnansweredSearch

from .factories import ArticleFactory, ModeratorFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="websearch syntax (quoted phrases, -exclusion) is PostgreSQL full-text search only",
)

RESULTS_LIST = re.compile(r'<ol class="search-results">(.*?)</ol>', re.DOTALL)
RESULT = re.compile(
    r'<li>\s*<h2><a href="(?P<url>[^"]*)">(?P<title>.*?)</a></h2>\s*'
    r'(?:<p class="search-section">Best match: <a href="(?P<section_url>[^"]*)">'
    r"(?P<heading>.*?)</a></p>\s*)?"
    r'<p class="search-snippet">(?P<snippet>.*?)</p>\s*</li>',
    re.DOTALL,
)
MARKED = re.compile(r"<mark>(.*?)</mark>")
NOTHING_FOUND = "We did not find any articles for"
CORRECTED = "Showing results for"


# Helpers


def search_page(client, query):
    response = client.get(reverse("search:results"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def results(html):
    """The results a reader sees, best first: url, title, section_url, heading, snippet."""
    listing = RESULTS_LIST.search(html)
    return [match.groupdict() for match in RESULT.finditer(listing.group(1))] if listing else []


def found(client, query):
    return results(search_page(client, query))


def titles(client, query):
    return [unescape(result["title"]) for result in found(client, query)]


def marked(snippet):
    return MARKED.findall(snippet)


def snippet_words(snippet):
    return unescape(re.sub(r"<[^>]+>", "", snippet)).replace("…", " ").split()


def correction(html):
    """The words shown in "Showing results for …", or None."""
    match = re.search(rf"{CORRECTED} <strong>(.*?)</strong>", html)
    return match and unescape(match.group(1))


def article(title, body="", *, heading="About this", standfirst=None, sections=(), **kwargs):
    """An article with one section (heading, body), or with the given (heading, body) pairs."""
    if standfirst is not None:
        kwargs["standfirst"] = standfirst
    new = ArticleFactory(title=title, **kwargs)
    for section_heading, section_body in sections or [(heading, body)]:
        SectionFactory(article=new, heading=section_heading, body=section_body)
    return new


@pytest.fixture
def demo_content():
    call_command("load_demo_content", stdout=io.StringIO())


@pytest.fixture
def charley_horse():
    return SearchSynonym.objects.create(phrase="Charley  Horse", same_as=" Cramp")


# The questions readers asked, on the demo articles


def test_cant_bend_my_back_finds_the_signs_of_a_back_spasm_section(client, demo_content):
    signs = Section.objects.get(article__slug="back-muscle-spasms", heading="Signs of a back spasm")

    first = found(client, "can't bend my back")[0]

    assert first["title"] == "Back muscle spasms"
    assert first["url"] == "/articles/back-muscle-spasms/"
    assert first["heading"] == "Signs of a back spasm"
    assert first["section_url"] == f"/articles/back-muscle-spasms/#{signs.anchor}"
    assert {word.lower() for word in marked(first["snippet"])} & {"bend", "bending"}
    # The link lands on that section of the article page.
    article_page = client.get("/articles/back-muscle-spasms/").content.decode()
    assert f'id="{signs.anchor}"' in article_page


@pytest.mark.parametrize(
    ("query", "first_url"),
    [
        ("sciatica both legs", "/articles/sciatica/"),
        ("leg cramps at night", "/articles/muscle-cramps/"),
    ],
)
def test_demo_questions_find_the_right_article_first(client, demo_content, query, first_url):
    assert found(client, query)[0]["url"] == first_url


def test_back_spams_is_corrected_to_back_spasms(client, demo_content):
    html = search_page(client, "back spams")

    assert correction(html) == "back spasms"
    assert results(html)[0]["url"] == "/articles/back-muscle-spasms/"


# Ranking


def test_a_title_match_outranks_a_body_that_repeats_the_word(client):
    article(
        "Everyday aches",
        "Hamstring pain is common. Rest the hamstring, ice the hamstring, stretch the "
        "hamstring. Hamstring tears are rare.",
    )
    article("Hamstring strain", "Rest for a day or two, then move gently.")

    assert titles(client, "hamstring") == ["Hamstring strain", "Everyday aches"]


def test_a_standfirst_match_outranks_a_body_match(client):
    article("Everyday aches", "A sore calf is common. Stretch the calf. Warm the calf.")
    article(
        "Sore legs",
        "Rest for a day or two, then move gently.",
        standfirst="What to do about a sore calf after sport.",
    )

    assert titles(client, "calf") == ["Sore legs", "Everyday aches"]


def test_a_section_heading_match_makes_that_section_the_best_match(client):
    article(
        "Leg care",
        sections=[
            ("Overview", "Rest helps most aches. Your calf may feel tight for a while."),
            ("Calf stretches", "Stand facing a wall and lean forward slowly."),
        ],
    )

    [result] = found(client, "calf")

    assert result["heading"] == "Calf stretches"


def test_a_section_heading_match_outranks_a_body_match_in_another_article(client):
    article("Everyday aches", "Your calf may feel tight for a while.")
    article("Leg care", heading="Calf stretches", body="Stand facing a wall and lean forward.")

    assert titles(client, "calf") == ["Leg care", "Everyday aches"]


def test_an_article_with_all_the_readers_words_outranks_one_repeating_a_single_word(client):
    article("Back worries", "Back pain, back ache, back strain: the back is a common worry.")
    article("Moving again", "If you find it hard to bend, start with small movements.")
    article("Bending well", "Bend your knees and keep your back straight.")

    assert titles(client, "bend back")[0] == "Bending well"


# The best section of an article


def test_the_best_section_is_the_one_that_mentions_the_word_and_its_link_goes_there(client):
    quinine = article(
        "Night cramps",
        sections=[
            ("What they are", "Sudden tight muscles in the leg while you sleep."),
            ("Medicines", "Quinine is no longer advised for most people."),
            ("Getting help", "See a GP if they keep waking you."),
        ],
    )
    medicines = quinine.sections.get(heading="Medicines")

    [result] = found(client, "quinine")

    assert result["heading"] == "Medicines"
    assert result["section_url"] == f"/articles/{quinine.slug}/#{medicines.anchor}"
    assert medicines.anchor == "medicines"
    assert marked(result["snippet"]) == ["Quinine"]


# Clinicians' synonyms


def test_the_starter_synonyms_are_installed():
    pairs = set(SearchSynonym.objects.values_list("phrase", "same_as"))

    assert {("spasm", "cramp"), ("slipped disc", "herniated disc")} <= pairs


def test_a_clinician_synonym_finds_articles_using_the_other_words_both_ways(client, charley_horse):
    article("Night trouble", "A sudden cramp in the calf can wake you.")
    article("Leg knots", "Some people call it a charley horse.")

    assert set(titles(client, "charley horse")) == {"Night trouble", "Leg knots"}
    assert set(titles(client, "cramp")) == {"Night trouble", "Leg knots"}


def test_synonyms_are_stored_in_lower_case_with_single_spaces(charley_horse):
    assert (charley_horse.phrase, charley_horse.same_as) == ("charley horse", "cramp")


def test_a_synonym_match_ranks_below_a_match_of_the_readers_own_word(client, charley_horse):
    # The synonym is in a title, the reader's own word only once in a body: still second.
    article("Charley horse", "What to do when it strikes.")
    article("Night trouble", "A sudden cramp in the calf can wake you.")

    assert titles(client, "cramp") == ["Night trouble", "Charley horse"]
    assert titles(client, "charley horse") == ["Charley horse", "Night trouble"]


def test_a_starter_synonym_works_for_phrases(client):
    article("Back trouble", "A herniated disc can press on a nerve.")

    assert titles(client, "slipped disc") == ["Back trouble"]


def test_removing_a_synonym_stops_it_finding_the_other_words(client, charley_horse):
    article("Night trouble", "A sudden cramp in the calf can wake you.")
    article("Leg knots", "Some people call it a charley horse.")
    assert "Night trouble" in titles(client, "charley horse")

    charley_horse.delete()

    assert titles(client, "charley horse") == ["Leg knots"]
    assert titles(client, "cramp") == ["Night trouble"]


# Typos


def test_a_misspelt_word_is_corrected_and_said_so(client):
    article("Sciatica", "Sciatica is pain that travels from the lower back down the leg.")
    article("Shoulder pain", "Most shoulder pain eases in a few weeks.")

    html = search_page(client, "sciatca")

    assert correction(html) == "sciatica"
    assert [unescape(result["title"]) for result in results(html)] == ["Sciatica"]


def test_a_word_close_to_nothing_we_know_finds_nothing_and_is_not_corrected(client):
    article("Sciatica", "Sciatica is pain that travels from the lower back down the leg.")

    html = search_page(client, "qwxz")

    assert results(html) == []
    assert correction(html) is None
    assert NOTHING_FOUND in html


@pytest.mark.parametrize(
    "place",
    [
        "title",
        "heading",
        "body",
        pytest.param(
            "standfirst",
        ),
    ],
)
def test_a_correctly_spelt_word_our_articles_use_is_never_corrected(client, place):
    # "hamstrings" is known too, and is the closest other word to "hamstring".
    article("Leg care", "Stretch your hamstrings after a run.")
    words = {"title": "Strains", "heading": "Rest", "body": "Rest.", "standfirst": "Advice."}
    words[place] = {
        "title": "Hamstring strains",
        "heading": "Hamstring rest",
        "body": "Rest the hamstring.",
        "standfirst": "Advice on a sore hamstring.",
    }[place]
    article(words["title"], words["body"], heading=words["heading"], standfirst=words["standfirst"])

    html = search_page(client, "hamstring")

    assert correction(html) is None
    assert "We could not find" not in html
    assert words["title"] in [unescape(result["title"]) for result in results(html)]


def test_a_possessive_word_an_article_uses_is_not_corrected(client):
    article("Drinking enough", "If you have a kidney condition, follow your doctor's advice.")
    article("Back pain", "Doctors call this non-specific back pain.")

    html = search_page(client, "doctor's advice")

    assert correction(html) is None
    assert titles(client, "doctor's advice")[0] == "Drinking enough"


def test_short_words_are_never_corrected(client):
    article("Calf pain", "A sore calf usually settles.")

    assert correction(search_page(client, "cal")) is None


# Only published articles, and only their words


HIDDEN_STATES = {
    "draft": {"status": Article.Status.DRAFT, "published_at": None},
    "in review": {"status": Article.Status.IN_REVIEW, "published_at": None},
    "scheduled": {
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() + datetime.timedelta(days=3),
    },
    "unpublished": {"status": Article.Status.UNPUBLISHED},
    "archived": {"status": Article.Status.ARCHIVED},
}


@pytest.mark.parametrize("state", HIDDEN_STATES, ids=list(HIDDEN_STATES))
def test_articles_that_are_not_public_never_appear_even_on_an_exact_title_search(client, state):
    article("Plantar fasciitis", "Plantar fasciitis causes heel pain.", **HIDDEN_STATES[state])
    article("Heel pain", "Heel pain is often plantar fasciitis.")

    assert titles(client, "plantar fasciitis") == ["Heel pain"]


def test_an_article_that_is_unpublished_disappears_from_search_at_once(client):
    heel = article("Plantar fasciitis", "Plantar fasciitis causes heel pain.")
    assert titles(client, "plantar fasciitis") == ["Plantar fasciitis"]

    heel.status = Article.Status.UNPUBLISHED
    heel.save()

    assert titles(client, "plantar fasciitis") == []


def test_search_checks_the_status_now_not_when_the_section_was_indexed(client):
    heel = article("Plantar fasciitis", "Plantar fasciitis causes heel pain.")
    assert titles(client, "plantar fasciitis") == ["Plantar fasciitis"]

    # A change that sends no signal, so no stored vector or vocabulary is touched.
    Article.objects.filter(pk=heel.pk).update(status=Article.Status.ARCHIVED)

    assert titles(client, "plantar fasciitis") == []


@pytest.mark.parametrize("state", HIDDEN_STATES, ids=list(HIDDEN_STATES))
def test_the_vocabulary_does_not_learn_words_only_found_in_articles_that_are_not_public(
    client, state
):
    article("Neck pain", "The zygapophyseal joints may be stiff.", **HIDDEN_STATES[state])

    html = search_page(client, "zygapophysial")

    assert "zygapophyseal" not in html
    assert correction(html) is None
    if state != "scheduled":  # signed off, so learnt now: it goes live with no save to learn from
        assert not SearchWord.objects.filter(word="zygapophyseal").exists()


def test_publishing_an_article_teaches_the_vocabulary_its_words(client):
    neck = article("Neck pain", "The zygapophyseal joints may be stiff.", status="draft")
    assert correction(search_page(client, "zygapophysial")) is None

    neck.status = Article.Status.PUBLISHED
    neck.save()

    assert correction(search_page(client, "zygapophysial")) == "zygapophyseal"


def test_a_scheduled_article_words_are_learnt_once_it_goes_live(client):
    neck = article(
        "Neck pain",
        "The zygapophyseal joints may be stiff.",
        published_at=timezone.now() + datetime.timedelta(hours=1),
    )
    # Its publish time comes: nothing is saved, the clock just moves on.
    Article.objects.filter(pk=neck.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert titles(client, "zygapophyseal") == ["Neck pain"]

    assert correction(search_page(client, "zygapophysial")) == "zygapophyseal"


def test_an_unpublished_article_words_stop_being_suggested(client):
    neck = article("Neck pain", "The zygapophyseal joints may be stiff.")
    assert correction(search_page(client, "zygapophysial")) == "zygapophyseal"

    neck.status = Article.Status.UNPUBLISHED
    neck.save()

    html = search_page(client, "zygapophysial")
    assert correction(html) is None
    assert "zygapophyseal" not in html


def test_html_entity_names_are_not_words_in_the_vocabulary(client):
    article("Getting help", "Go to A&E now if you cannot feel your legs.")

    assert correction(search_page(client, "amps")) is None
    assert not SearchWord.objects.filter(word="amp").exists()


# PostgreSQL websearch syntax


@postgres_only
def test_a_quoted_phrase_finds_only_articles_with_those_words_together(client):
    article("Night cramps", "Leg cramps often come at night.")
    article("Arm ache", "Your leg may ache, and cramps can also hit the arm.")
    assert set(titles(client, "leg cramps")) == {"Night cramps", "Arm ache"}

    assert titles(client, '"leg cramps"') == ["Night cramps"]


@postgres_only
def test_a_minus_word_excludes_articles_that_use_it(client):
    article("Resting aches", "Cramps often come at night.")
    article("Sport aches", "Cramps can follow hard exercise.")
    assert set(titles(client, "cramps")) == {"Resting aches", "Sport aches"}

    assert titles(client, "cramps -night") == ["Sport aches"]


@postgres_only
def test_a_minus_word_excludes_an_article_whose_title_has_the_other_words(client):
    article("Resting cramps", "Cramps often come at night.")
    article("Sport aches", "Cramps can follow hard exercise.")

    assert titles(client, "cramps -night") == ["Sport aches"]


@postgres_only
def test_a_minus_word_excludes_an_article_that_uses_it_in_any_section(client):
    article(
        "Resting aches",
        sections=[
            ("When they happen", "Cramps often come at night."),
            ("Easing them", "Stretch the muscle gently until the cramps pass."),
        ],
    )
    article("Sport aches", "Cramps can follow hard exercise.")

    assert titles(client, "cramps -night") == ["Sport aches"]


# Whatever a reader types


HOSTILE_QUERIES = {
    "empty": "",
    "whitespace": "   \t  ",
    "1000 characters": "back pain " * 100,
    "one 1000 character word": "a" * 1000,
    "NUL byte": "back\x00pain",
    "script tag": "<script>alert(1)</script>",
    "attribute breakout": '" autofocus onfocus="alert(1)',
    "SQL": "' OR 1=1 --",
    "unbalanced quote": '"unbalanced quote',
    "tsquery operators": "a & b | !c :*",
    "dashes": "---",
    "minus only": "- -back",
    "like wildcards": "100% _back_ \\",
    "emoji": "🤕 back 💥",
    "only common words": "the and of it",
    "many words": "back pain spasm cramp leg calf night sleep stretch heat ice rest walk swim",
    "or": "back or or or",
}


@pytest.fixture
def some_articles():
    article("Back pain", "Most back pain gets better with gentle movement.")
    article("Leg cramps", "A cramp in the calf at night can be eased by stretching.")


@pytest.mark.parametrize("query", HOSTILE_QUERIES.values(), ids=list(HOSTILE_QUERIES))
def test_odd_and_hostile_queries_get_a_normal_page_that_never_echoes_raw_html(
    client, some_articles, query
):
    response = client.get(reverse("search:results"), {"q": query})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>" in html
    assert "<script>" not in html
    assert 'onfocus="alert' not in html
    if any(character in query for character in "<>\"'&"):
        assert query.strip() not in html


def test_a_query_is_shortened_to_200_characters(client):
    html = search_page(client, "x" * 1000)

    assert "x" * 200 in html
    assert "x" * 201 not in html


def test_a_nul_byte_is_ignored_not_refused(client, some_articles):
    assert titles(client, "back\x00pain") == ["Back pain"]


def test_stored_text_that_looks_like_html_is_escaped_in_the_snippet(client):
    article("Formatting", "Type `<b>` to make bold text.")

    [result] = found(client, "bold")

    assert "&lt;b&gt;" in result["snippet"]
    assert "<b>" not in result["snippet"]


# Snippets


def test_the_snippet_comes_from_the_best_section(client):
    article(
        "Ice and heat",
        sections=[
            ("Overview", "Rest and time help most people."),
            ("Ice packs", "Wrap the ice in a towel. Never put ice straight on skin."),
        ],
    )

    [result] = found(client, "towel")

    assert result["heading"] == "Ice packs"
    assert "the ice in a towel." in " ".join(snippet_words(result["snippet"]))
    assert marked(result["snippet"]) == ["towel"]
    assert "Rest and time" not in result["snippet"]


def test_the_snippet_marks_every_matched_word_with_punctuation_outside(client):
    article(
        "Calf care",
        "Calf pain eases with a gentle stretch. Stretching the calf, daily, helps; rest too.",
    )

    [result] = found(client, "calf stretch")

    assert marked(result["snippet"]) == ["Calf", "stretch", "Stretching", "calf"]
    assert "<mark>stretch</mark>." in result["snippet"]
    assert "<mark>calf</mark>," in result["snippet"]


def test_a_singular_finds_and_marks_its_plural_ending_in_es(client):
    article("What a cramp is", "A cramp is a muscle that tightens by itself.")
    article("Tight legs", "Your muscles may feel tight after sport.")
    assert SearchWord.objects.filter(word="muscle").exists()  # so no typo correction

    snippets = {unescape(result["title"]): result["snippet"] for result in found(client, "muscle")}

    assert set(snippets) == {"What a cramp is", "Tight legs"}
    assert marked(snippets["Tight legs"]) == ["muscles"]


def test_a_word_is_not_marked_inside_an_unrelated_longer_word(client):
    article("Ear pain", "Ear pain in a cold often starts early and eases within days.")

    [result] = found(client, "ear")

    assert marked(result["snippet"]) == ["Ear"]


def test_only_whole_synonym_phrases_are_marked(client):
    article("Sciatica", "Sciatica is pain from an irritated nerve in the lower back.")

    [result] = found(client, "sciatica")

    assert marked(result["snippet"]) == ["Sciatica"]


@pytest.mark.parametrize(
    ("body", "literal"),
    [
        ("Never paste <img src=x onerror=alert(1)> into a page.", False),
        ("Never paste `<img src=x onerror=alert(1)>` into a page.", True),
        ("Never paste &lt;img src=x onerror=alert(1)&gt; into a page.", True),
    ],
    ids=["raw html", "code span", "entities"],
)
def test_an_img_tag_in_a_body_never_reaches_the_results_page_as_a_tag(client, body, literal):
    article("Safe pages", body)

    html = search_page(client, "paste")
    [result] = results(html)

    assert "<img" not in html
    assert "onerror=alert(1)>" not in html
    assert marked(result["snippet"]) == ["paste"]
    # Markdown and nh3 drop a real tag; text that only looks like one is shown as text.
    assert ("&lt;img src=x onerror=alert(1)&gt;" in result["snippet"]) == literal


def test_a_long_section_gives_at_most_32_words_around_the_match_with_ellipses(client):
    before = " ".join(f"before{n}" for n in range(60))
    after = " ".join(f"after{n}" for n in range(60))
    article("Long read", f"{before} quinine {after}")

    [result] = found(client, "quinine")

    words = snippet_words(result["snippet"])
    assert 20 <= len(words) <= 32
    assert "quinine" in words
    assert result["snippet"].startswith("… ")
    assert result["snippet"].endswith(" …")


def test_a_short_section_is_shown_whole_without_ellipses(client):
    article("Short read", "Quinine is no longer advised.")

    [result] = found(client, "quinine")

    assert result["snippet"] == "<mark>Quinine</mark> is no longer advised."


# Searches that found nothing


def test_a_search_that_finds_nothing_is_counted_by_its_normalised_words(client):
    search_page(client, "  Zebra   STRIPES ")
    assert UnansweredSearch.objects.get().query == "zebra stripes"
    assert UnansweredSearch.objects.get().count == 1

    search_page(client, "zebra stripes")

    counted = UnansweredSearch.objects.get()
    assert (counted.query, counted.count) == ("zebra stripes", 2)
    assert counted.last_searched == timezone.localdate()


def test_a_search_that_finds_something_records_nothing(client, some_articles):
    assert titles(client, "back pain")

    assert not UnansweredSearch.objects.exists()


@pytest.mark.parametrize("query", ["", "   "], ids=["empty", "whitespace"])
def test_an_empty_search_records_nothing(client, query):
    search_page(client, query)

    assert not UnansweredSearch.objects.exists()


def test_nothing_about_who_searched_is_stored(client):
    reader = UserFactory(username="reader-searching")
    client.force_login(reader)

    client.get(
        reverse("search:results"),
        {"q": "zebra stripes"},
        headers={"user-agent": "Distinctive-Browser/9.9"},
        REMOTE_ADDR="203.0.113.77",
    )

    fields = {field.name for field in UnansweredSearch._meta.get_fields()}
    assert fields == {"id", "query", "count", "last_searched"}
    stored = UnansweredSearch.objects.get()
    assert (stored.query, stored.count) == ("zebra stripes", 1)
    for detail in ("reader-searching", "Distinctive-Browser", "203.0.113.77"):
        assert detail not in str(UnansweredSearch.objects.values().get())


# The admin: synonyms and searches that found nothing


def test_a_clinician_can_list_and_add_synonyms(clinician_client):
    changelist = clinician_client.get(reverse("admin:search_searchsynonym_changelist"))
    assert changelist.status_code == 200
    assert "slipped disc" in changelist.content.decode()
    assert clinician_client.get(reverse("admin:search_searchsynonym_add")).status_code == 200

    response = clinician_client.post(
        reverse("admin:search_searchsynonym_add"),
        {"phrase": "Charley  Horse", "same_as": "cramp"},
    )

    assert response.status_code == 302
    assert SearchSynonym.objects.filter(phrase="charley horse", same_as="cramp").exists()


def test_a_synonym_added_in_the_admin_works_at_once(clinician_client, client):
    article("Night trouble", "A sudden cramp in the calf can wake you.")
    assert titles(client, "charley horse") == []

    clinician_client.post(
        reverse("admin:search_searchsynonym_add"), {"phrase": "charley horse", "same_as": "cramp"}
    )

    assert titles(client, "charley horse") == ["Night trouble"]


def test_a_clinician_sees_searches_that_found_nothing_but_cannot_add_or_change_them(
    clinician_client,
):
    UnansweredSearch.record("zebra stripes")
    unanswered = UnansweredSearch.objects.get()

    changelist = clinician_client.get(reverse("admin:search_unansweredsearch_changelist"))
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert "zebra stripes" in html
    assert reverse("admin:search_unansweredsearch_add") not in html

    add = reverse("admin:search_unansweredsearch_add")
    assert clinician_client.get(add).status_code == 403
    assert clinician_client.post(add, {"query": "made up", "count": 5}).status_code == 403
    change = reverse("admin:search_unansweredsearch_change", args=[unanswered.pk])
    assert clinician_client.post(change, {"query": "changed", "count": 99}).status_code == 403
    unanswered.refresh_from_db()
    assert (unanswered.query, unanswered.count) == ("zebra stripes", 1)


def test_a_moderator_cannot_see_synonyms(client):
    client.force_login(ModeratorFactory())

    response = client.get(reverse("admin:search_searchsynonym_changelist"))

    assert response.status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:search_searchsynonym_changelist") not in index


# The search box


def public_pages():
    neck = article("Neck pain", "Most neck pain eases in a few weeks.")
    return {
        "home": reverse("articles:home"),
        "article": neck.get_absolute_url(),
        "checker": reverse("triage:checker"),
        "search": reverse("search:results") + "?q=neck",
    }


@pytest.mark.parametrize("page", ["home", "article", "checker", "search"])
def test_every_public_page_has_a_labelled_search_box_sending_a_get_to_search(client, page):
    response = client.get(public_pages()[page])
    assert response.status_code == 200
    html = response.content.decode()

    form = re.search(r'<form class="site-search"[^>]*>(.*?)</form>', html, re.DOTALL)
    assert form is not None
    opening = form.group(0).split(">", 1)[0]
    assert 'role="search"' in opening
    assert 'method="get"' in opening
    assert 'action="/search/"' in opening
    label = re.search(r'<label for="([^"]+)">([^<]+)</label>', form.group(1))
    assert label is not None, "a label with visible text and no hiding class"
    assert label.group(2).strip() == "Search health articles"
    assert re.search(rf'<input id="{label.group(1)}"[^>]*name="q"', form.group(1))


def test_the_results_page_is_not_indexed_and_keeps_the_query_in_the_box(client):
    article("Neck pain", "Most neck pain eases in a few weeks.")

    html = search_page(client, 'neck "pain"')

    assert '<meta name="robots" content="noindex">' in html
    assert html.count('value="neck &quot;pain&quot;"') == 2  # the header box and the page's


def test_other_pages_may_be_indexed(client):
    html = client.get(reverse("articles:home")).content.decode()

    assert 'content="noindex"' not in html


# What a search costs the database


def matching_articles(count, start=0):
    for n in range(start, start + count):
        article(
            f"Back care {n}",
            sections=[
                ("Causes", "Back pain often follows lifting."),
                ("Easing it", "Keep moving; heat can ease back spasms."),
            ],
        )


def test_a_search_costs_a_fixed_number_of_queries_for_3_or_30_matching_articles(
    client, django_assert_max_num_queries
):
    """Bounded, not equal: with enough title matches the later candidate lookups are skipped."""
    matching_articles(3)
    found(client, "back spasms")  # anything done once per process is done now
    with django_assert_max_num_queries(7):
        assert len(found(client, "back spasms")) == 3

    matching_articles(27, start=3)
    with django_assert_max_num_queries(7):
        assert len(found(client, "back spasms")) == 20  # the most a page shows
