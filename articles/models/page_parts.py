"""The parts of an article's page stored with the article: one query renders the page.

The page shows an article's topics, sections, treatments and references. Fetched apart, they
are four queries more on every render, and on a big site building and running those queries
is the largest part of an uncached page (more than its template). They change only when an
editor changes them, a few times a day, while readers render pages all the time; so each
article keeps a copy of them (`Article.page_parts`, JSON), written again in the transaction
of any change to them (see articles.signals), as the "Related articles" lists are.

The copy holds the rows exactly as the page would fetch them (the fields it reads), and is
turned back into model instances in the article's prefetch cache: the page, the care card
and every other reader of `article.sections.all()` work as before, on the same objects. An
article with no usable copy (just created, stored in another shape, or written by code that
sends no signal, such as a bulk import, before it calls `refresh`) is read with the four
queries instead.

A copy is only as fresh as the code that wrote the parts sent signals: after a deploy or a
rollback during which code without these signals served editors, run
`manage.py refresh_page_parts` (the deploy's `migrate` service does, see deploy/).
"""

import json

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.query import ModelIterable

# The fields of each part the page reads, as the queries without a copy fetch them.
SECTION_FIELDS = ("id", "article", "parent", "order", "heading", "anchor", "kind", "body_html")
TOPIC_FIELDS = ("id", "name", "slug")
# Bump when what is stored changes shape: copies of another version are not used, and
# the read falls back to the queries until a change writes them again.
PARTS_VERSION = 1
# Articles per batch when writing every copy (a migration, the bench's seeding).
BATCH = 200


class PageParts(models.Model):
    """The stored copy of one article's page parts (see this module's docstring). A table of
    its own, so the article row and every list of articles stay as small as they were."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="page_parts"
    )
    parts = models.JSONField(encoder=DjangoJSONEncoder)
    # Moved by every write of a copy that differs, and by `syndication.mark_changed` for a
    # change the copy does not hold (a red flag on the care card, a section's Markdown):
    # other systems keeping a copy of the article learn of it from the API's changes feed.
    stored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "stored page parts"
        verbose_name_plural = "stored page parts"

    def __str__(self):
        return f"page parts of article {self.article_id}"


def part_models(article_model):
    """Section, Topic, ArticleTreatment, Treatment and Reference, as `article_model` (maybe a
    migration's historical model) relates to them."""
    meta = article_model._meta
    link = meta.get_field("article_treatments").related_model
    return (
        meta.get_field("sections").related_model,
        meta.get_field("topics").related_model,
        link,
        link._meta.get_field("treatment").related_model,
        meta.get_field("references").related_model,
    )


def part_queries(article_model):
    """The four prefetches that fetch an article's parts when it has no stored copy."""
    section, topic, link, _treatment, reference = part_models(article_model)
    return (
        Prefetch("topics", queryset=topic.objects.only(*TOPIC_FIELDS[1:])),
        Prefetch(
            "sections",
            queryset=section.objects.only(*SECTION_FIELDS[1:]).order_by("order", "pk"),
        ),
        Prefetch(
            "article_treatments",
            queryset=link.objects.select_related("treatment").order_by("order", "pk"),
        ),
        Prefetch("references", queryset=reference.objects.order_by("order", "pk")),
    )


def refresh(articles):
    """Store again the page parts of every article of the queryset `articles`: six queries
    and one write per batch of articles, whatever their number."""
    article_model = articles.model
    models_ = part_models(article_model)
    copies = article_model._meta.get_field("page_parts").related_model
    ids = list(articles.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = article_model.objects.filter(pk__in=ids[start : start + BATCH])
        kept = dict(copies.objects.filter(article__in=batch).values_list("article", "parts"))
        rows = [
            copies(article=article, parts=parts)
            for article in batch.prefetch_related(*part_queries(article_model))
            # A copy already right is left as it is: its `stored_at` tells other systems
            # the article changed, which a deploy's refresh of every copy must not say.
            if (parts := as_stored(parts_of(article, models_))) != kept.get(article.pk)
        ]
        # A migration's historical model may be from before `stored_at`.
        stored = [field.name for field in concrete_fields(copies, ("parts", "stored_at"))]
        copies.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["article"], update_fields=stored
        )


def as_stored(parts):
    """The parts as they read back once stored (dates and times as ISO text)."""
    return json.loads(json.dumps(parts, cls=DjangoJSONEncoder))


class PageIterable(ModelIterable):
    """Articles for their page: each with its parts in its prefetch cache, from its stored
    copy, or fetched by the four queries for those without one."""

    def __iter__(self):
        articles = list(super().__iter__())
        if articles:
            models_ = part_models(type(articles[0]))
            without_copy = [
                article for article in articles if not fill_prefetch_cache(article, models_)
            ]
            if without_copy:
                prefetch_related_objects(without_copy, *part_queries(type(articles[0])))
        yield from articles


def concrete_fields(model, names=None):
    """The model's stored fields (all, or those named), in the model's own order, which is
    the order `Model.from_db` takes values in. A name the model lacks (a migration's
    historical model, before the field was added) is left out."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.name != "search_vector" and (names is None or field.name in names)
    ]


def rows_of(objects, fields):
    """Each object as {column name: value}: by name, not by place, as a model's fields may
    come in another order in a migration's historical model."""
    return [{field.attname: field.value_from_object(obj) for field in fields} for obj in objects]


def instances(model, fields, rows, db):
    """Model instances as if fetched from database `db`, from stored rows."""
    attnames = [field.attname for field in fields]
    return [
        model.from_db(db, attnames, [field.to_python(row[field.attname]) for field in fields])
        for row in rows
    ]


def parts_of(article, models):
    """What to store for `article`, whose four parts are prefetched (`for_page` queries).
    Dates and times are written as ISO text (`Article.page_parts` has Django's encoder)."""
    section, topic, link, treatment, reference = models
    links = list(article.article_treatments.all())
    return {
        "version": PARTS_VERSION,
        "topics": rows_of(article.topics.all(), concrete_fields(topic, TOPIC_FIELDS)),
        "sections": rows_of(article.sections.all(), concrete_fields(section, SECTION_FIELDS)),
        "article_treatments": rows_of(links, concrete_fields(link)),
        "treatments": rows_of((each.treatment for each in links), concrete_fields(treatment)),
        "references": rows_of(article.references.all(), concrete_fields(reference)),
    }


def fill_prefetch_cache(article, models):
    """Put the stored parts into `article`'s prefetch cache; False if it has no usable copy."""
    try:
        parts = article.page_parts.parts  # fetched with the article (select_related)
    except ObjectDoesNotExist:
        return False
    if parts.get("version") != PARTS_VERSION:
        return False
    section, topic, link, treatment, reference = models
    db = article._state.db
    try:
        treatments = instances(treatment, concrete_fields(treatment), parts["treatments"], db)
        links = instances(link, concrete_fields(link), parts["article_treatments"], db)
        cached = {
            "topics": instances(topic, concrete_fields(topic, TOPIC_FIELDS), parts["topics"], db),
            "sections": instances(
                section, concrete_fields(section, SECTION_FIELDS), parts["sections"], db
            ),
            "article_treatments": links,
            "references": instances(reference, concrete_fields(reference), parts["references"], db),
        }
    except (KeyError, TypeError):  # stored before a model gained a field: the queries instead
        return False
    if len(links) != len(treatments):
        return False
    for each, its_treatment in zip(links, treatments, strict=True):
        each.treatment = its_treatment
    prefetched = article.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objects in cached.items():
        queryset = getattr(article, name).all()
        queryset._result_cache = objects
        queryset._prefetch_done = True
        prefetched[name] = queryset
    return True
