"""What the content API's changes feed reads: when each article's stored parts were last
written (every existing copy counts as written now), and the articles deleted from here on."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_clinical_code_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="RemovedArticle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "article_id",
                    models.PositiveBigIntegerField(
                        unique=True, verbose_name="id of the deleted article"
                    ),
                ),
                ("slug", models.SlugField(max_length=200)),
                (
                    "removed_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
            ],
            options={
                "verbose_name": "deleted article",
                "ordering": ["removed_at", "article_id"],
            },
        ),
        migrations.AddField(
            model_name="pageparts",
            name="stored_at",
            field=models.DateTimeField(auto_now=True),
        ),
    ]
