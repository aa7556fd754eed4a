"""Delete searches that found nothing once nobody has made them for SEARCH_LOG_KEEP_DAYS,
and the hashed candidates that did not reach the clinicians' list within their day.

Run it daily from a timer or cron. Requests keep both tables under their caps as they
come; this is what ages out the entries nobody searches for any more.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from search.models import UnansweredSearch, UnansweredSearchCandidate


class Command(BaseCommand):
    help = (
        "Delete searches that found nothing not made for SEARCH_LOG_KEEP_DAYS, and "
        "expired candidates."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            old, _ = UnansweredSearch.objects.past_keeping().delete()
            over_cap, _ = UnansweredSearch.objects.beyond_cap().delete()
            candidates, _ = UnansweredSearchCandidate.objects.expired().delete()
        self.stdout.write(
            f"{old} search{'es' if old != 1 else ''} not made in "
            f"{settings.SEARCH_LOG_KEEP_DAYS} days deleted, "
            f"{over_cap} over the cap, {candidates} expired candidate"
            f"{'s' if candidates != 1 else ''}."
        )
