"""“Was this page helpful?”: Yes/No counted per article per day with nothing about the reader,
the “what was missing” box without JavaScript, moderation, deletion after 90 days, rate
limits, red-flag advice, the page cache, and what clinicians see in the admin."""

import datetime
import re
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from feedback.models import DailyAnswerCount, MissingNote
from feedback.views import TOO_MANY_NOTES
from pagecache.models import PublicPagesVersion

from .factories import (
    ArticleFactory,
    ClinicianFactory,
    EditorFactory,
    ModeratorFactory,
    draft,
    signed_in_as,
)

pytestmark = pytest.mark.django_db

RED_FLAG_NOTE = "I can't feel my legs, can't pee and have numbness around my bottom"
ORDINARY_NOTE = "Nothing about how long the spasms usually last."
NOTES = reverse("admin:feedback_missingnote_changelist")
READER_ADDRESS = "203.0.113.77"
READER_AGENT = "ReaderBrowser/9.9 (unique-agent-string)"


@pytest.fixture
def article():
    return ArticleFactory(title="Back muscle spasms", slug="back-muscle-spasms")


def today():
    return timezone.localdate()


def days_ago(days):
    return today() - datetime.timedelta(days=days)


def answer(client, article, choice, **extra):
    return client.post(reverse("feedback:answer", args=[article.slug]), {"answer": choice}, **extra)


def send_note(client, article, text, **extra):
    return client.post(reverse("feedback:missing", args=[article.slug]), {"text": text}, **extra)


def counts(article):
    return list(DailyAnswerCount.objects.filter(article=article).values_list("date", "yes", "no"))


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def widget(html):
    found = re.search(r'<form class="page-feedback".*?</form>', html, re.DOTALL)
    assert found, "no “Was this page helpful?” form on the page"
    return found.group()


def advice_on(html):
    found = re.search(r'<section class="red-flag-advice.*?</section>', html, re.DOTALL)
    return found.group() if found else None


def note(article, text=ORDINARY_NOTE, status=MissingNote.Status.PENDING, date=None):
    return MissingNote.objects.create(
        article=article, text=text, status=status, date=date or today()
    )


def run_action(client, action, *notes):
    return client.post(
        NOTES, {"action": action, "_selected_action": [n.pk for n in notes], "index": 0}
    )


# Counting


def test_yes_is_counted_for_the_article_and_the_day_then_thanked(client, article):
    response = answer(client, article, "yes")

    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:thanks", args=[article.slug])
    assert counts(article) == [(today(), 1, 0)]
    assert "Thank you for your feedback" in page(client, response["Location"])


def test_answers_add_up_in_one_row_per_article_per_day(client, article):
    other = ArticleFactory()
    DailyAnswerCount.objects.create(article=article, date=days_ago(1), yes=5, no=2)

    for choice in ["yes", "yes", "no"]:
        answer(Client(), article, choice)
    answer(client, other, "no")

    assert sorted(counts(article)) == [(days_ago(1), 5, 2), (today(), 2, 1)]
    assert counts(other) == [(today(), 0, 1)]


def test_no_is_counted_and_leads_to_the_what_was_missing_box(client, article):
    response = answer(client, article, "no")

    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:missing", args=[article.slug])
    assert counts(article) == [(today(), 0, 1)]
    assert MissingNote.objects.count() == 0


@pytest.mark.parametrize("data", [{}, {"answer": "maybe"}], ids=["nothing", "maybe"])
def test_anything_but_yes_or_no_is_not_counted(client, article, data):
    response = client.post(reverse("feedback:answer", args=[article.slug]), data)

    assert response.status_code == 400
    assert "Please choose Yes or No" in response.content.decode()
    assert DailyAnswerCount.objects.count() == 0


def test_answers_about_an_unpublished_article_are_refused(client):
    unpublished = draft(slug="not-yet")

    assert answer(client, unpublished, "yes").status_code == 404
    assert send_note(client, unpublished, ORDINARY_NOTE).status_code == 404
    assert client.get(reverse("feedback:missing", args=["not-yet"])).status_code == 404
    assert DailyAnswerCount.objects.count() == 0
    assert MissingNote.objects.count() == 0


def test_answering_is_post_only(client, article):
    response = client.get(reverse("feedback:answer", args=[article.slug]))

    assert response.status_code == 405
    assert DailyAnswerCount.objects.count() == 0


# Nothing about the reader


def test_the_tables_have_no_column_that_could_identify_a_reader():
    def columns(model):
        with connection.cursor() as cursor:
            table = connection.introspection.get_table_description(cursor, model._meta.db_table)
        return {column.name for column in table}

    assert columns(DailyAnswerCount) == {"id", "article_id", "date", "yes", "no"}
    assert columns(MissingNote) == {"id", "article_id", "date", "text", "status"}


def test_no_address_agent_session_or_cookie_is_kept_for_an_answer_or_a_note(client, article):
    reader = {"REMOTE_ADDR": READER_ADDRESS, "HTTP_USER_AGENT": READER_AGENT}

    answered = answer(client, article, "no", **reader)
    box = client.get(answered["Location"], **reader)
    sent = send_note(client, article, ORDINARY_NOTE, **reader)

    assert sent.status_code == 302
    assert dict(answered.cookies) == {}
    assert dict(box.cookies) == {}  # its form needs no token, so no cookie either
    assert dict(sent.cookies) == {}
    assert Session.objects.count() == 0
    stored = [
        *DailyAnswerCount.objects.values_list(),
        *MissingNote.objects.values_list(),
    ]
    assert [row[1:] for row in stored] == [
        (article.pk, today(), 0, 1),
        (article.pk, today(), ORDINARY_NOTE, "pending"),
    ]
    assert READER_ADDRESS not in str(stored)
    assert "unique-agent-string" not in str(stored)


def test_a_signed_in_staff_members_answer_is_not_tied_to_them(client, article):
    clinician = ClinicianFactory()
    client.force_login(clinician)

    answer(client, article, "yes")
    send_note(client, article, ORDINARY_NOTE)

    assert counts(article) == [(today(), 1, 0)]
    assert MissingNote.objects.get().text == ORDINARY_NOTE  # the only columns: see above


# Without JavaScript: plain forms, Post/Redirect/Get


def test_a_reader_answers_no_and_says_what_was_missing_with_plain_forms(article):
    # A browser sends where each form comes from; the forms carry no token.
    reader = Client(enforce_csrf_checks=True, headers={"sec-fetch-site": "same-origin"})
    html = page(reader, article.get_absolute_url())
    form = widget(html)
    assert 'action="/articles/back-muscle-spasms/feedback/"' in form
    assert '<legend><h2 class="page-feedback-question">Was this page helpful?</h2></legend>' in form
    assert '<button type="submit" name="answer" value="yes"' in form
    assert '<button type="submit" name="answer" value="no"' in form
    assert "csrfmiddlewaretoken" not in form

    answered = reader.post(form_action(form), {"answer": "no"}, follow=True)
    box = answered.content.decode()
    missing_url = reverse("feedback:missing", args=[article.slug])
    assert answered.redirect_chain == [(missing_url, 302)]
    assert '<label class="form-label fw-bold" for="id_text">' in box
    assert "What was missing from this page? (optional)" in box
    textarea = re.search(r"<textarea[^>]*>", box).group()
    assert 'name="text"' in textarea and "maxlength" not in textarea
    assert "csrfmiddlewaretoken" not in box

    sent = reader.post(missing_url, {"text": ORDINARY_NOTE})
    thanks = reader.get(sent["Location"])

    assert sent.status_code == 302
    assert sent["Location"] == reverse("feedback:thanks", args=[article.slug])
    assert "Thank you for your feedback" in thanks.content.decode()
    assert counts(article) == [(today(), 0, 1)]
    assert list(MissingNote.objects.values_list("text", "status")) == [(ORDINARY_NOTE, "pending")]
    assert not reader.cookies


def form_action(form):
    return re.search(r'action="([^"]+)"', form).group(1)


def test_an_empty_box_sent_stores_nothing_and_thanks_the_reader(client, article):
    response = send_note(client, article, "   \r\n ")

    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:thanks", args=[article.slug])
    assert MissingNote.objects.count() == 0


def test_the_box_asks_for_no_personal_details_and_gives_the_help_line_numbers(
    client, article, settings
):
    settings.EMERGENCY_NUMBER = "112"
    settings.URGENT_NUMBER = "116 117"

    html = page(client, reverse("feedback:missing", args=[article.slug]))

    help_text = re.search(r'<div id="id_text_helptext" class="form-text">(.*?)</div>', html)[1]
    assert "do not write your name, contact details or symptoms" in help_text
    assert "call 112 in an emergency or 116 117 for urgent advice" in help_text
    assert "{emergency_number}" not in html and "{urgent_number}" not in html
    assert 'aria-describedby="id_text_helptext"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert (
        "no-store" in client.get(reverse("feedback:missing", args=[article.slug]))["Cache-Control"]
    )


# The 500-character limit


def test_a_note_over_500_characters_comes_back_intact_with_the_error_by_the_box(client, article):
    text = "Line one <b>&amp;</b>\r\n" + "x" * 480  # 501 once the CR LF counts as one

    response = send_note(client, article, text)

    html = response.content.decode()
    assert response.status_code == 200
    assert MissingNote.objects.count() == 0
    error = "Your note is 502 characters long. Please shorten it to 500 characters or fewer."
    assert '<p id="id_text_error" class="invalid-feedback d-block">' in html
    assert error in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_text_helptext id_text_error"' in html
    assert f">\n{escape(text)}</textarea>" in html
    assert "<title>Error: What was missing?" in html


def test_a_note_of_500_characters_is_taken_line_breaks_counting_as_one(client, article):
    text = ("y" * 99 + "\r\n") * 5  # 500 characters as the reader's browser counts them

    response = send_note(client, article, text)

    assert response.status_code == 302
    assert MissingNote.objects.get().text == text.replace("\r\n", "\n")


# Moderation


def test_a_moderator_approves_and_rejects_notes_in_the_admin(client, article):
    waiting, unwanted = note(article, "Nothing on sleep."), note(article, "Call me on 07700 900123")
    signed_in_as(client, "Moderator")

    listed = client.get(NOTES).content.decode()
    run_action(client, "approve", waiting)
    run_action(client, "reject", unwanted)

    assert "Nothing on sleep." in listed and "07700 900123" in listed
    waiting.refresh_from_db()
    unwanted.refresh_from_db()
    assert (waiting.status, unwanted.status) == ("approved", "rejected")


def test_the_admin_log_of_a_decision_keeps_none_of_the_readers_words(client, article):
    waiting = note(article, "My name is Sam Example and nothing on sleep.")
    signed_in_as(client, "Moderator")

    run_action(client, "approve", waiting)

    entry = LogEntry.objects.get()
    assert entry.object_id == str(waiting.pk)
    assert "Sam Example" not in f"{entry.object_repr} {entry.change_message}"


def test_a_moderator_reads_a_note_but_cannot_change_its_words(client, article):
    waiting = note(article, "Nothing on sleep.")
    signed_in_as(client, "Moderator")
    url = reverse("admin:feedback_missingnote_change", args=[waiting.pk])

    response = client.post(url, {"status": "approved", "text": "Rewritten", "date": "2000-01-01"})

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.status, waiting.text, waiting.date) == (
        "approved",
        "Nothing on sleep.",
        today(),
    )


def test_an_editor_can_neither_read_nor_moderate_notes(client, article):
    waiting = note(article)
    signed_in_as(client, "Editor")

    assert client.get(NOTES).status_code == 403
    assert run_action(client, "approve", waiting).status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == "pending"


def test_a_clinician_reads_approved_notes_only_and_cannot_moderate(client, article):
    approved = note(article, "Nothing on sleep.", status=MissingNote.Status.APPROVED)
    waiting = note(article, "Unchecked words from a reader.")
    rejected = note(article, "Rejected words.", status=MissingNote.Status.REJECTED)
    signed_in_as(client, "Clinician")

    listed = client.get(NOTES).content.decode()
    run_action(client, "approve", waiting, rejected)
    pending_page = client.get(reverse("admin:feedback_missingnote_change", args=[waiting.pk]))
    approved_page = client.get(reverse("admin:feedback_missingnote_change", args=[approved.pk]))

    assert "Nothing on sleep." in listed
    assert "Unchecked words" not in listed and "Rejected words" not in listed
    assert pending_page.status_code == 302  # "doesn't exist" for a clinician
    assert approved_page.status_code == 200
    assert 'name="status"' not in approved_page.content.decode()
    assert set(MissingNote.objects.values_list("status", flat=True)) == {
        "approved",
        "pending",
        "rejected",
    }


def test_nobody_adds_or_changes_a_count_in_the_admin(client, article):
    DailyAnswerCount.objects.create(article=article, yes=3, no=1)
    client.force_login(ClinicianFactory(is_superuser=True))

    listed = client.get(reverse("admin:feedback_dailyanswercount_changelist"))

    assert listed.status_code == 200
    assert client.get(reverse("admin:feedback_dailyanswercount_add")).status_code == 403


# Kept 90 days


def test_notes_older_than_90_days_are_deleted_and_counts_stay(article):
    kept = [note(article, "Today."), note(article, "90 days old.", date=days_ago(90))]
    note(article, "91 days old.", date=days_ago(91))
    note(article, "A year old.", status=MissingNote.Status.APPROVED, date=days_ago(365))
    DailyAnswerCount.objects.create(article=article, date=days_ago(400), yes=4, no=1)
    out = StringIO()

    call_command("delete_old_feedback", stdout=out)

    assert set(MissingNote.objects.values_list("pk", flat=True)) == {n.pk for n in kept}
    assert counts(article) == [(days_ago(400), 4, 1)]
    assert out.getvalue().strip() == "2 notes older than 90 days deleted."


def test_how_long_notes_are_kept_is_a_setting(article, settings):
    settings.FEEDBACK_NOTES_KEEP_DAYS = 7
    note(article, "8 days old.", date=days_ago(8))
    out = StringIO()

    call_command("delete_old_feedback", stdout=out)

    assert MissingNote.objects.count() == 0
    assert out.getvalue().strip() == "1 note older than 7 days deleted."


# Rate limits


def test_answers_over_the_limit_from_one_client_are_not_counted(client, article, settings):
    settings.FEEDBACK_RATE_LIMIT = 2

    statuses = [answer(client, article, "yes").status_code for _ in range(3)]
    elsewhere = answer(Client(), article, "yes", REMOTE_ADDR="198.51.100.4")

    assert statuses == [302, 302, 429]
    assert elsewhere.status_code == 302
    assert counts(article) == [(today(), 3, 0)]


def test_a_note_over_the_limit_comes_back_with_the_reason_and_its_text(client, article, settings):
    settings.FEEDBACK_RATE_LIMIT = 1
    answer(client, article, "no")

    response = send_note(client, article, ORDINARY_NOTE)

    html = response.content.decode()
    assert response.status_code == 429
    assert escape(TOO_MANY_NOTES) in html
    assert f">\n{escape(ORDINARY_NOTE)}</textarea>" in html
    assert MissingNote.objects.count() == 0


def test_a_note_that_is_refused_for_its_length_uses_none_of_the_limit(client, article, settings):
    settings.FEEDBACK_RATE_LIMIT = 1

    send_note(client, article, "x" * 501)
    response = send_note(client, article, ORDINARY_NOTE)

    assert response.status_code == 302
    assert MissingNote.objects.count() == 1


# Red flags


def test_a_note_that_mentions_a_red_flag_brings_the_advice_to_the_thank_you_page(client, article):
    response = send_note(client, article, RED_FLAG_NOTE, follow=True)

    html = response.content.decode()
    advice = advice_on(html)
    assert response.redirect_chain == [(reverse("feedback:thanks", args=[article.slug]), 302)]
    assert advice is not None
    assert 'role="alert"' in advice
    assert "Your feedback mentions" in advice
    assert 'href="tel:999"' in advice
    assert html.index("red-flag-advice") < html.index("We use readers' answers")
    assert MissingNote.objects.get().status == "pending"  # still read by a moderator first
    # The advice travelled in a one-off message: gone once shown, and no session made.
    assert client.cookies["messages"].value == ""
    assert Session.objects.count() == 0
    assert advice_on(page(client, reverse("feedback:thanks", args=[article.slug]))) is None


@pytest.mark.parametrize(
    "refused",
    [
        {"text": RED_FLAG_NOTE + " " + "x" * 500},
        {"text": RED_FLAG_NOTE, "limit": 0},
    ],
    ids=["too long", "over the rate limit"],
)
def test_a_refused_note_that_mentions_a_red_flag_still_gets_the_advice(
    client, article, settings, refused
):
    if "limit" in refused:
        settings.FEEDBACK_RATE_LIMIT = refused["limit"]

    response = send_note(client, article, refused["text"])

    html = response.content.decode()
    assert response.status_code in (200, 429)
    assert advice_on(html) is not None
    assert html.index("red-flag-advice") < html.index("<textarea")
    assert MissingNote.objects.count() == 0


def test_an_ordinary_note_brings_no_advice_and_sets_no_cookie(client, article):
    response = send_note(client, article, ORDINARY_NOTE)

    assert dict(response.cookies) == {}
    assert advice_on(page(client, response["Location"])) is None


# The page cache


def test_two_anonymous_readers_get_the_same_cached_page_byte_for_byte_and_no_cookie(
    article, django_assert_max_num_queries
):
    first = Client().get(article.get_absolute_url())
    with django_assert_max_num_queries(1):  # served from the cache
        second = Client().get(article.get_absolute_url())

    assert second.content == first.content
    assert "Was this page helpful?" in widget(second.content.decode())
    assert "csrfmiddlewaretoken" not in widget(second.content.decode())
    assert not first.cookies and not second.cookies


def test_an_answer_sent_from_another_site_is_not_counted(article):
    browser = Client(headers={"sec-fetch-site": "cross-site"})

    answered = answer(browser, article, "no")
    sent = send_note(browser, article, ORDINARY_NOTE)

    assert (answered.status_code, sent.status_code) == (403, 403)
    assert DailyAnswerCount.objects.count() == 0
    assert MissingNote.objects.count() == 0


def test_the_widget_needs_no_query(article, django_assert_num_queries):
    request = RequestFactory().get(article.get_absolute_url())

    with django_assert_num_queries(0):
        html = render_to_string("feedback/widget.html", {"article": article}, request=request)

    assert "Was this page helpful?" in html


def test_feedback_does_not_retire_cached_pages(client, article):
    page(client, article.get_absolute_url())
    version = PublicPagesVersion.current()

    answer(client, article, "no")
    send_note(client, article, ORDINARY_NOTE)

    assert PublicPagesVersion.current() == version


def test_a_staff_preview_of_an_unpublished_article_has_no_widget(client):
    unpublished = draft(slug="not-yet")
    signed_in_as(client, "Clinician")

    html = page(client, unpublished.get_absolute_url())

    assert "Was this page helpful?" not in html


# What clinicians and moderators see in the admin


def test_the_dashboard_shows_clinicians_counts_and_approved_notes(client, article):
    quiet = ArticleFactory(title="Sciatica")
    DailyAnswerCount.objects.create(article=article, date=today(), yes=3, no=4)
    DailyAnswerCount.objects.create(article=article, date=days_ago(29), yes=1, no=1)
    DailyAnswerCount.objects.create(article=article, date=days_ago(30), yes=50, no=50)
    DailyAnswerCount.objects.create(article=quiet, date=today(), yes=2, no=0)
    note(article, "Nothing on sleep.", status=MissingNote.Status.APPROVED)
    note(article, "Unchecked words from a reader.")
    signed_in_as(client, "Clinician")

    html = page(client, reverse("admin:index"))

    rows = re.findall(
        r"<tr><td><a [^>]+>([^<]+)</a></td><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td></tr>", html
    )
    assert rows == [("Back muscle spasms", "4", "5"), ("Sciatica", "2", "0")]
    assert "Nothing on sleep." in html
    assert "Unchecked words" not in html
    assert "waiting for moderation</a>" not in html


def test_the_dashboard_tells_moderators_how_many_notes_wait_and_nothing_else(client, article):
    DailyAnswerCount.objects.create(article=article, yes=3, no=4)
    note(article, "Nothing on sleep.", status=MissingNote.Status.APPROVED)
    note(article, "Unchecked words from a reader.")
    note(article, "More unchecked words.")
    signed_in_as(client, "Moderator")

    html = page(client, reverse("admin:index"))

    assert "<strong>2</strong> “what was missing” notes waiting for moderation" in html
    assert "Back muscle spasms" not in html
    assert "Nothing on sleep." not in html


def test_editors_get_no_feedback_on_the_dashboard(client, article):
    DailyAnswerCount.objects.create(article=article, yes=3, no=4)
    signed_in_as(client, "Editor")

    html = page(client, reverse("admin:index"))

    assert "Was this page helpful?" not in html


def article_feedback(user, article):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load feedback_tags %}{% page_feedback_for article %}")
    return template.render(Context({"request": request, "article": article}))


def test_the_article_tag_shows_a_clinician_its_counts_and_approved_notes(article):
    DailyAnswerCount.objects.create(article=article, date=today(), yes=3, no=4)
    DailyAnswerCount.objects.create(article=article, date=days_ago(100), yes=10, no=1)
    DailyAnswerCount.objects.create(article=ArticleFactory(), date=today(), yes=99, no=99)
    note(article, "Nothing on sleep.", status=MissingNote.Status.APPROVED)
    note(article, "Unchecked words from a reader.")

    html = article_feedback(ClinicianFactory(), article)

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "Last 30 days: 3 yes, 4 no." in text
    assert f"Since {days_ago(100):%-d %b %Y}: 13 yes, 5 no." in text
    assert "Nothing on sleep." in text
    assert "Unchecked words" not in text


def test_a_draft_of_a_live_page_shows_the_live_pages_feedback(article):
    DailyAnswerCount.objects.create(article=article, yes=3, no=4)
    change = draft(draft_of=article, slug="back-muscle-spasms-draft")

    text = re.sub(r"<[^>]+>", "", article_feedback(ClinicianFactory(), change))

    assert "3 yes" in text and "4 no" in text


def test_the_article_tag_shows_nothing_to_editors_and_moderators(article):
    DailyAnswerCount.objects.create(article=article, yes=3, no=4)

    assert article_feedback(EditorFactory(), article).strip() == ""
    assert article_feedback(ModeratorFactory(), article).strip() == ""


def test_the_article_tag_shows_nothing_on_the_page_adding_an_article():
    assert article_feedback(ClinicianFactory(), None).strip() == ""


def test_the_article_tag_says_when_nobody_has_answered(article):
    html = article_feedback(ClinicianFactory(), article)

    assert "No reader has answered yet." in html
