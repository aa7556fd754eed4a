"""Readability figures for clinicians: Flesch reading ease and Flesch-Kincaid grade.

Health-literacy guidance asks for patient material at about grade 8 (reading age 13) or
below. The formulas are the published ones; syllables are counted with the usual
vowel-group rule (right for most everyday words, a little off for some long medical ones),
which is why the figure is a guide for the editor, never a gate.
"""

import html
import re
from dataclasses import dataclass

from django.utils.html import format_html

from .markdown import render_markdown

GRADE_LIMIT = 8
BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|td|th|pre)>|<br\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")
SENTENCE_END = re.compile(r"[.!?]+")
WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)?")
SILENT_ENDING = re.compile(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$")
VOWEL_GROUP = re.compile(r"[aeiouy]{1,2}")


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
    def too_hard(self):
        return self.grade > GRADE_LIMIT

    @property
    def ease_label(self):
        for floor, label in [
            (90, "very easy"),
            (80, "easy"),
            (70, "fairly easy"),
            (60, "plain English"),
            (50, "fairly hard"),
            (30, "hard"),
        ]:
            if self.reading_ease >= floor:
                return label
        return "very hard"

    def summary(self):
        text = (
            f"Reading ease {self.reading_ease:g} ({self.ease_label}) · "
            f"grade {self.grade:g} · {self.words} word{'s' if self.words != 1 else ''}"
        )
        if self.too_hard:
            text += (
                f". Above grade {GRADE_LIMIT}: try shorter sentences and everyday words, "
                "and explain any medical term."
            )
        return text


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
    """The figures for the admin, with a visible warning when the text reads too hard."""
    figures = measure(markdown_text)
    if figures is None:
        return "No text yet."
    if figures.too_hard:
        return format_html('<strong class="readability-warning">⚠ {}</strong>', figures.summary())
    return figures.summary()


def preview(markdown_text):
    """What the live preview in the body editor shows under the rendered text."""
    return {"readability": html_summary(markdown_text)}
