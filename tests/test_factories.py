"""Factory-made section headings pass the rules clinicians' headings do: a heading with a
help-line number written out (section 111, 999) is refused by the admin, which would fail
whichever test happened to make it in a long run."""

import pytest

from governance.helplines import literal_helplines

from .factories import SectionFactory


@pytest.mark.parametrize("n", [0, 111, 112, 911, 999, 1000, 10_000])
def test_a_section_heading_never_writes_out_a_help_line_number(n):
    heading = SectionFactory.build(__sequence=n).heading

    assert literal_helplines(heading) == []
    assert not any(character.isdigit() for character in heading)


def test_section_headings_differ_from_one_another():
    headings = {SectionFactory.build(__sequence=n).heading for n in range(2_000)}

    assert len(headings) == 2_000
