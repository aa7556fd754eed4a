"""Journey: a reader with JavaScript off says a page was not helpful and what was missing; a
moderator approves the note and a clinician reads it on the review dashboard.

With JavaScript on (axe needs it), the same pages by keyboard: the article, the “What was
missing?” page, with an error too, and the thank-you page have no WCAG 2.2 AA violation.
Each runs on a desktop and a phone; the box also fits a 320 px screen.
"""

import re

import pytest
from playwright.sync_api import expect

from ..factories import ClinicianFactory, ModeratorFactory
from .support import expect_visible_focus, focused_is, log_in_to_admin, wcag_violations

ARTICLE = "/articles/back-muscle-spasms/"
MISSING = "/articles/back-muscle-spasms/feedback/missing/"
NOTE = "How long the spasms usually last, and when it is safe to go back to work."
TOO_LONG = NOTE + " " + "More. " * 90
BOX_LABEL = "What was missing from this page? (optional)"
NARROW = {"width": 320, "height": 640}


@pytest.fixture
def generous_limit(settings):
    # The live server runs in this process, so it sees this too: reruns must not hit it.
    settings.FEEDBACK_RATE_LIMIT = 1_000


def no_wcag_violations(page):
    results = wcag_violations(page)
    assert results.violations_count == 0, results.generate_report()


def feedback_question(page):
    return page.get_by_role("group", name="Was this page helpful?")


def test_a_reader_without_javascript_says_what_was_missing_and_a_clinician_reads_it(
    another_visit, demo_content, generous_limit
):
    ModeratorFactory(username="moderator")
    ClinicianFactory(username="clinician")

    with another_visit("reader-without-javascript", java_script_enabled=False) as reader:
        page = reader.page
        page.goto(ARTICLE)
        feedback_question(page).get_by_role("button", name="No", exact=True).click()
        expect(page).to_have_url(re.compile(re.escape(MISSING) + "$"))
        box = page.get_by_label(BOX_LABEL)
        expect(box).to_have_accessible_description(
            re.compile(r"do not write your name, contact details or symptoms.*call 999")
        )

        # Too long: the words come back with the reason next to them.
        box.fill(TOO_LONG)
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("alert")).to_contain_text("There is a problem")
        expect(box).to_have_attribute("aria-invalid", "true")
        expect(box).to_have_accessible_description(re.compile(r"Please shorten it to 500"))
        expect(box).to_have_value(TOO_LONG)

        box.fill(NOTE)
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
        # Nothing of the reader's own was kept for the feedback: no session, no message left,
        # and no CSRF cookie either (the public forms carry no token).
        names = {cookie["name"] for cookie in page.context.cookies()}
        assert names == set(), names

    with another_visit("moderator") as moderator:
        admin = moderator.page
        log_in_to_admin(admin, "moderator")
        admin.get_by_role("link", name=re.compile(r"1 “what was missing” note waiting")).click()
        row = admin.locator("#result_list tbody tr").filter(has_text="How long the spasms")
        expect(row).to_have_count(1)
        row.get_by_role("checkbox").check()
        admin.get_by_role("combobox", name=re.compile(r"^Action")).select_option(
            label="Approve selected notes for clinicians"
        )
        admin.get_by_role("button", name="Run").click()
        expect(admin.locator(".messagelist")).to_contain_text("1 note(s) approved.")

    with another_visit("clinician") as clinician:
        admin = clinician.page
        log_in_to_admin(admin, "clinician")
        summary = admin.locator(".page-feedback-summary")
        answers = summary.get_by_role("row").filter(has_text="Back muscle spasms")
        expect(answers.get_by_role("cell")).to_have_text(["Back muscle spasms", "0", "1"])
        expect(summary.locator(".page-feedback-notes")).to_contain_text(NOTE)


def test_the_feedback_pages_work_by_keyboard_with_no_wcag_violations(
    visit, demo_content, generous_limit, request
):
    page = visit.page
    page.emulate_media(reduced_motion="reduce")
    page.goto(ARTICLE)
    no_wcag_violations(page)

    question = feedback_question(page)
    question.screenshot(path=f"var/screenshots/{request.node.name}-question.png")
    question.get_by_role("button", name="Yes", exact=True).focus()
    page.keyboard.press("Tab")
    expect_visible_focus(page)
    assert focused_is(page, "el => el.name === 'answer' && el.value === 'no'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(MISSING) + "$"))
    no_wcag_violations(page)

    box = page.get_by_label(BOX_LABEL)
    box.focus()
    expect_visible_focus(page)
    page.keyboard.insert_text(TOO_LONG)
    page.keyboard.press("Tab")
    expect_visible_focus(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Please shorten it to 500")
    no_wcag_violations(page)

    box.fill(NOTE)
    page.get_by_role("button", name="Send").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
    no_wcag_violations(page)


@pytest.mark.parametrize("viewport", [NARROW], ids=["320px"])
@pytest.mark.parametrize("path", [ARTICLE, MISSING], ids=["article", "what-was-missing"])
def test_the_feedback_fits_a_320px_screen(visit, demo_content, path):
    page = visit.page
    page.goto(path)

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= NARROW["width"], f"{path} is {scroll_width}px wide"
    control = feedback_question(page) if path == ARTICLE else page.get_by_label(BOX_LABEL)
    box = control.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], box
