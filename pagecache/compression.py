"""Compressed HTML: brotli or gzip, as the reader's browser accepts.

Cached pages are compressed once, when stored (`compressed_bodies`); every other response
worth compressing is compressed as it goes out (`CompressionMiddleware`). Django's own
GZipMiddleware offers no brotli, which takes an article from about 34 kB to about 5 kB
where gzip leaves 6 to 7.

Compression lets an attacker who can put text in a page and watch its size guess a secret
on the same page, a byte at a time (BREACH). So only responses that carry no secret are
compressed: not those holding a CSRF token (the admin and its sign-in page) and not those
for a signed-in person (staff pages show readers' email addresses beside readers' text).
An anonymous public page carries neither: its forms need no token (`pagecache.csrf`).
"""

import functools
import gzip

import brotli
from django.conf import settings
from django.utils.cache import patch_vary_headers

ENCODINGS = ("br", "gzip")  # in the order preferred when the browser accepts both
# Quality 5 compresses an article in about a millisecond, within 15 % of the smallest
# (quality 11 takes 40 times longer); every render after an edit pays it.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
COMPRESSED_TYPES = ("text/", "application/json", "application/xml", "application/rss+xml")
# Below this, the headers outweigh what compression saves.
MIN_LENGTH = 256
# Set on the request when the response carries a CSRF token (by `pagecache.csrf`).
CSRF_IN_PAGE = "page_holds_csrf_token"


def compress(body, encoding):
    if encoding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    # mtime=0: the same page gives the same bytes whenever it is compressed.
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def compressed_bodies(body):
    """The page as sent for each encoding: {"identity": ..., "br": ..., "gzip": ...}."""
    return {"identity": body} | {encoding: compress(body, encoding) for encoding in ENCODINGS}


@functools.lru_cache(maxsize=64)  # browsers send a handful of distinct values
def chosen_encoding(accept_encoding):
    """The encoding to answer an `Accept-Encoding` header with: "br", "gzip" or
    "identity" (RFC 9110: the accepted coding of highest weight, brotli on a tie; q=0
    refuses a coding, `*` stands for any other)."""
    weights = {}
    for item in accept_encoding.lower().split(","):
        coding, _, parameters = item.partition(";")
        weight = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
            if not 0 <= weight <= 1:  # out of range or not a number (nan): unreadable
                weight = 0.0
        weights[coding.strip()] = weight
    accepted = [
        (weights.get(encoding, weights.get("*", 0.0)), -preference, encoding)
        for preference, encoding in enumerate(ENCODINGS)
    ]
    weight, _, encoding = max(accepted)
    return encoding if weight > 0 else "identity"


def may_compress(request, response):
    content_type = response.get("Content-Type", "")
    return (
        not response.streaming
        and not response.has_header("Content-Encoding")
        and content_type.startswith(COMPRESSED_TYPES)
        and len(response.content) >= MIN_LENGTH
        and not getattr(request, CSRF_IN_PAGE, False)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class CompressionMiddleware:
    """Compress what no cache compressed already, when it carries no secret."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not may_compress(request, response):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        encoding = chosen_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if encoding == "identity":
            return response
        response.content = compress(response.content, encoding)
        response["Content-Encoding"] = encoding
        response["Content-Length"] = str(len(response.content))
        etag = response.get("ETag")
        if etag and not etag.startswith("W/"):
            # The same page in other bytes: no longer the same representation, byte for byte.
            response["ETag"] = "W/" + etag
        return response
