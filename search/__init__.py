"""Site search: ranked articles with their best section, clinicians' synonyms, typo
correction, and a count of searches that found nothing (see engine.py)."""
