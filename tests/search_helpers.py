"""Search results pages as a reader reads them (each result's title, best section, snippet
and marked words, and the correction offered), and articles made with just the sections a
search test needs."""

import re
from html import unescape

from django.urls import reverse

from .factories import ArticleFactory, SectionFactory

RESULTS_LIST = re.compile(r'<ol class="search-results">(.*?)</ol>', re.DOTALL)
RESULT = re.compile(
    r'<li>\s*<h2><a href="(?P<url>[^"]*)">(?P<title>.*?)</a></h2>\s*'
    r'(?:<p class="search-section">Best match: <a href="(?P<section_url>[^"]*)">'
    r"(?P<heading>.*?)</a></p>\s*)?"
    r'<p class="search-snippet">(?P<snippet>.*?)</p>\s*</li>',
    re.DOTALL,
)
MARKED = re.compile(r"<mark>(.*?)</mark>")
CORRECTED = "Showing results for"


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


def back_pain_and_leg_cramps():
    """Two public articles, for tests that need a search to find something."""
    article("Back pain", "Most back pain gets better with gentle movement.")
    article("Leg cramps", "A cramp in the calf at night can be eased by stretching.")
