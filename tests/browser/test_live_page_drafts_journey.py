"""Journey: correcting a live article through a draft, in a real browser.

An editor drafts a change beside the live page and sends it for review; readers keep the
signed-off wording until a clinician, having seen exactly which words changed, approves
it, and then they get the new wording at once. A clinician can also send a draft back
with a note, and is told plainly why an unsafe page cannot be published.

The admin runs on a desktop screen; readers are checked on a phone, where most of them are.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, Section

from ..factories import ClinicianFactory, EditorFactory, SectionFactory, draft
from .support import log_in_to_admin, wcag_violations

ARTICLE = "/articles/back-muscle-spasms/"
TITLE = "Back muscle spasms"
SECTION = "Preventing back spasms"
OLD_SENTENCE = "Get up and move around every 30 minutes or so."
NEW_SENTENCE = "Get up and walk about for a minute or two every 30 minutes or so."
NOTE = "Say why a short walk helps & how long to walk for.\nKeep it under grade 8."

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ON_A_DESKTOP = pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
COMPARE_TEMPLATE = "templates/admin/articles/article/compare_contents.html"

# The text of each change mark, without the "added: " or "removed: " said to screen readers.
MARKED_WORDS = """(marks) => marks.map((mark) => {
  const copy = mark.cloneNode(true);
  copy.querySelectorAll(".visually-hidden").forEach((hidden) => hidden.remove());
  return copy.textContent;
})"""

# True when the element a violation names is in the compare template's own content block,
# rather than the admin frame around it (header, sidebar, breadcrumbs: Django's markup).
FROM_COMPARE_TEMPLATE = """(selector) => {
  const element = document.querySelector(selector);
  return Boolean(element && element.closest("#content-main.compare"));
}"""


def section_inline(page, heading):
    """The admin's stacked inline for one section, found by its heading."""
    return page.locator("#sections-group .inline-related.has_original").filter(
        has=page.locator("h3", has_text=heading)
    )


def admin_page(view, article):
    """The address of an article's admin page `view` ("change", "compare_live", ...)."""
    return reverse(f"admin:articles_article_{view}", args=[article.pk])


def at(url):
    """Matches the page's address being exactly `url` (a query string aside)."""
    return re.compile(re.escape(url) + r"(\?.*)?$")


def article_text(page):
    """The public article's words as a reader sees them (Markdown rendered)."""
    return page.locator("article.article")


def screenshot(page, name, **options):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, **options)
    return path


def violations_of_the_compare_template(page, results):
    """Each serious or critical violation on an element of our compare template, as
    (rule, impact, selector, html); Django's own admin markup is left out."""
    ours = []
    for violation in results.response["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            selector = node["target"][-1]
            if page.evaluate(FROM_COMPARE_TEMPLATE, selector):
                ours.append((violation["id"], violation["impact"], selector, node["html"]))
    return ours


def print_violations(where, results):
    """Every violation axe found, for whoever reads the test output (`-s` or `-rA`)."""
    print(f"\naxe on {where}: {results.violations_count} violation(s)")
    for violation in results.response["violations"]:
        targets = [" ".join(node["target"]) for node in violation["nodes"]]
        print(f"  {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")


@ON_A_DESKTOP
def test_an_edit_reaches_readers_only_when_a_clinician_approves_it(
    visit, another_visit, demo_content
):
    EditorFactory(username="editor", first_name="Eddie", last_name="Editor")
    ClinicianFactory(username="clinician", first_name="Alex", last_name="Physio")
    live = Article.objects.get(slug="back-muscle-spasms")

    with another_visit("reader-before", viewport=PHONE) as reader:
        reader.page.goto(ARTICLE)
        expect(article_text(reader.page)).to_contain_text(OLD_SENTENCE)

    # The editor may only look at the live page: the way to change it is a draft.
    page = visit.page
    page.emulate_media(reduced_motion="reduce")
    log_in_to_admin(page, "editor")
    page.goto(admin_page("change", live))
    expect(page.locator(".draft-banner")).to_contain_text("This page is live.")
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Draft a change to this page").click()

    draft_of_live = Article.objects.get(draft_of=live)
    expect(page).to_have_url(at(admin_page("change", draft_of_live)))
    expect(page.locator(".messagelist")).to_contain_text("Draft started.")
    banner = page.locator(".draft-banner")
    expect(banner).to_contain_text(f"Draft of the live page “{TITLE}”.")
    expect(banner.get_by_role("link", name=TITLE)).to_have_attribute(
        "href", admin_page("change", live)
    )
    expect(page.get_by_role("link", name="Compare with the live page")).to_have_attribute(
        "href", admin_page("compare_live", draft_of_live)
    )
    expect(page.get_by_role("link", name="Preview the draft")).to_have_attribute(
        "href", draft_of_live.get_absolute_url()
    )
    banner_shot = screenshot(page, "live-page-draft-banner")

    body = section_inline(page, SECTION).get_by_label("Body")
    assert OLD_SENTENCE in body.input_value()
    body.fill(body.input_value().replace(OLD_SENTENCE, NEW_SENTENCE))
    page.get_by_label("Status").select_option(label="In review")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Staff can preview the draft as readers would see it, clearly marked as not public.
    page.goto(admin_page("change", draft_of_live))
    page.get_by_role("link", name="Preview the draft").click()
    expect(page).to_have_url(at(draft_of_live.get_absolute_url()))
    expect(page.locator(".not-public-banner")).to_contain_text("draft, not public")
    expect(page.locator(".not-public-banner")).to_contain_text("(in review)")
    expect(article_text(page)).to_contain_text(NEW_SENTENCE)

    with another_visit("reader-during-review", viewport=PHONE) as reader:
        reader.page.goto(ARTICLE)
        expect(article_text(reader.page)).to_contain_text(OLD_SENTENCE)
        expect(article_text(reader.page)).not_to_contain_text(NEW_SENTENCE)
        response = reader.page.goto(draft_of_live.get_absolute_url())
        assert response.status == 404
        reader.expect_console_error(r"Failed to load resource: .*404")

    with another_visit("clinician", viewport=DESKTOP) as clinician:
        review = clinician.page
        review.emulate_media(reduced_motion="reduce")
        log_in_to_admin(review, "clinician")
        review.goto(admin_page("change", live))
        review.get_by_role("link", name="Open the draft waiting (in review)").click()
        review.get_by_role("link", name="Compare with the live page").click()
        expect(review).to_have_url(at(admin_page("compare_live", draft_of_live)))
        expect(review.get_by_role("heading", level=1)).to_have_text(
            f"Changes in the draft of “{TITLE}”"
        )

        # Only the edited section is shown as changed; the others fold into one line each run.
        changed = review.locator(".compare-section")
        expect(changed).to_have_count(1)
        expect(changed.locator("h3")).to_have_text(f"{SECTION} (changed)")
        unchanged = review.locator(".compare-unchanged-heading")
        other_headings = [
            section.heading for section in live.sections.all() if section.heading != SECTION
        ]
        expect(unchanged).to_have_count(len(other_headings))
        assert set(unchanged.all_inner_texts()) == set(other_headings)
        expect(review.locator(".compare-unchanged").last).to_have_text(
            "Also unchanged: title, standfirst, treatments, references, topics, clinical codes."
        )

        # Every marked word belongs to the sentence that changed, and nothing else is marked.
        removed = changed.locator("del").evaluate_all(MARKED_WORDS)
        added = changed.locator("ins").evaluate_all(MARKED_WORDS)
        assert removed and added, (removed, added)
        assert all(words.strip() and words in OLD_SENTENCE for words in removed), removed
        assert all(words.strip() and words in NEW_SENTENCE for words in added), added
        assert "move" in " ".join(removed)
        assert "walk about for a minute or two" in " ".join(added)
        outside_legend = "#content-main :is(ins, del):not(.compare-legend *)"
        expect(review.locator(outside_legend)).to_have_count(len(removed) + len(added))
        expect(changed.locator(".compare-text")).to_contain_text("Break up long spells of sitting.")

        compare_shot = screenshot(review, "live-page-draft-compare", full_page=True)
        results = wcag_violations(review)
        print_violations("the admin compare page", results)
        ours = violations_of_the_compare_template(review, results)
        assert ours == [], f"serious violations in {COMPARE_TEMPLATE}: {ours}"

        # Approve with the keyboard: the status from the keyboard, then Enter on Save.
        review.get_by_role("link", name="Back to the article").click()
        status = review.get_by_label("Status")
        status.focus()
        review.keyboard.press("ArrowDown")
        expect(status).to_have_value(Article.Status.APPROVED)
        expect(review.locator("#id_published_at_0")).to_have_value("")
        review.get_by_role("button", name="Save", exact=True).focus()
        review.keyboard.press("Enter")

        expect(review).to_have_url(at(admin_page("change", live)))
        expect(review.locator(".messagelist")).to_contain_text(
            f"The draft is now live: readers see the new version of “{TITLE}”."
        )
    assert not Article.objects.filter(pk=draft_of_live.pk).exists()

    with another_visit("reader-after", viewport=PHONE) as reader:
        reader.page.emulate_media(reduced_motion="reduce")
        reader.page.goto(ARTICLE)
        expect(article_text(reader.page)).to_contain_text(NEW_SENTENCE)
        expect(article_text(reader.page)).not_to_contain_text(OLD_SENTENCE)
        expect(reader.page.locator(".review-meta")).to_contain_text("Reviewed by Alex Physio")
        results = wcag_violations(reader.page)
        assert results.violations_count == 0, results.generate_report()

    print(f"\nscreenshots: {banner_shot} {compare_shot}")


@ON_A_DESKTOP
def test_a_page_without_sources_is_refused_and_keeps_what_the_clinician_typed(visit, another_visit):
    ClinicianFactory(username="clinician", first_name="Alex", last_name="Physio")
    article = draft(title="Cramp at night", slug="cramp-at-night")
    SectionFactory(
        article=article,
        heading="When to get help",
        kind=Section.Kind.URGENT_ADVICE,
        body="Call {emergency_number} if your legs go weak.",
    )
    Article.objects.filter(pk=article.pk).update(status=Article.Status.IN_REVIEW)
    typed = "My new, careful standfirst."

    page = visit.page
    page.emulate_media(reduced_motion="reduce")
    log_in_to_admin(page, "clinician")
    page.goto(admin_page("change", article))
    page.get_by_label("Standfirst").fill(typed)
    page.get_by_label("Status").select_option(label="Published")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".errornote")).to_be_visible()
    problems = page.locator("#article_form .errorlist.nonfield")
    expect(problems).to_contain_text("This article cannot be published yet:")
    expect(problems).to_contain_text(
        "There are no references: add the sources this advice rests on."
    )
    expect(page.get_by_label("Standfirst")).to_have_value(typed)
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW

    with another_visit("reader", viewport=PHONE) as reader:
        response = reader.page.goto(article.get_absolute_url())
        assert response.status == 404
        reader.expect_console_error(r"Failed to load resource: .*404")


@ON_A_DESKTOP
def test_a_clinician_sends_a_draft_back_and_the_editor_reads_the_note(
    visit, another_visit, demo_content
):
    editor = EditorFactory(username="editor", first_name="Eddie", last_name="Editor")
    ClinicianFactory(username="clinician", first_name="Alex", last_name="Physio")
    live = Article.objects.get(slug="back-muscle-spasms")
    draft_of_live = live.start_draft(editor)
    Article.objects.filter(pk=draft_of_live.pk).update(status=Article.Status.IN_REVIEW)
    draft_url = admin_page("change", draft_of_live)

    page = visit.page
    page.emulate_media(reduced_motion="reduce")
    log_in_to_admin(page, "clinician")
    page.goto(draft_url)
    page.get_by_role("link", name="Request changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Request changes to “{TITLE}”")
    page.get_by_label("What should the editor change?").fill(NOTE)
    page.get_by_role("button", name="Send back to the editor").click()
    expect(page).to_have_url(at(draft_url))
    expect(page.locator(".messagelist")).to_contain_text("Sent back to the editor with your note.")

    with another_visit("editor", viewport=DESKTOP) as editing:
        mine = editing.page
        log_in_to_admin(mine, "editor")
        mine.goto(draft_url)
        note = mine.locator(".changes-requested")
        expect(note).to_contain_text("Changes requested by Alex Physio:")
        # Shown as typed: the ampersand escaped once, the line break kept.
        expect(note.locator(".changes-requested-note br")).to_have_count(1)
        assert note.locator(".changes-requested-note").inner_text() == NOTE
        expect(mine.get_by_label("Status")).to_have_value(Article.Status.DRAFT)
    assert Article.objects.get(pk=draft_of_live.pk).status == Article.Status.DRAFT
