"""An article's content as plain values, whatever it is read from.

The same shape comes from the database (a live page or its draft), from a version in the
article's history, or from the admin form about to be saved, so the publish checks and the
comparison of two versions are written once, over plain data.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType


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


def coded(system, code, display_name):
    """A clinical code as editors compare it, e.g. "ICD-10-CM M62.830: Muscle spasm of back"."""
    from .models.clinical_code import CodeSystem  # the models use this module

    system_name = CodeSystem(system).label if system in CodeSystem.values else system
    return f"{system_name} {code}: {display_name}"


@dataclass(frozen=True)
class ArticleContent:
    title: str
    standfirst: str
    sections: tuple[SectionContent, ...] = ()
    treatments: tuple[str, ...] = ()  # names, in the article's order
    references: tuple[str, ...] = ()  # titles, in the article's order
    topic_slugs: frozenset[str] = field(default_factory=frozenset)
    codes: tuple[str, ...] = ()  # clinical codes (`coded`), in the article's order

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
            codes=tuple(
                coded(*row)
                for row in article.clinical_codes.order_by("order", "pk").values_list(
                    "system", "code", "display_name"
                )
            ),
        )

    @classmethod
    def from_revision(cls, revision, article_pk):
        """The content of an article as one revision of its history saved it.

        A revision holds the article with its sections, treatment links, references and
        clinical codes as they were then (none, in a revision from before codes existed).
        Only rows of this article are read, whatever else the revision holds. Treatments
        and topics are not part of an article's history, so their names are today's; a
        treatment deleted since is named by its number.
        """
        # Imported here so that the models may use these plain values without an import cycle.
        from .models import (
            Article,
            ArticleTreatment,
            ClinicalCode,
            Reference,
            Section,
            Topic,
            Treatment,
        )

        parts = (Section, ArticleTreatment, Reference, ClinicalCode)
        types = ContentType.objects.get_for_models(Article, *parts)
        article = revision.version_set.get(
            content_type=types[Article], object_id=str(article_pk)
        ).field_dict
        rows = defaultdict(list)
        model_of_type = {content_type.pk: model for model, content_type in types.items()}
        for version in revision.version_set.filter(
            content_type__in=[types[part] for part in parts]
        ):
            fields = version.field_dict
            if fields["article_id"] == article["id"]:
                rows[model_of_type[version.content_type_id]].append(fields)
        sections, links, references, codes = (
            sorted(rows[model], key=lambda fields: (fields["order"], fields["id"]))
            for model in parts
        )
        headings = {fields["id"]: fields["heading"] for fields in sections}
        treatment_names = dict(
            Treatment.objects.filter(pk__in=[link["treatment_id"] for link in links]).values_list(
                "pk", "name"
            )
        )
        topic_pks = article.get("topics", [])
        topic_slugs = dict(Topic.objects.filter(pk__in=topic_pks).values_list("pk", "slug"))
        return cls(
            title=article["title"],
            standfirst=article["standfirst"],
            sections=tuple(
                SectionContent(
                    heading=fields["heading"],
                    body=fields["body"],
                    kind=fields["kind"],
                    anchor=fields["anchor"],
                    order=fields["order"],
                    parent_heading=headings.get(fields["parent_id"], ""),
                    harder_reading_accepted=fields["harder_reading_accepted"],
                    harder_reading_reason=fields["harder_reading_reason"],
                )
                for fields in sections
            ),
            treatments=tuple(
                treatment_names.get(link["treatment_id"], f"Treatment #{link['treatment_id']}")
                for link in links
            ),
            references=tuple(reference["title"] for reference in references),
            # A topic deleted since has no slug; "#" never appears in one, so its stand-in
            # cannot match a real topic.
            topic_slugs=frozenset(topic_slugs.get(pk, f"topic #{pk}") for pk in topic_pks),
            codes=tuple(
                coded(code["system"], code["code"], code["display_name"]) for code in codes
            ),
        )
