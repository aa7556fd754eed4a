"""Slow work that no reader should wait for, run by the task worker.

Mail is queued in the database inside the same transaction as the comment or reply it is
about: it exists exactly when that does, survives a restart, and waits while the mail server
is down (see `retries`).
"""

from django.core.mail import EmailMultiAlternatives
from django.tasks import task

# Higher runs first: a possible emergency in a comment goes ahead of routine notices.
URGENT = 50


@task()
def send_email(subject, body, to, html_body=""):
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()


def queue_email(subject, body, to, html_body="", urgent=False):
    """Queue one email to `to` (a list of addresses) for the worker to send."""
    if not to:
        return None
    queued = send_email.using(priority=URGENT) if urgent else send_email
    return queued.enqueue(subject=subject, body=body, to=list(to), html_body=html_body)
