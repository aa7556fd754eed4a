"""What must be right before an article is published, or a draft of a live one approved.

These checks refuse; `Article.content_warnings` only warns. They run over plain
`ArticleContent`, so the admin can check what a form is about to save, before it is saved.

Whether a topic has a care card is known only to the symptom checker, which depends on
articles and not the other way round: it registers the answer here in its `ready()`.
"""

import html
import re

from django.conf import settings
from django.utils.html import strip_tags

from .markdown import render_markdown
from .readability import measure

# What a reader cannot see: whitespace (non-breaking spaces included) and zero-width
# characters.
INVISIBLE = re.compile(r"[\s\u00a0\u200b-\u200d\u2060\ufeff]+")

# Functions of a set of topic slugs: true when an article of any of them shows a care card.
CARE_CARD_FINDERS = []


def care_card_topics(has_care_card):
    """`has_care_card(topic_slugs)` is true when any of these topics has a care card (live
    red flags), which tells readers when to get help on every article of the topic."""
    CARE_CARD_FINDERS.append(has_care_card)


def has_care_card(topic_slugs):
    return bool(topic_slugs) and any(finder(topic_slugs) for finder in CARE_CARD_FINDERS)


def publish_problems(content, reviewer, signing_off=True):
    """Why `content` cannot go live with `reviewer` signing it off, in plain words; empty
    when it can. `reviewer` is the user readers will see as the reviewer (or None).

    An edit of a page that is already live keeps its earlier sign-off (`signing_off`
    false): its reviewer need not be able to sign off today, only be named.
    """
    return [
        *urgent_advice_problems(content),
        *reference_problems(content),
        *reviewer_problems(reviewer, signing_off),
        *(problem for section in content.sections for problem in reading_problems(section)),
    ]


def urgent_advice_problems(content):
    # Every page must tell readers when to get help: back pain can hide an emergency
    # (cauda equina, infection, cancer), and a reader may never open the checker.
    if has_care_card(content.topic_slugs):
        return []
    if any(section.is_urgent_advice and shows_text(section.body) for section in content.sections):
        return []
    return [
        "Readers are not told when to get medical help: add a section of the kind “Urgent "
        "advice (when to get help)” with its text, or choose a topic whose red flags show a "
        "care card."
    ]


def shows_text(body):
    """Whether a reader sees any words in `body` once it is rendered: a comment, a
    non-breaking space or an empty emphasis (which Markdown turns into a rule) tells no one
    when to get help."""
    text = html.unescape(strip_tags(render_markdown(body)))
    return bool(INVISIBLE.sub("", text))


def reference_problems(content):
    if any(title.strip() for title in content.references):
        return []
    return ["There are no references: add the sources this advice rests on."]


def reviewer_problems(reviewer, signing_off=True):
    if reviewer is None or (signing_off and not reviewer.has_perm("articles.publish_article")):
        return [
            "No clinician is named as the reviewer: an article goes live only when a "
            "clinician who can sign off articles reviews and publishes it."
        ]
    if not reviewer.get_full_name().strip():
        if not signing_off:
            return [
                "Readers are shown the reviewer's full name, and the reviewer named on this "
                "page has none: name another clinician as reviewer, or ask an administrator "
                "to add the name to their account."
            ]
        return [
            "Readers are shown the reviewer's full name, and your account has none: ask an "
            "administrator to add your name to your account."
        ]
    return []


def reading_problems(section):
    accepted = section.harder_reading_accepted
    if accepted and not section.harder_reading_reason.strip():
        return [
            f"The section “{section.heading}” has “accept harder reading” ticked but no "
            "reason: say why it cannot be made plainer, or untick it."
        ]
    figures = measure(section.body)
    if accepted or figures is None or not figures.too_hard:
        return []
    return [
        f"The section “{section.heading}” reads at grade {figures.grade:g}, above the limit "
        f"of grade {settings.READING_GRADE_LIMIT:g}: use shorter sentences and everyday "
        "words, or, if it cannot be made plainer, tick “accept harder reading for this "
        "section” and say why."
    ]
