"""What the content API answers, as the OpenAPI schema describes it to other systems."""

import datetime
from typing import Literal

from ninja import Field, Schema

from articles.models import Change, CodeSystem, Section, Treatment

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
# The highest page number read, as the site's own pagers (`pagecache.pages.page_number`).
LAST_PAGE = 9999


class Licensed(Schema):
    licence: str = Field(description="The terms on which this content may be shown.")


class Problem(Licensed):
    detail: str = Field(description="What was wrong, in plain words.")


class TopicRef(Schema):
    slug: str
    name: str


class Topic(TopicRef):
    description: str
    url: str = Field(description="The topic's page on our site.")
    articles_url: str = Field(description="This API's list of the topic's articles.")


class Topics(Licensed):
    results: list[Topic]


class Code(Schema):
    system: CodeSystem = Field(description="The code system, by its HL7 OID.")
    system_name: str
    code: str
    display_name: str


class ArticleSummary(Schema):
    id: int = Field(description="Never changes, even if the article's address does.")
    slug: str
    title: str
    standfirst: str
    language: str = Field(description="A language tag, e.g. en-GB.")
    url: str = Field(description="The article's page on our site: link readers here.")
    api_url: str
    topics: list[TopicRef]
    codes: list[Code] = Field(description="The diagnoses the article is written for.")
    last_reviewed: datetime.date | None
    next_review_due: datetime.date | None
    review_overdue: bool = Field(
        description="The next clinical review date has passed: say the advice may be out of "
        "date, as our own page does."
    )
    updated: datetime.datetime | None = Field(
        description="When a clinician last signed off the content readers see."
    )


class Articles(Licensed):
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    results: list[ArticleSummary]


class ArticleSection(Schema):
    number: str = Field(description="As the page numbers it: 1, 2, 4.1.")
    level: Literal[1, 2]
    anchor: str
    url: str
    heading: str
    kind: Literal[tuple(Section.Kind.values)]
    html: str = Field(description="The text as sanitised HTML, help-line numbers filled in.")
    markdown: str = Field(description="The same text as the Markdown clinicians write.")


class ArticleTreatment(Schema):
    slug: str
    name: str
    category: Literal[tuple(Treatment.Category.values)]
    category_name: str
    summary: str
    how_it_helps: str
    cautions: str = Field(description="Side effects, and who should not use it.")
    evidence_note: str = Field(
        description="How good the evidence is; always shown for alternative treatments."
    )


class ArticleReference(Schema):
    title: str
    publisher: str
    url: str
    accessed: datetime.date | None


class CareCardTier(Schema):
    level: Literal["emergency", "urgent", "gp"]
    heading: str
    signs: list[str]


class HelpLines(Schema):
    emergency: str
    urgent: str


class RelatedArticle(Schema):
    id: int
    slug: str
    title: str
    url: str
    api_url: str


class ArticleDetail(Licensed, ArticleSummary):
    reviewed_by: str | None = Field(description="The clinician who signed off the last review.")
    care_card: list[CareCardTier] = Field(
        description="When to get help, most urgent first: show it with the article, whole and "
        "unchanged."
    )
    help_lines: HelpLines
    sections: list[ArticleSection]
    treatments: list[ArticleTreatment]
    references: list[ArticleReference]
    related: list[RelatedArticle]


class ArticleChange(Schema):
    id: int
    slug: str
    change: Change
    at: datetime.datetime
    api_url: str | None = Field(description="Where to fetch it again (published ones only).")


class Changes(Licensed):
    changes: list[ArticleChange]
    more: bool = Field(description="More changes follow now: fetch `next` straight away.")
    next: str = Field(
        description="Where to read on from: straight away while `more`, else next time."
    )


class ArticleFilters(Schema):
    topic: str | None = Field(
        None, pattern=SLUG_PATTERN, max_length=100, description="A topic's slug."
    )
    code: str | None = Field(
        None,
        max_length=32,
        description="A diagnosis code: the articles carrying it, a broader or a narrower one, "
        "closest first.",
    )
    system: CodeSystem = Field(CodeSystem.ICD10CM, description="The code's system (HL7 OID).")
    page: int = Field(1, ge=1, le=LAST_PAGE)


# An ISO 8601 time as the feed writes it (2026-12-01T09:30:00.123456+00:00, or Z); read as
# text and parsed apart, as a date-time parameter would also take a number of seconds.
TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$"


class ChangesAfter(Schema):
    since: str | None = Field(
        None,
        pattern=TIME_PATTERN,
        description="Changes after this time (ISO 8601; UTC if no offset is given).",
        json_schema_extra={"format": "date-time"},
    )
    after: int = Field(0, ge=0, le=2**63 - 1, description="With `since`: after this id.")
