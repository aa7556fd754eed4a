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
from .publishing import PublicPagesVersion

__all__ = [
    "RESERVED_ANCHORS",
    "Article",
    "ArticleTreatment",
    "BlockedWord",
    "Comment",
    "PublicPagesVersion",
    "Reference",
    "Section",
    "Topic",
    "Treatment",
]
