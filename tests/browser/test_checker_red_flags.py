"""Red flags first, in a real browser on a phone: tick one warning sign, leave everything
else blank, press the button, and the emergency advice comes at once, with JavaScript on
and off, and with no WCAG violation on the result page.
"""

import re

import pytest
from playwright.sync_api import expect

from triage.models import Question

from .support import question_group, wcag_violations

PHONE = {"width": 390, "height": 844}


def no_wcag_violations(page):
    results = wcag_violations(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_one_red_flag_alone_gives_the_emergency_advice_at_once(another_visit, javascript):
    saddle_numbness = Question.objects.get(slug="saddle_numbness")
    unanswered = [q.text for q in Question.objects.asked() if q.slug != "saddle_numbness"]
    label = "with-javascript" if javascript else "without-javascript"
    with another_visit(label, java_script_enabled=javascript) as reader:
        page = reader.page
        page.goto("/triage/")

        question_group(page, saddle_numbness).get_by_label("Yes", exact=True).check()
        page.get_by_role("button", name="Get my advice").click()

        result = page.locator("[data-disposition]")
        expect(result).to_have_attribute("data-disposition", "emergency")
        expect(
            page.get_by_role("heading", level=2, name=re.compile("^Call 999 now"))
        ).to_be_visible()
        call = page.get_by_role("link", name="Call 999")
        expect(call).to_be_visible()
        expect(call).to_have_attribute("href", "tel:999")
        expect(page.get_by_text("There is a problem")).to_have_count(0)
        expect(page.get_by_text("Answer yes or no")).to_have_count(0)
        gaps = page.get_by_role("region", name="About your answers")
        expect(gaps.get_by_text("You did not answer:")).to_be_visible()
        expect(gaps.locator("ul.unanswered > li")).to_have_text(unanswered)
        expect(gaps.get_by_text("This does not change the advice: call 999 now.")).to_be_visible()
        why = page.locator(".triage-why").get_by_role("listitem")
        expect(why).to_have_text([saddle_numbness.red_flag.noticed])
        # On a phone the call button fits the screen and comes before the list of gaps.
        call_box = call.bounding_box()
        assert call_box["x"] >= 0 and call_box["x"] + call_box["width"] <= PHONE["width"]
        assert call_box["y"] < gaps.bounding_box()["y"]

        if javascript:
            no_wcag_violations(page)
            return
        result_page = page.content()

    # axe needs JavaScript (and its timers) to run, so the page the reader without it got is
    # checked in a tab with JavaScript on, at the same address, viewport and stylesheet.
    with another_visit("axe-of-the-page-without-javascript") as checker:
        checker.page.goto("/triage/")
        checker.page.set_content(result_page)
        expect(checker.page.locator("[data-disposition]")).to_have_count(1)
        no_wcag_violations(checker.page)
