"""The care card: the "when to get help" box every article of a topic shows, built from
the topic's red flags, so it can never disagree with the checker that reads the same rows.

Three tiers, most urgent first, each headed by its level's care card heading from the
checker's advice (numbers filled in from settings) and listing the red flags at that level
in their own plain words.
"""

from dataclasses import dataclass

from django.conf import settings

from governance.helplines import fill_in_numbers
from pagecache.kept import KeptPerVersion

from .engine import Disposition
from .models import RedFlag

TIERS = (Disposition.EMERGENCY, Disposition.URGENT, Disposition.GP)


@dataclass(frozen=True)
class Tier:
    level: Disposition
    heading: str
    signs: tuple[str, ...]


def care_card_for(article):
    """The article's care card tiers (empty if none of its topics has red flags).

    Remembered on the article for the page's pointer and the card itself, and in this
    process for the articles of the same topics (`care_cards`).
    """
    if not hasattr(article, "_care_card"):
        # Topics prefetched with the article's page.
        topic_ids = frozenset(topic.pk for topic in article.topics.all())
        # The numbers are settings: a change to them needs no new version.
        key = (topic_ids, settings.EMERGENCY_NUMBER, settings.URGENT_NUMBER)
        article._care_card = care_cards.get(key) if topic_ids else ()
    return article._care_card


def build_topics_care_card(key):
    topic_ids, _, _ = key
    return build_care_card(RedFlag.objects.for_topics(topic_ids).with_care_card_heading())


# Every article of a topic shows the same card: built once per public pages version
# (`pagecache.kept`) rather than with a query on every render.
care_cards = KeptPerVersion(build_topics_care_card)


def build_care_card(red_flags):
    """The tiers for these red flags, each with its level's `care_card_heading`."""
    most_urgent = {}
    for red_flag in red_flags:
        # A sign in two of the article's topics is listed once, at its more urgent level.
        known = most_urgent.get(red_flag.slug)
        if known is None or red_flag.disposition.urgency > known.disposition.urgency:
            most_urgent[red_flag.slug] = red_flag
    if not most_urgent:
        return ()
    headings = {red_flag.level: red_flag.care_card_heading for red_flag in most_urgent.values()}
    tiers = []
    for level in TIERS:
        signs = tuple(
            red_flag.noticed for red_flag in most_urgent.values() if red_flag.level == level
        )
        if signs:
            heading = headings.get(level) or DEFAULT_HEADINGS[level]
            tiers.append(Tier(level, fill_in_numbers(heading), signs))
    return tuple(tiers)


# Only if a clinician's advice row had no heading: a tier is never shown without one.
DEFAULT_HEADINGS = {
    Disposition.EMERGENCY: "Call {emergency_number} or go to A&E now if you have any of these:",
    Disposition.URGENT: "Get help today: call {urgent_number} or ask for an urgent GP "
    "appointment if you have any of these:",
    Disposition.GP: "See a GP or physiotherapist soon if:",
}
