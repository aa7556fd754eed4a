"""Site search: ranked articles with their best section, clinicians' synonyms, typo
correction, and a count of searches that found nothing.

engine.py ranks, index.py keeps the stored vectors and vocabulary current, and text.py
reads words and builds the snippets.
"""
