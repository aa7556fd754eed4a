from django.conf import settings
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control


def server_error(request):
    """The 500 page, with help-line numbers from settings and no database access."""
    context = {
        "site_name": settings.SITE_NAME,
        "emergency_number": settings.EMERGENCY_NUMBER,
        "urgent_number": settings.URGENT_NUMBER,
    }
    return render(request, "500.html", context, status=500)


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included; answer with ours."""
    return redirect(static("articles/favicon.svg"))
