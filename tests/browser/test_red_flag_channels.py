"""One red-flag rule set, seen where readers meet it, in a real browser on a phone: the care
card on an article, the advice above a search's results and above a comment's thank-you,
with JavaScript on and off, the numbers from settings, and no WCAG violation.

Screenshots of the care card at phone width are written to var/screenshots/.
"""

import re

import pytest
from playwright.sync_api import expect

from triage.models import RedFlag

from .test_checker_red_flags import PHONE, no_wcag_violations

ARTICLE = "/articles/back-muscle-spasms/"
CAUDA_EQUINA_COMMENT = (
    "Since yesterday I have numbness around my bottom and I cannot pee properly. Should I wait?"
)
JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
ON_A_PHONE = pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])


@pytest.fixture
def numbers_of_another_country(settings):
    # The live server runs in this process, so it sees these settings too.
    settings.EMERGENCY_NUMBER, settings.URGENT_NUMBER = "112", "116117"


@pytest.fixture
def quick_comments(settings):
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 1_000


def words_on(page):
    """What the reader can read (not a form's hidden values, which may hold any digits)."""
    return page.locator("body").inner_text()


def fits_the_screen(locator):
    box = locator.bounding_box()
    return box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


@JAVASCRIPT
@ON_A_PHONE
def test_the_care_card_has_three_tiers_emergency_first_with_the_configured_numbers(
    another_visit, demo_content, numbers_of_another_country, javascript
):
    label = "care-card-with-javascript" if javascript else "care-card-without-javascript"
    with another_visit(label, java_script_enabled=javascript) as reader:
        page = reader.page
        page.goto(ARTICLE)
        # Reachable from the top of the page.
        page.locator(".urgent-pointer a").click()
        card = page.locator("#care-card")
        tiers = card.locator(".care-tier")
        expect(tiers).to_have_count(3)
        expect(tiers.nth(0)).to_have_attribute("data-level", "emergency")
        expect(tiers.nth(0).get_by_role("heading")).to_have_text(
            "Call 112 or go to A&E now if you have any of these:"
        )
        expect(tiers.nth(1).get_by_role("heading")).to_contain_text("call 116117")
        expect(tiers.nth(2).get_by_role("heading")).to_have_text(
            "See a GP or physiotherapist soon if:"
        )
        call = tiers.nth(0).get_by_role("link", name="Call 112")
        expect(call).to_have_attribute("href", "tel:112")
        assert fits_the_screen(call)
        # Each tier's list is about one phone screen at most.
        for tier in tiers.all():
            assert tier.bounding_box()["height"] <= 1.5 * PHONE["height"]
        assert "999" not in words_on(page)
        tiers.nth(0).screenshot(path=f"var/screenshots/{label}-emergency-tier.png")
        card.screenshot(path=f"var/screenshots/{label}.png")
        if javascript:  # reading styles and running axe need the page's JavaScript
            # The tiers look different from each other.
            colours = [
                tier.evaluate("element => getComputedStyle(element).borderLeftColor")
                for tier in tiers.all()
            ]
            assert len(set(colours)) == 3, colours
            no_wcag_violations(page)


@JAVASCRIPT
@ON_A_PHONE
def test_a_search_for_symptoms_shows_emergency_advice_first(
    another_visit, demo_content, numbers_of_another_country, javascript
):
    label = "search-with-javascript" if javascript else "search-without-javascript"
    with another_visit(label, java_script_enabled=javascript) as reader:
        page = reader.page
        page.goto("/")
        search = page.get_by_role("search")
        search.get_by_role("searchbox").fill("numb bum cant pee")
        search.get_by_role("button").click()
        advice = page.get_by_role("alert")
        expect(advice).to_have_attribute("data-level", "emergency")
        expect(advice.get_by_role("heading", level=2)).to_have_text(re.compile("^Call 112 now"))
        expect(advice.get_by_role("link", name="Call 112")).to_have_attribute("href", "tel:112")
        # First after the heading and the box, before any result.
        results = page.locator("main").get_by_role("heading", level=2)
        expect(results.first).to_have_id("red-flag-advice-heading")
        assert "999" not in words_on(page)
        if javascript:
            no_wcag_violations(page)


@JAVASCRIPT
@ON_A_PHONE
def test_a_cauda_equina_comment_gets_emergency_advice_above_the_thank_you(
    another_visit, demo_content, numbers_of_another_country, quick_comments, javascript
):
    label = "comment-with-javascript" if javascript else "comment-without-javascript"
    with another_visit(label, java_script_enabled=javascript) as reader:
        page = reader.page
        page.goto(ARTICLE)
        form = page.locator("form.comment-form")
        form.get_by_label("Your name").fill("Jo")
        form.get_by_label("Your comment").fill(CAUDA_EQUINA_COMMENT)
        form.get_by_role("button", name="Send comment").click()
        advice = page.get_by_role("alert")
        expect(advice).to_have_attribute("data-level", "emergency")
        expect(advice).to_contain_text(RedFlag.objects.get(slug="saddle_numbness").noticed)
        expect(advice).to_be_in_viewport()  # the page opens at it, after the redirect
        expect(advice.get_by_role("link", name="Call 112")).to_be_visible()
        assert fits_the_screen(advice.get_by_role("link", name="Call 112"))
        thanks = page.get_by_text(re.compile("^Thank you — your comment will appear"))
        expect(thanks).to_be_visible()
        assert advice.bounding_box()["y"] < thanks.bounding_box()["y"]
        assert "999" not in words_on(page)
        if javascript:
            no_wcag_violations(page)
