"""Journey 2: a reader who uses only the keyboard, and can always see where the focus is."""

import re

import pytest
from playwright.sync_api import expect

from .support import (
    FOCUS_INDICATOR_CONTRAST,
    describe_focus,
    expect_visible_focus,
    focused_is,
    tab_until,
)

ARTICLE = "/articles/back-muscle-spasms/"


def test_skip_link_then_contents_link_jumps_to_the_section(visit, demo_content):
    page = visit.page
    page.emulate_media(reduced_motion="reduce")
    page.goto(ARTICLE)

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    expect_visible_focus(page)

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert focused_is(page, "el => el.closest('main') !== null"), describe_focus(page)

    tab_until(
        page,
        "el => el.closest('nav.contents') && el.textContent.includes('Alternative treatments')",
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#alternative-treatments$"))
    expect(page.locator("#alternative-treatments")).to_be_in_viewport()

    # The next Tab carries on from the section the reader jumped to, not from the contents.
    page.keyboard.press("Tab")
    section = page.locator("section[aria-labelledby='alternative-treatments']")
    expect(section.locator("a.section-link")).to_be_focused()
    expect_visible_focus(page)


def test_header_link_opens_the_symptom_checker(visit):
    page = visit.page
    page.goto("/")

    tab_until(page, "el => el.closest('header') && el.textContent.trim() === 'Symptom checker'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/triage/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Back pain: how urgently do you need help?"
    )


def test_symptom_checker_by_keyboard(visit):
    page = visit.page
    page.emulate_media(reduced_motion="reduce")
    page.goto("/triage/")

    # Tab into the first question: focus lands on its first radio ("Yes"); Space picks it,
    # an arrow key moves to "No" and picks that instead.
    tab_until(page, "el => el.type === 'radio'")
    first = page.locator("input[name='saddle_numbness']")
    expect(first.first).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#id_saddle_numbness_0")).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_saddle_numbness_1")).to_be_checked()
    expect(page.locator("#id_saddle_numbness_1")).to_be_focused()
    expect_visible_focus(page)

    # Every other question: Tab to the group, then "No" with an arrow key, except a fever
    # ("Yes" with Space); type the number of weeks; stop at the submit button.
    for _ in range(40):
        page.keyboard.press("Tab")
        expect_visible_focus(page)
        focused = page.evaluate(
            "() => ({type: document.activeElement.type, name: document.activeElement.name})"
        )
        if focused["type"] == "radio":
            page.keyboard.press("Space" if focused["name"] == "fever" else "ArrowDown")
        elif focused["name"] == "duration_weeks":
            page.keyboard.type("2")
        elif focused["type"] == "submit":
            break
        else:
            pytest.fail(f"unexpected stop in the checker's tab order: {describe_focus(page)}")
    else:
        pytest.fail("Tab never reached the checker's submit button")
    expect(page.locator("#id_fever_0")).to_be_checked()
    expect(page.locator("#id_chest_pain_1")).to_be_checked()

    page.keyboard.press("Enter")
    result = page.locator("[data-disposition]")
    expect(result).to_have_attribute("data-disposition", "urgent")
    expect(page.locator(".triage-why")).to_contain_text(
        "a high temperature, or you feel hot and shivery"
    )


def test_comment_form_fields_are_reachable_by_tab(visit, demo_content):
    page = visit.page
    page.goto(ARTICLE)

    tab_until(page, "el => el.id === 'id_display_name'", limit=150)
    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        expect_visible_focus(page)
        order.append(page.evaluate("() => document.activeElement.id"))
    # The honeypot box ("Leave this box empty") is skipped: only bots fill it.
    assert order == ["id_email", "id_notify_on_reply", "id_body", "submit-id-submit"]
    expect(page.get_by_role("button", name="Send comment")).to_be_focused()


def test_every_focus_indicator_has_enough_contrast(visit, demo_content):
    """WCAG 1.4.11: some part of the focus indicator stands out 3:1 from what is behind it."""
    page = visit.page
    page.emulate_media(reduced_motion="reduce")  # Bootstrap then skips its focus transitions
    weak = []
    for path in [ARTICLE, "/triage/"]:
        page.goto(path)
        for _ in range(200):
            page.keyboard.press("Tab")
            if focused_is(page, "el => el === document.body"):
                break
            expect_visible_focus(page)
            contrast = page.evaluate(FOCUS_INDICATOR_CONTRAST)
            if contrast < 3:
                weak.append(f"{path}: {contrast}:1 {describe_focus(page)}")
    assert weak == [], "focus indicators below 3:1:\n" + "\n".join(weak)
