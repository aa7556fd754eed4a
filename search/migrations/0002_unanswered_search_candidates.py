"""Hashed candidates for the log of searches that found nothing.

The log's existing rows stay as they are: they age out under `delete_old_searches`.
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="UnansweredSearchCandidate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(default=django.utils.timezone.localdate)),
                ("query_hash", models.CharField(max_length=32)),
                ("reader_hash", models.CharField(max_length=32)),
            ],
            options={
                "verbose_name": "search waiting for more readers",
                "verbose_name_plural": "searches waiting for more readers",
                "indexes": [
                    models.Index(fields=["day", "reader_hash"], name="search_candidate_reader")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "query_hash", "reader_hash"),
                        name="one_reader_a_day_per_search",
                    )
                ],
            },
        ),
    ]
