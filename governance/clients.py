"""Who is asking, without knowing who they are.

Comment rate limits and report counts know a client only by a keyed hash of its address
(`client_key`), which cannot be reversed without the site's secret key. The admin sign-in
lockout (django-axes) is given the address itself by `client_address`: axes keeps it with
each failed sign-in, which is what lets it pause one address and not everybody.
"""

from django.conf import settings
from django.utils.crypto import salted_hmac

# Changing it would reset every client's comment limit and report record at once.
CLIENT_HASH_SALT = "articles.antispam.client"


def client_address(request):
    """The reader's address, looking past the proxies this deployment says it has.

    With TRUSTED_PROXY_COUNT = N, the Nth address from the right of X-Forwarded-For is the
    one our own first proxy saw; anything further left could be forged by the client.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [address for address in forwarded if address]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_key(request):
    address = client_address(request)
    return salted_hmac(CLIENT_HASH_SALT, address, algorithm="sha256").hexdigest()[:32]
