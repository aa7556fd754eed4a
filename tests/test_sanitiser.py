"""Clinicians write Markdown; readers only ever get sanitised HTML."""

import re

import pytest

from articles.markdown import render_markdown

HOSTILE_INPUTS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    "<style>body { display: none }</style>",
    '<p style="position:fixed;top:0">cover</p>',
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[click me](  javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<div onmouseover="alert(1)">hover</div>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name="q"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "<!-- <script>alert(1)</script> -->",
    '<a href="vbscript:msgbox(1)">x</a>',
]

FORBIDDEN = [
    re.compile(r"<\s*(script|style|iframe|object|embed|form|input|meta|base|link|svg|img)\b", re.I),
    re.compile(r"\son\w+\s*=", re.I),
    re.compile(r"javascript:|vbscript:|data:", re.I),
    re.compile(r"\sstyle\s*=", re.I),
]


@pytest.mark.parametrize("hostile", HOSTILE_INPUTS)
def test_nothing_executable_survives(hostile):
    html = render_markdown(hostile)

    for pattern in FORBIDDEN:
        assert not pattern.search(html), f"{hostile!r} rendered as {html!r}"


def test_ordinary_formatting_and_safe_links_are_kept():
    html = render_markdown(
        "Keep **active**.\n\n- walk\n- stretch\n\nSee [NHS](https://www.nhs.uk/conditions/back-pain/)."
    )

    assert "<strong>active</strong>" in html
    assert "<li>walk</li>" in html
    assert (
        '<a href="https://www.nhs.uk/conditions/back-pain/" rel="noopener noreferrer">NHS</a>'
        in html
    )


def test_headings_in_a_body_become_bold_paragraphs_not_extra_page_headings():
    html = render_markdown("# Big heading\n\nText")

    assert "<h1" not in html
    assert "<p><strong>Big heading</strong></p>" in html


def test_plain_text_is_escaped():
    assert render_markdown("1 < 2 & 3 > 2") == "<p>1 &lt; 2 &amp; 3 &gt; 2</p>"
