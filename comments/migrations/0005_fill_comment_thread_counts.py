from django.db import migrations
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_threads(apps, schema_editor):
    """Each article's count of the comment threads readers see (approved, not hidden by
    reports, not a reply), as the comments pager counted them on every render until now.

    One UPDATE of the articles with comments, each count read from the index of visible
    threads, so a million comments take seconds rather than a query per article or comment.
    """
    Article = apps.get_model("articles", "Article")
    Comment = apps.get_model("comments", "Comment")
    shown = (
        Comment.objects.filter(
            article=OuterRef("pk"), status="approved", hidden_by_reports=False, parent=None
        )
        .order_by()
        .values("article")
        .annotate(threads=Count("pk"))
        .values("threads")
    )
    with_comments = Article.objects.filter(pk__in=Comment.objects.values("article_id"))
    with_comments.update(comment_thread_count=Coalesce(Subquery(shown), 0))


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0015_related_reading_and_comment_thread_count"),
        ("comments", "0004_reports_hashed_per_comment"),
    ]

    operations = [
        migrations.RunPython(count_threads, migrations.RunPython.noop, elidable=True),
    ]
