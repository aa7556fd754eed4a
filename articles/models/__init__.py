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
from .search import SearchSynonym, SearchWord, UnansweredSearch

__all__ = [
    "RESERVED_ANCHORS",
    "Article",
    "ArticleTreatment",
    "BlockedWord",
    "Comment",
    "PublicPagesVersion",
    "Reference",
    "SearchSynonym",
    "SearchWord",
    "Section",
    "Topic",
    "Treatment",
    "UnansweredSearch",
]
