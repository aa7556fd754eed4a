from django.db import migrations

from articles.models.related import refresh


def work_out_every_list(apps, schema_editor):
    """Each article's "Related articles" list, as the page ranked it on every render until
    now: set-based, a handful of queries for the whole site (see models/related.py)."""
    Article = apps.get_model("articles", "Article")
    refresh(Article.objects.all())


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0015_related_reading_and_comment_thread_count"),
    ]

    operations = [
        migrations.RunPython(work_out_every_list, migrations.RunPython.noop, elidable=True),
    ]
