"""Start-up checks for settings that would quietly weaken the sign-in lockout and rate limits."""

from django.conf import settings
from django.core import checks

from .clients import trusted_networks


@checks.register(checks.Tags.security)
def check_trusted_proxies(app_configs, **kwargs):
    """A proxy count with no proxies to trust means X-Forwarded-For is never believed and every
    reader behind the proxy shares one address; a malformed entry is skipped, never trusted."""
    errors = []
    count = settings.TRUSTED_PROXY_COUNT
    proxies = list(settings.TRUSTED_PROXIES)
    if count < 0:
        errors.append(
            checks.Error(
                "TRUSTED_PROXY_COUNT cannot be negative.",
                hint="Set DJANGO_TRUSTED_PROXY_COUNT to the number of proxies in front, or 0.",
                id="governance.E001",
            )
        )
    if count > 0 and not proxies:
        errors.append(
            checks.Error(
                "TRUSTED_PROXY_COUNT is set but TRUSTED_PROXIES is empty.",
                hint="List the proxies' addresses or ranges in DJANGO_TRUSTED_PROXIES.",
                id="governance.E002",
            )
        )
    for entry in proxies:
        try:
            trusted_networks([entry])
        except ValueError:
            errors.append(
                checks.Error(
                    f"TRUSTED_PROXIES entry {entry!r} is not an IP address or CIDR range.",
                    hint="Use forms like 127.0.0.1, ::1 or 10.0.0.0/8.",
                    id="governance.E003",
                )
            )
    return errors
