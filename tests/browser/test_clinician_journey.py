"""Journey 5: a clinician edits and reorders an article's sections in the admin."""

import re

from playwright.sync_api import expect

from ..factories import ClinicianFactory
from .support import log_in_to_admin

ARTICLE = "/articles/back-muscle-spasms/"
ADDED = "A warm bath can **ease the spasm** within minutes."


def section_inline(page, heading):
    """The admin's stacked inline for one section, found by its heading."""
    return page.locator("#sections-group .inline-related.has_original").filter(
        has=page.locator("h3", has_text=heading)
    )


def test_clinician_edits_and_reorders_sections(visit, demo_content, another_visit):
    ClinicianFactory(username="clinician")
    page = visit.page
    page.emulate_media(reduced_motion="reduce")
    log_in_to_admin(page, "clinician")
    page.goto("/admin/articles/article/")
    page.get_by_role("link", name="Back muscle spasms", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/articles/article/\d+/change/$"))

    causes = section_inline(page, "What causes back spasms")
    signs = section_inline(page, "Signs of a back spasm")
    expect(causes.get_by_label("Order")).to_have_value("10")
    expect(signs.get_by_label("Order")).to_have_value("20")
    causes.get_by_label("Order").fill("20")
    signs.get_by_label("Order").fill("10")

    body = signs.get_by_label("Body")
    body.fill(f"{body.input_value()}\n\n{ADDED}")
    # The live preview under the body shows the text rendered as readers will see it.
    preview = signs.locator(".markdown-preview")
    expect(preview).to_contain_text("Preview: how readers will see it")
    expect(preview.locator("strong", has_text="ease the spasm")).to_be_visible()
    expect(preview).to_contain_text("A warm bath can ease the spasm within minutes.")
    expect(preview).not_to_contain_text("**")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    with another_visit("reader") as reader:
        public = reader.page
        public.goto(ARTICLE)
        contents = public.locator("nav.contents > ol > li > a")
        expect(contents.nth(0)).to_have_text("1. Signs of a back spasm")
        expect(contents.nth(1)).to_have_text("2. What causes back spasms")
        headings = public.locator("h2.section-heading")
        expect(headings.nth(0)).to_have_text("1. Signs of a back spasm")
        expect(headings.nth(1)).to_have_text("2. What causes back spasms")
        section = public.locator("section[aria-labelledby='signs-of-a-back-spasm']")
        expect(section.locator("strong", has_text="ease the spasm")).to_be_visible()
        expect(section).to_contain_text("A warm bath can ease the spasm within minutes.")
