"""Whole-page caching for anonymous readers, retired at once by any public change.

It knows no domain app: views opt in with `pages.public_page`, apps call
`pages.retire_cached_pages()` when something readers can see changes, and register the
per-reader form fields and clock-driven changes their pages have (see pages.py).
"""
