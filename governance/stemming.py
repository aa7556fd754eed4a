"""English word stems, the Snowball algorithm PostgreSQL's `english` configuration uses."""

import threading

import snowballstemmer

# A Snowball stemmer keeps the word it is working on in itself, so each thread has its own.
_stemmers = threading.local()


def english_stem(word):
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)
