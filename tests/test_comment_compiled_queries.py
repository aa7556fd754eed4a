"""The comment queries every article page runs are compiled once and then only run: the
rows they give are the ORM's own, page by page, on SQLite and PostgreSQL alike."""

import datetime

import pytest
from django.utils import timezone

from comments.compiled import CompiledQuery
from comments.models import REPLIES, SHOWN_FIELDS, THREAD_PAGE, Comment

from .factories import ArticleFactory, ClinicianReplyFactory, CommentFactory


@pytest.fixture
def threads(db):
    article = ArticleFactory()
    start = timezone.now() - datetime.timedelta(days=3)
    made = []
    for n in range(7):
        thread = CommentFactory(article=article, approved=True)
        Comment.objects.filter(pk=thread.pk).update(created_at=start + datetime.timedelta(hours=n))
        made.append(thread)
    CommentFactory(article=article)  # pending: never shown
    CommentFactory(article=article, approved=True, hidden_by_reports=True)
    CommentFactory(approved=True)  # another article's
    for thread in made[:3]:
        ClinicianReplyFactory(parent=thread)
        ClinicianReplyFactory(parent=thread, status=Comment.Status.PENDING)
    return article, made


def orm_threads(article):
    return list(
        Comment.objects.filter(article=article, parent=None)
        .visible()
        .order_by("created_at", "pk")
        .values(*SHOWN_FIELDS)
    )


@pytest.mark.parametrize(("offset", "limit"), [(0, 3), (3, 3), (6, 3), (0, 20), (9, 3)])
def test_a_page_of_threads_is_the_orms_page(threads, offset, limit):
    article, _ = threads

    rows = THREAD_PAGE.rows([article.pk], limit=limit, offset=offset)

    assert rows == orm_threads(article)[offset : offset + limit]
    assert all(isinstance(row["created_at"], datetime.datetime) for row in rows)
    assert all(timezone.is_aware(row["created_at"]) for row in rows)


def test_replies_are_the_orms_for_any_number_of_threads(threads):
    _, made = threads
    for count in (1, 2, 3, 7):
        ids = [thread.pk for thread in made[:count]]
        expected = list(
            Comment.objects.visible()
            .filter(parent_id__in=ids)
            .order_by("created_at", "pk")
            .values(*SHOWN_FIELDS)
        )

        assert REPLIES.rows(ids) == expected
    assert len(REPLIES.rows([made[0].pk])) == 1  # the pending reply is not shown
    assert REPLIES.rows([made[0].pk])[0]["author__first_name"]


def test_a_query_whose_value_is_not_a_parameter_is_refused(db):
    sliced = CompiledQuery(lambda n: Comment.objects.filter(pk=n).values("pk")[:20])
    twice = CompiledQuery(
        lambda n: Comment.objects.filter(pk=n, parent_id=n).values("pk"),
    )

    with pytest.raises(ValueError, match="paged"):
        sliced.rows([3])
    with pytest.raises(ValueError, match="one of its parameters"):
        twice.rows([3])


def test_the_article_page_shows_the_compiled_rows(client, threads):
    article, made = threads
    article.status = article.Status.PUBLISHED
    article.save()

    html = client.get(article.get_absolute_url()).content.decode()

    for thread in made:
        assert thread.body in html
