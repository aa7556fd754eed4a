"""Site search: ranked articles, each with its best-matching section and a highlighted snippet.

On PostgreSQL every section keeps a stored, weighted search vector (article title A,
standfirst B, section heading C, section text D) under a GIN index, and every article one
of its title and standfirst; queried with `websearch` syntax when the reader uses it
(quotes, -word, or). Elsewhere (SQLite in development) a simple ranked match in Python with the
same weights and PostgreSQL's stemming (Snowball) stands in: honest for a few hundred
articles, not meant for more.

Both share the rest: a close misspelling is corrected (index.py), clinicians' synonyms
widen the search both ways, and each result gets a snippet with the matched words marked
(text.py).
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery
from django.db import connection

from articles.models import Article, Section

from .index import CONFIG, correct_spelling, published_articles, sql_for
from .models import SearchSynonym
from .text import STOP_WORDS, WORD, phrase_stems, plain_text, snippet, stem

MAX_WORDS = 12
MAX_RESULTS = 20
# Ranking is costly: at most this many articles whose title has every word, and this many
# sections per later stage, are ranked (a few hundred rows, whatever the words).
TITLE_CANDIDATES = 50
SECTION_CANDIDATES = 300
EXCLUDED_WORD = re.compile(r"(?:^|\s)-(\w+)")
WEBSEARCH_OPERATORS = re.compile(r'"|(?:^|\s)-\w|\bor\b', re.IGNORECASE)
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
    return outcome


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
