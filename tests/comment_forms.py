"""A reader's side of the comment forms, through Django's test client: what their browser
sends to comment or report, and the comments they then read on the page."""

import re
import time
from unittest import mock

from django.core import signing
from django.urls import reverse

from comments.forms import TIMESTAMP_SALT


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


def report(client, comment, address="127.0.0.1"):
    return client.post(reverse("comments:report", args=[comment.pk]), REMOTE_ADDR=address)


def comment_bodies(html):
    """The text of each comment body on the page, in page order."""
    return re.findall(r'<div class="comment-body" dir="auto">(.*?)</div>', html, re.DOTALL)
