"""gunicorn's logger, made to write no network address (deploy/gunicorn.conf.py names it).

A reader's address says where they are, and on a health site that is personal data beside
the page they read. Our request log leaves it out, but gunicorn names the client itself
("Invalid request from ip=...") and its access log starts with it. This logger takes every
address out of what gunicorn writes, from the master and the workers alike, tracebacks
included.

Only gunicorn imports this module; the site itself never does, so `manage.py` runs without it.
"""

import ipaddress
import logging
import re

from gunicorn.glogging import Logger

REDACTED = "<address>"

# Candidates only: each is checked with `ipaddress` before it goes, so a time of day
# ("12:34:56") or a version number is left alone.
IPV6_CANDIDATE = re.compile(
    r"(?<![\w:.])(\[)?"
    r"((?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})(?:%[\w.-]+)?)"
    r"(?(1)\])(?!\w|\.\d)"
)
IPV4 = re.compile(r"(?<!\d)(?:\d{1,3}\.){3}\d{1,3}(?!\d)")
# gunicorn's "ip=<peer>: <error>", whatever the peer is (a Unix socket gives no address).
IP_FIELD = re.compile(r"(?<![A-Za-z0-9])ip=\S*?(?=:?(?:\s|$))", re.IGNORECASE)
# Proxy headers name the reader even when their value is no plain address
# (`for=_hidden`, a host name), so their whole value goes.
FORWARDING_HEADER = re.compile(
    r"(?<![A-Za-z0-9-])((?:x[-_]forwarded[-_]for|x[-_]real[-_]ip|true[-_]client[-_]ip"
    r"|forwarded)(?![\w-])[\"']?\s*[:=,]\s*[\"']?)[^\r\n\"'\]\)}]*",
    re.IGNORECASE,
)
FORWARDED_FOR = re.compile(r"(?<![\w-])for=(?:\"[^\"]*\"|[^\s;,\"']+)", re.IGNORECASE)

# Access log atoms that hold the client's address or a proxy's word for it.
ADDRESS_ATOMS = {
    "h",
    "{x-forwarded-for}i",
    "{x-real-ip}i",
    "{true-client-ip}i",
    "{forwarded}i",
    "{remote_addr}e",
    "{http_x_forwarded_for}e",
    "{http_x_real_ip}e",
    "{http_true_client_ip}e",
    "{http_forwarded}e",
}


def redact_addresses(text):
    """`text` with every IPv4 and IPv6 address, `ip=` field and forwarding header value
    replaced by a placeholder."""
    text = FORWARDED_FOR.sub(f"for={REDACTED}", text)
    text = FORWARDING_HEADER.sub(rf"\g<1>{REDACTED}", text)
    text = IP_FIELD.sub(f"ip={REDACTED}", text)
    text = IPV6_CANDIDATE.sub(_redact_ipv6, text)
    return IPV4.sub(REDACTED, text)


def _redact_ipv6(match):
    candidate, kept = match.group(2), ""
    # "from ::1: bad request": unbracketed, a colon that ends the address is the text's.
    if not match.group(1) and candidate.endswith(":") and not candidate.endswith("::"):
        candidate, kept = candidate[:-1], ":"
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return match.group(0)
    return REDACTED + kept


class AddressRedactingFilter(logging.Filter):
    """Rewrites a record so that no handler or formatter can see an address in it: the
    message is formatted and redacted, and a traceback becomes redacted text."""

    traceback_formatter = logging.Formatter()

    def filter(self, record):
        record.msg = redact_addresses(record.getMessage())
        record.args = None
        if record.exc_info:
            exc_text = self.traceback_formatter.formatException(record.exc_info)
            record.exc_text = redact_addresses(exc_text)
            # Frames and exception objects can hold the address too; only the text goes on.
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact_addresses(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_addresses(record.stack_info)
        return True


class AddressFreeLogger(Logger):
    """gunicorn's logger, with no address in its error or access log."""

    def setup(self, cfg):
        super().setup(cfg)
        # On the loggers, so records are rewritten before any handler sees them, including
        # handlers a log configuration adds; on a reload, setup runs again: add it once.
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, AddressRedactingFilter) for f in log.filters):
                log.addFilter(AddressRedactingFilter())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ADDRESS_ATOMS.intersection(atoms):
            atoms[name] = "-"
        return atoms
