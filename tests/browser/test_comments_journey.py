"""Journey 4: a reader's comment waits for a moderator, who approves it in the admin."""

import re

import pytest
from playwright.sync_api import expect

from ..factories import ModeratorFactory
from .support import log_in_to_admin

ARTICLE = "/articles/back-muscle-spasms/"
THANKS = "Thank you — your comment will appear once a moderator has approved it."
COMMENT = (
    "Gentle walking every hour helped my spasms settle within a week.\n\nThanks for this page."
)


@pytest.fixture
def quick_comments(settings):
    # The live server runs in this process, so it sees these settings too.
    settings.COMMENTS_MIN_SECONDS = 0  # no wait before sending
    settings.COMMENTS_RATE_LIMIT = 1_000  # reruns within the window must not hit the limit


def test_comment_is_moderated_then_published(visit, demo_content, quick_comments, another_visit):
    ModeratorFactory(username="moderator")
    page = visit.page
    page.emulate_media(reduced_motion="reduce")  # no smooth scrolling under the clicks
    page.goto(ARTICLE)
    form = page.locator("form.comment-form")

    # Sent without a name: the error is shown and the comment is still there.
    form.get_by_label("Your comment").fill(COMMENT)
    form.get_by_role("button", name="Send comment").click()
    name = form.get_by_label("Your name")
    expect(form.get_by_text("Enter a name to show with your comment.")).to_be_visible()
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(re.compile(r"Enter a name to show"))
    expect(form.get_by_label("Your comment")).to_have_value(COMMENT)

    name.fill("Sam")
    form.get_by_role("button", name="Send comment").click()
    expect(page).to_have_url(re.compile(r"#comments$"))
    expect(page.locator(".comments [role=status]")).to_have_text(THANKS)
    comments = page.locator("#comments")
    expect(comments).to_contain_text("No comments yet.")
    expect(comments.locator(".comment-list")).to_have_count(0)

    with another_visit("moderator") as moderator:
        admin = moderator.page
        log_in_to_admin(admin, "moderator")
        admin.get_by_role("link", name=re.compile(r"1 pending comment")).click()
        row = admin.locator("#result_list tbody tr").filter(has_text="Gentle walking every hour")
        expect(row).to_have_count(1)
        row.get_by_role("checkbox").check()
        admin.get_by_role("combobox", name=re.compile(r"^Action")).select_option(
            label="Approve selected comments"
        )
        admin.get_by_role("button", name="Run").click()
        expect(admin.locator(".messagelist")).to_contain_text("1 comment(s) approved.")

    page.reload()
    comment = page.locator(".comment-list .comment")
    expect(comment).to_have_count(1)
    expect(comment.locator(".comment-meta")).to_contain_text("Sam")
    expect(comment.locator(".comment-body")).to_contain_text("Gentle walking every hour helped")
    expect(comment.locator(".comment-body")).to_contain_text("Thanks for this page.")
