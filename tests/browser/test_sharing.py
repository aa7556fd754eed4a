"""Journey 6: sharing an article: copy its link, link to a section, share links, no JavaScript."""

import re
from urllib.parse import parse_qs, quote, urlsplit

from playwright.sync_api import expect

ARTICLE = "/articles/back-muscle-spasms/"
SECTION = "signs-of-a-back-spasm"
SERVICES = ["Email", "WhatsApp", "Facebook", "X", "LinkedIn"]


def canonical_url(live_server):
    return f"{live_server.url}{ARTICLE}"


def clipboard(page):
    return page.evaluate("() => navigator.clipboard.readText()")


def expect_share_links_carry(page, canonical):
    encoded = quote(canonical, safe="")
    links = page.locator(".share-links a")
    expect(links).to_have_count(len(SERVICES))
    for service in SERVICES:
        link = page.get_by_role("link", name=f"{service} (opens {service})")
        expect(link).to_have_attribute("href", re.compile(re.escape(encoded)))


def test_copy_link_and_link_to_this_section(visit, demo_content, live_server):
    page = visit.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.emulate_media(reduced_motion="reduce")
    page.goto(ARTICLE)
    canonical = canonical_url(live_server)
    status = page.locator(".share-status")
    expect(status).to_have_attribute("role", "status")

    page.get_by_role("button", name="Copy link").click()
    expect(status).to_have_text("Link copied. You can paste it into a message.")
    assert clipboard(page) == canonical

    section_link = page.locator(f"section[aria-labelledby='{SECTION}'] a.section-link")
    expect(section_link).to_have_accessible_name(
        re.compile(r"^Link to this section\s*: Signs of a back spasm$")
    )
    section_link.click()
    expect(status).to_have_text("Link to this section copied. You can paste it into a message.")
    assert clipboard(page) == f"{canonical}#{SECTION}"
    expect(section_link.locator(".section-link-label")).to_have_text("Link copied")
    expect(page).to_have_url(f"{canonical}#{SECTION}")

    expect_share_links_carry(page, canonical)


def test_without_javascript_buttons_hide_and_links_still_work(
    demo_content, another_visit, live_server
):
    canonical = canonical_url(live_server)
    with another_visit("without-javascript", java_script_enabled=False) as reader:
        page = reader.page
        page.goto(ARTICLE)
        for selector in ["[data-copy-link]", "[data-native-share]", "[data-print]"]:
            expect(page.locator(selector)).to_be_hidden()
        expect_share_links_carry(page, canonical)

        # "Link to this section" is a plain link to the section's address.
        section_link = page.locator(f"section[aria-labelledby='{SECTION}'] a.section-link")
        section_link.click()
        expect(page).to_have_url(f"{canonical}#{SECTION}")
        expect(page.locator(f"#{SECTION}")).to_be_in_viewport()

        # A share link is an ordinary link: following it needs no script. The service is
        # answered inside the browser, so the request never leaves this machine.
        shared = []

        def stand_in_for_facebook(route):
            shared.append(route.request.url)
            route.fulfill(status=200, content_type="text/html", body="<title>Shared</title>")

        page.route("https://www.facebook.com/**", stand_in_for_facebook)
        page.get_by_role("link", name="Facebook (opens Facebook)").click()
        expect(page).to_have_title("Shared")
        query = parse_qs(urlsplit(shared[0]).query)
        assert query == {"u": [canonical]}
