"""Layout checks a reader's settings can break: Windows high-contrast (forced colours), a
320 px wide screen (or 400 % zoom, WCAG 1.4.10 Reflow), and a wide desktop where lines of
article text would grow too long to read comfortably.
"""

import struct
import zlib

import pytest
from playwright.sync_api import expect

NARROW = {"width": 320, "height": 640}
WIDE = {"width": 1280, "height": 800}


def pixels(png):
    """Rows of (r, g, b) from an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes)."""
    pos, data = 8, b""
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        body = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and not interlace
        elif kind == b"IDAT":
            data += body
        pos += 12 + length
    step = 3 if colour == 2 else 4
    stride = width * step
    raw, rows, previous = zlib.decompress(data), [], bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for x in range(stride):
            a = line[x - step] if x >= step else 0
            b, c = previous[x], previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x : x + 3]) for x in range(0, stride, step)])
        previous = line
    return rows


def ink_in_the_middle(png):
    """Share of the middle third of an image (where a radio's dot or a tick goes) that is not
    the colour of its top-left corner (the page behind the control)."""
    rows = pixels(png)
    height, width = len(rows), len(rows[0])
    background = rows[0][0]
    middle = [row[width // 3 : 2 * width // 3] for row in rows[height // 3 : 2 * height // 3]]
    inked = [
        pixel
        for row in middle
        for pixel in row
        if sum(abs(a - b) for a, b in zip(pixel, background, strict=True)) > 96
    ]
    return len(inked) / sum(len(row) for row in middle)


PAGES = [
    "/",
    "/articles/back-muscle-spasms/",
    "/triage/",
    "/search/?q=spasm",
    "/topics/back-pain/",
]


@pytest.mark.parametrize("viewport", [NARROW], ids=["320px"])
def test_a_ticked_answer_looks_ticked_in_forced_colours(visit, demo_content):
    page = visit.page
    page.emulate_media(forced_colors="active", reduced_motion="reduce")
    page.goto("/triage/")
    ticked = page.locator("#id_saddle_numbness_0")
    empty = page.locator("#id_fever_0")
    ticked.check()
    expect(ticked).to_be_checked()
    expect(empty).not_to_be_checked()
    page.mouse.move(0, 0)
    page.locator("h1").click()  # no focus ring on either radio while they are compared
    assert ticked.bounding_box()["width"] == pytest.approx(empty.bounding_box()["width"])
    ticked_ink, empty_ink = (
        ink_in_the_middle(ticked.screenshot()),
        ink_in_the_middle(empty.screenshot()),
    )
    assert ticked_ink - empty_ink >= 0.25, f"ticked {ticked_ink:.0%} inked, empty {empty_ink:.0%}"


@pytest.mark.parametrize("viewport", [NARROW], ids=["320px"])
@pytest.mark.parametrize("path", PAGES)
def test_nothing_overflows_a_320px_screen(visit, demo_content, path):
    page = visit.page
    page.goto(path)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= NARROW["width"], f"{path} is {scroll_width}px wide"
    button = page.locator(".site-search").get_by_role("button", name="Search")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], box


# The width of a paragraph, in characters of its own font, and its measured characters a
# line (lines counted from its height), over the first section body's multi-line paragraphs.
MEASURE = r"""() => {
  const paragraphs = [...document.querySelector(".section-body").querySelectorAll("p")];
  const first = paragraphs[0];
  const style = getComputedStyle(first);
  const fontSize = parseFloat(style.fontSize);
  let chars = 0, lines = 0;
  for (const p of paragraphs) {
    const lineHeight = parseFloat(getComputedStyle(p).lineHeight);
    const n = Math.round(p.getBoundingClientRect().height / lineHeight);
    if (n > 1) { chars += p.textContent.trim().length; lines += n; }
  }
  return {widthEm: first.getBoundingClientRect().width / fontSize, charsPerLine: chars / lines};
}"""


@pytest.mark.parametrize("viewport", [WIDE], ids=["1280px"])
def test_article_lines_stay_readable_on_a_wide_screen(visit, demo_content):
    page = visit.page
    page.goto("/articles/back-muscle-spasms/")
    measure = page.evaluate(MEASURE)
    # About 2 characters an em for body text: 40 em holds 70 to 80 characters.
    assert measure["widthEm"] <= 40, measure
    assert measure["charsPerLine"] <= 80, measure
