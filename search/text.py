"""How search reads text: its words, their stems, the words too common to count, and the
snippets that show readers where their words were found.

Snippets are built here, escaped, with the matched words marked, so no stored text reaches
the page unescaped.
"""

import html
import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe

from governance.helplines import fill_in_numbers
from governance.stemming import english_stem

SNIPPET_WORDS = 32
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
TAG = re.compile(r"<[^>]*>")
EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")
EDGE_SPLIT = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)
# Words too common to search for (PostgreSQL's English list drops these and more).
STOP_WORD_LIST = (
    "a about after all also am an and any are as at be been before both but by can can't "
    "could did do does doing don't for from had has have having he her him his how i if in "
    "into is it its just me more most my no nor not of off on once only or other our out "
    "over own same she should so some such than that the their them then there these they "
    "this those through to too under until up very was we were what when where which while "
    "cannot who why will with won't would you your"
)
STOP_WORDS = frozenset(STOP_WORD_LIST.split())


@lru_cache(maxsize=20000)  # Snowball in pure Python takes ~30 µs a word; a page stems thousands
def stem(word):
    """The word as PostgreSQL's `english` configuration indexes it: its Snowball English stem.

    A word with a digit in it is kept whole, as PostgreSQL's `simple` dictionary keeps it,
    and a typographic apostrophe (U+2019) is read as a straight one: "back's" either way is "back".
    """
    word = word.replace("\u2019", "'")
    if any(character.isdigit() for character in word):
        return word
    return english_stem(word)


def phrase_stems(text):
    return tuple(stem(word) for word in WORD.findall(text.lower()) if word not in STOP_WORDS)


def plain_text(section):
    """The section's words as readers see them, help-line numbers filled in."""
    # body_html is our sanitiser's output, so dropping its tags is enough to read the text.
    return fill_in_numbers(html.unescape(TAG.sub(" ", section.body_html)))


def snippet(article, section, phrases):
    """About SNIPPET_WORDS words of the section around its best match, matched words marked.

    A phrase ("slipped disc") is marked only where its words stand together.
    """
    # Not SearchHeadline, though ts_headline is no slower (measured: 1.9 ms against 3.1 ms for
    # 20 results): SQLite needs these snippets anyway, and ts_headline does not say where it
    # cut the text, which the ellipses need.
    text = plain_text(section) if section is not None else ""
    words = text.split() or article.standfirst.split()
    word_stems = tuple(stem(clean_word(word)) for word in words)
    marked = set()
    for phrase in phrases:
        for i in range(len(word_stems) - len(phrase) + 1):
            if word_stems[i : i + len(phrase)] == phrase:
                marked.update(range(i, i + len(phrase)))
    start = 0
    if marked:
        matches = sorted(marked)
        start = max(
            (max(0, m - 4) for m in matches),
            key=lambda s: sum(s <= m < s + SNIPPET_WORDS for m in matches),
        )
        start = max(0, min((m for m in matches if m >= start), default=start) - 4)
    end = start + SNIPPET_WORDS
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(words) else ""
    shown = " ".join(mark_word(words[i], i in marked) for i in range(start, min(end, len(words))))
    return mark_safe(prefix + shown + suffix)  # noqa: S308 (mark_word escapes every part)


def mark_word(word, matched):
    """The word escaped, inside <mark> if it matched (its punctuation left outside)."""
    before, core, after = EDGE_SPLIT.match(word).groups()
    if matched and core:
        return f"{escape(before)}<mark>{escape(core)}</mark>{escape(after)}"
    return escape(word)


def clean_word(word):
    """The word without the punctuation around it."""
    return EDGE_PUNCTUATION.sub("", word).lower()
