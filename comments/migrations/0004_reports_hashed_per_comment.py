"""Reports stored under a hash of the client and the comment together, not the client's
own hash, so one reader's reports of different comments cannot be linked.

Existing reports are hashed again in place: each keeps counting once, and the same reader
reporting the same comment again is still refused. Going back cannot recover the clients'
own hashes, and rows left as they are would be hashed a second time on the way forward
again (every reader could then report once more): so going back forgets the reports and
their counts. A comment they hid stays hidden until a moderator decides.
"""

from django.db import migrations, models
from django.utils.crypto import salted_hmac


def hash_with_the_comment(apps, schema_editor):
    CommentReport = apps.get_model("comments", "CommentReport")
    reports = CommentReport.objects.only("id", "comment_id", "client").order_by("pk")
    for report in reports.iterator():
        keyed = salted_hmac(
            "comments.report", f"{report.comment_id}:{report.client}", algorithm="sha256"
        )
        CommentReport.objects.filter(pk=report.pk).update(client=keyed.hexdigest()[:32])


def forget_reports(apps, schema_editor):
    apps.get_model("comments", "CommentReport").objects.all().delete()
    apps.get_model("comments", "Comment").objects.update(report_count=0)


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
        migrations.RunPython(hash_with_the_comment, forget_reports),
    ]
