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

# Emergency and urgent-care numbers readers know (UK, EU, North America, Australia).
KNOWN_HELPLINES = ("999", "112", "911", "111", "000")
# A number standing alone, not part of an address, an amount or a longer number: "call
# 999", "999." and "call 111 24 hours a day" are numbers to call; "https://111.nhs.uk",
# "111.nhs.uk", "0800 999 123", "1,000 people" and "£100,000" are not.
HELPLINE = re.compile(
    r"(?<![\w./:\-+£$€])(?<!\d[\s,])(\d{3})(?![\w\-]|/[^\d]|[.,]\d|\.[a-z])", re.IGNORECASE
)
# A link that dials a number: [Call us](tel:999).
DIAL = re.compile(r"tel:\+?(\d+)", re.IGNORECASE)


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
    found = {*HELPLINE.findall(str(text)), *DIAL.findall(str(text))}
    return sorted(number for number in found if number in known)


def literal_helpline_message(numbers):
    listed = ", ".join(numbers)
    return (
        f"Write {EMERGENCY_PLACEHOLDER} or {URGENT_PLACEHOLDER} instead of {listed}: the "
        f"site fills in the numbers from its settings (now {settings.EMERGENCY_NUMBER} and "
        f"{settings.URGENT_NUMBER}), so every page gives the same numbers."
    )
