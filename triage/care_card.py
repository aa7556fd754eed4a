"""The care card: the "when to get help" box every article of a topic shows, built from
the topic's red flags, so it can never disagree with the checker that reads the same rows.

Three tiers, most urgent first, each headed by its level's care card heading from the
checker's advice (numbers filled in from settings) and listing the red flags at that level
in their own plain words.
"""

import threading
from dataclasses import dataclass

from django.conf import settings

from governance.helplines import fill_in_numbers
from pagecache.pages import current_version

from .engine import Disposition
from .models import RedFlag

TIERS = (Disposition.EMERGENCY, Disposition.URGENT, Disposition.GP)
# Care cards kept per public pages version: one for each set of topics articles have.
MAX_KEPT_CARE_CARDS = 256


@dataclass(frozen=True)
class Tier:
    level: Disposition
    heading: str
    signs: tuple[str, ...]


def care_card_for(article):
    """The article's care card tiers (empty if none of its topics has red flags).

    Remembered on the article for the page's pointer and the card itself, and in this
    process for the articles of the same topics (`CareCards`).
    """
    if not hasattr(article, "_care_card"):
        # Topics prefetched with the article's page.
        topic_ids = frozenset(topic.pk for topic in article.topics.all())
        article._care_card = care_cards.for_topics(topic_ids) if topic_ids else ()
    return article._care_card


class CareCards:
    """The care cards of the current public pages version, by set of topics.

    Every article of a topic shows the same card, and it changes only with the red flags
    and advice, whose every change raises the public pages version: so a card is built
    once per version rather than with two queries on every render. A card is as fresh as
    a cached page, which holds the same card: a change reaches every process as soon as
    it knows the new version (at once with Redis, else within a second).
    """

    def __init__(self):
        self.lock = threading.Lock()  # a threaded server shares one memory
        self.clear()

    def clear(self):
        self.version = None
        self.cards = {}

    def for_topics(self, topic_ids):
        version = current_version()
        # The numbers are settings: a change to them needs no new version.
        key = (topic_ids, settings.EMERGENCY_NUMBER, settings.URGENT_NUMBER)
        with self.lock:
            if version != self.version:
                self.clear()
            card = self.cards.get(key)
        if card is not None:
            return card
        # Built after the version was read: a change that committed since is in the card
        # already, and one committing later raises the version again.
        card = build_care_card(RedFlag.objects.for_topics(topic_ids).with_care_card_heading())
        with self.lock:
            if version == self.version or self.version is None:
                self.version = version
                if len(self.cards) < MAX_KEPT_CARE_CARDS:
                    self.cards[key] = card
        return card


care_cards = CareCards()


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
