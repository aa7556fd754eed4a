"""Readability figures for clinicians: Flesch-Kincaid grade and Flesch reading ease.

Health-literacy guidance asks for patient material at about grade 8 (reading age 13) or
below: that is the target every figure is judged against. Publishing is refused only above
`settings.READING_GRADE_LIMIT` (a little higher, as the formula is a guide, not a measure),
unless the clinician accepts harder reading for that section and says why.

The formulas are the published ones; syllables are counted with the usual vowel-group rule
(right for most everyday words, a little off for some long medical ones).

The plain words are derived from the grade alone. Reading ease has a scale of its own
whose words ("plain English" from 60) disagree with the grade's near the target, so it is
shown as a number only: a text is never called plain while it is warned to be hard.
"""

import html
import re
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils.html import format_html

from .markdown import render_markdown

EASY_GRADE = 6
TARGET_GRADE = 8
NO_TEXT = "No text yet."
PLAINER = "Try shorter sentences and everyday words, and explain any medical term."
BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|td|th|pre)>|<br\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")
SENTENCE_END = re.compile(r"[.!?]+")
WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)?")
SILENT_ENDING = re.compile(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$")
VOWEL_GROUP = re.compile(r"[aeiouy]{1,2}")


class Level(StrEnum):
    EASY = "easy"
    PLAIN = "plain"
    HARD = "hard"  # above the target, still publishable
    TOO_HARD = "too_hard"  # above the publish limit


def syllables(word):
    word = word.lower()
    if len(word) <= 3:
        return 1
    word = SILENT_ENDING.sub("", word)
    word = re.sub(r"^y", "", word)
    return max(1, len(VOWEL_GROUP.findall(word)))


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int

    @property
    def reading_ease(self):
        return round(
            206.835 - 1.015 * self.words / self.sentences - 84.6 * self.syllables / self.words,
            1,
        )

    @property
    def grade(self):
        return round(
            0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59, 1
        )

    @property
    def above_target(self):
        return self.grade > TARGET_GRADE

    @property
    def too_hard(self):
        """Publishing is refused unless harder reading is accepted, with a reason."""
        return self.grade > settings.READING_GRADE_LIMIT

    @property
    def level(self):
        # The limit is checked first, so a limit set below the target never lets a
        # section that blocks publishing be called plain.
        if self.too_hard:
            return Level.TOO_HARD
        if self.above_target:
            return Level.HARD
        return Level.EASY if self.grade <= EASY_GRADE else Level.PLAIN

    @property
    def label(self):
        return {
            Level.EASY: "easy to read",
            Level.PLAIN: "plain English, the target for health information",
            Level.HARD: f"a little hard: aim for grade {TARGET_GRADE} or below",
            Level.TOO_HARD: f"too hard: above grade {settings.READING_GRADE_LIMIT:g}, "
            "publishing needs an accepted reason",
        }[self.level]

    @property
    def headline(self):
        return f"Grade {self.grade:g} — {self.label}"

    @property
    def details(self):
        return (
            f"reading ease {self.reading_ease:g} (higher is easier) · "
            f"{self.words} word{'s' if self.words != 1 else ''}"
        )

    @property
    def advice(self):
        return PLAINER if self.above_target else ""

    def summary(self):
        text = f"{self.headline} · {self.details}"
        return f"{text}. {self.advice}" if self.advice else text


def measure(markdown_text):
    """Readability of a Markdown text, or None if it has no words.

    Each paragraph, bullet point and heading counts as at least one sentence, so a list
    without full stops is not read as one endless sentence.
    """
    text = html.unescape(TAG.sub(" ", BLOCK_END.sub(". ", render_markdown(markdown_text))))
    words = WORD.findall(text)
    if not words:
        return None
    sentences = [part for part in SENTENCE_END.split(text) if WORD.search(part)]
    return Readability(
        words=len(words),
        sentences=max(1, len(sentences)),
        syllables=sum(syllables(word) for word in words),
    )


def html_summary(markdown_text):
    """The figures for the admin: the grade and its words first, marked when above target."""
    figures = measure(markdown_text)
    if figures is None:
        return NO_TEXT
    advice = (
        format_html('<span class="readability-advice">{}</span>', figures.advice)
        if figures.advice
        else ""
    )
    return format_html(
        '<span class="readability readability-{}"><strong>{}{}</strong> · {}{}</span>',
        figures.level,
        "⚠ " if figures.above_target else "",
        figures.headline,
        figures.details,
        advice,
    )


def preview(markdown_text):
    """What the live preview in the body editor shows under the rendered text, as values
    the page lays out itself (it never inserts them as HTML)."""
    figures = measure(markdown_text)
    if figures is None:
        return {
            "readability": {
                "level": "none",
                "warning": False,
                "grade": None,
                "reading_ease": None,
                "words": 0,
                "headline": NO_TEXT,
                "details": "",
                "advice": "",
                "summary": NO_TEXT,
            }
        }
    return {
        "readability": {
            "level": figures.level,
            "warning": figures.above_target,
            "grade": figures.grade,
            "reading_ease": figures.reading_ease,
            "words": figures.words,
            "headline": figures.headline,
            "details": figures.details,
            "advice": figures.advice,
            "summary": figures.summary(),
        }
    }
