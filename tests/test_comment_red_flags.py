"""A comment that mentions a red flag: the reader gets the advice at once, the comment is marked
and sorted first for moderators, and moderators and clinicians are told straight away: the
alert is queued with the comment, ahead of every routine email, for the task worker."""

import logging
import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from background.models import BackgroundTask
from background.tasks import URGENT
from comments.models import Comment
from comments.views import COMMENT_THANKS, RED_FLAG_MESSAGE_TAG

from .admin_forms import change_url
from .background_tasks import run_background_tasks
from .comment_forms import add_reply, comment_data, page, post_comment, stamp
from .factories import (
    ArticleFactory,
    BlockedWordFactory,
    ClinicianFactory,
    CommentFactory,
    ModeratorFactory,
)

pytestmark = pytest.mark.django_db

CAUDA_EQUINA = (
    "Since yesterday I have numbness around my bottom and I cannot pee properly. Should I wait?"
)
FEVER = "I have a high temperature and my back hurts"
ORDINARY = "Heat packs helped my back a lot."
SADDLE_NUMBNESS = "numbness, tingling or no feeling around your bottom, genitals or inner thighs"
CHANGELIST = reverse("admin:comments_comment_changelist")


@pytest.fixture
def article():
    return ArticleFactory(title="Back muscle spasms")


def send(client, article, body, **fields):
    """Post a comment as a reader's browser does, then read the page it leads to."""
    response = post_comment(client, article, comment_data(body=body, **fields), follow=True)
    assert response.redirect_chain == [(f"{article.get_absolute_url()}#comments", 302)]
    return response.content.decode()


def advice_on(html):
    """The red-flag advice on the page, or None."""
    found = re.search(r'<section class="red-flag-advice.*?</section>', html, re.DOTALL)
    return found.group() if found else None


# What the reader sees


def test_an_emergency_comment_is_held_with_its_words_exactly_as_sent(client, article):
    send(client, article, CAUDA_EQUINA)

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.body == CAUDA_EQUINA
    assert comment.red_flag_urgency == Comment.RedFlagUrgency.EMERGENCY
    assert comment.red_flag_note.startswith("possible emergency: ")
    assert SADDLE_NUMBNESS in comment.red_flag_note


def test_the_poster_sees_the_emergency_advice_with_the_number_above_the_thank_you(
    client, article, settings
):
    settings.EMERGENCY_NUMBER = "112"

    html = send(client, article, CAUDA_EQUINA)

    advice = advice_on(html)
    assert advice is not None
    assert 'role="alert"' in advice
    assert 'data-level="emergency"' in advice
    assert 'href="tel:112"' in advice
    assert "112" in advice
    assert "999" not in advice
    assert escape(SADDLE_NUMBNESS) in advice
    assert "Do not wait for an answer to your comment." in advice
    assert html.index(advice) < html.index(escape(COMMENT_THANKS))
    assert html.index(advice) < html.index('<h2 id="comments-heading">')


@pytest.mark.parametrize(
    "refused",
    [
        pytest.param(lambda: {"display_name": ""}, id="no-name"),
        pytest.param(lambda: {"started": stamp(seconds_ago=0)}, id="sent-too-fast"),
        pytest.param(lambda: {"body": CAUDA_EQUINA + " " + "x" * 2000}, id="too-long"),
        pytest.param(lambda: {"notify_on_reply": "on", "email": ""}, id="email-me-no-email"),
    ],
)
def test_a_refused_comment_still_gets_the_advice_with_the_readers_words_kept(
    client, article, settings, refused
):
    settings.EMERGENCY_NUMBER = "112"
    data = comment_data(body=CAUDA_EQUINA) | refused()  # stamped now, not when collected

    response = post_comment(client, article, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="tel:112"' in advice_on(html)
    # The refused form comes back at #comment-form: the advice is the first thing there.
    assert (
        html.index('id="comment-form"')
        < html.index(advice_on(html))
        < html.index('class="comment-form"')
    )
    assert escape(data["body"]) in html  # the reader's words come back
    assert not Comment.objects.exists()


def test_a_comment_refused_by_the_rate_limit_still_gets_the_advice(client, article, settings):
    settings.COMMENTS_RATE_LIMIT = 0

    response = post_comment(client, article, comment_data(body=CAUDA_EQUINA))

    assert response.status_code == 429
    assert 'data-level="emergency"' in advice_on(response.content.decode())


def test_an_urgent_comment_gets_the_urgent_advice_with_the_urgent_number(client, article, settings):
    settings.URGENT_NUMBER = "119"

    html = send(client, article, FEVER)

    advice = advice_on(html)
    assert 'data-level="urgent"' in advice
    assert 'href="tel:119"' in advice
    assert "a high temperature, or you feel hot and shivery" in advice
    assert html.index(advice) < html.index(escape(COMMENT_THANKS))
    comment = Comment.objects.get()
    assert comment.red_flag_urgency == Comment.RedFlagUrgency.URGENT
    assert comment.red_flag_note.startswith("possible urgent problem: ")


def test_an_ordinary_comment_gets_no_advice_and_no_mark(client, article):
    html = send(client, article, ORDINARY)

    assert advice_on(html) is None
    assert escape(COMMENT_THANKS) in html
    comment = Comment.objects.get()
    assert comment.red_flag_urgency == Comment.RedFlagUrgency.NONE
    assert comment.red_flag_note == ""


def test_only_the_comment_is_checked_not_the_name(client, article):
    html = send(client, article, ORDINARY, display_name="Numb Bum")

    assert advice_on(html) is None
    assert Comment.objects.get().red_flag_urgency == Comment.RedFlagUrgency.NONE


def test_the_advice_is_shown_once_to_the_poster_and_to_nobody_else(client, article):
    page(Client(), article)  # someone else's visit cached the page before the comment

    assert advice_on(send(client, article, CAUDA_EQUINA)) is not None

    assert advice_on(page(client, article)) is None
    assert advice_on(page(Client(), article)) is None


def test_hostile_text_with_a_red_flag_is_not_echoed_in_the_advice(client, article):
    body = f"<script>alert(1)</script> {CAUDA_EQUINA}"

    html = send(client, article, body)

    assert advice_on(html) is not None
    assert "<script>alert(1)</script>" not in html
    assert Comment.objects.get().body == body


def test_a_red_flag_comment_that_looks_like_spam_still_gets_the_advice_and_the_mark(
    client, article, mailoutbox
):
    BlockedWordFactory(word="casino")
    moderator = ModeratorFactory()

    html = send(client, article, f"{CAUDA_EQUINA} I lost it all at the casino.")
    run_background_tasks()

    assert advice_on(html) is not None
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert comment.spam_reason == "Contains the blocked word “casino”"
    assert comment.red_flag_urgency == Comment.RedFlagUrgency.EMERGENCY
    (email,) = mailoutbox
    assert email.to == [moderator.email]
    assert "spam queue" in email.body


def test_a_clinicians_reply_is_not_checked_for_red_flags(clinician_client):
    comment = CommentFactory(approved=True)

    response = add_reply(clinician_client, comment, f"If you have {SADDLE_NUMBNESS}, call now.")

    assert response.status_code == 302
    reply = comment.replies.get()
    assert reply.red_flag_urgency == Comment.RedFlagUrgency.NONE
    assert reply.red_flag_note == ""


def test_only_the_red_flag_advice_message_is_shown_as_html(rf, article):
    shown = [
        Message(messages.SUCCESS, mark_safe("<em>Thank you</em>")),
        Message(messages.ERROR, mark_safe("<p>Advice</p>"), extra_tags=RED_FLAG_MESSAGE_TAG),
    ]
    context = Context({"request": rf.get("/"), "article": article, "messages": shown})

    html = Template("{% load comment_tags %}{% comments_section article %}").render(context)

    assert "<p>Advice</p>" in html
    assert "&lt;em&gt;Thank you&lt;/em&gt;" in html
    assert html.index("<p>Advice</p>") < html.index("Thank you")


# The moderators' queue


def test_the_queue_lists_red_flags_first_emergencies_then_urgent_then_newest(client):
    client.force_login(ModeratorFactory())
    older = CommentFactory()
    urgent = CommentFactory(
        red_flag_urgency=Comment.RedFlagUrgency.URGENT,
        red_flag_note="possible urgent problem: a high temperature",
    )
    emergency = CommentFactory(
        red_flag_urgency=Comment.RedFlagUrgency.EMERGENCY,
        red_flag_note=f"possible emergency: {SADDLE_NUMBNESS}",
    )
    newer = CommentFactory()
    for age, comment in enumerate([newer, emergency, urgent, older]):
        Comment.objects.filter(pk=comment.pk).update(
            created_at=comment.created_at.replace(year=2026 - age)
        )

    response = client.get(CHANGELIST)

    assert list(response.context["cl"].result_list) == [emergency, urgent, newer, older]
    html = response.content.decode()
    assert f"⚠ Possible emergency: {escape(SADDLE_NUMBNESS)}" in html
    assert "⚠ Possible urgent problem: a high temperature" in html


def test_the_queue_filters_comments_by_red_flag(client):
    client.force_login(ModeratorFactory())
    emergency = CommentFactory(red_flag_urgency=Comment.RedFlagUrgency.EMERGENCY)
    CommentFactory(red_flag_urgency=Comment.RedFlagUrgency.URGENT)
    CommentFactory()

    response = client.get(f"{CHANGELIST}?red_flag_urgency__exact=2")

    assert list(response.context["cl"].result_list) == [emergency]


def test_a_new_red_flag_comment_is_first_in_the_queue_with_its_mark(client, article):
    send(client, article, CAUDA_EQUINA)
    CommentFactory(article=article)  # newer, but no red flag
    staff = Client()
    staff.force_login(ModeratorFactory())

    response = staff.get(CHANGELIST)

    first = response.context["cl"].result_list[0]
    assert first.body == CAUDA_EQUINA
    assert "⚠ Possible emergency: " in response.content.decode()


def test_the_comment_page_shows_the_mark_read_only(client):
    client.force_login(ModeratorFactory())
    comment = CommentFactory(
        red_flag_urgency=Comment.RedFlagUrgency.EMERGENCY,
        red_flag_note=f"possible emergency: {SADDLE_NUMBNESS}",
    )

    response = client.get(change_url(comment))

    assert f"⚠ Possible emergency: {escape(SADDLE_NUMBNESS)}" in response.content.decode()
    form_fields = response.context["adminform"].form.fields
    assert not {"red_flag_urgency", "red_flag_note"} & set(form_fields)


# Telling staff


def test_moderators_and_clinicians_are_emailed_at_once_without_the_readers_words(
    client, article, mailoutbox
):
    moderator = ModeratorFactory()
    clinician = ClinicianFactory(email="clinician@example.org")
    ClinicianFactory(email="")
    ClinicianFactory(email="gone@example.org", is_active=False)

    send(client, article, CAUDA_EQUINA, display_name="Sam Jones")

    assert mailoutbox == []  # queued with the comment, urgent, for the worker
    assert BackgroundTask.objects.get().priority == URGENT
    assert run_background_tasks() == 1
    (email,) = mailoutbox  # this one instead of the usual "a comment is waiting"
    comment = Comment.objects.get()
    assert sorted(email.to) == sorted([moderator.email, clinician.email])
    assert email.subject == "Possible emergency in a comment waiting for moderation"
    assert f"http://testserver{change_url(comment)}" in email.body
    assert "Emergency: call now" in email.body
    assert SADDLE_NUMBNESS in email.body
    assert "Back muscle spasms" in email.body
    for readers_words in ["numbness around my bottom", "Should I wait?", "Sam Jones"]:
        assert readers_words not in email.body
        assert readers_words not in email.subject


def test_the_alert_goes_out_ahead_of_the_routine_emails_queued_before_it(
    client, article, mailoutbox
):
    ModeratorFactory()
    send(client, article, ORDINARY)
    send(client, article, "Stretching before bed helps me.")
    send(client, article, CAUDA_EQUINA)

    assert run_background_tasks() == 3

    assert [email.subject for email in mailoutbox] == [
        "Possible emergency in a comment waiting for moderation",
        "A comment is waiting for moderation: Back muscle spasms",
        "A comment is waiting for moderation: Back muscle spasms",
    ]


def test_an_urgent_comment_is_emailed_as_urgent(client, article, mailoutbox):
    ModeratorFactory()

    send(client, article, FEVER)

    assert BackgroundTask.objects.get().priority == URGENT
    run_background_tasks()
    (email,) = mailoutbox
    assert email.subject == "Possible urgent problem in a comment waiting for moderation"
    assert "Urgent: get help today" in email.body
    assert FEVER not in email.body


def test_the_readers_words_and_address_are_never_logged(client, article, caplog):
    ModeratorFactory()

    with caplog.at_level(logging.DEBUG):
        post_comment(
            client, article, comment_data(body=CAUDA_EQUINA), follow=True, REMOTE_ADDR="203.0.113.7"
        )
        assert run_background_tasks() == 1  # the worker's own logs too

    assert "numbness around my bottom" not in caplog.text
    assert "203.0.113.7" not in caplog.text


# Cost


def test_the_red_flag_check_adds_at_most_two_queries_to_an_accepted_comment(
    client, article, django_assert_max_num_queries
):
    """The ordinary comment's six (test_comment_display) and two for its email (the staff to
    tell, the task queued for them), plus the advice for the level."""
    ModeratorFactory()

    with django_assert_max_num_queries(9):
        response = post_comment(client, article, comment_data(body=CAUDA_EQUINA))

    assert response.status_code == 302
    assert Comment.objects.get().red_flag_urgency == Comment.RedFlagUrgency.EMERGENCY
