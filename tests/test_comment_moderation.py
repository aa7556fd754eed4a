"""Moderators in the admin: what they may open, the comment list and its actions, blocked words."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import BlockedWord, Comment

from .admin_forms import change_url, submit_admin_page
from .comment_forms import comment_bodies, comment_data, post_comment, reply_inline, report
from .factories import (
    ArticleFactory,
    BlockedWordFactory,
    ClinicianReplyFactory,
    CommentFactory,
    ModeratorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"


@pytest.fixture
def article():
    return ArticleFactory(title="Back muscle spasms")


@pytest.fixture
def moderator():
    return ModeratorFactory(first_name="Morgan", last_name="Lee")


@pytest.fixture
def moderator_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def run_action(client, action, comments, query=""):
    return client.post(
        reverse(CHANGELIST) + query,
        {"action": action, "_selected_action": [str(c.pk) for c in comments], "index": "0"},
        follow=True,
    )


def listed(response):
    return set(response.context["cl"].result_list)


# The Moderator group


@pytest.mark.parametrize(
    ("old_address", "new_address"),
    [
        ("comment/{pk}/change/", "/admin/comments/comment/{pk}/change/"),
        ("comment/?status__exact=pending", "/admin/comments/comment/?status__exact=pending"),
        ("blockedword/", "/admin/comments/blockedword/"),
    ],
)
def test_a_link_from_an_email_sent_before_comments_had_their_own_app_still_works(
    moderator_client, article, old_address, new_address
):
    comment = CommentFactory(article=article)

    response = moderator_client.get(f"/admin/articles/{old_address.format(pk=comment.pk)}")

    assert response.status_code == 301
    assert response["Location"] == new_address.format(pk=comment.pk)
    assert moderator_client.get(response["Location"]).status_code == 200


def test_moderator_sees_only_what_readers_wrote_and_the_email_queue_on_the_admin_index(
    moderator_client,
):
    response = moderator_client.get(reverse("admin:index"))

    assert response.status_code == 200
    models = {
        (app["app_label"], model["object_name"])
        for app in response.context["app_list"]
        for model in app["models"]
    }
    assert models == {
        ("comments", "Comment"),
        ("comments", "BlockedWord"),
        ("feedback", "MissingNote"),
        ("background", "BackgroundTask"),
    }


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:articles_article_changelist",
        "admin:articles_article_add",
        "admin:articles_article_change",  # sections are edited here
        "admin:articles_treatment_changelist",
        "admin:articles_treatment_add",
        "admin:articles_topic_changelist",
        "admin:auth_user_changelist",
        "admin:auth_user_change",
        "admin:auth_group_changelist",
        "admin:triage_question_changelist",
        "admin:triage_advice_changelist",
        "admin:triage_vignette_changelist",
        "admin:triage_dailyoutcomecount_changelist",
        "admin:triage_dailyyescount_changelist",
    ],
)
def test_moderator_cannot_open_content_users_or_triage(moderator_client, moderator, url_name):
    article = ArticleFactory()
    args = {
        "admin:articles_article_change": [article.pk],
        "admin:auth_user_change": [moderator.pk],
    }.get(url_name, [])

    assert moderator_client.get(reverse(url_name, args=args)).status_code == 403


def test_moderator_cannot_edit_an_article(moderator_client):
    article = ArticleFactory(title="Original title")
    url = reverse("admin:articles_article_change", args=[article.pk])

    response = moderator_client.post(url, {"title": "Vandalised", "slug": article.slug})

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Original title"


def test_moderators_see_replies_but_cannot_write_them(moderator_client):
    reply = ClinicianReplyFactory()

    response = moderator_client.get(change_url(reply.parent))

    inline = reply_inline(response)
    assert inline.has_add_permission is False
    assert inline.has_change_permission is False
    assert reply.body in response.content.decode()


def test_clinicians_cannot_moderate(clinician_client):
    comment = CommentFactory(status=Comment.Status.PENDING)

    response = clinician_client.get(reverse(CHANGELIST))
    run_action(clinician_client, "approve", [comment])

    assert response.status_code == 200
    action_form = response.context["action_form"]
    choices = [name for name, _ in action_form.fields["action"].choices] if action_form else []
    assert not {"approve", "reject", "mark_as_spam"} & set(choices)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


# The comment list and page


def test_moderator_sees_every_readers_comment_but_not_clinicians_replies(moderator_client):
    pending = CommentFactory(status=Comment.Status.PENDING)
    spam = CommentFactory(status=Comment.Status.SPAM, spam_reason="More than 2 links")
    approved = CommentFactory(approved=True)
    ClinicianReplyFactory(parent=approved)

    response = moderator_client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert listed(response) == {pending, spam, approved}


@pytest.mark.parametrize("status", list(Comment.Status))
def test_moderator_filters_comments_by_status(moderator_client, status):
    comments = {s: CommentFactory(status=s) for s in Comment.Status}

    response = moderator_client.get(reverse(CHANGELIST) + f"?status__exact={status}")

    assert listed(response) == {comments[status]}


def test_moderator_filters_comments_by_article(moderator_client):
    article = ArticleFactory()
    mine = CommentFactory(article=article, status=Comment.Status.PENDING)
    CommentFactory(status=Comment.Status.PENDING)

    response = moderator_client.get(reverse(CHANGELIST) + f"?article__id__exact={article.pk}")

    assert listed(response) == {mine}


def test_moderator_filters_comments_hidden_by_reports(moderator_client):
    hidden = CommentFactory(hidden_by_reports=True, report_count=3, approved=True)
    CommentFactory(approved=True)

    response = moderator_client.get(reverse(CHANGELIST) + "?hidden_by_reports__exact=1")

    assert listed(response) == {hidden}


def test_moderator_opens_a_comment_and_the_readers_words_are_read_only(moderator_client):
    comment = CommentFactory(
        status=Comment.Status.SPAM,
        display_name="Sam <b>",
        email="sam@example.com",
        body="Buy <i>now</i>",
        spam_reason="Contains the blocked word “buy”",
    )

    response = moderator_client.get(change_url(comment))

    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields) == {"status"}
    html = response.content.decode()
    assert "Buy &lt;i&gt;now&lt;/i&gt;" in html
    assert "Sam &lt;b&gt;" in html
    assert "Contains the blocked word “buy”" in html


def test_moderator_changes_the_status_but_never_the_readers_words(moderator_client, moderator):
    comment = CommentFactory(
        status=Comment.Status.PENDING, display_name="Sam", email="sam@example.com", body="Mine"
    )
    changes = {
        "status": "rejected",
        "display_name": "Edited",
        "email": "edited@example.com",
        "body": "Edited",
    }

    response = submit_admin_page(moderator_client, change_url(comment), changes)

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    assert comment.moderated_by == moderator
    assert comment.moderated_at is not None
    assert (comment.display_name, comment.email, comment.body) == ("Sam", "sam@example.com", "Mine")


def test_nobody_adds_a_readers_comment_in_the_admin(moderator_client, clinician_client):
    url = reverse("admin:comments_comment_add")

    assert moderator_client.get(url).status_code == 403
    assert clinician_client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("action", "status", "verb"),
    [
        ("approve", Comment.Status.APPROVED, "approved"),
        ("reject", Comment.Status.REJECTED, "rejected"),
        ("mark_as_spam", Comment.Status.SPAM, "marked as spam"),
    ],
)
def test_moderator_acts_on_several_comments_at_once(
    moderator_client, moderator, action, status, verb
):
    chosen = [CommentFactory(status=Comment.Status.PENDING) for _ in range(2)]
    untouched = CommentFactory(status=Comment.Status.PENDING)
    before = timezone.now()

    response = run_action(moderator_client, action, chosen)

    assert response.status_code == 200
    assert f"2 comment(s) {verb}." in response.content.decode()
    for comment in chosen:
        comment.refresh_from_db()
        assert comment.status == status
        assert comment.moderated_by == moderator
        assert comment.moderated_at >= before
    untouched.refresh_from_db()
    assert (untouched.status, untouched.moderated_by) == (Comment.Status.PENDING, None)


def test_approved_comments_appear_on_the_article(moderator_client, client, article):
    comment = CommentFactory(article=article, status=Comment.Status.PENDING, body="Thanks!")
    assert comment_bodies(client.get(article.get_absolute_url()).content.decode()) == []

    run_action(moderator_client, "approve", [comment])

    html = client.get(article.get_absolute_url()).content.decode()
    assert comment_bodies(html) == ["<p>Thanks!</p>"]


def test_approving_from_the_pending_list_reports_how_many_were_approved(moderator_client):
    chosen = [CommentFactory(status=Comment.Status.PENDING) for _ in range(2)]

    response = run_action(moderator_client, "approve", chosen, query="?status__exact=pending")

    assert all(c.status == Comment.Status.APPROVED for c in Comment.objects.all())
    assert "2 comment(s) approved." in response.content.decode()


def test_pending_count_shows_on_the_admin_index(moderator_client):
    CommentFactory.create_batch(2, status=Comment.Status.PENDING)
    CommentFactory(status=Comment.Status.SPAM)
    CommentFactory(status=Comment.Status.REJECTED)
    CommentFactory(approved=True)
    CommentFactory(hidden_by_reports=True, report_count=3, approved=True)

    html = moderator_client.get(reverse("admin:index")).content.decode()

    assert "Comments waiting for moderation" in html
    assert (
        f'<a href="{reverse(CHANGELIST)}?status__exact=pending"><strong>2</strong> pending '
        "comments</a>" in html
    )
    assert (
        f'<a href="{reverse(CHANGELIST)}?hidden_by_reports__exact=1"><strong>1</strong> '
        "hidden after reports</a>" in html
    )


def test_pending_count_is_not_shown_to_staff_who_cannot_see_comments(client):
    staff = UserFactory(is_staff=True)
    CommentFactory(status=Comment.Status.PENDING)
    client.force_login(staff)

    html = client.get(reverse("admin:index")).content.decode()

    assert "Comments waiting for moderation" not in html


def test_approving_a_reported_comment_again_shows_it_and_resets_the_count(
    moderator_client, client, article
):
    comment = CommentFactory(article=article, body="Was reported", approved=True)
    for number in range(3):
        report(client, comment, address=f"198.51.100.{number}")
    comment.refresh_from_db()
    assert comment.hidden_by_reports
    assert comment_bodies(client.get(article.get_absolute_url()).content.decode()) == []

    run_action(moderator_client, "approve", [comment])

    comment.refresh_from_db()
    assert (comment.hidden_by_reports, comment.report_count) == (False, 0)
    html = client.get(article.get_absolute_url()).content.decode()
    assert comment_bodies(html) == ["<p>Was reported</p>"]


def test_approving_a_reported_comment_on_its_own_page_shows_it_again(moderator_client):
    comment = CommentFactory(hidden_by_reports=True, report_count=3, approved=True)
    approved = {"status": "approved"}

    assert submit_admin_page(moderator_client, change_url(comment), approved).status_code == 302

    comment.refresh_from_db()
    assert (comment.hidden_by_reports, comment.report_count) == (False, 0)


def test_a_rejected_reported_comment_no_longer_waits_for_moderation(moderator_client):
    comment = CommentFactory(hidden_by_reports=True, report_count=3, approved=True)

    run_action(moderator_client, "reject", [comment])

    html = moderator_client.get(reverse("admin:index")).content.decode()
    assert "hidden after reports" not in html


def test_a_clinicians_reply_hidden_by_reports_can_be_found_by_moderators(
    client, moderator_client, settings
):
    settings.COMMENTS_REPORTS_TO_HIDE = 3
    reply = ClinicianReplyFactory()
    for number in range(3):
        report(client, reply, address=f"198.51.100.{number}")
    reply.refresh_from_db()

    response = moderator_client.get(reverse(CHANGELIST) + "?hidden_by_reports__exact=1")

    assert not reply.hidden_by_reports or reply in listed(response)


def test_moderator_manages_blocked_words(moderator_client, client, article):
    response = moderator_client.post(reverse("admin:comments_blockedword_add"), {"word": "Casino"})

    assert response.status_code == 302
    assert BlockedWord.objects.get().word == "Casino"
    post_comment(client, article, comment_data(body="Visit my casino"))
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_blocked_word_list_loads(moderator_client):
    BlockedWordFactory(word="casino")

    response = moderator_client.get(reverse("admin:comments_blockedword_changelist") + "?q=cas")

    assert response.status_code == 200
    assert "casino" in response.content.decode()
