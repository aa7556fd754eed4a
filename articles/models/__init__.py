"""Health content (articles, sections, treatments, references) and readers' comments."""

from .comment import BlockedWord, Comment
from .content import (
    RESERVED_ANCHORS,
    Article,
    ArticleTreatment,
    Reference,
    Section,
    Topic,
    Treatment,
)

__all__ = [
    "RESERVED_ANCHORS",
    "Article",
    "ArticleTreatment",
    "BlockedWord",
    "Comment",
    "Reference",
    "Section",
    "Topic",
    "Treatment",
]
