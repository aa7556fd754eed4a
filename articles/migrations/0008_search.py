"""Site search: stored section vectors and indexes on PostgreSQL, synonyms, the vocabulary
typos are corrected to, and counts of searches that found nothing.

The GIN indexes and the pg_trgm extension exist on PostgreSQL only; other databases use
the simple ranked match in articles.search.
"""

import html
import re

import django.contrib.postgres.search
import django.utils.timezone
from django.contrib.auth.management import create_permissions
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.utils.html import strip_tags


STARTER_SYNONYMS = [
    ("spasm", "cramp"),
    ("slipped disc", "herniated disc"),
    ("slipped disc", "prolapsed disc"),
    ("backache", "back pain"),
    ("trapped nerve", "sciatica"),
    ("painkiller", "pain relief"),
    ("physio", "physiotherapy"),
    ("gp", "doctor"),
    ("numb", "numbness"),
    ("pins and needles", "tingling"),
]
WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
ARTICLE_VECTOR = """
UPDATE articles_article a SET search_vector =
    setweight(to_tsvector('english', coalesce(a.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(a.standfirst, '')), 'B')
"""
SECTION_VECTOR = """
UPDATE articles_section s SET search_vector =
    setweight(to_tsvector('english', coalesce(a.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(a.standfirst, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(s.heading, '')), 'C') ||
    setweight(to_tsvector('english',
        regexp_replace(coalesce(s.body_html, ''), '<[^>]+>|&#?[a-z0-9]+;', ' ', 'gi')), 'D')
FROM articles_article a WHERE s.article_id = a.id
"""
POSTGRES_INDEXES = [
    "CREATE INDEX articles_article_search_gin ON articles_article USING gin (search_vector)",
    "CREATE INDEX articles_section_search_gin ON articles_section USING gin (search_vector)",
    "CREATE INDEX articles_searchword_trgm ON articles_searchword "
    "USING gin (word gin_trgm_ops)",
]


def postgres_indexes_and_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in [*POSTGRES_INDEXES, ARTICLE_VECTOR, SECTION_VECTOR]:
        schema_editor.execute(statement)


def drop_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [
        "articles_article_search_gin",
        "articles_section_search_gin",
        "articles_searchword_trgm",
    ]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def vocabulary_and_synonyms(apps, schema_editor):
    Section = apps.get_model("articles", "Section")
    SearchWord = apps.get_model("articles", "SearchWord")
    SearchSynonym = apps.get_model("articles", "SearchSynonym")
    words = set()
    published = Section.objects.filter(article__status="published")
    for texts in published.values_list(
        "article__title", "article__standfirst", "heading", "body_html"
    ).iterator():
        words.update(WORD.findall(html.unescape(strip_tags(" ".join(texts))).lower()))
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in words if 3 <= len(word) <= 40],
        ignore_conflicts=True,
    )
    for phrase, same_as in STARTER_SYNONYMS:
        SearchSynonym.objects.get_or_create(phrase=phrase, same_as=same_as)


def search_permissions(apps, schema_editor):
    """Clinicians and editors curate synonyms and see what readers could not find."""
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        *(f"{action}_searchsynonym" for action in ["view", "add", "change", "delete"]),
        "view_unansweredsearch",
        "delete_unansweredsearch",
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="articles", codename__in=codenames
    )
    for group in Group.objects.filter(name__in=["Clinician", "Editor"]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0007_public_pages_version'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('word', models.CharField(max_length=40, unique=True)),
            ],
        ),
        migrations.CreateModel(
            name='UnansweredSearch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('query', models.CharField(max_length=200, unique=True)),
                ('count', models.PositiveIntegerField(default=0)),
                ('last_searched', models.DateField(default=django.utils.timezone.localdate)),
            ],
            options={
                'verbose_name': 'search that found nothing',
                'verbose_name_plural': 'searches that found nothing',
                'ordering': ['-count', 'query'],
            },
        ),
        migrations.AddField(
            model_name='article',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='section',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.CreateModel(
            name='SearchSynonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('phrase', models.CharField(help_text='A word or phrase readers use, for example “slipped disc”.', max_length=100)),
                ('same_as', models.CharField(help_text='What our articles may call it instead, for example “herniated disc”. Works both ways.', max_length=100)),
            ],
            options={
                'ordering': ['phrase'],
                'constraints': [models.UniqueConstraint(fields=('phrase', 'same_as'), name='unique_synonym_pair')],
            },
        ),
        TrigramExtension(),
        migrations.RunPython(postgres_indexes_and_vectors, drop_postgres_indexes),
        migrations.RunPython(vocabulary_and_synonyms, migrations.RunPython.noop),
        migrations.RunPython(search_permissions, migrations.RunPython.noop),
    ]
