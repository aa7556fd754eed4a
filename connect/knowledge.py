"""Answering an HL7 Infobutton knowledge request: the articles for a diagnosis that a health
record or a patient portal asks about.

Requests follow the HL7 Context-Aware Knowledge Retrieval (Infobutton) URL-based
implementation guide, read as MedlinePlus Connect reads it: the diagnosis's code and code
system, its name, the reader's language and the response format. Only published articles
whose clinical review is in date are given (`in_review_date`): another system shows them as
current advice, without the notice our own pages carry once a review is overdue.

A caller's words are often a patient's diagnosis: nothing here logs them.
"""

import re
from dataclasses import dataclass, field

from articles.models import Article, CodeSystem
from articles.models.clinical_code import asked_code
from articles.sharing import content_changed_at, content_language
from search.engine import search

CODE = "mainSearchCriteria.v.c"
CODE_SYSTEM = "mainSearchCriteria.v.cs"
DISPLAY_NAME = "mainSearchCriteria.v.dn"
LANGUAGE = "informationRecipient.languageCode.c"
RESPONSE_TYPE = "knowledgeResponseType"

# The longest value read of each: a SNOMED CT ID has 18 digits and an ICD code 8 characters;
# a diagnosis's name as long as the site's search box takes; a language tag as BCP 47's
# longest common forms. Anything longer is refused before it reaches a query.
LONGEST = {CODE: 32, CODE_SYSTEM: 64, DISPLAY_NAME: 200, LANGUAGE: 35, RESPONSE_TYPE: 64}

ATOM, JSON, HTML = "text/xml", "application/json", "text/html"
RESPONSE_TYPES = (ATOM, JSON, HTML)
# As MedlinePlus Connect and the HL7 service-oriented guide's Atom response: the format an
# infobutton manager in a health record expects when it names none.
DEFAULT_RESPONSE_TYPE = ATOM

# MedlinePlus Connect's number: enough to choose from beside a patient's record.
MOST_ARTICLES = 3

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
# Control characters are never part of a code, a name or a language; PostgreSQL refuses
# NUL in a query outright.
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


class BadRequest(Exception):
    """A request we cannot answer, with why in plain words for the caller, in the response
    type it asked for (or the default one, when that is what is wrong)."""

    def __init__(self, message, response_type=DEFAULT_RESPONSE_TYPE):
        super().__init__(message)
        self.message = message
        self.response_type = response_type


@dataclass(frozen=True)
class KnowledgeRequest:
    """What a caller asked, checked: the code as codes are stored ("" when none was sent)."""

    response_type: str
    system: str = ""
    code: str = ""
    display_name: str = ""
    language: str = ""

    @property
    def system_name(self):
        return CodeSystem(self.system).label if self.system else ""

    def parameters(self):
        """(parameter, value) for each parameter read, as it was read."""
        return [
            (name, value)
            for name, value in (
                (CODE, self.code),
                (CODE_SYSTEM, self.system),
                (DISPLAY_NAME, self.display_name),
                (LANGUAGE, self.language),
                (RESPONSE_TYPE, self.response_type),
            )
            if value
        ]


def read_request(query):
    """The KnowledgeRequest in a query string (a QueryDict), or BadRequest saying why not."""
    response_type = value_of(query, RESPONSE_TYPE).lower() or DEFAULT_RESPONSE_TYPE
    if response_type not in RESPONSE_TYPES:
        raise BadRequest(
            f"“{response_type}” is not a response type we give. Ask for text/xml (an Atom "
            "feed, the default), application/json or text/html."
        )
    try:
        values = {name: value_of(query, name) for name in (CODE, CODE_SYSTEM, DISPLAY_NAME)}
        language = value_of(query, LANGUAGE)
    except BadRequest as error:
        raise BadRequest(error.message, response_type) from None
    system, code = values[CODE_SYSTEM], values[CODE]

    def refused(message):
        return BadRequest(message, response_type)

    if not code and not values[DISPLAY_NAME]:
        raise refused(
            f"Send a diagnosis code ({CODE}) with its code system ({CODE_SYSTEM}), or the "
            f"diagnosis's name ({DISPLAY_NAME}), or both."
        )
    if system and system not in CodeSystem.values:
        known = ", ".join(f"{choice.label} {choice.value}" for choice in CodeSystem)
        raise refused(f"“{system}” is not a code system we know. We know {known}.")
    if code and not system:
        raise refused(f"Say which code system the code is from ({CODE_SYSTEM}).")
    if code:
        try:
            code = asked_code(system, code)
        except ValueError as error:
            raise refused(str(error)) from None
    if language and not LANGUAGE_TAG.fullmatch(language):
        raise refused(f"“{language}” is not a language code such as en or es ({LANGUAGE}).")
    return KnowledgeRequest(response_type, system, code, values[DISPLAY_NAME], language)


def value_of(query, name):
    """One parameter's value, stripped ("" if absent), or BadRequest if it cannot be one."""
    values = query.getlist(name)
    if len(values) > 1:
        raise BadRequest(f"Send {name} once.")
    value = values[0].strip() if values else ""
    if len(value) > LONGEST[name]:
        raise BadRequest(f"{name} is too long: at most {LONGEST[name]} characters.")
    if CONTROL_CHARACTER.search(value):
        raise BadRequest(f"{name} holds characters that cannot be part of it.")
    return value


@dataclass
class Entry:
    """One article in an answer, with the code of its that matched (None when found by the
    diagnosis's name)."""

    article: Article
    matched_code: str | None = None
    matched_display_name: str | None = None

    @property
    def updated(self):
        return content_changed_at(self.article)


@dataclass
class Answer:
    request: KnowledgeRequest
    entries: list = field(default_factory=list)
    # "code", "name" (the site search, on the diagnosis's name), or "" when nothing matched.
    found_by: str = ""

    @property
    def subject(self):
        """What was asked about, in words: "ICD-10-CM M62.830 (Muscle spasm of back)"."""
        asked = self.request
        if not asked.code:
            return f"“{asked.display_name}”"
        named = f" ({asked.display_name})" if asked.display_name else ""
        return f"{asked.system_name} {asked.code}{named}"

    @property
    def notes(self):
        """What the answer is, in plain words, for the caller to show."""
        asked = self.request
        if self.found_by == "code":
            notes = [f"Articles for {self.subject}."]
        elif self.found_by == "name" and asked.code:
            notes = [
                f"No article of ours carries {asked.system_name} {asked.code}: these were "
                f"found by searching for “{asked.display_name}”."
            ]
        elif self.found_by == "name":
            notes = [f"Articles found by searching for “{asked.display_name}”."]
        else:
            notes = [f"We have no current articles for {self.subject}."]
        if asked.language and not asked.language.lower().startswith("en"):
            notes.append(
                f"You asked for “{asked.language}”: our articles are in English only for now, "
                "so these are in English."
            )
        return notes

    @property
    def language(self):
        return content_language()


# Only what the answer shows: not the search vectors, the largest column.
ENTRY_FIELDS = ("title", "slug", "standfirst", "last_reviewed", "signed_off_at", "published_at")


def answer(asked):
    """Up to MOST_ARTICLES current articles for a KnowledgeRequest, closest first: those
    carrying its code (or a broader or narrower one), else those the site search finds for
    the diagnosis's name."""
    current = Article.objects.in_review_date().only(*ENTRY_FIELDS)
    if asked.code:
        by_code = current.for_code(asked.system, asked.code)[:MOST_ARTICLES]
        entries = [
            Entry(article, article.matched_code, article.matched_display_name)
            for article in by_code
        ]
        if entries:
            return Answer(asked, entries, found_by="code")
    if asked.display_name:
        found = [result.article.pk for result in search(asked.display_name).results]
        in_date = current.in_bulk(found)
        entries = [Entry(in_date[pk]) for pk in found if pk in in_date][:MOST_ARTICLES]
        if entries:
            return Answer(asked, entries, found_by="name")
    return Answer(asked)
