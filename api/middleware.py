"""The content API's HTTP side: open to other sites' pages for reading, limited per client,
and revalidated cheaply.

- CORS: any origin may read (GET, HEAD); a preflight is answered here, nothing else is
  allowed. Answers hold nothing of one reader's, so no credentials are involved.
- Rate limit (`ContentAPIRateLimitMiddleware`, after the page cache): API_RATE_LIMIT
  answers a client may have rendered in API_RATE_WINDOW_SECONDS, counted by a keyed hash of
  its address (`governance.clients`), never the address itself; past it, a 429 with
  `Retry-After`. An answer the page cache holds costs what a static file costs and is not
  counted: counting it (three Redis round trips) halved what the cache could serve.
- Caching: answers the page cache serves carry its weak ETag and `Cache-Control` (see
  `pagecache.middleware`); the others (a code filter, the changes feed, the schema, refusals)
  get an ETag of their bytes here, so `If-None-Match` gets a 304 either way. Answers are public
  but must be revalidated: a copy is never served once a red flag on it has changed.

`ContentAPIMiddleware` sits before the page cache (see settings.MIDDLEWARE), so cached
answers get the same headers.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

from governance.clients import over_rate_limit

READING = ("GET", "HEAD")
PREFLIGHT_SECONDS = 86400


class ContentAPIMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(settings.API_PATH_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS":
            return with_cors(preflight())
        head = request.method == "HEAD"
        if head:
            request.method = "GET"  # the views answer GET; HEAD gets the same, less the body
        response = self.get_response(request)
        if request.method in READING:
            response = revalidated(request, response)
        if head:
            response.content = b""  # Content-Length stays the body's, as HEAD's must
        return with_cors(response)


class ContentAPIRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(settings.API_PATH_PREFIX) and over_rate_limit(
            request, "api", settings.API_RATE_LIMIT, settings.API_RATE_WINDOW_SECONDS
        ):
            return too_many()
        return self.get_response(request)


def preflight():
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = ", ".join(READING)
    response["Access-Control-Allow-Headers"] = "Accept, If-None-Match"
    response["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
    return response


def too_many():
    body = {
        "licence": settings.CONTENT_LICENCE,
        "detail": f"Too many requests: at most {settings.API_RATE_LIMIT} every "
        f"{settings.API_RATE_WINDOW_SECONDS} seconds. Try again later.",
    }
    response = JsonResponse(body, status=429)
    response["Retry-After"] = str(settings.API_RATE_WINDOW_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def revalidated(request, response):
    """The answer with an ETag and caching headers, or a 304 if the caller holds it."""
    if response.status_code != 200 or response.streaming:
        response.setdefault("Cache-Control", "no-store")
        return response
    if not response.has_header("ETag"):
        set_response_etag(response)
        response["Cache-Control"] = "public, max-age=0"
        patch_vary_headers(response, ("Accept-Encoding",))
    return get_conditional_response(request, etag=response["ETag"], response=response)


def with_cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Retry-After"
    return response
