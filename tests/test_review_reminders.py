"""The weekly email to each clinician of the pages they reviewed that are due for review: the
command queues the emails, the task worker sends them."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from background.models import BackgroundTask

from .background_tasks import run_background_tasks
from .factories import ArticleFactory, ClinicianFactory, EditorFactory, UserFactory
from .smtp_servers import accepting_smtp_server, smtp_mailers

pytestmark = pytest.mark.django_db

BASE_URL = "https://health.example.org"


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def page(reviewer, title, due_in_days, **fields):
    return ArticleFactory(
        title=title, reviewed_by=reviewer, next_review_due=in_days(due_in_days), **fields
    )


def remind(*args):
    """Run the command, then the task worker that sends what it queued; the command's output."""
    out = io.StringIO()
    call_command("email_review_reminders", "--base-url", BASE_URL, *args, stdout=out)
    run_background_tasks()
    return out.getvalue()


def admin_link(article):
    return BASE_URL + reverse("admin:articles_article_change", args=[article.pk])


def html_part(message):
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.fixture
def priya():
    return ClinicianFactory(first_name="Priya", last_name="Shah", email="priya@example.org")


def test_each_clinician_gets_one_email_of_their_own_pages_due(mailoutbox, priya):
    overdue = page(priya, "Sciatica", -3)
    soon = page(priya, "Back muscle spasms & what helps", 20)
    page(priya, "Sitting posture", 60)  # not due yet
    page(priya, "Old leaflet", -30, status=Article.Status.ARCHIVED)  # needs no review
    sam = ClinicianFactory(first_name="Sam", last_name="Patel", email="sam@example.org")
    sams = page(sam, "Muscle cramps", 5)

    output = remind()

    assert sorted(message.to[0] for message in mailoutbox) == [
        "priya@example.org",
        "sam@example.org",
    ]
    (to_priya,) = [message for message in mailoutbox if message.to == ["priya@example.org"]]
    assert to_priya.subject == "2 pages you reviewed need a clinical review"
    body = to_priya.body
    assert body.startswith("Hello Priya Shah,")
    assert "Overdue for review:" in body
    assert f"- Sciatica (review was due {overdue.next_review_due:%-d %B %Y})" in body
    assert admin_link(overdue) in body
    assert "Due for review in the next 30 days:" in body
    assert "- Back muscle spasms & what helps (review due" in body
    assert admin_link(soon) in body
    assert body.index("Sciatica") < body.index("Back muscle spasms")
    for not_due in ["Sitting posture", "Old leaflet", "Muscle cramps"]:
        assert not_due not in body
    html = html_part(to_priya)
    assert f'<a href="{admin_link(overdue)}">Sciatica</a>' in html
    assert "Back muscle spasms &amp; what helps" in html
    (to_sam,) = [message for message in mailoutbox if message.to == ["sam@example.org"]]
    assert to_sam.subject == "1 page you reviewed needs a clinical review"
    assert admin_link(sams) in to_sam.body
    assert "Overdue" not in to_sam.body
    assert "Review reminders: 2 clinician(s) to email; the task worker sends them." in output


def test_nobody_with_nothing_due_is_emailed(mailoutbox, priya):
    page(priya, "Sitting posture", 60)
    ClinicianFactory(email="idle@example.org")

    output = remind()

    assert mailoutbox == []
    assert not BackgroundTask.objects.exists()
    assert "Review reminders: 0 clinician(s) to email; the task worker sends them." in output


def test_only_active_clinicians_with_an_email_are_emailed_and_the_rest_are_counted(mailoutbox):
    page(ClinicianFactory(email=""), "No address", -1)
    page(ClinicianFactory(email="left@example.org", is_active=False), "Left the team", -1)
    # Editors cannot sign a page off, so they are not asked to review it.
    page(EditorFactory(email="editor@example.org"), "Reviewed by an editor", -1)

    output = remind()

    assert mailoutbox == []
    assert "3 page(s) due for review have no clinician with an email to remind" in output


def test_an_administrator_who_reviewed_a_page_is_reminded_too(mailoutbox):
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    page(admin, "Sciatica", -1)

    remind()

    (message,) = mailoutbox
    assert message.to == ["admin@example.org"]


def test_a_draft_of_a_live_page_is_not_a_page_of_its_own(mailoutbox, priya):
    live = page(priya, "Sciatica", 10)
    page(priya, "Sciatica", 10, draft_of=live, status=Article.Status.DRAFT, published_at=None)

    remind()

    (message,) = mailoutbox
    assert message.body.count("- Sciatica") == 1
    assert admin_link(live) in message.body


def test_how_far_ahead_to_look_can_be_chosen(mailoutbox, priya):
    page(priya, "Sitting posture", 60)

    remind("--days", "90")

    (message,) = mailoutbox
    assert "Due for review in the next 90 days:" in message.body


def test_the_sites_address_must_be_a_full_one():
    with pytest.raises(CommandError, match="full address"):
        call_command("email_review_reminders", "--base-url", "health.example.org")


def test_the_command_only_queues_the_emails_for_the_worker(mailoutbox, priya):
    page(priya, "Sciatica", -3)

    call_command("email_review_reminders", "--base-url", BASE_URL, stdout=io.StringIO())

    assert mailoutbox == []
    assert BackgroundTask.objects.get().description == (
        "Email to 1 person: “1 page you reviewed needs a clinical review”"
    )
    assert run_background_tasks() == 1
    (message,) = mailoutbox
    assert message.to == ["priya@example.org"]


# A real mail server on loopback: what the task worker will talk to.


@pytest.fixture
def mail_server():
    with accepting_smtp_server() as server:
        yield server


def test_reminders_go_out_through_a_real_smtp_server(settings, mail_server, priya):
    overdue = page(priya, "Sciatica", -3)
    settings.MAILERS = smtp_mailers(mail_server.port)

    remind()

    (delivery,) = mail_server.deliveries
    assert delivery.recipients == ["priya@example.org"]
    message = delivery.message
    assert message["To"] == "priya@example.org"
    assert message["Subject"] == "1 page you reviewed needs a clinical review"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=["plain"]).get_content()
    html = message.get_body(preferencelist=["html"]).get_content()
    assert admin_link(overdue) in text
    assert f'<a href="{admin_link(overdue)}">Sciatica</a>' in html
