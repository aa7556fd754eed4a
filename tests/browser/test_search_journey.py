"""A reader searches in their own words and lands on the right section of the right article."""

import re

from playwright.sync_api import expect


def test_searching_in_plain_words_leads_to_the_symptoms_section(visit, demo_content):
    page = visit.page
    page.emulate_media(reduced_motion="reduce")
    page.goto("/")

    search_box = page.get_by_role("searchbox", name="Search health articles")
    search_box.fill("can't bend my back")
    search_box.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Search results for “can't bend my back”"
    )
    first = page.locator(".search-results > li").first
    expect(first.get_by_role("heading", level=2)).to_have_text("Back muscle spasms")
    expect(first.locator("mark").first).to_be_visible()
    first.get_by_role("link", name="Signs of a back spasm").click()

    expect(page).to_have_url(re.compile(r"/articles/back-muscle-spasms/#signs-of-a-back-spasm$"))
    expect(page.locator("#signs-of-a-back-spasm")).to_be_in_viewport()


def test_a_misspelt_search_says_what_it_searched_for_instead(visit, demo_content):
    page = visit.page
    page.goto("/search/?q=sciatca")

    expect(page.get_by_text("Showing results for sciatica.")).to_be_visible()
    expect(page.locator(".search-results h2").first).to_have_text("Sciatica")


def test_a_search_that_finds_nothing_offers_other_ways_to_help(visit, demo_content):
    page = visit.page
    page.goto("/search/?q=qwxzv")

    suggestions = page.get_by_role("status")
    expect(suggestions).to_contain_text("We did not find any articles")
    suggestions.get_by_role("link", name="symptom checker").click()
    expect(page).to_have_url(re.compile(r"/triage/$"))
