from django.conf import settings
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import cache_control

from pagecache.csrf import REASON_CROSS_ORIGIN
from triage.advice import advice_for_text
from triage.views import checker_after_expired_token

from .middleware import kept_note

# Red flags are looked for in this much of a refused comment or note (forms take less).
MAX_KEPT_CHARACTERS = 5_000


def server_error(request):
    """The 500 page with the help-line numbers, which come from the site context processor.

    Django's default handler renders 500.html without context processors, so it would show
    no numbers. Nothing here touches the database.
    """
    return render(request, "500.html", status=500)


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included; answer with ours."""
    return redirect(static("articles/favicon.svg"))


@cache_control(max_age=86400, public=True)
def robots_txt(request):
    """Keep crawlers out of search results, which would only repeat our pages, and out of
    the admin; point them at the sitemap.

    A moved admin (DJANGO_ADMIN_URL) is not listed: robots.txt is public, and naming the
    address would undo the point of moving it. Admin pages tell crawlers not to index them.
    """
    admin_path = reverse("admin:index")
    context = {
        "admin_path": admin_path if admin_path == "/admin/" else "",
        "search_path": reverse("search:results"),
        "sitemap_url": request.build_absolute_uri(reverse("sitemap")),
    }
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")


def csrf_failure(request, reason=""):
    """A form refused by the CSRF checks (sent from another site, or an admin form whose
    token expired): explain in plain words and lose nothing.

    Forms that know how to show themselves again (the symptom checker) are re-shown with
    everything the reader entered, so one more press on our own page sends them, and a red
    flag among the answers gets its advice at once.
    """
    match = request.resolver_match
    if match is not None and match.view_name == "triage:checker":
        return checker_after_expired_token(request)
    context = {"from_another_site": reason == REASON_CROSS_ORIGIN}
    if context["from_another_site"] and getattr(match.func, "csrf_by_origin", False):
        # A reader's comment or note: given back to send from this page, with the advice
        # any warning sign in it needs, as if it had been sent from here.
        kept = request.POST
        note = kept_note(request, kept)
        words = note or kept.get("body", "")
        context |= {
            "kept": kept,
            "kept_note": note,
            "red_flag_advice": advice_for_text(words[:MAX_KEPT_CHARACTERS]),
            "red_flag_mentioned": "note" if note else "comment",
        }
    response = render(request, "403_csrf.html", context, status=403)
    add_never_cache_headers(response)  # it may hold the reader's words
    return response


def admin_sign_in_locked(request, response, credentials):
    """django-axes calls this after too many wrong passwords: say what happened and for how
    long, in plain words, with the status (429) that tells clients to slow down."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "admin/locked_out.html", context, status=429)


# Admin pages of models that moved out of the articles app, by their old address: links
# in moderators' emails sent before the move still lead to the comment.
MOVED_ADMIN_PAGES = {
    "comment": "comments",
    "blockedword": "comments",
    "searchsynonym": "search",
    "unansweredsearch": "search",
}


def moved_admin_page(request, model, rest):
    address = reverse("admin:index") + f"{MOVED_ADMIN_PAGES[model]}/{model}/{rest}"
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{address}?{query}" if query else address, permanent=True)
