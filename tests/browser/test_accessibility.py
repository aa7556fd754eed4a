"""axe-core finds no WCAG 2.0, 2.1 or 2.2 (A and AA) violation on any reader-facing page.

Every page is checked at both viewports (desktop and phone), in the state a reader sees it:
with comments and a clinician's reply, with form errors, and each symptom checker result.
"""

import pytest
from playwright.sync_api import expect

from ..factories import ClinicianReplyFactory, CommentFactory
from .support import answer, wcag_violations

ARTICLE = "/articles/back-muscle-spasms/"


def home(visit, **_):
    visit.page.goto("/")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Health articles")


def article_with_comments(visit, **_):
    from articles.models import Article

    question = CommentFactory(
        article=Article.objects.get(slug="back-muscle-spasms"),
        display_name="Sam",
        body="Is it safe to use a hot water bottle overnight?",
        approved=True,
    )
    ClinicianReplyFactory(
        parent=question,
        author_role="Physiotherapist",
        body="Use it for 20 minutes at a time, not overnight, so you do not burn your skin.",
    )
    visit.page.goto(ARTICLE)
    expect(visit.page.locator(".comment-list > .comment")).to_have_count(1)
    expect(visit.page.locator(".clinician-reply")).to_contain_text("Physiotherapist")


def checker(visit, **_):
    visit.page.goto("/triage/")
    expect(visit.page.get_by_role("button", name="Get my advice")).to_be_visible()


def checker_with_errors(visit, **_):
    visit.page.goto("/triage/")
    visit.page.get_by_role("button", name="Get my advice").click()
    expect(visit.page.get_by_role("alert")).to_contain_text("There is a problem")


def checker_result(disposition, **answers):
    def reach_result(visit, **_):
        visit.page.goto("/triage/")
        answer(visit.page, **answers)
        visit.page.get_by_role("button", name="Get my advice").click()
        result = visit.page.locator("[data-disposition]")
        expect(result).to_have_attribute("data-disposition", disposition)

    return reach_result


def comment_form_with_errors(visit, settings, **_):
    settings.COMMENTS_MIN_SECONDS = 0
    visit.page.goto(ARTICLE)
    visit.page.get_by_role("button", name="Send comment").click()
    expect(visit.page.get_by_text("Enter a name to show with your comment.")).to_be_visible()
    expect(visit.page.get_by_text("Write your comment before sending it.")).to_be_visible()


def not_found(visit, **_):
    visit.page.goto("/no-such-page/")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Page not found")
    visit.expect_console_error(r"Failed to load resource: .*404")


def admin_login(visit, **_):
    visit.page.goto("/admin/login/")
    expect(visit.page.get_by_role("button", name="Log in")).to_be_visible()


def search_results(visit, **_):
    visit.page.goto("/search/?q=back+spasm")
    expect(visit.page.locator(".search-results mark").first).to_be_visible()


def search_nothing_found(visit, **_):
    visit.page.goto("/search/?q=qwxzv")
    expect(visit.page.get_by_text("We did not find any articles")).to_be_visible()


def topic_page(visit, **_):
    visit.page.goto("/topics/back-pain/")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Back pain")


PAGES = {
    "home": home,
    "article-with-comments": article_with_comments,
    "checker": checker,
    "checker-with-errors": checker_with_errors,
    "result-emergency": checker_result("emergency", yes={"saddle_numbness"}),
    "result-urgent": checker_result("urgent", yes={"fever"}),
    "result-gp": checker_result("gp", weeks=8),
    "result-self-care": checker_result("self_care", weeks=2),
    "comment-form-with-errors": comment_form_with_errors,
    "404": not_found,
    "admin-login": admin_login,
    "search-results": search_results,
    "search-nothing-found": search_nothing_found,
    "topic": topic_page,
}


@pytest.mark.parametrize("open_page", PAGES.values(), ids=PAGES.keys())
def test_no_wcag_violations(open_page, visit, demo_content, settings):
    visit.page.emulate_media(reduced_motion="reduce")
    open_page(visit, settings=settings)
    results = wcag_violations(visit.page)
    assert results.violations_count == 0, results.generate_report()
