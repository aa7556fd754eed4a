"""Queries built and compiled to SQL once, then run again with other values.

Every render of an article's page runs the same two comment queries (a page of threads,
then their replies) with only the article, the page and the thread ids changing. Building
each with the ORM and compiling it to SQL cost about as much as running it (about 1.2 ms
each, on the bench's data): on a site of 10,000 articles, where most renders miss the page
cache, that is a sixth of an uncached render. A `CompiledQuery` does that work once per
thread for each database and number of values, and afterwards only runs the SQL, turning
the rows into values as the ORM would (its own converters).
"""

import threading

from django.db import DEFAULT_DB_ALIAS, connections

# Stand-ins for the values while compiling, found again among the SQL's parameters: no
# article or comment has a negative id, so none is mistaken for another parameter.
PLACEHOLDER = -(2**31) + 1


class CompiledQuery:
    """A `values()` query (`build(*values)` makes it) compiled once per thread, database and
    number of values. Each value must reach the SQL as exactly one parameter (checked when
    compiling). With `paged=True` the rows are read `LIMIT %s OFFSET %s`, as parameters: the
    ORM writes a slice into the SQL's text, which would make each page a query of its own.
    """

    def __init__(self, build, paged=False):
        self.build = build
        self.paged = paged
        self.local = threading.local()

    def rows(self, values, limit=None, offset=0, using=DEFAULT_DB_ALIAS):
        """The rows as dicts, as `build(*values)` would give them."""
        compiled = self.local.__dict__.setdefault("compiled", {})
        key = (using, len(values))
        if key not in compiled:
            compiled[key] = self.compile(len(values), using)
        sql, parameters, slots, names, compiler = compiled[key]
        parameters = list(parameters)
        for slot, value in zip(slots, values, strict=True):
            parameters[slot] = value
        if self.paged:
            parameters += [limit, offset]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, parameters)
            results = cursor.fetchall()
        return [dict(zip(names, row, strict=True)) for row in compiler.results_iter([results])]

    def compile(self, count, using):
        placeholders = [PLACEHOLDER + n for n in range(count)]
        query = self.build(*placeholders).query
        if query.is_sliced:
            raise ValueError("A compiled query is paged by `rows`, not sliced when built.")
        compiler = query.get_compiler(using)
        sql, parameters = compiler.as_sql()
        parameters = list(parameters)
        if any(parameters.count(placeholder) != 1 for placeholder in placeholders):
            raise ValueError("Each value of a compiled query must be one of its parameters.")
        slots = [parameters.index(placeholder) for placeholder in placeholders]
        if self.paged:
            sql += " LIMIT %s OFFSET %s"
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        return sql, tuple(parameters), slots, names, compiler
