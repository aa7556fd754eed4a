"""Journey 3: the back pain symptom checker, with JavaScript on and off.

The checker must work without JavaScript (one form, one POST, one result page), so each
result is reached both ways. The browser without JavaScript is held to the same rules as
every other page: no request leaves our origin and no console error appears.
"""

import re

import pytest
from playwright.sync_api import expect

from triage.models import Question

from .support import answer, question_group, questions

# The result repeats a yes in the red flag's own words, as the care card lists it.
SADDLE_NUMBNESS_SAID = (
    "numbness, tingling or no feeling around your bottom, genitals or inner thighs"
)
REQUIRED = "Answer yes or no. We need this answer to check for signs that need urgent help."


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def reader(request, another_visit):
    """The conftest's `visit`, or an equally guarded browser context with JavaScript off."""
    if request.param:
        visit = request.getfixturevalue("visit")
        # Smooth scrolling (site.css, unless motion is reduced) would slow every click.
        visit.page.emulate_media(reduced_motion="reduce")
        yield visit
        return
    with another_visit("without-javascript", java_script_enabled=False) as no_js:
        yield no_js


def submit(page):
    page.get_by_role("button", name="Get my advice").click()


def expect_start_again_returns_to_the_form(page):
    page.get_by_role("link", name="Start again").click()
    expect(page).to_have_url(re.compile(r"/triage/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Back pain: how urgently do you need help?"
    )
    expect(page.locator("input[type=radio]:checked")).to_have_count(0)


def test_saddle_numbness_leads_to_emergency(reader):
    page = reader.page
    page.goto("/triage/")
    answer(page, yes={"saddle_numbness"})
    submit(page)

    expect(page.locator("[data-disposition]")).to_have_attribute("data-disposition", "emergency")
    why = page.locator(".triage-why")
    expect(why.get_by_text("You said:", exact=True)).to_be_visible()
    expect(why.get_by_role("listitem")).to_have_text([SADDLE_NUMBNESS_SAID])
    call = page.get_by_role("link", name="Call 999")
    expect(call).to_be_visible()
    expect(call).to_have_attribute("href", "tel:999")

    expect_start_again_returns_to_the_form(page)


def test_no_warning_signs_and_two_weeks_leads_to_self_care(reader):
    page = reader.page
    page.goto("/triage/")
    answer(page, weeks=2)
    submit(page)

    expect(page.locator("[data-disposition]")).to_have_attribute("data-disposition", "self_care")
    expect(page.locator(".triage-why")).to_contain_text(
        "You said no to all the warning signs, and your pain has lasted 2 weeks."
    )
    expect(page.locator(".call-now")).to_have_count(0)

    expect_start_again_returns_to_the_form(page)


def test_unanswered_red_flag_is_reported_and_other_answers_are_kept(visit):
    page = visit.page
    page.emulate_media(reduced_motion="reduce")
    page.goto("/triage/")
    fever = Question.objects.get(slug="fever")
    answer(page, yes={"worried"}, weeks=3, skip={"fever"})
    submit(page)

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text([f"{fever.text} {REQUIRED}"])

    group = question_group(page, fever)
    expect(group.get_by_text(REQUIRED)).to_be_visible()
    expect(group).to_have_accessible_description(re.compile(re.escape(REQUIRED)))
    for choice in ["Yes", "No"]:
        expect(group.get_by_label(choice, exact=True)).to_have_attribute("aria-invalid", "true")
        expect(group.get_by_label(choice, exact=True)).not_to_be_checked()

    # Every other answer is still there.
    for question in questions():
        if question.slug == "fever":
            continue
        if question.kind == "weeks":
            expect(page.get_by_label(question.text)).to_have_value("3")
            continue
        choice = "Yes" if question.slug == "worried" else "No"
        expect(question_group(page, question).get_by_label(choice, exact=True)).to_be_checked()


def test_error_summary_link_goes_to_the_unanswered_question(visit):
    page = visit.page
    page.emulate_media(reduced_motion="reduce")
    page.goto("/triage/")
    answer(page, skip={"fever"})
    submit(page)

    link = page.get_by_role("alert").get_by_role("link")
    href = link.get_attribute("href")
    assert href not in ("#", ""), f"the error summary link goes nowhere (href={href!r})"
    link.click()
    group = question_group(page, Question.objects.get(slug="fever"))
    expect(group).to_be_in_viewport()
    # Focus (or at least the link's target) is the unanswered question.
    reached = page.evaluate(
        """() => {
          const question = document.getElementById("div_id_fever");
          const target = location.hash.length > 1
            ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
          return question.contains(document.activeElement)
            || (target !== null && question.contains(target));
        }"""
    )
    assert reached, "the error summary link does not lead to the fever question"
