"""Project-wide middleware: request logs, a Permissions-Policy, and a calm page when the
database is unreachable."""

import json
import logging
import time

from django.db import InterfaceError, OperationalError
from django.shortcuts import render

request_logger = logging.getLogger("spasmcms.requests")


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

    A reader who was sending a comment gets their words back in a form they can send again.
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
        response = render(request, "503.html", {"kept": kept}, status=503)
        response.headers["Retry-After"] = "30"
        return response
