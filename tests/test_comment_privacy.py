"""A reader's IP address is never stored, whatever they do with comments."""

import pytest
from django.db import connection

from comments.models import Comment

from .comment_forms import comment_data, post_comment, report
from .factories import ArticleFactory, ModeratorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(title="Back muscle spasms")


def test_the_readers_ip_address_is_never_stored(client, article):
    address = "203.0.113.9"
    post_comment(client, article, comment_data(body="From my phone"), REMOTE_ADDR=address)
    comment = Comment.objects.get()
    comment.moderate(Comment.Status.APPROVED, ModeratorFactory())
    report(client, comment, address=address)
    post_comment(client, article, comment_data(body=""), REMOTE_ADDR=address)  # refused

    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found += [(table, row) for row in cursor.fetchall() if address in repr(row)]

    assert Comment.objects.get().report_count == 1
    assert found == []
