"""Helpers shared by the browser journeys (not tests themselves): focus checks, axe's WCAG
checks, signing in to the admin, and answering the symptom checker.

A second browser context (a moderator next to a reader, or JavaScript off) comes from
conftest's `another_visit` fixture, held to the same rules as `visit`.
"""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from ..factories import PASSWORD

# WCAG 2.2 A and AA, the level the site keeps to.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}


def wcag_violations(page):
    """axe's findings on the page as a reader sees it: after its load event, as a page
    reached by a form's POST is in the DOM before its stylesheets apply, and axe would
    measure unstyled links (target size, contrast)."""
    page.wait_for_load_state("load")
    return Axe().run(page, options=AXE_OPTIONS)


# The focused element, in words a failure message can use.
DESCRIBE_FOCUS = r"""() => {
  const el = document.activeElement;
  if (!el) return "nothing";
  const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
  const id = el.id ? "#" + el.id : "";
  const classes = typeof el.className === "string" ? el.className.trim() : "";
  const cls = classes ? "." + classes.split(/\s+/).join(".") : "";
  const style = getComputedStyle(el);
  return `<${el.tagName.toLowerCase()}${id}${cls}> "${text.slice(0, 50).replace(/\s+/g, " ")}"`
    + ` outline: ${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor};`
    + ` box-shadow: ${style.boxShadow}`;
}"""

# True when the focused element draws a focus indicator: an outline, or a box shadow that
# is neither transparent nor zero-sized (a transition's first frame is both).
HAS_FOCUS_INDICATOR = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const style = getComputedStyle(el);
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) return true;
  if (style.boxShadow === "none") return false;
  return style.boxShadow.split(/,(?![^(]*\))/).some((shadow) => {
    const colour = shadow.match(/rgba?\(([^)]+)\)/);
    const alpha = colour ? Number((colour[1].split(/[\s,/]+/).filter(Boolean)[3]) ?? 1) : 1;
    const sizes = shadow.replace(/rgba?\([^)]*\)/, "").match(/-?[\d.]+px/g) || [];
    return alpha > 0 && sizes.some((size) => parseFloat(size) !== 0);
  });
}"""

# The best contrast (WCAG 1.4.11 asks 3:1) between any part of the focused element's
# indicator (outline colour, box-shadow colours; alpha blended) and the background behind it.
FOCUS_INDICATOR_CONTRAST = r"""() => {
  const el = document.activeElement;
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  let background = {r: 255, g: 255, b: 255, a: 1};
  for (let node = el.parentElement; node; node = node.parentElement) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c && c.a > 0) { background = c; break; }
  }
  const over = (c, bg) => ({
    r: c.r * c.a + bg.r * (1 - c.a), g: c.g * c.a + bg.g * (1 - c.a),
    b: c.b * c.a + bg.b * (1 - c.a),
  });
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const style = getComputedStyle(el);
  const colours = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) {
    colours.push(style.outlineColor);
  }
  if (style.boxShadow !== "none") {
    colours.push(...(style.boxShadow.match(/rgba?\([^)]+\)/g) || []));
  }
  let best = 1;
  for (const colour of colours) {
    const c = parse(colour);
    if (c) best = Math.max(best, ratio(over(c, background), background));
  }
  return Math.round(best * 100) / 100;
}"""


def describe_focus(page):
    return page.evaluate(DESCRIBE_FOCUS)


def expect_visible_focus(page):
    """Assert the focused element shows a focus indicator (an outline or a box shadow)."""
    try:
        page.wait_for_function(HAS_FOCUS_INDICATOR, timeout=2_000)
    except PlaywrightTimeoutError:
        raise AssertionError(f"no visible focus indicator on {describe_focus(page)}") from None


def tab_until(page, predicate_js, limit=80):
    """Press Tab until `predicate_js` (run on document.activeElement) is true; return the count.

    Each element passed on the way must show a visible focus indicator.
    """
    for count in range(1, limit + 1):
        page.keyboard.press("Tab")
        expect_visible_focus(page)
        if focused_is(page, predicate_js):
            return count
    raise AssertionError(f"{limit} presses of Tab never reached the element ({predicate_js})")


def focused_is(page, predicate_js):
    return page.evaluate(f"() => ({predicate_js})(document.activeElement)")


def log_in_to_admin(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def questions():
    """The symptom checker's questions, in the order readers see them."""
    from triage.models import Question

    return list(Question.objects.asked())


def question_group(page, question):
    # Each yes/no question is a fieldset whose legend is the question.
    return page.get_by_role("group", name=question.text)


def answer(page, yes=(), weeks=None, skip=()):
    """Answer the checker's questions by their visible labels: "No" unless listed in `yes`."""
    for question in questions():
        if question.slug in skip:
            continue
        if question.kind == "weeks":
            if weeks is not None:
                page.get_by_label(question.text).fill(str(weeks))
            continue
        choice = "Yes" if question.slug in yes else "No"
        # Scoped by the question's wrapper (quicker than a role query), picked by its label.
        page.locator(f"#div_id_{question.slug}").get_by_label(choice, exact=True).check()
