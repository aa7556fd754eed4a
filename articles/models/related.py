"""Related reading: each article's "Related articles" list, worked out whenever it can change.

The ranking is the one readers have always had. Articles an editor picked for this one come
first, then published articles sharing its topics, those sharing more topics first; within
each, newest first, then by title. Never the article itself, never a draft, and never an
article that shares no topic and nobody picked: text likeness alone is not enough ("back" in
two titles does not make them related).

Why stored: ranking reads the topic links of every article on the article's topics (on a
big site, most articles) to keep four, and would cost each render more as the site grows.
A list changes only when an article's publication, title, topics or picks change, which
editors do a few times a day, while readers render pages all the time; so each list is
worked out again then, in the transaction of the change, for every article whose list it
can change (see articles.signals). A cache per public pages version would not do: that
version moves with every approved comment, which is exactly when pages render afresh.

A list is stored a little longer than it is shown. Articles scheduled for a later time are
ranked in as if live, and the page reads only the entries live when it renders; so when the
clock passes a publish time (which retires cached pages: ArticleQuerySet.next_change_by_clock)
the article appears at its place with nothing written. The list holds RELATED_SHOWN articles
live when it was worked out, with any scheduled ones ranked among them.
"""

import itertools
from collections import Counter, defaultdict

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .publication import ArticleStatus

RELATED_SHOWN = 4
# Ids per IN (...) list when writing: well under SQLite's limit on query parameters.
BATCH = 500


class RelatedReading(models.Model):
    """One place in an article's "Related articles" list (see this module's docstring)."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="related_reading"
    )
    related = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="listed_as_related"
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["article", "position"]
        verbose_name = "related article"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="one_related_article_a_place"
            )
        ]

    def __str__(self):
        return f"{self.position + 1}. related to article {self.article_id}: {self.related_id}"


def pages_to_refresh(article_model, article_ids, topic_ids):
    """The articles whose lists can change when these articles' publication, title, or links
    to these topics change: they, every article on the topics, and those they were picked for.

    `article_ids` and `topic_ids` are lists or subqueries of ids.
    """
    topic_links = article_model.topics.through.objects
    picks = article_model.related_articles.through.objects
    return article_model.objects.filter(
        Q(pk__in=article_ids)
        | Q(pk__in=topic_links.filter(topic_id__in=topic_ids).values("article_id"))
        | Q(pk__in=picks.filter(to_article_id__in=article_ids).values("from_article_id"))
    )


def refresh(pages):
    """Work out again the list of every article in `pages` (a queryset); store those that
    changed. A handful of queries, whatever the number of pages.

    Works on the queryset's model, so the migration that first fills the lists runs it on
    its historical models.
    """
    article_model = pages.model
    to_refresh = set(pages.values_list("pk", flat=True))
    if not to_refresh:
        return
    topic_links = article_model.topics.through.objects
    picks = article_model.related_articles.through.objects
    page_ids = pages.values("pk")
    their_topics = topic_links.filter(article_id__in=page_ids).values("topic_id")

    members = defaultdict(set)  # topic id -> its articles
    topics_of = defaultdict(set)  # article id -> its topics, among the pages' topics
    for article_id, topic_id in topic_links.filter(topic_id__in=their_topics).values_list(
        "article_id", "topic_id"
    ):
        members[topic_id].add(article_id)
        topics_of[article_id].add(topic_id)
    picked = defaultdict(set)
    for page, chosen in picks.filter(from_article_id__in=page_ids).values_list(
        "from_article_id", "to_article_id"
    ):
        picked[page].add(chosen)
    # Published articles, live or scheduled, newest first: the database orders titles
    # as it did when it ranked them on every render.
    now = timezone.now()
    candidates = (
        article_model.objects.filter(status=ArticleStatus.PUBLISHED, published_at__isnull=False)
        .filter(
            Q(pk__in=topic_links.filter(topic_id__in=their_topics).values("article_id"))
            | Q(pk__in=picks.filter(from_article_id__in=page_ids).values("to_article_id"))
        )
        .order_by("-published_at", "title", "pk")
        .values_list("pk", "published_at")
    )
    is_live = {pk: published_at <= now for pk, published_at in candidates}
    stored = defaultdict(list)
    related_reading = article_model._meta.get_field("related_reading").related_model
    for page, related in (
        related_reading.objects.filter(article_id__in=page_ids)
        .order_by("article_id", "position")
        .values_list("article_id", "related_id")
    ):
        stored[page].append(related)

    lists = work_out_lists(to_refresh, topics_of, members, picked, is_live)
    changed = [page for page, related in lists.items() if related != stored.get(page, [])]
    for batch in itertools.batched(sorted(changed), BATCH):
        related_reading.objects.filter(article_id__in=batch).delete()
    related_reading.objects.bulk_create(
        (
            related_reading(article_id=page, related_id=related, position=position)
            for page in changed
            for position, related in enumerate(lists[page])
        ),
        batch_size=BATCH,
    )


def work_out_lists(page_ids, topics_of, members, picked, is_live, shown=RELATED_SHOWN):
    """{page id: [related article ids in order]}.

    `topics_of` maps article ids to their topics (among the pages' topics), `members` each of
    those topics to its articles, `picked` page ids to the articles an editor picked for
    them, and `is_live` every published article that may be listed, in ranking order for
    equal standing (newest first), to whether it is live now.
    """
    recency = {pk: position for position, pk in enumerate(is_live)}
    # Topic matches rank the same for every page on the same topics: ranked once for each.
    ranked_for = {}
    lists = {}
    for page in page_ids:
        mine = frozenset(topics_of.get(page, ()))
        if mine not in ranked_for:
            shared = Counter(pk for topic in mine for pk in members[topic] if pk in is_live)
            ranked_for[mine] = sorted(shared, key=lambda pk, s=shared: (-s[pk], recency[pk]))
        picks = sorted(
            (pk for pk in picked.get(page, ()) if pk in is_live and pk != page),
            key=lambda pk, mine=mine: (-len(mine & topics_of.get(pk, set())), recency[pk]),
        )
        shown_first = {page, *picks}
        matches = (pk for pk in ranked_for[mine] if pk not in shown_first)
        listed, live = [], 0
        for pk in itertools.chain(picks, matches):
            if live == shown:
                break
            listed.append(pk)
            live += is_live[pk]
        lists[page] = listed
    return lists
