"""Health content: articles, their sections, treatments, references and topics."""

from .article import Article, TableOfContents, add_months
from .publication import ArticleStatus, is_published
from .section import RESERVED_ANCHORS, Section
from .topic import Topic
from .treatment import ArticleTreatment, Reference, Treatment

__all__ = [
    "RESERVED_ANCHORS",
    "Article",
    "ArticleStatus",
    "ArticleTreatment",
    "Reference",
    "Section",
    "TableOfContents",
    "Topic",
    "Treatment",
    "add_months",
    "is_published",
]
