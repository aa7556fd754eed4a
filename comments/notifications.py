"""Emails about comments, queued for the task worker with the comment itself.

Each is queued in the same transaction that stores the comment or reply: it exists exactly
when that does, the reader never waits for a mail server, and a mail server that is down
delays the email (the worker tries again) instead of losing it or the comment.

Staff emails carry a link to the comment, never the reader's words: they are read in
inboxes and on phones far less protected than the admin.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from background.tasks import queue_email
from governance.roles import CLINICIAN, MODERATOR


def staff_emails(*roles):
    """The addresses of active staff in any of these roles (group names), each once."""
    return sorted(
        get_user_model()
        .objects.filter(groups__name__in=roles, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def change_page_url(comment, request):
    return request.build_absolute_uri(reverse("admin:comments_comment_change", args=[comment.pk]))


def tell_moderators_a_comment_waits(comment, request):
    queue_email(
        subject=f"A comment is waiting for moderation: {comment.article.title}",
        body=(
            f"{comment.display_name} commented on “{comment.article.title}”.\n"
            f"Status: {comment.get_status_display()}"
            f"{' (' + comment.spam_reason + ')' if comment.spam_reason else ''}.\n\n"
            f"Approve or reject it here: {change_page_url(comment, request)}\n"
        ),
        to=staff_emails(MODERATOR),
    )


def tell_staff_of_a_red_flag(comment, advice, request):
    """Moderators and clinicians, at once: a comment seems to mention a warning sign.

    `advice` is what the reader was shown (triage.advice.RedFlagAdvice). Clinicians are
    told too, so someone who can answer a reader in trouble sees it soon.
    """
    possibly = comment.get_red_flag_urgency_display()  # "Possible emergency"
    signs = "\n".join(f"- {noticed}" for noticed in advice.noticed)
    spam = ""
    if comment.status == comment.Status.SPAM:
        spam = f"It went to the spam queue ({comment.spam_reason}): look for it there.\n"
    queue_email(
        subject=f"{possibly} in a comment waiting for moderation",
        body=(
            f"{possibly}: a reader's comment on “{comment.article.title}” seems to "
            f"mention:\n{signs}\n\n"
            f"The reader was shown our advice for this straight away "
            f"({advice.level.label}).\n{spam}\n"
            f"Please read the comment and decide soon: {change_page_url(comment, request)}\n"
        ),
        to=staff_emails(MODERATOR, CLINICIAN),
        urgent=True,
    )


def tell_reader_their_comment_was_answered(reply, request):
    comment = reply.parent
    if not (comment and comment.notify_on_reply and comment.email):
        return

    url = request.build_absolute_uri(comment.article.get_absolute_url()) + "#comments"
    queue_email(
        subject=f"Your comment on “{comment.article.title}” has an answer",
        body=(
            f"Hello {comment.display_name},\n\n"
            f"Your comment on “{comment.article.title}” has been answered. Read the "
            f"answer here: {url}\n\n"
            "You asked us to tell you by email. We will not use your address for "
            "anything else.\n"
        ),
        to=[comment.email],
    )
