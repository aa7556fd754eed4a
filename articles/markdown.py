"""Turn clinicians' Markdown into HTML that is safe to show to readers.

Every body is rendered by Markdown and then cleaned by nh3 (the Ammonia sanitiser) with an
allow-list: whatever Markdown lets through, no script, style, iframe, event handler or
`javascript:` URL reaches a reader's browser.
"""

import re

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "abbr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"scope"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


# Headings inside a body become bold paragraphs: the section heading is the heading, and a
# stray "#" would break the page's single h1 and the heading order screen readers rely on.
BODY_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.DOTALL)


def render_markdown(text):
    """Return sanitised HTML for a Markdown body."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    html = BODY_HEADING.sub(r"<p><strong>\1</strong></p>", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
