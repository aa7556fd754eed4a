"""The help-line numbers: written as placeholders everywhere, filled in from settings.

Clinicians write {emergency_number} and {urgent_number}; one deployment changes the numbers
everywhere at once by setting SPASMCMS_EMERGENCY_NUMBER and SPASMCMS_URGENT_NUMBER. Any
other literal help-line number in clinical text would disagree with those settings the day
they change, so `literal_helplines()` finds them for the forms that refuse them.
"""

import re

from django.conf import settings
from django.utils.html import escape

EMERGENCY_PLACEHOLDER = "{emergency_number}"
URGENT_PLACEHOLDER = "{urgent_number}"

# Emergency and urgent-care numbers readers know (UK, EU, North America, Australia). A
# number standing alone, not part of an address or a longer
# number: "call 999" is one, "https://111.nhs.uk" and "0800 999 123" are not.
KNOWN_HELPLINES = ("999", "112", "911", "111", "000")
HELPLINE = re.compile(r"(?<![\w./:\-+])(\d{3})(?![\w/\-]|[.,]\d|\s\d)")


def fill_in_numbers(text):
    """Text with the placeholders replaced by the configured numbers."""
    return (
        str(text)
        .replace(EMERGENCY_PLACEHOLDER, settings.EMERGENCY_NUMBER)
        .replace(URGENT_PLACEHOLDER, settings.URGENT_NUMBER)
    )


def fill_in_numbers_html(html):
    """HTML with the placeholders replaced by the configured numbers, escaped."""
    return (
        str(html)
        .replace(EMERGENCY_PLACEHOLDER, escape(settings.EMERGENCY_NUMBER))
        .replace(URGENT_PLACEHOLDER, escape(settings.URGENT_NUMBER))
    )


def literal_helplines(text):
    """The help-line numbers written out in `text` instead of as placeholders."""
    known = {*KNOWN_HELPLINES, settings.EMERGENCY_NUMBER, settings.URGENT_NUMBER}
    return sorted({number for number in HELPLINE.findall(str(text)) if number in known})


def literal_helpline_message(numbers):
    listed = ", ".join(numbers)
    return (
        f"Write {EMERGENCY_PLACEHOLDER} or {URGENT_PLACEHOLDER} instead of {listed}: the "
        f"site fills in the numbers from its settings (now {settings.EMERGENCY_NUMBER} and "
        f"{settings.URGENT_NUMBER}), so every page gives the same numbers."
    )
