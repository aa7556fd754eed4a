"""An answer, or a refusal, in the response type the caller asked for.

- text/xml: an Atom feed, as the HL7 Infobutton service-oriented guide's response and
  MedlinePlus Connect's. The request's parameters are feed categories (the parameter's
  name as the scheme, as they write them); each entry's matched code is a category whose
  scheme is its system's OID as a URN and whose label is the code's name.
- application/json: the same feed as plain JSON (see the README for its fields).
- text/html: a short page of links for a patient portal.

Every response carries the content licence, and may be cached and read from any origin:
partner portals fetch it from their readers' browsers, and it holds nothing of one reader's.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateformat import format as format_date
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.http import urlencode

from articles.sharing import content_language

from .knowledge import HTML, JSON, RESPONSE_TYPE

# Partner portals and caches between may keep an answer this long: an edit or a lapsed
# review reaches them at most five minutes later.
CACHE_SECONDS = 300


class KnowledgeFeed(Atom1Feed):
    """Django's Atom feed with the Infobutton response's categories (see above)."""

    content_type = "text/xml; charset=utf-8"  # the type the caller asked for

    @classmethod
    def of_site(cls, request, **facts):
        """A feed by this site, in its language, under its content licence."""
        return cls(
            description="",
            language=content_language(),
            author_name=settings.SITE_NAME,
            author_link=home_url(request),
            feed_copyright=settings.CONTENT_LICENCE,
            **facts,
        )

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        for scheme, term in self.feed["asked"]:
            handler.addQuickElement("category", "", {"scheme": scheme, "term": term})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item["matched"]:
            handler.addQuickElement("category", "", item["matched"])


def answered(request, answer):
    """The answer to a KnowledgeRequest, in its response type."""
    asked = answer.request
    entries = [entry_facts(request, answer, entry) for entry in answer.entries]
    feed_url = service_url(request, asked.parameters())
    if asked.response_type == JSON:
        response = JsonResponse(
            {
                "feed": {
                    "id": feed_url,
                    "title": feed_title(answer),
                    "subtitle": " ".join(answer.notes),
                    "updated": max(
                        (entry["updated"] for entry in entries), default=timezone.now()
                    ).isoformat(),
                    "author": {"name": settings.SITE_NAME, "uri": home_url(request)},
                    "language": answer.language,
                    "rights": settings.CONTENT_LICENCE,
                    "foundBy": answer.found_by or None,
                    "category": [
                        {"scheme": scheme, "term": term} for scheme, term in asked.parameters()
                    ],
                    "entry": [json_entry(facts) for facts in entries],
                }
            }
        )
    elif asked.response_type == HTML:
        response = render(
            request,
            "connect/knowledge.html",
            {
                "answer": answer,
                "entries": entries,
                "content_licence": settings.CONTENT_LICENCE,
            },
        )
    else:
        feed = KnowledgeFeed.of_site(
            request,
            title=feed_title(answer),
            link=service_url(request, [*without_response_type(asked), (RESPONSE_TYPE, HTML)]),
            subtitle=" ".join(answer.notes),
            feed_url=feed_url,
            feed_guid=feed_url,
            asked=asked.parameters(),
        )
        for facts in entries:
            feed.add_item(
                title=facts["title"],
                link=facts["url"],
                unique_id=facts["url"],
                description=atom_summary(facts),
                updateddate=facts["updated"],
                matched=facts["matched"]
                and {
                    "scheme": f"urn:oid:{facts['matched']['system']}",
                    "term": facts["matched"]["code"],
                    "label": facts["matched"]["displayName"],
                },
            )
        response = HttpResponse(feed.writeString("utf-8"), content_type=feed.content_type)
    return for_any_origin(response)


def refused(request, error):
    """A 400 saying in plain words what is wrong with the request (see BadRequest)."""
    if error.response_type == JSON:
        response = JsonResponse(
            {
                "error": {"status": 400, "message": error.message},
                "rights": settings.CONTENT_LICENCE,
            },
            status=400,
        )
    elif error.response_type == HTML:
        response = render(
            request,
            "connect/knowledge.html",
            {"refusal": error.message, "content_licence": settings.CONTENT_LICENCE},
            status=400,
        )
    else:
        url = service_url(request, [])
        feed = KnowledgeFeed.of_site(
            request,
            title=f"{settings.SITE_NAME}: request not understood",
            link=url,
            subtitle=error.message,
            feed_guid=url,
            asked=[],
        )
        response = HttpResponse(
            feed.writeString("utf-8"), content_type=feed.content_type, status=400
        )
    return for_any_origin(response)


def for_any_origin(response):
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    response["Access-Control-Allow-Origin"] = "*"
    # Answers repeat our own pages: search engines should index those, not these.
    response["X-Robots-Tag"] = "noindex"
    return response


def entry_facts(request, answer, entry):
    """What every format shows of one article."""
    article = entry.article
    system = answer.request.system
    return {
        "title": article.title,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "summary": article.standfirst,
        "updated": entry.updated,
        "last_reviewed": article.last_reviewed,
        "matched": entry.matched_code
        and {
            "system": system,
            "systemName": answer.request.system_name,
            "code": entry.matched_code,
            "displayName": entry.matched_display_name,
        },
    }


def json_entry(facts):
    return {
        "id": facts["url"],
        "title": facts["title"],
        "link": facts["url"],
        "summary": facts["summary"],
        "updated": facts["updated"].isoformat(),
        "lastReviewed": facts["last_reviewed"] and facts["last_reviewed"].isoformat(),
        "matchedCode": facts["matched"] or None,
    }


def atom_summary(facts):
    """The standfirst and the date of the last clinical review, as Atom's HTML summary."""
    summary = format_html("<p>{}</p>", facts["summary"])
    if facts["last_reviewed"]:
        summary += format_html(
            '<p class="last-reviewed">Last reviewed by a clinician on {}.</p>',
            format_date(facts["last_reviewed"], "j F Y"),
        )
    return summary


def feed_title(answer):
    return f"{settings.SITE_NAME}: health articles for {answer.subject}"


def without_response_type(asked):
    return [(name, value) for name, value in asked.parameters() if name != RESPONSE_TYPE]


def service_url(request, parameters):
    """The service's address with these parameters: those read, never anything else a
    caller sent."""
    url = request.build_absolute_uri(reverse("connect:knowledge"))
    return f"{url}?{urlencode(parameters)}" if parameters else url


def home_url(request):
    return request.build_absolute_uri(reverse("articles:home"))
