"""Emails about comments, sent after the comment is safely stored.

Each is queued with transaction.on_commit(..., robust=True): it runs only once the comment
is committed, and a failing mail server is logged, never turned into a lost comment.
"""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from governance.roles import MODERATOR


def moderator_emails():
    return list(
        get_user_model()
        .objects.filter(groups__name=MODERATOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def tell_moderators_a_comment_waits(comment, request):
    def send():
        recipients = moderator_emails()
        if not recipients:
            return
        url = request.build_absolute_uri(
            reverse("admin:comments_comment_change", args=[comment.pk])
        )
        send_mail(
            subject=f"A comment is waiting for moderation: {comment.article.title}",
            message=(
                f"{comment.display_name} commented on “{comment.article.title}”.\n"
                f"Status: {comment.get_status_display()}"
                f"{' (' + comment.spam_reason + ')' if comment.spam_reason else ''}.\n\n"
                f"Approve or reject it here: {url}\n"
            ),
            from_email=None,
            recipient_list=recipients,
        )

    transaction.on_commit(send, robust=True)


def tell_reader_their_comment_was_answered(reply, request):
    comment = reply.parent
    if not (comment and comment.notify_on_reply and comment.email):
        return

    def send():
        url = request.build_absolute_uri(comment.article.get_absolute_url()) + "#comments"
        send_mail(
            subject=f"Your comment on “{comment.article.title}” has an answer",
            message=(
                f"Hello {comment.display_name},\n\n"
                f"Your comment on “{comment.article.title}” has been answered. Read the "
                f"answer here: {url}\n\n"
                "You asked us to tell you by email. We will not use your address for "
                "anything else.\n"
            ),
            from_email=None,
            recipient_list=[comment.email],
        )

    transaction.on_commit(send, robust=True)
