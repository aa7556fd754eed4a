"""Email each clinician the pages they last reviewed that are overdue or soon due for review.

A page's review is owed by the clinician who signed it off last (`Article.reviewed_by`), so
each is reminded of their own pages only, in one email, and someone with nothing due gets
none. Meant to run once a week from cron or a systemd timer (see README.md). The emails are
queued for the task worker, which sends them and tries again while the mail server is down.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.urls import reverse

from articles.models import Article
from background.tasks import queue_email
from governance.roles import staff_name

# Permissions live in the model backend; the other backend only guards the sign-in.
PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


class Command(BaseCommand):
    help = (
        "Email each clinician the pages they last reviewed that are overdue for review or "
        "due within 30 days, with links to them in the admin. Clinicians with nothing due "
        "get no email."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            required=True,
            help="The site's public address, e.g. https://health.example.org: the links in "
            "the emails start with it.",
        )
        parser.add_argument("--days", type=int, default=30, help="How far ahead to look.")

    def handle(self, *args, base_url, days, **options):
        if not base_url.startswith(("https://", "http://")):
            raise CommandError("--base-url must be a full address, e.g. https://health.example.org")
        base_url = base_url.rstrip("/")
        clinicians = (
            get_user_model()
            .objects.with_perm("articles.publish_article", backend=PERMISSION_BACKEND)
            .exclude(email="")
        )
        due = {
            "overdue": Article.objects.review_overdue(),
            "due_soon": Article.objects.review_due_within(days),
        }
        reminders = defaultdict(lambda: {"overdue": [], "due_soon": []})
        for when, articles in due.items():
            for article in (
                articles.filter(reviewed_by__in=clinicians)
                .select_related("reviewed_by")
                .order_by("next_review_due", "title")
            ):
                link = base_url + reverse("admin:articles_article_change", args=[article.pk])
                reminders[article.reviewed_by][when].append((article, link))

        for clinician, pages in sorted(reminders.items(), key=lambda item: item[0].pk):
            self.queue_reminder(clinician, days=days, **pages)
        self.stdout.write(
            f"Review reminders: {len(reminders)} clinician(s) to email; the task worker sends them."
        )
        # Their reviewer left, lost the role or has no email: the dashboard still lists them.
        unreminded = sum(
            articles.exclude(reviewed_by__in=clinicians).count() for articles in due.values()
        )
        if unreminded:
            self.stdout.write(
                f"{unreminded} page(s) due for review have no clinician with an email to "
                "remind: see `review_report`."
            )

    def queue_reminder(self, clinician, overdue, due_soon, days):
        context = {
            "name": staff_name(clinician),
            "overdue": overdue,
            "due_soon": due_soon,
            "days": days,
        }
        count = len(overdue) + len(due_soon)
        queue_email(
            subject=(
                "1 page you reviewed needs" if count == 1 else f"{count} pages you reviewed need"
            )
            + " a clinical review",
            body=render_to_string("articles/email/review_reminder.txt", context),
            html_body=render_to_string("articles/email/review_reminder.html", context),
            to=[clinician.email],
        )
