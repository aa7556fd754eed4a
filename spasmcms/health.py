"""Health endpoints for load balancers and monitoring.

/healthz says the process answers; /readyz says it can do real work (database and cache).
"""

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    checks = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        checks["database"] = "unreachable"
    try:
        cache.set("readyz-probe", "ok", timeout=5)
        if cache.get("readyz-probe") != "ok":
            checks["cache"] = "failing"
    except Exception:  # any cache backend error means the cache is not ready
        checks["cache"] = "unreachable"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )
