"""What search stores beside the articles, kept current as they change: weighted search
vectors on PostgreSQL, and the vocabulary misspelt words are corrected to.

A word our articles never use is replaced by the closest one they do, if one is close
(trigram similarity on PostgreSQL, difflib otherwise).
"""

import difflib
import html

from django.contrib.postgres.search import SearchQuery, TrigramSimilarity
from django.db import connection
from django.db.models import Q, QuerySet

from articles.models import Article, Section

from .models import SearchWord
from .text import STOP_WORDS, TAG, WORD

CONFIG = "english"


# The weighted documents, as SQL over articles_article a (and articles_section s): an
# article's is its title and standfirst; a section's adds its heading and text.
ARTICLE_VECTOR_SQL = (
    "setweight(to_tsvector(%(config)s, coalesce(a.title, '')), 'A') || "
    "setweight(to_tsvector(%(config)s, coalesce(a.standfirst, '')), 'B')"
)
SECTION_VECTOR_SQL = (
    f"{ARTICLE_VECTOR_SQL} || "
    "setweight(to_tsvector(%(config)s, coalesce(s.heading, '')), 'C') || "
    "setweight(to_tsvector(%(config)s, regexp_replace(coalesce(s.body_html, ''), "
    "'<[^>]+>|&#?[a-z0-9]+;', ' ', 'gi')), 'D')"
)


def update_vectors(article_ids=None, section_ids=None):
    """Recompute stored vectors (PostgreSQL only): all, some articles' or some sections'.

    SQL rather than SearchVector: the ORM needs a subquery per section for the article's part
    (measured: 1.3 ms against 0.5 ms to save a section, 2.4 against 1.1 to save an article).
    """
    if connection.vendor != "postgresql":
        return
    params = {"config": CONFIG}
    article_where = section_where = ""
    if article_ids is not None:
        params["ids"] = list(article_ids)
        article_where, section_where = " WHERE a.id = ANY(%(ids)s)", " AND a.id = ANY(%(ids)s)"
    elif section_ids is not None:
        params["ids"] = list(section_ids)
        section_where = " AND s.id = ANY(%(ids)s)"
    with connection.cursor() as cursor:
        if section_ids is None:
            cursor.execute(
                f"UPDATE articles_article a SET search_vector = {ARTICLE_VECTOR_SQL}"  # noqa: S608
                f"{article_where}",
                params,
            )
        cursor.execute(
            f"UPDATE articles_section s SET search_vector = {SECTION_VECTOR_SQL} "  # noqa: S608
            f"FROM articles_article a WHERE s.article_id = a.id{section_where}",
            params,
        )


def published_articles():
    """The articles the public may read, as of now, for the SQL below to select from.

    PostgreSQL plans a query on it as one on the table with the queryset's condition.
    """
    return Article.objects.published().order_by().values("id", "search_vector")


def sql_for(source, params):
    """A queryset's or an expression's SQL, to put in the SQL written here.

    Django compiles to positional parameters, and the SQL here names its parameters: the
    values are added to params under names of their own.
    """
    if isinstance(source, QuerySet):
        sql, values = source.query.sql_with_params()
    else:  # any model's query will do: a search query refers to no column
        query = Section.objects.all().query
        sql, values = query.get_compiler(connection=connection).compile(
            source.resolve_expression(query)
        )
    names = [f"v{len(params) + i}" for i in range(len(values))]
    params.update(zip(names, values, strict=True))
    return sql.replace("%%", "%%%%") % tuple(f"%({name})s" for name in names)


def remember_words(section_ids=None):
    """Add the words of published articles' sections to the vocabulary typos are corrected to.

    Scheduled articles count as published here: they go live with no save to learn from.
    """
    sections = Section.objects.filter(article__status=Article.Status.PUBLISHED)
    if section_ids is not None:
        sections = sections.filter(pk__in=section_ids)
    words = set()
    for texts in sections.values_list(
        "article__title", "article__standfirst", "heading", "body_html"
    ).iterator(chunk_size=2000):
        words.update(WORD.findall(html.unescape(TAG.sub(" ", " ".join(texts))).lower()))
        if len(words) > 5000:
            store_words(words)
            words = set()
    store_words(words)


def store_words(words):
    usable = [
        word
        for word in words
        if 3 <= len(word) <= 40 and word not in STOP_WORDS and word.replace("'", "").isalpha()
    ]
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in usable], ignore_conflicts=True, batch_size=2000
    )


def correct_spelling(words, synonyms):
    """Replace a word our articles never use by the closest one they do, if one is close."""
    known = set(SearchWord.objects.filter(word__in=words).values_list("word", flat=True))
    synonym_words = {w for pair in synonyms for phrase in pair for w in phrase.split()}
    corrected = []
    for word in words:
        if word in known or word in synonym_words or word in STOP_WORDS or len(word) < 4:
            corrected.append(word)
        else:
            corrected.append(closest_word(word) or word)
    return corrected


def closest_word(word):
    """The closest vocabulary word still used by a published article, or None.

    The vocabulary only grows (a word is not forgotten when an article is withdrawn), so a
    candidate is checked against the published articles before it is offered.
    """
    if connection.vendor == "postgresql":
        candidates = (
            SearchWord.objects.filter(word__trigram_similar=word)  # uses the trigram index
            .annotate(similarity=TrigramSimilarity("word", word))
            .filter(similarity__gte=0.4)
            .order_by("-similarity", "word")
            .values_list("word", flat=True)[:3]
        )
    else:
        vocabulary = SearchWord.objects.values_list("word", flat=True)
        candidates = difflib.get_close_matches(word, vocabulary, n=3, cutoff=0.75)
    return next((candidate for candidate in candidates if still_published(candidate)), None)


def still_published(word):
    if connection.vendor == "postgresql":
        # SQL, so the sections using the word are found through the index first (OFFSET 0
        # keeps that subquery apart): for published().filter(pk__in=…).exists() PostgreSQL
        # reads the sections in order hoping for an early match under its LIMIT 1 (measured:
        # 82 ms against 0.7 ms for a word that only the last articles use).
        params = {}
        word_query = sql_for(SearchQuery(word, config=CONFIG, search_type="phrase"), params)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT EXISTS (
                    SELECT 1 FROM (
                        SELECT article_id FROM articles_section
                        WHERE search_vector @@ {word_query}
                        OFFSET 0
                    ) s JOIN ({sql_for(published_articles(), params)}) a ON a.id = s.article_id)""",  # noqa: S608
                params,
            )
            return cursor.fetchone()[0]
    return (
        Article.objects.published()
        .filter(
            Q(title__icontains=word)
            | Q(standfirst__icontains=word)
            | Q(sections__heading__icontains=word)
            | Q(sections__body_html__icontains=word)
        )
        .values("pk")
        .exists()
    )
