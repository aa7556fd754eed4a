"""Articles as the content API gives them: plain data built from the same rows and rules as
the article page, so another system shows what our readers see.

Texts come with the help-line numbers filled in from the site's settings, as on the page;
section text both as the sanitised HTML the page shows and as the Markdown it is written in.
The care card is the page's own (`triage.care_card`): a copy of an article must carry its red
flags whole.
"""

import re

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.http import urlencode

from articles.models import Article, ClinicalCode, Section, Topic
from articles.sharing import content_changed_at, content_language
from governance.helplines import fill_in_numbers, fill_in_numbers_html
from governance.roles import staff_name
from triage.care_card import care_card_for

# HTML comments: notes editors leave in the text, which the page's sanitiser drops too.
EDITORS_NOTES = re.compile(r"<!--.*?-->", re.DOTALL)

# Articles per page of a list: a syncing site reads the whole list in a few dozen requests.
PAGE_SIZE = 50


def api_url(request, name, **kwargs):
    return request.build_absolute_uri(reverse(f"api-v1:{name}", kwargs=kwargs or None))


def page_url(request, path):
    return request.build_absolute_uri(path)


def listed():
    """Published articles as lists show them: newest first, with their topics and codes
    and nothing else of their parts."""
    return (
        Article.objects.published()
        .defer("search_vector")
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.only("slug", "name")),
            Prefetch("clinical_codes", queryset=ClinicalCode.objects.order_by("order", "pk")),
        )
    )


def summary(request, article):
    return {
        "id": article.pk,
        "slug": article.slug,
        "title": article.title,
        "standfirst": article.standfirst,
        "language": content_language(),
        "url": page_url(request, article.get_absolute_url()),
        "api_url": api_url(request, "article", slug=article.slug),
        "topics": [{"slug": topic.slug, "name": topic.name} for topic in article.topics.all()],
        "codes": [
            {
                "system": code.system,
                "system_name": code.get_system_display(),
                "code": code.code,
                "display_name": code.display_name,
            }
            for code in article.clinical_codes.all()
        ],
        "last_reviewed": article.last_reviewed,
        "next_review_due": article.next_review_due,
        "review_overdue": article.review_overdue,
        "updated": content_changed_at(article),
    }


def article_for_detail(slug):
    """The published article at `slug` with everything its detail shows, or None."""
    found = (
        Article.objects.published()
        .for_page()
        .prefetch_related(
            Prefetch("clinical_codes", queryset=ClinicalCode.objects.order_by("order", "pk"))
        )
        .filter(slug=slug)
    )
    return next(iter(found), None)


def detail(request, article):
    contents = article.table_of_contents()
    # The stored page parts hold the sections' HTML only: their Markdown is read apart.
    markdown = {
        pk: EDITORS_NOTES.sub("", body)
        for pk, body in Section.objects.filter(article=article).values_list("pk", "body")
    }
    page = page_url(request, article.get_absolute_url())
    sections = []
    for section in contents:
        for each in (section, *section.children):
            sections.append(
                {
                    "number": each.number,
                    "level": 2 if each.parent_id else 1,
                    "anchor": each.anchor,
                    "url": f"{page}#{each.anchor}",
                    "heading": fill_in_numbers(each.heading),
                    "kind": each.kind,
                    "html": fill_in_numbers_html(each.body_html),
                    "markdown": fill_in_numbers(markdown.get(each.pk, "")),
                }
            )
    return {
        "licence": settings.CONTENT_LICENCE,
        **summary(request, article),
        "reviewed_by": staff_name(article.reviewed_by) if article.reviewed_by else None,
        "care_card": [
            {"level": str(tier.level), "heading": tier.heading, "signs": list(tier.signs)}
            for tier in care_card_for(article)
        ],
        "help_lines": {"emergency": settings.EMERGENCY_NUMBER, "urgent": settings.URGENT_NUMBER},
        "sections": sections,
        "treatments": [
            {
                "slug": link.treatment.slug,
                "name": link.treatment.name,
                "category": link.treatment.category,
                "category_name": link.treatment.get_category_display(),
                "summary": fill_in_numbers(link.treatment.summary),
                "how_it_helps": fill_in_numbers(link.treatment.how_it_helps),
                "cautions": fill_in_numbers(link.treatment.cautions),
                "evidence_note": fill_in_numbers(link.treatment.evidence_note),
            }
            for link in article.article_treatments.all()
        ],
        "references": [
            {
                "title": reference.title,
                "publisher": reference.publisher,
                "url": reference.url,
                "accessed": reference.accessed,
            }
            for reference in article.references.all()
        ],
        "related": [
            {
                "id": related.pk,
                "slug": related.slug,
                "title": related.title,
                "url": page_url(request, related.get_absolute_url()),
                "api_url": api_url(request, "article", slug=related.slug),
            }
            for related in article.related_for_readers()
        ],
    }


def list_url(request, name, query):
    """This API's address `name` with `query` (only the parameters it read)."""
    url = api_url(request, name)
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url
