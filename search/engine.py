"""Site search: ranked articles, each with its best-matching section and a highlighted snippet.

On PostgreSQL every section keeps a stored, weighted search vector (article title A,
standfirst B, section heading C, section text D) under a GIN index, and every article one
of its title and standfirst; queried with `websearch` syntax when the reader uses it
(quotes, -word, or). Elsewhere (SQLite in development) a simple ranked match in Python with the
same weights and PostgreSQL's stemming (Snowball) stands in: honest for a few hundred
articles, not meant for more.

Both share the rest: words are checked against the words our published articles use and a
close misspelling is corrected (trigram similarity on PostgreSQL, difflib otherwise);
clinicians' synonyms widen the search both ways; snippets are built here, escaped, with the
matched words marked, so no stored text reaches the page unescaped.
"""

import difflib
import html
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, TrigramSimilarity
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article, Section

from .models import SearchSynonym, SearchWord, UnansweredSearch

CONFIG = "english"
MAX_WORDS = 12
MAX_RESULTS = 20
# Ranking is costly: at most this many articles whose title has every word, and this many
# sections per later stage, are ranked (a few hundred rows, whatever the words).
TITLE_CANDIDATES = 50
SECTION_CANDIDATES = 300
SNIPPET_WORDS = 32
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
TAG = re.compile(r"<[^>]*>")
EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")
EDGE_SPLIT = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)
EXCLUDED_WORD = re.compile(r"(?:^|\s)-(\w+)")
WEBSEARCH_OPERATORS = re.compile(r'"|(?:^|\s)-\w|\bor\b', re.IGNORECASE)
# Words too common to search for (PostgreSQL's English list drops these and more).
STOP_WORD_LIST = (
    "a about after all also am an and any are as at be been before both but by can can't "
    "could did do does doing don't for from had has have having he her him his how i if in "
    "into is it its just me more most my no nor not of off on once only or other our out "
    "over own same she should so some such than that the their them then there these they "
    "this those through to too under until up very was we were what when where which while "
    "cannot who why will with won't would you your"
)
STOP_WORDS = frozenset(STOP_WORD_LIST.split())
# Weights for the simple ranked match, in the same order as PostgreSQL's A > B > C > D.
TITLE, STANDFIRST, HEADING, TEXT = 10, 4, 3, 1
SYNONYM = 0.4  # a synonym's match counts for less than the reader's own word
OWN_WORD = 2  # in coverage: a word found as the reader wrote it, against 1 for a synonym


@dataclass
class Result:
    article: Article
    section: Section | None
    snippet: str
    rank: float


@dataclass
class Outcome:
    query: str
    corrected: str = ""
    results: list = field(default_factory=list)


def search(query):
    """Published articles for a reader's query, best first (at most MAX_RESULTS)."""
    words = WORD.findall(query.lower())[:MAX_WORDS]
    outcome = Outcome(query=query)
    if not any(word not in STOP_WORDS for word in words):
        return outcome
    synonyms = synonym_pairs()
    corrected = correct_spelling(words, synonyms)
    if corrected != words:
        outcome.corrected = " ".join(corrected)
    concepts = concepts_of(corrected, synonyms)
    if connection.vendor == "postgresql":
        text = outcome.corrected or query
        strict = bool(WEBSEARCH_OPERATORS.search(query)) and not outcome.corrected
        hits = postgres_hits(text, concepts, strict)
    else:
        hits = simple_hits(concepts)
    phrases = {phrase_stems(phrase) for concept in concepts for phrase in concept} - {()}
    outcome.results = [
        Result(article, section, snippet(article, section, phrases), rank)
        for article, section, rank in hits
    ]
    if not outcome.results:
        UnansweredSearch.record(query)
    return outcome


# A Snowball stemmer keeps the word it is working on in itself, so each thread has its own.
stemmers = threading.local()


@lru_cache(maxsize=20000)  # Snowball in pure Python takes ~30 µs a word; a page stems thousands
def stem(word):
    """The word as PostgreSQL's `english` configuration indexes it: its Snowball English stem.

    A word with a digit in it is kept whole, as PostgreSQL's `simple` dictionary keeps it,
    and a typographic apostrophe (U+2019) is read as a straight one: "back's" either way is "back".
    """
    word = word.replace("\u2019", "'")
    if any(character.isdigit() for character in word):
        return word
    stemmer = getattr(stemmers, "english", None)
    if stemmer is None:
        stemmer = stemmers.english = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


def phrase_stems(text):
    return tuple(stem(word) for word in WORD.findall(text.lower()) if word not in STOP_WORDS)


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


def synonym_pairs():
    return list(SearchSynonym.objects.values_list("phrase", "same_as"))


def concepts_of(words, synonyms):
    """What must be found: for each meaningful word, the phrases that would do.

    A concept is a list of phrases: the reader's word first, then the other side of any
    synonym whose phrase the query contains ("slipped disc" also finds "herniated disc").
    """
    meaningful = [word for word in words if word not in STOP_WORDS]
    query_stems = tuple(stem(word) for word in meaningful)
    concepts = [[word] for word in meaningful]
    for first, second in synonyms:
        for said, meant in ((first, second), (second, first)):
            said_stems = phrase_stems(said)
            if not said_stems or not occurrences(query_stems, said_stems):
                continue
            for concept, word_stem in zip(concepts, query_stems, strict=True):
                if word_stem in said_stems and meant not in concept:
                    concept.append(meant)
    return concepts


# PostgreSQL


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


def postgres_hits(text, concepts, strict):
    """Best section of each matching article: most of the reader's words first, then rank.

    Covering every word matters more than repeating one: "can't bend my back" should find
    the section about bending, not the one that says "back" most often. The reader's own
    word counts 2 towards coverage, only a synonym of it 1. The rank is cover density, so
    words close together count for more.

    Ranking is the costly part, so only candidates are ranked (a few hundred sections,
    however common the words): sections of the best articles whose title or standfirst has
    every word; if there are too few, also sections with every word, then with any of them.

    The statements are SQL, their search queries SearchQuery expressions. As querysets the
    ORM spends longer compiling them than PostgreSQL running them (measured: 0.5-1.0 against
    0.2-0.4 ms for the title match; pages 27 % slower on the bench, 14 % with only the
    section stages as querysets), and the ranking needs MATERIALIZED, which the ORM cannot
    say (as a queryset without it: 6.5 against 4.7 ms for "heat or ice").
    """
    params = {}
    published = sql_for(published_articles(), params)

    def phrase_query(phrase):
        return sql_for(SearchQuery(phrase, config=CONFIG, search_type="phrase"), params)

    own = [phrase_query(concept[0]) for concept in concepts]
    either = [
        " || ".join([own_query, *(phrase_query(phrase) for phrase in concept[1:])])
        for own_query, concept in zip(own, concepts, strict=True)
    ]
    if strict:
        websearch = SearchQuery(text, config=CONFIG, search_type="websearch")
        every = any_word = sql_for(websearch, params)
    else:
        every = " && ".join(f"({query})" for query in either)
        any_word = " || ".join(f"({query})" for query in either)
        if len(either) == 1:
            every = any_word = either[0]
    own_words = " || ".join(own)
    # The ranking refers to each query by name: computed once in a CTE, not once per row
    # (phraseto_tsquery is only "stable", so PostgreSQL would call it for every section).
    queries = {f"own{i}": query for i, query in enumerate(own)}
    queries |= {f"either{i}": query for i, query in enumerate(either)}
    queries |= {"own_words": own_words, "any_word": any_word}
    query_columns = ", ".join(f"{sql} AS {name}" for name, sql in queries.items())
    coverage = " + ".join(
        f"CASE WHEN s.search_vector @@ q.own{i} THEN {OWN_WORD} "
        f"WHEN s.search_vector @@ q.either{i} THEN 1 ELSE 0 END"
        for i in range(len(own))
    )
    with connection.cursor() as cursor:
        # Articles whose title or standfirst has every word, best first: when there are
        # enough of them, sections elsewhere could not outrank them, so look no further.
        cursor.execute(
            f"""SELECT s.id, s.article_id FROM articles_section s WHERE s.article_id IN (
                SELECT a.id FROM ({published}) a
                WHERE a.search_vector @@ ({every})
                ORDER BY ts_rank_cd(a.search_vector, {own_words}) DESC, a.id
                LIMIT {TITLE_CANDIDATES})""",  # noqa: S608 (our SQL; the words are parameters)
            params,
        )
        rows = cursor.fetchall()
        candidates = {section_id for section_id, _ in rows}
        title_matches = {article_id for _, article_id in rows}
        # Too few title matches: add sections with every word, then (if still few) any word.
        # One at a time, as a query of common words is costly even with a LIMIT.
        stages = dict.fromkeys([every, any_word]) if len(title_matches) < MAX_RESULTS else {}
        for query in stages:
            if len(candidates) >= MAX_RESULTS * 5:
                break
            cursor.execute(
                f"""SELECT s.id FROM articles_section s
                JOIN ({published}) a ON a.id = s.article_id
                WHERE s.search_vector @@ ({query})
                LIMIT {SECTION_CANDIDATES}""",  # noqa: S608
                params,
            )
            candidates.update(row[0] for row in cursor.fetchall())
    params["candidates"] = list(candidates)
    strict_filter = ""
    if strict:
        # Search syntax holds for every section ranked, and "-word" leaves out any article
        # that uses the word anywhere, not just the sections that do.
        strict_filter = " AND s.search_vector @@ q.any_word"
        for word in EXCLUDED_WORD.findall(text):
            uses_it = f"x.search_vector @@ {sql_for(SearchQuery(word, config=CONFIG), params)}"
            strict_filter += (
                " AND NOT EXISTS (SELECT 1 FROM articles_section x "  # noqa: S608
                f"WHERE x.article_id = s.article_id AND {uses_it})"
            )
    # The candidate sections are read first (MATERIALIZED), so the strict filter is checked
    # on them only: left to itself, PostgreSQL scanned the index for every section matching
    # the filter (18,000 for "heat or ice" on the bench data, 28 ms instead of 2).
    sql = f"""
        WITH candidates AS MATERIALIZED (
            SELECT id, article_id, search_vector FROM articles_section
            WHERE id = ANY(%(candidates)s::bigint[])
        ),
        q AS MATERIALIZED (SELECT {query_columns}),
        ranked AS (
            SELECT DISTINCT ON (s.article_id) s.id, {coverage} AS coverage,
                ts_rank_cd(s.search_vector, q.own_words)
                    + {SYNONYM} * ts_rank_cd(s.search_vector, q.any_word) AS rank
            FROM candidates s CROSS JOIN q
            WHERE TRUE{strict_filter}
            ORDER BY s.article_id, coverage DESC, rank DESC
        )
        SELECT id, coverage, rank FROM ranked ORDER BY coverage DESC, rank DESC, id
        LIMIT {MAX_RESULTS}
    """  # noqa: S608 (only our own constants are formatted in; the reader's words are params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ranked = cursor.fetchall()
    sections = Section.objects.select_related("article").in_bulk(pk for pk, _, _ in ranked)
    return [(sections[pk].article, sections[pk], (coverage, rank)) for pk, coverage, rank in ranked]


# Everywhere else: a simple ranked match in Python.


def simple_hits(concepts):
    """The same order as on PostgreSQL: most of the reader's words first, then weighted count."""
    concept_stems = [[phrase_stems(phrase) for phrase in concept] for concept in concepts]
    hits = []
    for article in Article.objects.published().prefetch_related("sections"):
        title, standfirst = phrase_stems(article.title), phrase_stems(article.standfirst)
        best, best_score = None, (0, 0)
        for section in article.sections.all():
            heading, text = phrase_stems(section.heading), phrase_stems(plain_text(section))
            places = ((title, TITLE), (standfirst, STANDFIRST), (heading, HEADING), (text, TEXT))
            found, weight_sum = 0, 0
            for concept in concept_stems:
                counts = [
                    weight * occurrences(stems, phrase) * (SYNONYM if alternative else 1)
                    for alternative, phrase in enumerate(concept)
                    for stems, weight in places
                ]
                found += OWN_WORD if counts[: len(places)] != [0] * len(places) else any(counts)
                weight_sum += sum(counts)
            if (found, weight_sum) > best_score:
                best, best_score = section, (found, weight_sum)
        if best is not None:
            hits.append((article, best, best_score))
    hits.sort(key=lambda hit: (-hit[2][0], -hit[2][1], hit[0].title))
    return hits[:MAX_RESULTS]


def occurrences(stems, phrase):
    return sum(stems[i : i + len(phrase)] == phrase for i in range(len(stems) - len(phrase) + 1))


# Snippets


def plain_text(section):
    # body_html is our sanitiser's output, so dropping its tags is enough to read the text.
    return html.unescape(TAG.sub(" ", section.body_html))


def snippet(article, section, phrases):
    """About SNIPPET_WORDS words of the section around its best match, matched words marked.

    A phrase ("slipped disc") is marked only where its words stand together.
    """
    # Not SearchHeadline, though ts_headline is no slower (measured: 1.9 ms against 3.1 ms for
    # 20 results): SQLite needs these snippets anyway, and ts_headline does not say where it
    # cut the text, which the ellipses need.
    text = plain_text(section) if section is not None else ""
    words = text.split() or article.standfirst.split()
    word_stems = tuple(stem(clean_word(word)) for word in words)
    marked = set()
    for phrase in phrases:
        for i in range(len(word_stems) - len(phrase) + 1):
            if word_stems[i : i + len(phrase)] == phrase:
                marked.update(range(i, i + len(phrase)))
    start = 0
    if marked:
        matches = sorted(marked)
        start = max(
            (max(0, m - 4) for m in matches),
            key=lambda s: sum(s <= m < s + SNIPPET_WORDS for m in matches),
        )
        start = max(0, min((m for m in matches if m >= start), default=start) - 4)
    end = start + SNIPPET_WORDS
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(words) else ""
    shown = " ".join(mark_word(words[i], i in marked) for i in range(start, min(end, len(words))))
    return mark_safe(prefix + shown + suffix)  # noqa: S308 (mark_word escapes every part)


def mark_word(word, matched):
    """The word escaped, inside <mark> if it matched (its punctuation left outside)."""
    before, core, after = EDGE_SPLIT.match(word).groups()
    if matched and core:
        return f"{escape(before)}<mark>{escape(core)}</mark>{escape(after)}"
    return escape(word)


def clean_word(word):
    """The word without the punctuation around it."""
    return EDGE_PUNCTUATION.sub("", word).lower()


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
