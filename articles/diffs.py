"""What changed between two versions of an article, part by part and word by word.

A clinician signing off a correction needs to see which words changed, in which section:
a table of fields showing each section struck out and added again (what a generic version
comparison gives) hides a changed dose inside a page of unchanged text.

The differences come from diff-match-patch (Google's diff algorithm, well kept, already
installed with django-reversion-compare). It diffs characters, so each text is first cut
into words, spaces and punctuation and each distinct piece is given one character: the
library's own lines-to-chars trick, applied to words instead of lines. Its semantic
cleanup then merges the scattered one-word matches a minimal diff leaves into readable
hunks ("removed: rest for a day, added: keep moving gently"), and no hunk ever splits a
word. Lists (treatments, references, the order of sections) are diffed the same way, one
character per item.

Line endings are made plain LF first: text saved from a browser has CR LF, and a version
differing only in that is not a change a reader could see.
"""

import re
from dataclasses import dataclass

from diff_match_patch import diff_match_patch
from django.utils.html import format_html, format_html_join

from .content import SectionContent
from .models.section import Section, normalise_line_endings

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
OPERATIONS = {
    diff_match_patch.DIFF_EQUAL: EQUAL,
    diff_match_patch.DIFF_INSERT: INSERT,
    diff_match_patch.DIFF_DELETE: DELETE,
}

# A word, a run of white space, or one punctuation mark (so "**" and "," diff on their own).
TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def _diff_pieces(old_pieces, new_pieces, readable):
    """(operation, [pieces]) runs turning `old_pieces` into `new_pieces`.

    Each distinct piece becomes one character for the character diff; `readable` asks for
    the semantic cleanup, which suits prose but would blur a list's item-by-item changes.
    """
    pieces, codes = [""], {}  # no piece is "\x00", as in the library's own lines mode

    def encode(sequence):
        chars = []
        for piece in sequence:
            if piece not in codes:
                codes[piece] = len(pieces)
                pieces.append(piece)
            chars.append(chr(codes[piece]))
        return "".join(chars)

    old_chars, new_chars = encode(old_pieces), encode(new_pieces)
    engine = diff_match_patch()
    diffs = engine.diff_main(old_chars, new_chars, checklines=False)
    if readable:
        engine.diff_cleanupSemantic(diffs)
    return [
        (OPERATIONS[operation], [pieces[ord(char)] for char in chars]) for operation, chars in diffs
    ]


@dataclass(frozen=True)
class TextChange:
    """A text as word-level segments: (operation, text) with EQUAL, INSERT or DELETE."""

    segments: tuple[tuple[str, str], ...]

    @classmethod
    def between(cls, old, new):
        old, new = normalise_line_endings(old), normalise_line_endings(new)
        runs = _diff_pieces(TOKEN.findall(old), TOKEN.findall(new), readable=True)
        return cls(tuple((operation, "".join(words)) for operation, words in runs))

    @property
    def changed(self):
        return any(operation != EQUAL for operation, _ in self.segments)

    @property
    def html(self):
        return segments_html(self.segments)


@dataclass(frozen=True)
class ListChange:
    """A list (treatments, references, topics) as (operation, item) for each item."""

    items: tuple[tuple[str, str], ...]

    @classmethod
    def between(cls, old, new):
        runs = _diff_pieces(old, new, readable=False)
        return cls(tuple((operation, item) for operation, items in runs for item in items))

    @property
    def changed(self):
        return any(operation != EQUAL for operation, _ in self.items)

    @property
    def html_items(self):
        return [segments_html([item]) for item in self.items]


@dataclass(frozen=True)
class SectionChange:
    """One section of either version: added (no `old`), removed (no `new`) or in both."""

    old: SectionContent | None
    new: SectionContent | None
    heading: TextChange
    body: TextChange
    moved: bool = False

    @property
    def status(self):
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "unchanged" if self.unchanged else "changed"

    @property
    def unchanged(self):
        return (
            self.old is not None
            and self.new is not None
            and not (self.heading.changed or self.body.changed or self.notes)
        )

    @property
    def title(self):
        return (self.new or self.old).heading

    @property
    def notes(self):
        """Changes besides the words, in plain sentences."""
        old, new = self.old, self.new
        if old is None or new is None:
            return []
        notes = []
        if self.moved:
            notes.append("Moved to another place in the article.")
        if old.anchor != new.anchor:
            notes.append(
                f"Link changed from #{old.anchor} to #{new.anchor}: links people shared to "
                "this part of the page no longer lead to it."
            )
        if old.kind != new.kind:
            notes.append(
                f"Kind changed from “{_kind_label(old.kind)}” to “{_kind_label(new.kind)}”."
            )
        if old.parent_heading != new.parent_heading:
            notes.append(
                f"Now a sub-section of “{new.parent_heading}”."
                if new.parent_heading
                else "Now a main section."
            )
        if (old.harder_reading_accepted, old.harder_reading_reason) != (
            new.harder_reading_accepted,
            new.harder_reading_reason,
        ):
            notes.append(
                f"Harder reading accepted, because: “{new.harder_reading_reason}”."
                if new.harder_reading_accepted
                else "Harder reading no longer accepted."
            )
        return notes


def _kind_label(kind):
    return Section.Kind(kind).label if kind in Section.Kind.values else kind


@dataclass(frozen=True)
class SectionRun:
    """Neighbouring sections the page shows alike: unchanged ones collapse into one line."""

    unchanged: bool
    sections: tuple[SectionChange, ...]


@dataclass(frozen=True)
class ArticleComparison:
    title: TextChange
    standfirst: TextChange
    sections: tuple[SectionChange, ...]
    treatments: ListChange
    references: ListChange
    topics: ListChange
    codes: ListChange

    @property
    def changed(self):
        return any(change.changed for change, _ in self._parts()) or not all(
            section.unchanged for section in self.sections
        )

    @property
    def unchanged_parts(self):
        """The names of the parts besides sections that did not change, for one line."""
        return [name for change, name in self._parts() if not change.changed]

    @property
    def section_runs(self):
        runs = []
        for section in self.sections:
            if runs and section.unchanged and runs[-1].unchanged:
                runs[-1] = SectionRun(True, (*runs[-1].sections, section))
            else:
                runs.append(SectionRun(section.unchanged, (section,)))
        return runs

    def _parts(self):
        return [
            (self.title, "title"),
            (self.standfirst, "standfirst"),
            (self.treatments, "treatments"),
            (self.references, "references"),
            (self.topics, "topics"),
            (self.codes, "clinical codes"),
        ]


def compare(old, new):
    """The changes from the `old` ArticleContent to the `new` one."""
    return ArticleComparison(
        title=TextChange.between(old.title, new.title),
        standfirst=TextChange.between(old.standfirst, new.standfirst),
        sections=compare_sections(old.sections, new.sections),
        treatments=ListChange.between(old.treatments, new.treatments),
        references=ListChange.between(old.references, new.references),
        topics=ListChange.between(sorted(old.topic_slugs), sorted(new.topic_slugs)),
        codes=ListChange.between(old.codes, new.codes),
    )


def compare_sections(old_sections, new_sections):
    """Every section of both versions in the new reading order, each removed section
    just after the one it followed before.

    A section is the same section in both when its anchor is the same (its link, kept
    when the heading is reworded), else when its heading is; any other is added or
    removed.
    """
    partner = _match_sections(old_sections, new_sections)  # new index -> old index
    moved = _moved(partner)
    removed_after = {}  # new index (or None: the top) -> old sections removed after it
    old_to_new = {old: new for new, old in partner.items()}
    last_kept = None
    for old_index, section in enumerate(old_sections):
        if old_index in old_to_new:
            last_kept = old_to_new[old_index]
        else:
            removed_after.setdefault(last_kept, []).append(section)

    def removed(after):
        return [
            SectionChange(
                old=section,
                new=None,
                heading=TextChange.between(section.heading, ""),
                body=TextChange.between(section.body, ""),
            )
            for section in removed_after.get(after, [])
        ]

    changes = removed(None)
    for new_index, section in enumerate(new_sections):
        old = old_sections[partner[new_index]] if new_index in partner else None
        changes.append(
            SectionChange(
                old=old,
                new=section,
                heading=TextChange.between(old.heading if old else "", section.heading),
                body=TextChange.between(old.body if old else "", section.body),
                moved=new_index in moved,
            )
        )
        changes += removed(new_index)
    return tuple(changes)


def _match_sections(old_sections, new_sections):
    """{new index: old index} of the sections in both versions."""
    partner = {}
    for key in ("anchor", "heading"):
        taken = set(partner.values())
        unmatched_old = {}
        for old_index, section in enumerate(old_sections):
            value = getattr(section, key).strip()
            if value and old_index not in taken:
                unmatched_old.setdefault(value, []).append(old_index)
        for new_index, section in enumerate(new_sections):
            candidates = unmatched_old.get(getattr(section, key).strip())
            if new_index not in partner and candidates:
                partner[new_index] = candidates.pop(0)
    return partner


def _moved(partner):
    """The new indexes of matched sections whose place among the others changed: the
    fewest that, put back, restore the old order."""
    in_new_order = [partner[new_index] for new_index in sorted(partner)]
    runs = _diff_pieces(sorted(in_new_order), in_new_order, readable=False)
    moved_old = {old for operation, olds in runs if operation == INSERT for old in olds}
    return {new_index for new_index, old in partner.items() if old in moved_old}


def segments_html(segments):
    """The segments as HTML: added words in <ins>, removed ones in <del>, all escaped.

    Each change also says "added:" or "removed:" in words for screen readers, which do
    not announce <ins> and <del>; colour and strike-through alone would tell nobody else.
    """
    templates = {
        EQUAL: "{}",
        INSERT: '<ins><span class="visually-hidden">added: </span>{}</ins>',
        DELETE: '<del><span class="visually-hidden">removed: </span>{}</del>',
    }
    return format_html_join(
        "", "{}", ((format_html(templates[operation], text),) for operation, text in segments)
    )
