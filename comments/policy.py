"""How a reader's comment is received: the spam screen, the red-flag check, per-client limits
and reports.

Limits live in the cache (Redis when configured, so every process shares them), reports in
the database; both know a client by `governance.clients.client_key`: a hash, never the
reader's address.
"""

import re

from django.conf import settings
from django.db import transaction
from django.utils.text import Truncator

from governance.clients import client_key, over_rate_limit
from triage.advice import advice_for_text
from triage.engine import Disposition

from . import notifications
from .models import BlockedWord, Comment

# One match per link: "https://www.nhs.uk/..." is one link, not two.
LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
MAX_LINKS = 2

RED_FLAG_URGENCY = {
    Disposition.EMERGENCY: Comment.RedFlagUrgency.EMERGENCY,
    Disposition.URGENT: Comment.RedFlagUrgency.URGENT,
}


def spam_reason_for(text):
    """Why a comment's text belongs in the spam queue, or "" if it does not."""
    if len(LINK.findall(text)) > MAX_LINKS:
        return f"More than {MAX_LINKS} links"
    lowered = text.casefold()
    for word in BlockedWord.objects.values_list("word", flat=True):
        if re.search(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", lowered):
            return f"Contains the blocked word “{word}”"
    return ""


def mark_red_flag(comment):
    """Mark the comment if its words mention a red flag; the advice for it, or None.

    Only the body is read: a name like "Numb Bum" is no sign. The mark is kept apart
    from the reader's words, which are stored exactly as sent.
    """
    advice = advice_for_text(comment.body)
    if advice is not None:
        comment.red_flag_urgency = RED_FLAG_URGENCY[advice.level]
        max_length = Comment._meta.get_field("red_flag_note").max_length
        comment.red_flag_note = Truncator(advice.summary).chars(max_length)
    return advice


def receive(comment, request):
    """Store a reader's new comment in the spam queue or the moderators' queue.

    Nothing a reader sends is public before a moderator approves it; moderators are told
    of a pending comment once it is safely stored. A comment that mentions a red flag is
    marked and told at once to moderators and clinicians, even if it looks like spam: a
    person in trouble may also paste links. Returns the red-flag advice the reader must
    see straight away, or None.
    """
    advice = mark_red_flag(comment)
    comment.spam_reason = spam_reason_for(f"{comment.display_name}\n{comment.body}")
    comment.status = Comment.Status.SPAM if comment.spam_reason else Comment.Status.PENDING
    with transaction.atomic():
        comment.save()
        if advice is not None:
            notifications.tell_staff_of_a_red_flag(comment, advice, request)
        elif comment.status == Comment.Status.PENDING:
            notifications.tell_moderators_a_comment_waits(comment, request)
    return advice


def comment_rate_exceeded(request):
    """Count this comment against the client's limit; True once over the limit."""
    return over_rate_limit(
        request, "comment", settings.COMMENTS_RATE_LIMIT, settings.COMMENTS_RATE_WINDOW_SECONDS
    )


def count_report(request, comment):
    """Count this client's report of the comment once, however often it is sent.

    Counted in the database, not the cache: with the cache down or per process, a reader
    repeating a report could otherwise hide an approved comment alone.
    """
    return comment.report(client_key(request))
