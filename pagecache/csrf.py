"""Cross-site request forgery protection that lets public pages be the same for everyone.

Django's token protection puts a token made for one reader in every form, so no two readers
get the same page and no cache in front can keep one. The forms of cached public pages (a
comment, the symptom checker, "was this helpful?") are guarded instead by what the browser
says about where the request comes from, as Go's `net/http.CrossOriginProtection` does:

- `Sec-Fetch-Site` (every current browser sends it): "same-origin" or "none" (typed or
  bookmarked by the reader) is accepted; any other value is refused unless the `Origin`
  is in CSRF_TRUSTED_ORIGINS (or this site's own, which no browser pairs with them).
- With no `Sec-Fetch-Site` (browsers before 2020-2023; an empty one counts as none), the
  `Origin` header must be this site's own (or trusted).
- With neither header the request is not from a current browser's form on another site
  (they send at least one on every cross-site POST), so it is accepted: a very old browser
  keeps working. What bots send is the spam defences' business (`comments.forms`), not this.

Every POST to any view gets this check. Views marked with `pagecache.pages.public_form`
need nothing more; every other view (the admin, sign-in) also needs Django's token, as
before. A refused request gets the site's CSRF failure page, which keeps what was typed.
"""

from django.middleware.csrf import CsrfViewMiddleware

from .compression import CSRF_IN_PAGE

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
FROM_THIS_SITE = ("same-origin", "none")
REASON_CROSS_ORIGIN = "The form was sent from another site."


class CrossOriginProtectionMiddleware(CsrfViewMiddleware):
    """Django's CsrfViewMiddleware, with the origin checked first for every unsafe request
    and the token needed by every view but those marked as public forms."""

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if request.method in SAFE_METHODS or getattr(callback, "csrf_exempt", False):
            return super().process_view(request, callback, callback_args, callback_kwargs)
        if not self.sent_from_this_site(request):
            return self._reject(request, REASON_CROSS_ORIGIN)
        if getattr(callback, "csrf_by_origin", False):
            return self._accept(request)
        return super().process_view(request, callback, callback_args, callback_kwargs)

    def sent_from_this_site(self, request):
        fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
        if fetch_site:
            return fetch_site in FROM_THIS_SITE or self.trusted_origin(request)
        if "HTTP_ORIGIN" in request.META:
            # Django's own check: this site's scheme and host, or a trusted origin.
            return self._origin_verified(request)
        return True

    def trusted_origin(self, request):
        origin = request.META.get("HTTP_ORIGIN")
        return origin is not None and origin != "null" and self._origin_verified(request)

    def process_response(self, request, response):
        # Django marks a request whose page was given a token (or a new secret); such a
        # page is never compressed (`pagecache.compression`).
        # The key's presence is what counts: the admin's own csrf_protect sets it back to
        # False after the token was already put in the page.
        if "CSRF_COOKIE_NEEDS_UPDATE" in request.META:
            setattr(request, CSRF_IN_PAGE, True)
        return super().process_response(request, response)
