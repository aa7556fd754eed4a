"""Both sides of the comment forms, through Django's test client: what a reader's browser sends
to comment or report, the page they then read, and the reply box a clinician fills in."""

import re
import time
from unittest import mock

from django.core import signing
from django.urls import reverse

from comments.forms import TIMESTAMP_SALT
from comments.models import Comment

from .admin_forms import change_form_data, change_url


def stamp(seconds_ago=10):
    """The signed `started` value of a form page opened `seconds_ago` seconds ago."""
    opened = time.time() - seconds_ago
    with mock.patch.object(
        signing.TimestampSigner, "timestamp", lambda signer: signing.b62_encode(int(opened))
    ):
        return signing.dumps(opened, salt=TIMESTAMP_SALT)


def comment_data(**fields):
    """What a reader's browser sends; notify_on_reply=True ticks the box."""
    data = {
        "display_name": "Sam",
        "email": "",
        "body": "Heat packs helped my back a lot.",
        "website": "",
        "started": stamp(),
    }
    data.update(fields)
    if data.pop("notify_on_reply", False):
        data["notify_on_reply"] = "on"
    return data


def post_comment(client, article, data=None, **extra):
    data = comment_data() if data is None else data
    return client.post(reverse("comments:post", args=[article.slug]), data, **extra)


def report(client, comment, address="127.0.0.1", **extra):
    return client.post(reverse("comments:report", args=[comment.pk]), REMOTE_ADDR=address, **extra)


def comment_bodies(html):
    """The text of each comment body on the page, in page order."""
    return re.findall(r'<div class="comment-body" dir="auto">(.*?)</div>', html, re.DOTALL)


def page(client, article, query=""):
    """The article page's HTML as this client reads it; it must load."""
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def reply_inline(response):
    """The clinicians' reply box on the admin's change page of a comment."""
    (inline,) = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Comment
    ]
    return inline


def add_reply(client, comment, answer, role="Physiotherapist", changes=None):
    """A clinician fills in the reply box on the comment's change page and saves."""
    response = client.get(change_url(comment))
    assert response.status_code == 200
    data = change_form_data(response)
    prefix = reply_inline(response).formset.prefix
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data[f"{prefix}-{index}-body"] = answer
    data[f"{prefix}-{index}-author_role"] = role
    data.update(changes or {})
    return client.post(change_url(comment), data)
