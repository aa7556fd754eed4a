"""Recompute every stored search vector and the typo vocabulary.

Saving through the admin keeps both up to date; this is for data loaded in bulk (which
sends no signals) and after changing how vectors are built.
"""

import time

from django.core.management.base import BaseCommand

from articles.models import Section
from search import index


class Command(BaseCommand):
    help = "Recompute the search vectors of all sections and the words typos are corrected to."

    def handle(self, *args, **options):
        started = time.perf_counter()
        index.update_vectors()
        index.remember_words()
        self.stdout.write(
            f"Search index rebuilt for {Section.objects.count()} sections "
            f"in {time.perf_counter() - started:.1f} s."
        )
