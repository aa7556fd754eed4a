"""Make approved drafts of live pages live once their publish time has come.

Readers' requests already do this (see articles.middleware), so a quiet site needs no
timer; run this every minute from a timer or cron to have it done on the minute anyway.
"""

from django.core.management.base import BaseCommand

from articles.models.drafts import publish_due_drafts, remember_next_draft_time


class Command(BaseCommand):
    help = "Make approved drafts of live pages live once their publish time has come."

    def handle(self, *args, **options):
        made_live = publish_due_drafts()
        remember_next_draft_time()
        if made_live or options["verbosity"] > 1:  # quiet when run every minute
            self.stdout.write(f"{made_live} draft{'s' if made_live != 1 else ''} made live.")
