"""Project-wide middleware: request logs, a Permissions-Policy, and a calm page when the
database is unreachable."""

import json
import logging
import time

from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

request_logger = logging.getLogger("spasmcms.requests")

# The page-feedback box, whose note the 503 page gives back. Other forms post a `text` too
# (the symptom checker's questions in the admin), and those are not a reader's note.
FEEDBACK_NOTE_VIEW = "feedback:missing"


class RequestLogMiddleware:
    """One JSON line per request: method, path, status and duration.

    Deliberately nothing else: no IP address, no user, no query string (search words and
    symptom-checker answers never reach the log).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        request_logger.info(
            json.dumps(
                {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                }
            )
        )
        return response


class PermissionsPolicyMiddleware:
    """Turn off browser features no page of ours uses."""

    POLICY = (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """A friendly 503 instead of an error page when the database cannot be reached.

    A reader who was sending a comment, or a note on what a page was missing, gets their
    words back in a form they can send again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Connection-level failures only; a bad query is a bug and must stay visible as one.
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # Site name and help-line numbers come from the site context processor (no database).
        kept = request.POST if request.method == "POST" else None
        context = {"kept": kept, "kept_note": kept_note(request, kept)}
        response = render(request, "503.html", context, status=503)
        response.headers["Retry-After"] = "30"
        # It may hold the reader's words, like the pages they were sent from.
        add_never_cache_headers(response)
        return response


def kept_note(request, kept):
    """The note a reader was sending from the page-feedback box, if they wrote one."""
    match = getattr(request, "resolver_match", None)
    if kept is None or match is None or match.view_name != FEEDBACK_NOTE_VIEW:
        return None
    note = kept.get("text", "")
    return note if note.strip() else None
