"""An article's content as plain values, whatever it is read from.

The same shape comes from the database (a live page or its draft), from a version in the
article's history, or from the admin form about to be saved, so the publish checks and the
comparison of two versions are written once, over plain data.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SectionContent:
    heading: str
    body: str
    kind: str = "normal"
    anchor: str = ""
    order: int = 0
    parent_heading: str = ""  # empty for a main section
    harder_reading_accepted: bool = False
    harder_reading_reason: str = ""

    @property
    def is_urgent_advice(self):
        return self.kind == "urgent_advice"


@dataclass(frozen=True)
class ArticleContent:
    title: str
    standfirst: str
    sections: tuple[SectionContent, ...] = ()
    treatments: tuple[str, ...] = ()  # names, in the article's order
    references: tuple[str, ...] = ()  # titles, in the article's order
    topic_slugs: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, article):
        """The content of a saved article as it is in the database now."""
        sections = list(article.sections.order_by("order", "pk"))
        headings = {section.pk: section.heading for section in sections}
        return cls(
            title=article.title,
            standfirst=article.standfirst,
            sections=tuple(
                SectionContent(
                    heading=section.heading,
                    body=section.body,
                    kind=section.kind,
                    anchor=section.anchor,
                    order=section.order,
                    parent_heading=headings.get(section.parent_id, ""),
                    harder_reading_accepted=section.harder_reading_accepted,
                    harder_reading_reason=section.harder_reading_reason,
                )
                for section in sections
            ),
            treatments=tuple(
                link.treatment.name
                for link in article.article_treatments.select_related("treatment").order_by(
                    "order", "pk"
                )
            ),
            references=tuple(
                article.references.order_by("order", "pk").values_list("title", flat=True)
            ),
            topic_slugs=frozenset(article.topics.values_list("slug", flat=True)),
        )
