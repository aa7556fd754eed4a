import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import (
    Article,
    ArticleTreatment,
    ClinicalCode,
    Reference,
    Section,
    Topic,
    Treatment,
)
from comments.models import BlockedWord, Comment
from governance.roles import CLINICIAN, EDITOR, MODERATOR

PASSWORD = "a-long-test-password"  # every factory-made user's, for tests that sign in by hand


def letters(n):
    """`n` written in letters, one name per number: 0 is a, 25 is z, 26 is aa.

    For text the admin checks: a number such as 111 or 999 would be refused as a help-line
    number written out.
    """
    word = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        word = chr(ord("a") + rest) + word
    return word


def joins_group(role):
    """A post-generation step: the new user joins the group of `role` (made by migrations)."""

    def join(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name=role))

    return factory.PostGeneration(join)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Reader{n}")
    password = factory.django.Password(PASSWORD)


class ClinicianFactory(UserFactory):
    username = factory.Sequence(lambda n: f"clinician{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Physio{n}")
    is_staff = True
    role_group = joins_group(CLINICIAN)


class EditorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"editor{n}")
    first_name = "Eddie"
    last_name = factory.Sequence(lambda n: f"Editor{n}")
    is_staff = True
    role_group = joins_group(EDITOR)


class ModeratorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"moderator{n}")
    first_name = "Morgan"
    last_name = factory.Sequence(lambda n: f"Moderator{n}")
    email = factory.Sequence(lambda n: f"moderator{n}@example.org")
    is_staff = True
    role_group = joins_group(MODERATOR)


STAFF_FACTORIES = {CLINICIAN: ClinicianFactory, EDITOR: EditorFactory, MODERATOR: ModeratorFactory}


def signed_in_as(client, role):
    """`client`, signed in as a new staff member of `role` (a group name, like "Editor")."""
    client.force_login(STAFF_FACTORIES[role]())
    return client


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


def draft(**fields):
    """An article still being written: not public, never clinically reviewed."""
    return ArticleFactory(
        status=Article.Status.DRAFT,
        published_at=None,
        reviewed_by=None,
        last_reviewed=None,
        **fields,
    )


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    article = factory.SubFactory(ArticleFactory)
    heading = factory.Sequence(lambda n: f"Section heading {letters(n)}")
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


class ClinicalCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicalCode

    article = factory.SubFactory(ArticleFactory)
    system = ClinicalCode.System.ICD10CM
    code = "M62.830"
    display_name = "Muscle spasm of back"
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


class CommentFactory(factory.django.DjangoModelFactory):
    """A reader's comment, pending as every new one is; `approved=True` for one readers see."""

    class Meta:
        model = Comment

    class Params:
        approved = factory.Trait(status=Comment.Status.APPROVED)

    article = factory.SubFactory(ArticleFactory)
    display_name = factory.Sequence(lambda n: f"Reader {n}")
    body = factory.Sequence(lambda n: f"Comment number {n}: heat helped my back.")
    status = Comment.Status.PENDING


class ClinicianReplyFactory(CommentFactory):
    """A clinician's answer to an approved comment, public at once as `Comment.reply` makes it."""

    parent = factory.SubFactory(CommentFactory, approved=True)
    article = factory.SelfAttribute("parent.article")
    author = factory.SubFactory(ClinicianFactory)
    display_name = factory.LazyAttribute(lambda reply: reply.author.get_full_name())
    author_role = "Physiotherapist"
    body = "Gentle movement usually helps more than rest."
    status = Comment.Status.APPROVED


class BlockedWordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlockedWord
        django_get_or_create = ["word"]

    word = factory.Sequence(lambda n: f"blocked{n}")


def ready_to_publish(article):
    """Give `article` what publishing needs: a "when to get help" section and a source."""
    SectionFactory(
        article=article,
        heading="When to get help",
        kind=Section.Kind.URGENT_ADVICE,
        body="Call {emergency_number} if you cannot move your legs.",
        order=900,
    )
    ReferenceFactory(article=article)
    return article


def live_article(**fields):
    """A published article a clinician signed off, with the sections publishing needs."""
    article = ArticleFactory(**fields)
    SectionFactory(article=article, heading="What it is", body="A spasm is a sudden tight muscle.")
    SectionFactory(
        article=article,
        heading="Things you can do",
        body="Keep moving gently. Use a warm pack for 20 minutes.\n\nRest if it hurts a lot.",
    )
    return ready_to_publish(article)
