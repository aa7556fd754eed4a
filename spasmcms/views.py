from django.conf import settings
from django.shortcuts import render


def server_error(request):
    """The 500 page, with help-line numbers from settings and no database access."""
    context = {
        "site_name": settings.SITE_NAME,
        "emergency_number": settings.EMERGENCY_NUMBER,
        "urgent_number": settings.URGENT_NUMBER,
    }
    return render(request, "500.html", context, status=500)
