"""The Infobutton service at /connect/: a health record or patient portal asks for the
articles on a patient's diagnosis, by its code or its name, and gets current ones only."""

import datetime
import logging
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from articles.models import Article, ClinicalCode

from .factories import ArticleFactory, ClinicalCodeFactory, SectionFactory, draft, live_article

ICD10CM = ClinicalCode.System.ICD10CM
ICD10 = ClinicalCode.System.ICD10
SNOMED_CT = ClinicalCode.System.SNOMED_CT
ATOM = "{http://www.w3.org/2005/Atom}"
FORMATS = ["text/xml", "application/json", "text/html"]
# The done-when request.
DONE_WHEN = (
    "/connect/?mainSearchCriteria.v.c=M62.830&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
    "&knowledgeResponseType=application/json"
)


def ask(client, response_type=None, **parameters):
    """GET /connect/ with Infobutton parameters given as code=, cs=, dn=, language=."""
    names = {
        "code": "mainSearchCriteria.v.c",
        "cs": "mainSearchCriteria.v.cs",
        "dn": "mainSearchCriteria.v.dn",
        "language": "informationRecipient.languageCode.c",
    }
    query = {names[key]: value for key, value in parameters.items()}
    if response_type:
        query["knowledgeResponseType"] = response_type
    return client.get("/connect/", query)


def atom_feed(response):
    return ET.fromstring(response.content)  # noqa: S314  (our own response)


def entries(response):
    return response.json()["feed"]["entry"]


def titles(response):
    return [entry["title"] for entry in entries(response)]


@pytest.fixture
def spasms():
    article = live_article(
        title="Back muscle spasms",
        slug="back-muscle-spasms",
        standfirst="Why back muscles tighten suddenly, and what eases them.",
    )
    ClinicalCodeFactory(article=article, code="M62.830", display_name="Muscle spasm of back")
    return article


# Found by code ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_done_when_request_returns_the_spasms_article(client, spasms):
    response = client.get(DONE_WHEN)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    feed = response.json()["feed"]
    (entry,) = feed["entry"]
    assert entry == {
        "id": "http://testserver/articles/back-muscle-spasms/",
        "title": "Back muscle spasms",
        "link": "http://testserver/articles/back-muscle-spasms/",
        "summary": "Why back muscles tighten suddenly, and what eases them.",
        "updated": entry["updated"],
        "lastReviewed": spasms.last_reviewed.isoformat(),
        "matchedCode": {
            "system": ICD10CM,
            "systemName": "ICD-10-CM",
            "code": "M62.830",
            "displayName": "Muscle spasm of back",
        },
    }
    assert datetime.datetime.fromisoformat(entry["updated"]) == spasms.published_at
    assert feed["foundBy"] == "code"
    assert feed["rights"] == settings.CONTENT_LICENCE
    assert feed["title"] == "SpasmCMS: health articles for ICD-10-CM M62.830"


@pytest.mark.django_db
def test_the_same_request_as_xml_is_an_atom_feed(client, spasms):
    response = client.get(DONE_WHEN.replace("application/json", "text/xml"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    feed = atom_feed(response)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author/" + ATOM + "name", "rights"):
        assert feed.find(ATOM + required).text, required
    assert feed.find(f"{ATOM}rights").text == settings.CONTENT_LICENCE
    asked = {c.get("scheme"): c.get("term") for c in feed.findall(f"{ATOM}category")}
    assert asked["mainSearchCriteria.v.c"] == "M62.830"
    assert asked["mainSearchCriteria.v.cs"] == ICD10CM
    (entry,) = feed.findall(f"{ATOM}entry")
    for required in ("id", "title", "updated", "summary"):
        assert entry.find(ATOM + required).text, required
    assert entry.find(f"{ATOM}title").text == "Back muscle spasms"
    link = entry.find(f"{ATOM}link[@rel='alternate']")
    assert link.get("href") == "http://testserver/articles/back-muscle-spasms/"
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "Why back muscles tighten suddenly" in summary.text
    assert "Last reviewed by a clinician on" in summary.text
    matched = entry.find(f"{ATOM}category")
    assert matched.attrib == {
        "scheme": f"urn:oid:{ICD10CM}",
        "term": "M62.830",
        "label": "Muscle spasm of back",
    }


@pytest.mark.django_db
def test_a_request_naming_no_response_type_gets_the_atom_feed(client, spasms):
    response = ask(client, code="M62.830", cs=ICD10CM)

    assert response["Content-Type"] == "text/xml; charset=utf-8"
    feed = atom_feed(response)
    assert [e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")] == [
        "Back muscle spasms"
    ]


@pytest.mark.parametrize("code", ["M62.83", "M62830", "m62.830", " M62.830 ", "M62.8301"])
@pytest.mark.django_db
def test_the_code_its_parent_child_and_the_code_without_its_dot_find_it(client, spasms, code):
    response = ask(client, "application/json", code=code, cs=ICD10CM)

    assert titles(response) == ["Back muscle spasms"]
    assert entries(response)[0]["matchedCode"]["code"] == "M62.830"


@pytest.mark.django_db
def test_a_snomed_ct_concept_finds_the_article_carrying_it(client, spasms):
    article = live_article(title="Lower back pain")
    ClinicalCodeFactory(
        article=article, system=SNOMED_CT, code="279039007", display_name="Low back pain"
    )

    response = ask(client, "application/json", code="279039007", cs=SNOMED_CT)

    assert titles(response) == ["Lower back pain"]
    assert entries(response)[0]["matchedCode"]["systemName"] == "SNOMED CT"


@pytest.mark.django_db
def test_a_code_of_another_system_does_not_match(client, spasms):
    response = ask(client, "application/json", code="M62.830", cs=ICD10)

    assert response.status_code == 200
    assert entries(response) == []
    assert response.json()["feed"]["foundBy"] is None
    subtitle = response.json()["feed"]["subtitle"]
    assert "We have no current articles for ICD-10 (WHO) M62.830" in subtitle


@pytest.mark.django_db
def test_at_most_three_articles_closest_code_first(client):
    for title, code in [
        ("Calf spasms", "M62.831"),
        ("Muscle spasms", "M62.83"),
        ("Back spasms", "M62.830"),
        ("Muscle disorders", "M62.8"),
        ("Neck spasms", "M62.838"),
    ]:
        ClinicalCodeFactory(article=ArticleFactory(title=title), code=code)

    response = ask(client, "application/json", code="M62.83", cs=ICD10CM)

    # The code itself, then a broader one, then narrower ones: fewest characters apart,
    # then by title.
    assert titles(response) == ["Muscle spasms", "Muscle disorders", "Back spasms"]

    response = ask(client, "application/json", code="M62.830", cs=ICD10CM)

    assert titles(response) == ["Back spasms", "Muscle spasms", "Muscle disorders"]


# Found by the diagnosis's name ------------------------------------------------------------


@pytest.mark.django_db
def test_a_code_no_article_carries_falls_back_to_searching_for_its_name(client, spasms):
    response = ask(
        client, "application/json", code="M62.831", cs=ICD10CM, dn="Muscle spasm of back"
    )

    feed = response.json()["feed"]
    assert titles(response) == ["Back muscle spasms"]
    assert feed["foundBy"] == "name"
    assert entries(response)[0]["matchedCode"] is None
    assert "No article of ours carries ICD-10-CM M62.831" in feed["subtitle"]


@pytest.mark.django_db
def test_a_name_alone_is_searched_for(client, spasms):
    response = ask(client, "application/json", dn="back spasms")

    assert titles(response) == ["Back muscle spasms"]
    assert response.json()["feed"]["foundBy"] == "name"


@pytest.mark.django_db
def test_a_code_that_matches_is_not_searched_for_by_name(client, spasms):
    live_article(title="Muscle cramps", standfirst="Cramps in the legs at night.")

    response = ask(client, "application/json", code="M62.830", cs=ICD10CM, dn="cramps")

    assert titles(response) == ["Back muscle spasms"]


# Only current advice ----------------------------------------------------------------------


def not_current_articles():
    """A draft, a scheduled article, one whose review has lapsed and a draft of a live page,
    each carrying M62.830 and about spasms."""
    today = timezone.localdate()
    hidden = [
        draft(title="Spasms draft"),
        ArticleFactory(
            title="Spasms scheduled", published_at=timezone.now() + datetime.timedelta(days=1)
        ),
        ArticleFactory(title="Spasms overdue", next_review_due=today - datetime.timedelta(1)),
        ArticleFactory(title="Spasms unpublished", status=Article.Status.UNPUBLISHED),
    ]
    live = ArticleFactory(title="Spasms live", next_review_due=today)
    hidden.append(
        ArticleFactory(title="Spasms correction", draft_of=live, status=Article.Status.APPROVED)
    )
    for article in [*hidden, live]:
        ClinicalCodeFactory(article=article, code="M62.830")
        SectionFactory(article=article, heading="Spasms", body="Back spasms ease with warmth.")
    return live


@pytest.mark.django_db
def test_drafts_scheduled_and_out_of_review_date_articles_are_never_given(client):
    not_current_articles()

    by_code = ask(client, "application/json", code="M62.830", cs=ICD10CM)
    by_name = ask(client, "application/json", dn="spasms")

    assert titles(by_code) == ["Spasms live"]
    assert titles(by_name) == ["Spasms live"]


@pytest.mark.django_db
def test_a_code_carried_only_by_articles_out_of_date_falls_back_to_the_name(client, spasms):
    overdue = ArticleFactory(
        title="Calf spasms", next_review_due=timezone.localdate() - datetime.timedelta(1)
    )
    ClinicalCodeFactory(article=overdue, code="M62.831")

    response = ask(client, "application/json", code="M62.831", cs=ICD10CM, dn="back spasms")

    assert titles(response) == ["Back muscle spasms"]


# Language ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_another_language_gets_english_and_is_told_so_where_the_format_allows(client, spasms):
    asked = {"code": "M62.830", "cs": ICD10CM, "language": "es"}

    as_json = ask(client, "application/json", **asked).json()["feed"]
    atom = atom_feed(ask(client, "text/xml", **asked))
    html = ask(client, "text/html", **asked).content.decode()

    told = "our articles are in English only for now"
    assert as_json["language"] == "en-GB"
    assert told in as_json["subtitle"]
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    assert told in atom.find(f"{ATOM}subtitle").text
    assert told in html
    assert len(as_json["entry"]) == 1


@pytest.mark.django_db
def test_english_is_not_remarked_on(client, spasms):
    feed = ask(client, "application/json", code="M62.830", cs=ICD10CM, language="en-US").json()

    assert "English only" not in feed["feed"]["subtitle"]


# The page of links ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_html_page_lists_the_links_with_no_inline_script_or_style(client, spasms):
    response = ask(client, "text/html", code="M62.830", cs=ICD10CM)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert '<a href="http://testserver/articles/back-muscle-spasms/">Back muscle spasms</a>' in html
    assert "For ICD-10-CM M62.830: Muscle spasm of back." in html
    assert "Last reviewed by a clinician on" in html
    assert settings.CONTENT_LICENCE in html
    assert "<style" not in html and "style=" not in html
    assert html.count("<script") == html.count("<script src=")
    assert '<meta name="robots" content="noindex">' in html


# Refusals ---------------------------------------------------------------------------------


REFUSED = [
    ({"cs": ICD10CM}, "Send a diagnosis code"),
    ({}, "Send a diagnosis code"),
    ({"code": "M62.830", "cs": "1.2.3"}, "“1.2.3” is not a code system we know"),
    ({"code": "M62.830"}, "Say which code system the code is from"),
    ({"code": "spasm", "cs": ICD10CM}, "“spasm” is not an ICD-10 code"),
    ({"code": "M62.83%", "cs": ICD10CM}, "is not an ICD-10 code"),
    ({"code": "27903900X", "cs": SNOMED_CT}, "is not a SNOMED CT concept ID"),
    ({"dn": "back " * 100}, "mainSearchCriteria.v.dn is too long: at most 200 characters"),
    ({"code": "M" * 40, "cs": ICD10CM}, "mainSearchCriteria.v.c is too long"),
    ({"dn": "back\x00spasm"}, "holds characters that cannot be part of it"),
    ({"dn": "spasm", "language": "español!"}, "is not a language code"),
]


def read_refusal(response, response_type):
    """The plain-words message and the licence of a refusal, read as its format is read."""
    if response_type == "application/json":
        body = response.json()
        return body["error"]["message"], body["rights"]
    if response_type == "text/xml":
        feed = atom_feed(response)
        assert feed.tag == f"{ATOM}feed"
        assert feed.find(f"{ATOM}entry") is None
        return feed.find(f"{ATOM}subtitle").text, feed.find(f"{ATOM}rights").text
    html = response.content.decode()
    assert "We could not read this request" in html
    return html, html


@pytest.mark.parametrize("response_type", FORMATS)
@pytest.mark.parametrize(("parameters", "message"), REFUSED)
@pytest.mark.django_db
def test_a_request_we_cannot_answer_is_refused_in_plain_words_in_its_format(
    client, response_type, parameters, message
):
    response = ask(client, response_type, **parameters)

    assert response.status_code == 400
    assert response["Content-Type"].startswith(response_type)
    assert response["Access-Control-Allow-Origin"] == "*"
    said, rights = read_refusal(response, response_type)
    assert message in said
    assert settings.CONTENT_LICENCE in rights


@pytest.mark.parametrize("response_type", FORMATS)
@pytest.mark.django_db
def test_a_parameter_sent_twice_is_refused(client, response_type):
    response = client.get(
        "/connect/?mainSearchCriteria.v.dn=back&mainSearchCriteria.v.dn=neck"
        f"&knowledgeResponseType={response_type}"
    )

    assert response.status_code == 400
    assert "Send mainSearchCriteria.v.dn once." in read_refusal(response, response_type)[0]


@pytest.mark.parametrize(
    ("response_type", "message"),
    [
        ("application/javascript", "“application/javascript” is not a response type we give"),
        ("text/plain", "Ask for text/xml (an Atom feed, the default), application/json or"),
        ("x" * 100, "knowledgeResponseType is too long: at most 64 characters"),
    ],
)
@pytest.mark.django_db
def test_an_unknown_response_type_is_refused_in_the_default_atom_feed(
    client, response_type, message
):
    response = ask(client, response_type, code="M62.830", cs=ICD10CM)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    said, rights = read_refusal(response, "text/xml")
    assert message in said
    assert rights == settings.CONTENT_LICENCE


@pytest.mark.django_db
def test_the_response_type_is_read_whatever_its_case(client, spasms):
    response = ask(client, "Application/JSON", code="M62.830", cs=ICD10CM)

    assert titles(response) == ["Back muscle spasms"]


# HTTP -------------------------------------------------------------------------------------


@pytest.mark.parametrize("response_type", FORMATS)
@pytest.mark.django_db
def test_answers_may_be_cached_and_read_from_any_origin(client, spasms, response_type):
    response = ask(client, response_type, code="M62.830", cs=ICD10CM)

    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}


@pytest.mark.django_db
def test_head_is_answered_and_other_methods_are_not_allowed(spasms):
    # As a browser on a partner's site would send them, with the site's CSRF checks on.
    client = Client(enforce_csrf_checks=True, headers={"origin": "https://portal.example"})
    assert client.head(DONE_WHEN).status_code == 200
    for method in (client.post, client.put, client.delete):
        response = method(DONE_WHEN)
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_nothing_a_caller_sends_is_logged(client, spasms, caplog):
    caplog.set_level(logging.DEBUG)
    address = "203.0.113.77"

    ask(client, "application/json", code="M62.830", cs=ICD10CM, dn="Muscle spasm of back")
    client.get("/connect/?mainSearchCriteria.v.dn=sciatica+pain", REMOTE_ADDR=address)
    ask(client, "text/xml", code="Q99.999", cs=ICD10CM, dn="tingling feet")
    ask(client, "text/html", code="x-malformed-code", cs=ICD10CM)

    logged = caplog.text
    assert caplog.records  # the request log did log each request
    for sent in ("M62.830", "Muscle spasm", "sciatica", "Q99.999", "tingling", "malformed"):
        assert sent not in logged
    assert address not in logged
    assert "mainSearchCriteria" not in logged


@pytest.mark.parametrize("response_type", FORMATS)
@pytest.mark.django_db
def test_an_answer_costs_a_few_queries_whatever_the_number_of_articles(
    client, django_assert_max_num_queries, response_type
):
    for number in range(10):
        ClinicalCodeFactory(article=live_article(title=f"Spasms {number}"), code="M62.830")

    # By code: one query, the articles with their matched code.
    with django_assert_max_num_queries(1):
        ask(client, response_type, code="M62.830", cs=ICD10CM)
    # By name: that one, the site search's own (at most 7 on PostgreSQL, fewer on SQLite),
    # and one for which of its results are in review date.
    with django_assert_max_num_queries(9):
        ask(client, response_type, code="M62.831", cs=ICD10CM, dn="back spasms")
