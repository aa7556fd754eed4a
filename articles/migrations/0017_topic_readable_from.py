from django.db import migrations, models

from articles.models.topic import refresh_readable_from


def fill_readable_from(apps, schema_editor):
    """When each topic has had an article to read, as the home page worked it out from
    every topic link on each render until now."""
    refresh_readable_from(apps.get_model("articles", "Topic").objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_fill_related_reading"),
    ]

    operations = [
        migrations.AddField(
            model_name="topic",
            name="readable_from",
            field=models.DateTimeField(
                editable=False,
                help_text="Filled in by the site: when the first of this topic's published "
                "articles went or goes live. Empty while it has none.",
                null=True,
            ),
        ),
        migrations.RunPython(fill_readable_from, migrations.RunPython.noop, elidable=True),
    ]
