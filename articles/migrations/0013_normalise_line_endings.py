"""Line endings in stored text become plain LF.

Sections and articles now store LF line endings whatever the browser sent (CR LF), so
text saved through the admin before this change would otherwise differ from the same
text saved again on every line. The rewrite is copied here, not imported, so this
migration keeps its meaning. Going back leaves the text as it is: LF reads the same.
"""

from django.db import migrations

FIELDS = {"Section": ("heading", "body", "body_html"), "Article": ("standfirst",)}


def normalise(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


def forwards(apps, schema_editor):
    for name, fields in FIELDS.items():
        model = apps.get_model("articles", name)
        for row in model.objects.only("pk", *fields).iterator():
            changed = {
                field: normalise(getattr(row, field))
                for field in fields
                if normalise(getattr(row, field)) != getattr(row, field)
            }
            if changed:
                model.objects.filter(pk=row.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_help_line_numbers_as_placeholders")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
