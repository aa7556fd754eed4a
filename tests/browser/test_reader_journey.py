"""Journey 1: a reader goes from the home page to an article, its contents and related reading."""

import re

from playwright.sync_api import expect


def test_home_to_article_to_section_to_related_article(visit, demo_content):
    page = visit.page
    page.emulate_media(reduced_motion="reduce")
    page.goto("/")

    page.get_by_role("link", name="Back muscle spasms").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Back muscle spasms")

    page.locator("nav.contents").get_by_role("link", name="4.1 Alternative treatments").click()
    expect(page).to_have_url(re.compile(r"#alternative-treatments$"))
    expect(page.locator("#alternative-treatments")).to_be_in_viewport()

    page.locator("#related").get_by_role("link", name="Sciatica").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sciatica")
