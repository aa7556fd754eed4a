"""Public articles taken down, recorded as it happens (`Withdrawal`), in place of the deleted
articles alone (`RemovedArticle`), whose rows move across as removals."""

from django.db import migrations, models


def removals_to_withdrawals(apps, schema_editor):
    RemovedArticle = apps.get_model("articles", "RemovedArticle")
    Withdrawal = apps.get_model("articles", "Withdrawal")
    Withdrawal.objects.bulk_create(
        Withdrawal(article_id=gone.article_id, slug=gone.slug, change="removed", at=gone.removed_at)
        for gone in RemovedArticle.objects.all()
    )


def withdrawals_to_removals(apps, schema_editor):
    RemovedArticle = apps.get_model("articles", "RemovedArticle")
    Withdrawal = apps.get_model("articles", "Withdrawal")
    RemovedArticle.objects.bulk_create(
        RemovedArticle(article_id=gone.article_id, slug=gone.slug, removed_at=gone.at)
        for gone in Withdrawal.objects.filter(change="removed")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_syndication"),
    ]

    operations = [
        migrations.CreateModel(
            name="Withdrawal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "article_id",
                    models.PositiveBigIntegerField(unique=True, verbose_name="id of the article"),
                ),
                ("slug", models.SlugField(max_length=200)),
                (
                    "change",
                    models.CharField(
                        choices=[
                            ("withdrawn", "No longer public: take your copy down"),
                            ("removed", "Deleted: take your copy down"),
                        ],
                        max_length=20,
                    ),
                ),
                ("at", models.DateTimeField(db_index=True)),
            ],
            options={
                "ordering": ["at", "article_id"],
            },
        ),
        migrations.RunPython(removals_to_withdrawals, withdrawals_to_removals),
        migrations.DeleteModel(name="RemovedArticle"),
    ]
