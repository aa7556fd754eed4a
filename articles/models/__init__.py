"""Health content: articles, their sections, treatments, references and topics."""

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
    "Reference",
    "Section",
    "Topic",
    "Treatment",
]
