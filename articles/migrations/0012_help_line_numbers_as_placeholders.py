"""Help-line numbers written out in clinical text become placeholders.

Sections and treatments now refuse a written-out help-line number on save, and fill in
{emergency_number} and {urgent_number} from settings on display. So a site that already
wrote "call 999" can still save its articles, and shows the right number the day its
settings change, each number this site is configured with is turned into its placeholder,
where it stands alone (not inside an address or a longer number). Readers see the same
words as before. The pattern is copied here, not imported, so this migration keeps its
meaning.
"""

import re

from django.conf import settings
from django.db import migrations

STANDALONE = r"(?<![\w./:\-+£$€])(?<!\d[\s,]){}(?![\w\-]|/[^\d]|[.,]\d|\.[a-z])"
SECTION_FIELDS = ("heading", "body", "body_html")
TREATMENT_FIELDS = ("summary", "how_it_helps", "cautions", "evidence_note")


def numbers_to_placeholders():
    return [
        (re.compile(STANDALONE.format(re.escape(number)), re.IGNORECASE), placeholder)
        for number, placeholder in (
            (settings.EMERGENCY_NUMBER, "{emergency_number}"),
            (settings.URGENT_NUMBER, "{urgent_number}"),
        )
    ]


def placeholders_to_numbers():
    return [
        (re.compile(re.escape(placeholder)), number)
        for number, placeholder in (
            (settings.EMERGENCY_NUMBER, "{emergency_number}"),
            (settings.URGENT_NUMBER, "{urgent_number}"),
        )
    ]


def rewrite(apps, replacements):
    for name, fields in (("Section", SECTION_FIELDS), ("Treatment", TREATMENT_FIELDS)):
        model = apps.get_model("articles", name)
        for row in model.objects.only("pk", *fields).iterator():
            changed = {}
            for field in fields:
                text = getattr(row, field)
                for pattern, replacement in replacements:
                    text = pattern.sub(replacement, text)
                if text != getattr(row, field):
                    changed[field] = text
            if changed:
                model.objects.filter(pk=row.pk).update(**changed)


def forwards(apps, schema_editor):
    rewrite(apps, numbers_to_placeholders())


def backwards(apps, schema_editor):
    rewrite(apps, placeholders_to_numbers())


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_help_line_placeholders")]

    operations = [migrations.RunPython(forwards, backwards)]
