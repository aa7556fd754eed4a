"""What a search costs the database: a fixed number of queries however many articles match."""

import pytest

from .search_helpers import article, found

pytestmark = pytest.mark.django_db


def matching_articles(count, start=0):
    for n in range(start, start + count):
        article(
            f"Back care {n}",
            sections=[
                ("Causes", "Back pain often follows lifting."),
                ("Easing it", "Keep moving; heat can ease back spasms."),
            ],
        )


def test_a_search_costs_a_fixed_number_of_queries_for_3_or_30_matching_articles(
    client, django_assert_max_num_queries
):
    """Bounded, not equal: with enough title matches the later candidate lookups are skipped.

    The search itself is at most 7; one more reads the live red flags the words are checked
    against (a search that mentions one reads its advice too).
    """
    matching_articles(3)
    found(client, "back spasms")  # anything done once per process is done now
    with django_assert_max_num_queries(8):
        assert len(found(client, "back spasms")) == 3

    matching_articles(27, start=3)
    with django_assert_max_num_queries(8):
        assert len(found(client, "back spasms")) == 20  # the most a page shows
