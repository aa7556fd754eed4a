"""Red flags in readers' own words: find the emergency in a comment or a search query.

A reader who writes "can't feel my bum" or "peed myself" may have cauda equina syndrome and
must be shown the emergency advice at once, however they spell it. This module is pure (no
database, no Django, no HTTP): text and red flags in, the red flags it mentions out, most
urgent first. Clinicians edit the red flags in the admin (triage.models.RedFlag, first
installed from migrations/0003_red_flags.json); the model hands its rows to these functions.

How a phrase matches, and why:
- Both the text and the phrase are normalised (case, apostrophes, contractions, British and
  American spelling, common misspellings) and stemmed with Snowball English, so "numbness"
  finds "numb" and "can't wee" finds "cannot wee".
- The phrase's words must appear in order in one clause (clauses end at punctuation), with
  at most MAX_GAP words in between ("can't really feel my bum" is "can't feel bum"); little
  words (my, the, is, really, in) are free, and "and", "but", "because"... end the phrase,
  so "my leg went numb and my bum hurts" is not "numb bum". Whose it is does not matter:
  "can't feel my legs" is also "my husband can't feel his legs".
- A negation just before an occurrence ("no", "not", "never", "without", "don't have any")
  or between its words ("my bum is not numb") cancels that occurrence only; any other
  occurrence still counts.
- Safety first: a false alarm is better than a miss. So a negation after the phrase never
  cancels it, a negation inside the phrase is part of it ("can not pee"), a phrase that
  says its own negation is never cancelled ("no i can't pee" is still can't pee), and
  "never had numbness down there before" counts, since it is new.
- Typos: common misspellings of the words that matter are listed and corrected
  (COMMON_MISSPELLINGS). No edit distance: "bladder" is one letter from "ladder" and
  "fever" from "never", and "fell off a ladder" must not read as a bladder problem.
"""

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .engine import URGENCY_ORDER, Disposition
from .wording import (
    COORDINATED_WORDS,
    FREE_WORDS,
    NEGATION_FILLERS,
    NEGATION_LISTS,
    NEGATION_UNDOERS,
    NEGATIONS,
    SAME_MEANING,
    SAYS_NEGATION,
    SPAN_BREAKERS,
    UNDOER_REACH,
    WHOSE,
    clauses,
    normalise,
    stem,
    stem_start,
)

# The red flags SpasmCMS ships, as the data migration that installs them reads them.
DEFAULT_PATH = Path(__file__).parent / "migrations" / "0003_red_flags.json"
LEVELS = (Disposition.EMERGENCY, Disposition.URGENT, Disposition.GP)

# At most this many words (little words free) between two words of a phrase, and at most
# MAX_SPAN words in all: "can't really feel my bum" is a gap of one.
MAX_GAP = 2
MAX_SPAN = 6
# A negation cancels an occurrence when it stands at most this many words before it.
NEGATION_REACH = 6


@dataclass(frozen=True)
class RedFlag:
    """One warning sign: what the reader notices, how urgent it is, and the words for it.

    `patterns` is each phrase stemmed once, here, never per text.
    """

    slug: str
    level: Disposition
    noticed: str
    phrases: tuple[str, ...]
    patterns: tuple[tuple[str, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.level not in LEVELS:
            raise ValueError(f"Red flag {self.slug!r}: level must be one of {LEVELS}.")
        object.__setattr__(self, "level", Disposition(self.level))
        object.__setattr__(self, "phrases", tuple(self.phrases))
        patterns = tuple(phrase_pattern(phrase) for phrase in self.phrases)
        if not all(patterns):
            raise ValueError(f"Red flag {self.slug!r}: every phrase needs a word.")
        object.__setattr__(self, "patterns", patterns)


@dataclass(frozen=True)
class Found:
    """A red flag found in a text: the phrase that matched, and the reader's words for it
    (normalised), for a clinician checking why."""

    red_flag: RedFlag
    phrase: str
    words: str


def phrase_pattern(phrase):
    """The phrase's stems, without the words that only say whose ("can't feel my bum" is
    also "can't feel his bum")."""
    words = normalise(phrase).split()
    return tuple(stem(word) for word in words if word not in WHOSE) or tuple(map(stem, words))


def load_red_flags(path=DEFAULT_PATH):
    """The red flags in a JSON file (a list of {slug, level, noticed, phrases})."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    red_flags = tuple(
        RedFlag(
            slug=entry["slug"],
            level=entry["level"],
            noticed=entry["noticed"],
            phrases=tuple(entry["phrases"]),
        )
        for entry in entries
    )
    slugs = [red_flag.slug for red_flag in red_flags]
    if len(set(slugs)) != len(slugs):
        raise ValueError(f"{path}: each red flag's slug must be unique.")
    return red_flags


@dataclass(frozen=True)
class Entry:
    rank: int
    red_flag: RedFlag
    phrase: str
    pattern: tuple[str, ...]
    stems: frozenset
    says_negation: bool


# Each phrase index remembers this many words' stems at most, so text of any kind cannot grow
# it without limit.
KNOWN_WORDS = 50000


@dataclass(frozen=True)
class PhraseIndex:
    """Every pattern of a set of red flags, by its first stem; ranks put the most urgent
    red flags first."""

    by_first_stem: dict
    starts: dict  # stem_start() of every stem in a pattern, by its first two letters
    known: dict = field(default_factory=dict, compare=False)  # word: its stem, or None

    def stem(self, word):
        """The word's stem if a phrase may use it, else None; remembered (up to a limit)."""
        try:
            return self.known[word]
        except KeyError:
            pass
        if len(self.known) >= KNOWN_WORDS:
            self.known.clear()
        word_stem = stem(word) if may_be_in_a_phrase(word, self) else None
        self.known[word] = word_stem
        return word_stem


@lru_cache(maxsize=16)
def phrase_index(red_flags):
    by_first_stem = {}
    starts = {}
    ranked = sorted(red_flags, key=lambda red_flag: URGENCY_ORDER.index(red_flag.level))
    for rank, red_flag in enumerate(ranked):
        for phrase, pattern in zip(red_flag.phrases, red_flag.patterns, strict=True):
            says_negation = any(word in SAYS_NEGATION for word in normalise(phrase).split())
            entry = Entry(rank, red_flag, phrase, pattern, frozenset(pattern), says_negation)
            by_first_stem.setdefault(pattern[0], []).append(entry)
            for word_stem in pattern:
                start = stem_start(word_stem)
                starts.setdefault(start[:2], set()).add(start)
    return PhraseIndex(by_first_stem, {key: tuple(group) for key, group in starts.items()})


def find_red_flags(text, red_flags):
    """The red flags the text mentions, most urgent first, each with the phrase that matched.

    A red flag is reported once, for its first un-negated occurrence.
    """
    index = phrase_index(tuple(red_flags))
    found = {}
    for words in (clause.split() for clause in clauses(text)):
        stems = [index.stem(word) for word in words]
        in_clause = set(stems)
        for start, first in enumerate(stems):
            for entry in index.by_first_stem.get(first, ()):
                if entry.rank in found or not entry.stems <= in_clause:
                    continue
                end = match_end(entry.pattern, stems, words, start)
                if end is None:
                    continue
                if not entry.says_negation and negated(words, start, end):
                    continue
                words_matched = " ".join(words[start : end + 1])
                found[entry.rank] = Found(entry.red_flag, entry.phrase, words_matched)
    return [found[rank] for rank in sorted(found)]


def may_be_in_a_phrase(word, index):
    """False only if no word of any phrase can be this word's stem (see stem_start)."""
    word = SAME_MEANING.get(word, word)
    return any(map(word.startswith, index.starts.get(word[:2], ())))


def most_urgent(text, red_flags):
    """The most urgent level of any red flag the text mentions, or None."""
    found = find_red_flags(text, red_flags)
    return found[0].red_flag.level if found else None


def match_end(pattern, stems, words, start, k=0):
    """Where the pattern ends if its word k is at `start` and the rest follow closely."""
    if k == len(pattern) - 1:
        return start
    gap = 0
    for j in range(start + 1, min(len(words), start + 2 + MAX_SPAN)):
        if stems[j] == pattern[k + 1]:
            end = match_end(pattern, stems, words, j, k + 1)
            if end is not None:
                return end
        # "My bum is not numb": a negation between a phrase's words denies it ("numb, not
        # just my bum" does not).
        if words[j] in SPAN_BREAKERS or (
            words[j] in NEGATIONS and words[j + 1 : j + 2] not in (["just"], ["only"])
        ):
            return None
        if words[j] not in FREE_WORDS:
            gap += 1
            if gap > MAX_GAP:
                return None
    return None


def negated(words, start, end):
    """Whether a negation just before words[start:end + 1] denies them."""
    after = words[end + 1 : end + 1 + UNDOER_REACH]
    if any(word in NEGATION_UNDOERS for word in after):
        return False
    coordinated = 0
    for j in range(start - 1, max(-1, start - 1 - NEGATION_REACH), -1):
        word = words[j]
        if word in NEGATIONS:
            return True
        if word in NEGATION_LISTS:
            coordinated = COORDINATED_WORDS
        elif word not in NEGATION_FILLERS:
            if coordinated == 0:
                return False
            coordinated -= 1
    return False
