"""Reports stored under a hash of the client and the comment together, not the client's
own hash, so one reader's reports of different comments cannot be linked.

Existing reports are hashed again in place: each keeps counting once, and the same reader
reporting the same comment again is still refused. Going back cannot recover the client's
own hash; the rows are kept as they are (they age out within 30 days).
"""

from django.db import migrations, models
from django.utils.crypto import salted_hmac


def hash_with_the_comment(apps, schema_editor):
    CommentReport = apps.get_model("comments", "CommentReport")
    for report in CommentReport.objects.only("id", "comment_id", "client").iterator():
        keyed = salted_hmac(
            "comments.report", f"{report.comment_id}:{report.client}", algorithm="sha256"
        )
        CommentReport.objects.filter(pk=report.pk).update(client=keyed.hexdigest()[:32])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_commentreport"),
    ]

    operations = [
        migrations.AlterField(
            model_name="commentreport",
            name="client",
            field=models.CharField(
                help_text="A keyed hash of the reporting client and the comment.", max_length=32
            ),
        ),
        migrations.RunPython(hash_with_the_comment, migrations.RunPython.noop),
    ]
