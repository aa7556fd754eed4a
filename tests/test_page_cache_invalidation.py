"""Every change readers can see retires the cached pages at once; other saves keep them."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Treatment
from comments.models import Comment
from pagecache.models import PublicPagesVersion

from .admin_forms import submit_admin_page
from .comment_forms import comment_data, page, post_comment
from .factories import (
    ArticleFactory,
    ArticleTreatmentFactory,
    ClinicianFactory,
    CommentFactory,
    ReferenceFactory,
    SectionFactory,
    TopicFactory,
    TreatmentFactory,
    ready_to_publish,
)
from .page_cache_helpers import home, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    """An article with one of everything its page shows, plus an article and a treatment
    it is not linked to yet."""
    article = ArticleFactory(title="Muscle cramps")
    SectionFactory(article=article, heading="What helps", body="Stretch the muscle gently.")
    ArticleTreatmentFactory(article=article, treatment__name="Calf stretches")
    ReferenceFactory(article=article, title="Leg cramps, NHS")
    CommentFactory(article=article, body="Stretching helped me.", approved=True)
    CommentFactory(
        article=article, body="Night-time stretches worked.", status=Comment.Status.PENDING
    )
    article.related_articles.add(ArticleFactory(title="Leg cramps in pregnancy"))
    TreatmentFactory(name="Magnesium tablets")  # not linked yet
    unlinked = ArticleFactory(title="Restless legs")
    unlinked.topics.add(TopicFactory(slug="legs"))
    return article


def retitle(article):
    save(article, title="Muscle cramps at night")


def rename_section(article):
    save(article.sections.get(), heading="What helps at night")


def rewrite_section(article):
    save(article.sections.get(), body="Drink a glass of water.")


def add_section(article):
    SectionFactory(article=article, heading="When to see a GP")


def rename_treatment(article):
    save(article.treatments.get(), name="Calf stretches at bedtime")


def add_treatment(article):
    ArticleTreatmentFactory(
        article=article, treatment=Treatment.objects.get(name="Magnesium tablets")
    )


def add_treatment_through_the_relation(article):
    article.treatments.add(Treatment.objects.get(name="Magnesium tablets"))


def retitle_reference(article):
    save(article.references.get(), title="Night cramps, NICE")


def link_related_article(article):
    article.related_articles.add(Article.objects.get(title="Restless legs"))


def share_a_topic(article):
    article.topics.add(Article.objects.get(title="Restless legs").topics.get())


def retitle_related_article(article):
    save(Article.objects.get(title="Leg cramps in pregnancy"), title="Leg cramps when pregnant")


def approve_pending_comment(article):
    comment = article.comments.get(status=Comment.Status.PENDING)
    comment.moderate(Comment.Status.APPROVED, ClinicianFactory())


def rename_reviewer(article):
    save(article.reviewed_by, first_name="Priya", last_name="Shah")


SHOWN_AFTER = [
    pytest.param(retitle, "<h1>Muscle cramps at night</h1>", id="article retitled"),
    pytest.param(rename_section, "What helps at night", id="section renamed"),
    pytest.param(rewrite_section, "Drink a glass of water.", id="section rewritten"),
    pytest.param(add_section, "When to see a GP", id="section added"),
    pytest.param(rename_treatment, "Calf stretches at bedtime", id="treatment renamed"),
    pytest.param(add_treatment, "Magnesium tablets", id="treatment linked"),
    pytest.param(
        add_treatment_through_the_relation,
        "Magnesium tablets",
        id="treatment linked with treatments.add()",
    ),
    pytest.param(retitle_reference, "Night cramps, NICE", id="reference retitled"),
    pytest.param(link_related_article, "Restless legs", id="related article linked"),
    pytest.param(share_a_topic, "Restless legs", id="topic shared with another article"),
    pytest.param(retitle_related_article, "Leg cramps when pregnant", id="related retitled"),
    pytest.param(approve_pending_comment, "Night-time stretches worked.", id="comment approved"),
    pytest.param(rename_reviewer, "Reviewed by Priya Shah", id="reviewer renamed"),
]


@pytest.mark.parametrize(("change", "shown"), SHOWN_AFTER)
def test_a_change_shows_on_the_next_anonymous_view(client, article, change, shown):
    assert shown not in page(client, article)

    change(article)

    assert shown in page(client, article)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"email": "priya@example.org"}, id="email changed"),
        pytest.param({"is_active": True, "is_staff": True}, id="nothing public changed"),
        pytest.param({"last_login": timezone.now()}, id="signed in"),
    ],
)
def test_a_staff_save_that_changes_no_public_name_keeps_the_cached_pages(client, article, change):
    page(client, article)
    version = PublicPagesVersion.current()

    save(article.reviewed_by, **change)

    assert PublicPagesVersion.current() == version


def test_a_staff_password_change_keeps_the_cached_pages(client, article):
    page(client, article)
    version = PublicPagesVersion.current()
    reviewer = article.reviewed_by

    reviewer.set_password("another-long-test-password")
    reviewer.save(update_fields=["password"])

    assert PublicPagesVersion.current() == version


def test_removing_a_reviewers_account_takes_their_name_off_the_cached_page(client, article):
    name = article.reviewed_by.get_full_name()
    assert f"Reviewed by {name}" in page(client, article)

    article.reviewed_by.delete()

    assert "Not yet clinically reviewed" in page(client, article)


def reject_comment(article):
    comment = article.comments.get(body="Stretching helped me.")
    comment.moderate(Comment.Status.REJECTED, ClinicianFactory())


def delete_comment(article):
    article.comments.get(body="Stretching helped me.").delete()


def hide_comment_by_reports(article):
    comment = article.comments.get(body="Stretching helped me.")
    for reader in range(django_settings.COMMENTS_REPORTS_TO_HIDE):
        comment.report(client=f"reader-{reader}")


def unlink_treatment(article):
    article.article_treatments.get().delete()


def delete_reference(article):
    article.references.get().delete()


def unpublish_related_article(article):
    save(Article.objects.get(title="Leg cramps in pregnancy"), status=Article.Status.UNPUBLISHED)


GONE_AFTER = [
    pytest.param(reject_comment, "Stretching helped me.", id="comment rejected"),
    pytest.param(delete_comment, "Stretching helped me.", id="comment deleted"),
    pytest.param(hide_comment_by_reports, "Stretching helped me.", id="comment hidden by reports"),
    pytest.param(unlink_treatment, "Calf stretches", id="treatment unlinked"),
    pytest.param(delete_reference, "Leg cramps, NHS", id="reference deleted"),
    pytest.param(unpublish_related_article, "Leg cramps in pregnancy", id="related unpublished"),
]


@pytest.mark.parametrize(("change", "gone"), GONE_AFTER)
def test_a_removal_shows_on_the_next_anonymous_view(client, article, change, gone):
    assert gone in page(client, article)

    change(article)

    assert gone not in page(client, article)


def test_an_unpublished_article_is_gone_at_once_from_its_page_and_the_home_page(client):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    assert "Muscle cramps" in home(client)

    save(article, status=Article.Status.UNPUBLISHED)

    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Muscle cramps" not in home(client)


def test_a_newly_published_article_is_on_the_home_page_at_once(client):
    ArticleFactory(title="Muscle cramps")
    assert "Restless legs" not in home(client)

    ArticleFactory(title="Restless legs")

    assert "Restless legs" in home(client)


def test_a_readers_pending_comment_keeps_the_cached_pages_and_its_approval_retires_them(client):
    """Readers' comments wait for a moderator, so sending one must not empty the cache."""
    article = ArticleFactory()
    before = PublicPagesVersion.current()

    pending = post_comment(client, article, comment_data(body="Heat helped."))
    spam = post_comment(
        client, article, comment_data(body="https://a.example https://b.example https://c.example")
    )

    assert (pending.status_code, spam.status_code) == (302, 302)
    assert sorted(Comment.objects.values_list("status", flat=True)) == [
        Comment.Status.PENDING,
        Comment.Status.SPAM,
    ]
    assert PublicPagesVersion.current() == before

    Comment.objects.get(body="Heat helped.").moderate(Comment.Status.APPROVED, ClinicianFactory())

    assert PublicPagesVersion.current() > before


def test_a_clinicians_edit_in_the_admin_reaches_anonymous_readers_at_once(clinician_client):
    reader = Client()
    article = ArticleFactory(title="Muscle cramps")
    SectionFactory(article=article, heading="What helps", order=1)
    ready_to_publish(article)
    assert "<h1>Muscle cramps</h1>" in page(reader, article)
    url = reverse("admin:articles_article_change", args=[article.pk])
    changes = {"title": "Muscle cramps at night", "sections-0-heading": "What helps at night"}

    response = submit_admin_page(clinician_client, url, changes)

    assert response.status_code == 302, response.context["adminform"].form.errors
    html = page(reader, article)
    assert "<h1>Muscle cramps at night</h1>" in html
    assert "What helps at night" in html
