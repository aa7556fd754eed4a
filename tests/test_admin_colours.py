"""The admin's own colours (warnings, reading grades, draft banners) stay readable in the
admin's light and dark themes: text at least 4.5:1 against what it sits on (WCAG 1.4.3), a
banner's or preview's coloured edge at least 3:1 against the page (WCAG 1.4.11).

Read from the style sheets themselves, with Django's admin palettes for the backgrounds, so
a colour added without a dark-mode variant is caught here.
"""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

OUR_STYLES = ["articles/admin/admin.css", "articles/admin/drafts.css"]
# What text sits on when its rule gives no background: the page, a table's rows, a selected
# cell and a selected row of a change list.
ADMIN_BACKGROUNDS = ["--body-bg", "--darkened-bg", "--selected-bg", "--selected-row"]
DARK_BY_PREFERENCE = ':not([data-theme="light"])'
DARK_BY_CHOICE = 'html[data-theme="dark"]'
VAR = re.compile(r"var\((--[\w-]+)(?:,\s*([^)]*))?\)")
COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b")


def style_sheet(path):
    return Path(finders.find(path)).read_text()


def rules(css, media=""):
    """(media query, selector, {property: value}) for each rule, media blocks opened."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    position = 0
    while (opening := css.find("{", position)) >= 0:
        prelude, depth, end = css[position:opening].strip(), 1, opening + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        block = css[opening + 1 : end - 1]
        if prelude.startswith("@media"):
            yield from rules(block, prelude)
        else:
            declarations = (item.partition(":") for item in block.split(";") if ":" in item)
            yield media, prelude, {name.strip(): value.strip() for name, _, value in declarations}
        position = end


def theme_of(media, selector):
    if DARK_BY_CHOICE in selector:
        return "dark by choice"
    if "prefers-color-scheme: dark" in media:
        return "dark by preference"
    return "light"


def custom_properties(css):
    """Each theme's custom properties, as {theme: {name: value}}."""
    themes = {"light": {}, "dark by preference": {}, "dark by choice": {}}
    for media, selector, declarations in rules(css):
        properties = {k: v for k, v in declarations.items() if k.startswith("--")}
        themes[theme_of(media, selector)].update(properties)
    return themes


def admin_palettes():
    """Django's admin variables in its light and dark themes."""
    light = custom_properties(style_sheet("admin/css/base.css"))["light"]
    dark = custom_properties(style_sheet("admin/css/dark_mode.css"))["dark by choice"]
    return {"light": light, "dark": {**light, **dark}}


def palettes():
    """Our variables over the admin's, for each theme."""
    admin = admin_palettes()
    ours = {"light": {}, "dark by preference": {}, "dark by choice": {}}
    for path in OUR_STYLES:
        for theme, properties in custom_properties(style_sheet(path)).items():
            ours[theme].update(properties)
    assert ours["dark by preference"] == ours["dark by choice"]
    return {
        "light": {**admin["light"], **ours["light"]},
        "dark": {**admin["dark"], **ours["light"], **ours["dark by choice"]},
    }


def resolve(value, palette):
    """The colour `value` is in `palette`, following var() to the end."""
    while match := VAR.search(value):
        name, fallback = match.groups()
        value = palette.get(name, fallback)
        assert value is not None, f"{name} is not defined"
    colour = COLOUR.search(value)
    assert colour, value
    return colour.group()


def luminance(colour):
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(digit * 2 for digit in hex_digits)
    channels = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    lighter, darker = sorted([luminance(first), luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def coloured_rules():
    for path in OUR_STYLES:
        for media, selector, declarations in rules(style_sheet(path)):
            if theme_of(media, selector) == "light":
                yield selector, declarations


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_colours_are_readable_in_both_themes(theme):
    palette = palettes()[theme]
    too_faint = []
    for selector, declarations in coloured_rules():
        if "color" not in declarations:
            continue
        text = resolve(declarations["color"], palette)
        if "background" in declarations:
            backgrounds = [declarations["background"]]
        else:
            backgrounds = [f"var({name})" for name in ADMIN_BACKGROUNDS]
        for background in backgrounds:
            ratio = contrast(text, resolve(background, palette))
            if ratio < 4.5:
                too_faint.append((selector, text, background, round(ratio, 2)))
    assert too_faint == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_coloured_edges_stand_out_from_the_page_in_both_themes(theme):
    palette = palettes()[theme]
    too_faint = []
    for selector, declarations in coloured_rules():
        for name in ("border-left", "border-left-color"):
            if name in declarations:
                edge = resolve(declarations[name], palette)
                for background in ("--body-bg", "--darkened-bg"):
                    ratio = contrast(edge, palette[background])
                    if ratio < 3:
                        too_faint.append((selector, edge, background, round(ratio, 2)))
    assert too_faint == []


def test_every_colour_follows_the_theme():
    # A colour written into a rule is the same in both themes: it must be a variable that
    # the dark theme sets (or one of the admin's own), not a hex value.
    fixed = [
        (selector, name, value)
        for selector, declarations in coloured_rules()
        for name, value in declarations.items()
        if not name.startswith("--")
        and name not in ("outline",)  # a focus ring, yellow on light and dark alike
        and COLOUR.search(VAR.sub("", value))
    ]
    assert fixed == []


def test_dark_by_preference_gives_way_to_a_chosen_light_theme():
    # As the admin's own colours do: a clinician who picked the light theme gets it.
    ignored_choice = [
        selector
        for path in OUR_STYLES
        for media, selector, _ in rules(style_sheet(path))
        if theme_of(media, selector) == "dark by preference" and DARK_BY_PREFERENCE not in selector
    ]
    assert ignored_choice == []
