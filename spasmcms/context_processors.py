from django.conf import settings


def site(request):
    """Site name and the help-line numbers every page may show (never hard-coded in templates)."""
    return {
        "site_name": settings.SITE_NAME,
        "emergency_number": settings.EMERGENCY_NUMBER,
        "urgent_number": settings.URGENT_NUMBER,
    }
