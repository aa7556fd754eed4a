"""Health content: articles, their sections, treatments, references, topics and clinical codes."""

from .article import Article, TableOfContents, add_months
from .clinical_code import ClinicalCode, CodeSystem
from .page_parts import PageParts
from .publication import ArticleStatus, is_published
from .related import RELATED_SHOWN, RelatedReading
from .section import RESERVED_ANCHORS, Section
from .syndication import Change, Withdrawal
from .topic import Topic
from .treatment import ArticleTreatment, Reference, Treatment

__all__ = [
    "RELATED_SHOWN",
    "RESERVED_ANCHORS",
    "Article",
    "ArticleStatus",
    "ArticleTreatment",
    "Change",
    "ClinicalCode",
    "CodeSystem",
    "PageParts",
    "Reference",
    "RelatedReading",
    "Section",
    "TableOfContents",
    "Topic",
    "Treatment",
    "Withdrawal",
    "add_months",
    "is_published",
]
