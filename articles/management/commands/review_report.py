from django.core.management.base import BaseCommand, CommandError

from articles.models import Article


class Command(BaseCommand):
    help = (
        "List articles overdue for clinical review or due within 30 days. Exits with status 1 "
        "when any article is overdue, so monitoring can alert on it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="How far ahead to look.")

    def handle(self, *args, days=30, **options):
        overdue = list(Article.objects.review_overdue().order_by("next_review_due"))
        due_soon = list(Article.objects.review_due_within(days).order_by("next_review_due"))
        for heading, articles in [
            ("Overdue for review", overdue),
            (f"Due in {days} days", due_soon),
        ]:
            self.stdout.write(f"{heading}: {len(articles)}")
            for article in articles:
                status = article.get_status_display()
                self.stdout.write(
                    f"  {article.next_review_due:%Y-%m-%d}  {article.title} ({status})"
                )
        if overdue:
            raise CommandError(f"{len(overdue)} article(s) overdue for clinical review.")
