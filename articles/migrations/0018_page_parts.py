import django.core.serializers.json
import django.db.models.deletion
from django.db import migrations, models

from articles.models.page_parts import refresh


def store_every_copy(apps, schema_editor):
    """Each article's page parts, as its page fetched them on every render until now."""
    refresh(apps.get_model("articles", "Article").objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_topic_readable_from"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageParts",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="page_parts",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                (
                    "parts",
                    models.JSONField(encoder=django.core.serializers.json.DjangoJSONEncoder),
                ),
            ],
            options={
                "verbose_name": "stored page parts",
                "verbose_name_plural": "stored page parts",
            },
        ),
        migrations.RunPython(store_every_copy, migrations.RunPython.noop, elidable=True),
    ]
