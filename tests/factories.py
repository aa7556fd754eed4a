import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, ArticleTreatment, Reference, Section, Topic, Treatment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Reader{n}")
    password = factory.django.Password("a-long-test-password")


class ClinicianFactory(UserFactory):
    username = factory.Sequence(lambda n: f"clinician{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Physio{n}")
    is_staff = True

    @factory.post_generation
    def clinician_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Clinician"))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    standfirst = "What this article covers, in plain words."
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    last_reviewed = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(30))
    next_review_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(300))
    reviewed_by = factory.SubFactory(ClinicianFactory)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    article = factory.SubFactory(ArticleFactory)
    heading = factory.Sequence(lambda n: f"Section heading {n}")
    order = factory.Sequence(lambda n: n * 10)
    body = "Some **plain** advice.\n\n- one point\n- another point"


class TreatmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Treatment

    name = factory.Sequence(lambda n: f"Treatment {n}")
    slug = factory.Sequence(lambda n: f"treatment-{n}")
    category = Treatment.Category.SELF_CARE
    summary = "What it is."
    how_it_helps = "How it helps."
    cautions = "Who should not use it."
    evidence_note = "How good the evidence is."


class ArticleTreatmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleTreatment

    article = factory.SubFactory(ArticleFactory)
    treatment = factory.SubFactory(TreatmentFactory)
    order = factory.Sequence(lambda n: n)


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    article = factory.SubFactory(ArticleFactory)
    title = factory.Sequence(lambda n: f"Source {n}")
    publisher = "NHS"
    url = factory.Sequence(lambda n: f"https://www.example.org/source-{n}")
    accessed = factory.LazyFunction(timezone.localdate)
    order = factory.Sequence(lambda n: n)
