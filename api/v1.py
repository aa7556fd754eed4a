"""Version 1 of the read-only content API, for partner sites and patient portals that show
or keep a copy of our articles (see the README). Built with django-ninja: the answers'
schemas are the code (Pydantic), the OpenAPI schema comes from them, and its docs page is
served from our own static files.

Nothing here writes anything or reads who is asking: the HTTP side (CORS, ETag, caching
headers, the rate limit) is `api.middleware`'s.
"""

import datetime
import math

from django.conf import settings
from django.utils import timezone
from ninja import NinjaAPI, Path, Query, Status, Swagger
from ninja.errors import ValidationError

from articles.models import Topic
from articles.models.clinical_code import asked_code
from articles.models.syndication import changes_since

from . import content, schemas

# The changes feed leaves out the last two minutes: a change written in a transaction still
# open then could carry an earlier time than one already read, and be skipped for good.
SETTLED_AFTER = datetime.timedelta(minutes=2)
CHANGES_PER_PAGE = 100

api = NinjaAPI(
    title=f"{settings.SITE_NAME} content API",
    version="1",
    description=(
        "Read-only. Clinician-reviewed patient information, for partner sites and patient "
        "portals. Link readers to each article's `url`; a copy must show its care card and "
        "review dates whole. Every answer carries the licence it may be shown under."
    ),
    urls_namespace="api-v1",
    docs=Swagger(settings={"defaultModelsExpandDepth": 0}),
)


def problem(status, detail):
    return Status(status, {"licence": settings.CONTENT_LICENCE, "detail": detail})


@api.exception_handler(ValidationError)
def refused(request, error):
    """A malformed parameter: a 400 saying which and why, as every other refusal."""
    said = "; ".join(
        f"{'.'.join(str(part) for part in fault['loc'][1:]) or 'request'}: {fault['msg']}"
        for fault in error.errors
    )
    return api.create_response(
        request, {"licence": settings.CONTENT_LICENCE, "detail": said}, status=400
    )


REFUSALS = {400: schemas.Problem, 404: schemas.Problem, 429: schemas.Problem}


@api.get(
    "/articles",
    response={200: schemas.Articles, **REFUSALS},
    url_name="articles",
    summary="Published articles, newest first",
)
def articles(request, filters: Query[schemas.ArticleFilters]):
    topic, code, system, page = filters.topic, filters.code, filters.system, filters.page
    found = content.listed()
    if topic is not None:
        if not Topic.objects.listed().filter(slug=topic).exists():
            return problem(404, f"We have no topic “{topic}” with published articles.")
        found = found.filter(topics__slug=topic)
    if code:
        try:
            found = found.for_code(system, asked_code(system, code))
        except ValueError as error:
            return problem(400, str(error))
    count = found.count()
    pages = max(1, math.ceil(count / content.PAGE_SIZE))
    if page > pages:
        return problem(404, f"There {'is' if pages == 1 else 'are'} {pages} page(s) of articles.")
    start = (page - 1) * content.PAGE_SIZE
    query = {"topic": topic, "code": code, "system": system.value if code else None}

    def at_page(number):
        return content.list_url(request, "articles", query | {"page": number})

    return {
        "licence": settings.CONTENT_LICENCE,
        "count": count,
        "page": page,
        "pages": pages,
        "next": at_page(page + 1) if page < pages else None,
        "previous": at_page(page - 1) if page > 1 else None,
        "results": [
            content.summary(request, article)
            for article in found[start : start + content.PAGE_SIZE]
        ],
    }


@api.get(
    "/articles/{slug}",
    response={200: schemas.ArticleDetail, **REFUSALS},
    url_name="article",
    summary="One published article, whole",
)
def article(request, slug: str = Path(..., pattern=schemas.SLUG_PATTERN, max_length=200)):
    found = content.article_for_detail(slug)
    if found is None:
        return problem(404, f"We have no published article “{slug}”.")
    return content.detail(request, found)


@api.get(
    "/topics",
    response={200: schemas.Topics, 429: schemas.Problem},
    url_name="topics",
    summary="Topics with published articles",
)
def topics(request):
    return {
        "licence": settings.CONTENT_LICENCE,
        "results": [
            {
                "slug": topic.slug,
                "name": topic.name,
                "description": topic.description,
                "url": content.page_url(request, topic.get_absolute_url()),
                "articles_url": content.list_url(request, "articles", {"topic": topic.slug}),
            }
            for topic in Topic.objects.listed().only("slug", "name", "description")
        ],
    }


@api.get(
    "/changes",
    response={200: schemas.Changes, **REFUSALS},
    url_name="changes",
    summary="What changed, oldest first: keep a copy in step",
)
def changes(request, position: Query[schemas.ChangesAfter]):
    since, after = position.since, position.after
    if since is not None:
        try:
            since = datetime.datetime.fromisoformat(since)
        except ValueError:
            return problem(400, f"since: “{position.since}” is not a time that exists.")
        if timezone.is_naive(since):
            since = timezone.make_aware(since, datetime.UTC)
    found, more = changes_since(
        since, after, until=timezone.now() - SETTLED_AFTER, limit=CHANGES_PER_PAGE
    )
    last = found[-1] if found else None
    resume = {"since": since.isoformat(), "after": after} if since else {}
    if last is not None:
        resume = {"since": last.at.isoformat(), "after": last.article_id}
    return {
        "licence": settings.CONTENT_LICENCE,
        "changes": [
            {
                "id": change.article_id,
                "slug": change.slug,
                "change": change.change,
                "at": change.at,
                "api_url": content.api_url(request, "article", slug=change.slug)
                if change.article is not None
                else None,
            }
            for change in found
        ],
        "more": more,
        "next": content.list_url(request, "changes", resume),
    }
