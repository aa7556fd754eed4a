"""Advice for readers' own words: what a comment or a search that mentions a red flag gets.

The comments and search apps call `advice_for_text()`; the advice is the checker's own
text for the most urgent level found (its headline, numbers filled in from settings), with
the warning signs named in the red flags' own plain words.
"""

from dataclasses import dataclass

from governance.helplines import fill_in_numbers

from .engine import Disposition
from .models import Advice, RedFlag
from .red_flags import find_red_flags

# Only these levels are looked for in free text: "see a GP soon" is for the care card and
# the checker, where the reader's answer is not a guess.
MATCHED_LEVELS = (Disposition.EMERGENCY, Disposition.URGENT)


@dataclass(frozen=True)
class RedFlagAdvice:
    level: Disposition
    headline: str
    noticed: tuple[str, ...]
    """The warning signs at this level the text mentions, in the red flags' own words."""
    slugs: tuple[str, ...]

    @property
    def is_emergency(self):
        return self.level == Disposition.EMERGENCY

    @property
    def summary(self):
        """A short mark for staff, e.g. “possible emergency: numbness around your bottom”."""
        kind = "emergency" if self.is_emergency else "urgent problem"
        return f"possible {kind}: {'; '.join(self.noticed)}"


def advice_for_text(text, red_flags=None):
    """The advice for the most urgent red flag `text` mentions, or None.

    `red_flags` are matcher values (RedFlag.objects.matchers()); by default the live ones
    are read from the database.
    """
    if not text or not text.strip():
        return None
    if red_flags is None:
        red_flags = RedFlag.objects.matchers()
    found = [f for f in find_red_flags(text, red_flags) if f.red_flag.level in MATCHED_LEVELS]
    if not found:
        return None
    level = found[0].red_flag.level
    at_level = [f.red_flag for f in found if f.red_flag.level == level]
    advice = Advice.objects.filter(disposition=level).first()
    headline = advice.headline if advice else DEFAULT_HEADLINES[level]
    return RedFlagAdvice(
        level=level,
        headline=fill_in_numbers(headline),
        noticed=tuple(red_flag.noticed for red_flag in at_level),
        slugs=tuple(red_flag.slug for red_flag in at_level),
    )


# Only if a clinician's advice row were missing: a red flag must never go without advice.
DEFAULT_HEADLINES = {
    Disposition.EMERGENCY: "Call {emergency_number} now or go to the emergency department",
    Disposition.URGENT: "Get help today: call {urgent_number} or your GP surgery",
}
