"""The anonymous page cache: served cheaply, retired by every edit, safe with forms.

A scheduled article going live on a cached page is in test_governance_workflow.py.
"""

import datetime
import os
import re
import time
from unittest import mock

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article, Treatment
from comments.models import Comment
from comments.views import COMMENT_THANKS
from pagecache.middleware import cache_key, placeholder
from pagecache.models import PublicPagesVersion

from .admin_forms import submit_admin_page
from .comment_forms import comment_data, post_comment
from .factories import (
    ArticleFactory,
    ArticleTreatmentFactory,
    ClinicianFactory,
    CommentFactory,
    ReferenceFactory,
    SectionFactory,
    TopicFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
PER_READER_FIELD = re.compile(r'name="(csrfmiddlewaretoken|started)" value="[^"]*"')
COMMENT_FORM = 'id="comment-form"'
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
}


def page(client, article, query=""):
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def home(client):
    response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    return response.content.decode()


def without_tokens(html):
    """The page without what is made afresh for each reader (CSRF token, form start time)."""
    return PER_READER_FIELD.sub(r'name="\1" value=""', html)


def stored_page(article):
    """The cache entry anonymous readers of the article are served from, or None."""
    request = RequestFactory().get(article.get_absolute_url())
    return cache.get(cache_key(request))


# Served from the cache


def test_a_second_anonymous_view_of_an_article_costs_one_query(
    client, django_assert_max_num_queries
):
    article = ArticleFactory(title="Muscle cramps")
    SectionFactory(article=article, heading="What helps")
    CommentFactory(article=article, body="Stretching helped me.", approved=True)
    first = page(client, article)

    with django_assert_max_num_queries(1):  # the public pages version, nothing else
        second = page(client, article)

    assert "<h1>Muscle cramps</h1>" in second
    assert "What helps" in second
    assert "Stretching helped me." in second
    assert without_tokens(second) == without_tokens(first)


def test_a_second_anonymous_view_of_the_home_page_costs_one_query(
    client, django_assert_max_num_queries
):
    article = ArticleFactory(title="Muscle cramps")
    ArticleFactory(title="Restless legs")
    first = home(client)
    # update() sends no signal: only a page from the cache still has the old title.
    Article.objects.filter(pk=article.pk).update(title="Muscle cramps at night")

    with django_assert_max_num_queries(1):
        second = home(client)

    assert "Muscle cramps" in second
    assert "Muscle cramps at night" not in second
    assert "Restless legs" in second
    assert second == first


def test_a_head_request_caches_the_whole_page_for_the_next_get(
    client, django_assert_max_num_queries
):
    article = ArticleFactory(title="Muscle cramps")

    head = client.head(article.get_absolute_url())

    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"]
    with django_assert_max_num_queries(1):
        assert "<h1>Muscle cramps</h1>" in page(client, article)


def test_each_page_of_comments_is_cached_on_its_own(
    client, settings, django_assert_max_num_queries
):
    settings.COMMENTS_PER_PAGE = 2
    article = ArticleFactory()
    for body in ["Oldest comment.", "Middle comment.", "Newest comment."]:
        CommentFactory(article=article, body=body, approved=True)
    page(client, article)
    page(client, article, "?comments=2")

    with django_assert_max_num_queries(1):
        first = page(client, article)
    with django_assert_max_num_queries(1):
        second = page(client, article, "?comments=2")

    assert "Oldest comment." in first
    assert "Newest comment." not in first
    assert "Newest comment." in second
    assert "Oldest comment." not in second


def test_a_post_is_never_answered_from_the_cache(client):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    # update() sends no signal, so the cached page stays: only a fresh render shows this.
    Article.objects.filter(pk=article.pk).update(title="Muscle cramps at night")

    posted = client.post(article.get_absolute_url())

    assert "<h1>Muscle cramps at night</h1>" in posted.content.decode()
    assert "<h1>Muscle cramps</h1>" in page(client, article)


def test_a_page_cache_time_of_zero_turns_the_cache_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    Article.objects.filter(pk=article.pk).update(title="Muscle cramps at night")

    assert "<h1>Muscle cramps at night</h1>" in page(client, article)


# Every change readers can see retires the cached pages


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


def save(instance, **fields):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()


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
    for _ in range(django_settings.COMMENTS_REPORTS_TO_HIDE):
        comment.report()


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
    SectionFactory(article=article, heading="What helps")
    assert "<h1>Muscle cramps</h1>" in page(reader, article)
    url = reverse("admin:articles_article_change", args=[article.pk])
    changes = {"title": "Muscle cramps at night", "sections-0-heading": "What helps at night"}

    response = submit_admin_page(clinician_client, url, changes)

    assert response.status_code == 302, response.context["adminform"].form.errors
    html = page(reader, article)
    assert "<h1>Muscle cramps at night</h1>" in html
    assert "What helps at night" in html


# Revalidation


def test_a_cached_page_has_a_weak_etag_and_answers_304_until_it_changes(client):
    article = ArticleFactory(title="Muscle cramps")
    first = client.get(article.get_absolute_url())
    etag = first["ETag"]

    again = client.get(article.get_absolute_url(), headers={"if-none-match": etag})

    assert re.fullmatch(r'W/"[0-9a-f]+"', etag)
    assert {"private", "no-cache"} <= {part.strip() for part in first["Cache-Control"].split(",")}
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag

    save(article, title="Muscle cramps at night")
    changed = client.get(article.get_absolute_url(), headers={"if-none-match": etag})

    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "<h1>Muscle cramps at night</h1>" in changed.content.decode()


def test_a_page_from_the_cache_has_the_headers_and_cookie_of_a_fresh_render(client):
    article = ArticleFactory()
    fresh = Client().get(article.get_absolute_url())
    cached = Client().get(article.get_absolute_url())  # answered before sessions and CSRF

    assert stored_page(article) is not None
    for header in ("Content-Type", "X-Frame-Options", "Vary", "Content-Security-Policy"):
        assert cached[header] == fresh[header], header
    assert cached["Content-Length"] == str(len(cached.content))
    assert cached.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert cached.cookies[django_settings.CSRF_COOKIE_NAME]["httponly"]


def test_a_reader_with_a_csrf_cookie_keeps_it_on_a_cached_page():
    article = ArticleFactory()
    page(Client(), article)  # cached by someone else's visit
    reader = Client(enforce_csrf_checks=True)
    page(reader, article)
    secret = reader.cookies[django_settings.CSRF_COOKIE_NAME].value

    token = CSRF_TOKEN.search(page(reader, article)).group(1)
    response = post_comment(reader, article, comment_data(csrfmiddlewaretoken=token))

    assert reader.cookies[django_settings.CSRF_COOKIE_NAME].value == secret
    assert response.status_code == 302


def test_a_browser_holding_the_page_gets_a_304_even_when_the_render_is_new(client):
    article = ArticleFactory(title="Muscle cramps")
    etag = client.get(article.get_absolute_url())["ETag"]
    unrelated = ArticleFactory(title="Sciatica")
    save(unrelated, title="Sciatica: leg pain")  # a new version: every page renders again

    again = client.get(article.get_absolute_url(), headers={"if-none-match": etag})

    assert stored_page(article)["version"] == PublicPagesVersion.current()
    assert again.status_code == 304


def test_a_request_for_another_host_is_refused_before_the_cache(client):
    article = ArticleFactory()
    response = client.get(article.get_absolute_url(), headers={"host": "evil.example"})

    assert response.status_code == 400


def test_a_database_error_while_rendering_falls_back_to_the_normal_path(client, monkeypatch):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    save(article, title="Leg cramps")  # the next view renders

    def database_down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(Article.objects, "next_change_by_clock", database_down)

    assert "<h1>Leg cramps</h1>" in page(client, article)


@pytest.fixture
def project_redis_cache(settings):
    """The project's own Redis backend on a real Redis (database 15, emptied around the test)."""
    location = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1, but Redis does not answer at {location}.")
        pytest.skip(f"Redis does not answer at {location}.")
    settings.CACHES = {"default": {"BACKEND": "spasmcms.cache.RedisCache", "LOCATION": location}}
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_pages_are_served_from_redis_through_one_reused_client(
    client, project_redis_cache, django_assert_num_queries
):
    article = ArticleFactory(title="Muscle cramps")
    first = page(client, article)

    with django_assert_num_queries(0):
        second = page(client, article)

    assert without_tokens(second) == without_tokens(first)
    backend = project_redis_cache._cache
    assert backend.get_client() is backend.get_client(write=True)


def test_health_checks_never_wait_on_the_cache(client, settings, caplog):
    settings.CACHES = DEAD_REDIS

    assert client.get(reverse("healthz")).status_code == 200
    assert "Cache unavailable" not in caplog.text


def test_a_page_from_the_cache_costs_no_query_while_the_cache_holds_the_version(
    client, django_assert_num_queries
):
    article = ArticleFactory()
    page(client, article)

    with django_assert_num_queries(0):
        page(client, article)


def test_an_edit_retires_the_cached_version_at_once_and_again_when_it_commits(
    client, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    assert cache.get(PublicPagesVersion.CACHE_KEY) is not None

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        save(article, title="Leg cramps")
        assert cache.get(PublicPagesVersion.CACHE_KEY) is None
        page(client, article)  # a reader meanwhile copies the number again
    assert callbacks

    assert cache.get(PublicPagesVersion.CACHE_KEY) is None
    assert "<h1>Leg cramps</h1>" in page(client, article)


def test_a_copy_of_the_version_that_missed_its_removal_is_believed_a_second_at_most(client):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    # As if the cache had been unreachable when the title changed: the copy kept the old
    # number. update() sends no signal, so the number is raised by hand, as an edit would.
    old_version = cache.get(PublicPagesVersion.CACHE_KEY)
    Article.objects.filter(pk=article.pk).update(title="Leg cramps")
    PublicPagesVersion.advance()
    cache.set(PublicPagesVersion.CACHE_KEY, old_version, PublicPagesVersion.CACHE_SECONDS)

    assert "<h1>Muscle cramps</h1>" in page(client, article)
    time.sleep(PublicPagesVersion.CACHE_SECONDS + 0.1)
    assert "<h1>Leg cramps</h1>" in page(client, article)


def test_an_address_that_is_not_a_public_page_is_never_stored(client):
    ArticleFactory(title="Muscle cramps")
    response = client.get(reverse("search:results"), {"q": "cramps"})

    assert response.status_code == 200
    request = RequestFactory().get(reverse("search:results"), {"q": "cramps"})
    assert cache.get(cache_key(request)) is None


# Forms on cached pages


def test_two_readers_of_a_cached_page_each_get_a_working_csrf_token():
    article = ArticleFactory()
    readers = [Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)]
    tokens = [CSRF_TOKEN.search(page(reader, article)).group(1) for reader in readers]

    responses = [
        post_comment(reader, article, comment_data(body=body, csrfmiddlewaretoken=token))
        for reader, token, body in zip(
            readers, tokens, ["First reader.", "Second reader."], strict=True
        )
    ]

    assert tokens[0] != tokens[1]
    assert [response.status_code for response in responses] == [302, 302]
    assert set(Comment.objects.values_list("body", flat=True)) == {
        "First reader.",
        "Second reader.",
    }


def test_the_cached_page_holds_a_placeholder_not_the_first_readers_token(client):
    article = ArticleFactory()
    CommentFactory(article=article, approved=True)  # its report form carries a token too
    html = page(client, article)
    token = CSRF_TOKEN.search(html).group(1)
    secret = client.cookies[django_settings.CSRF_COOKIE_NAME].value

    stored = stored_page(article)

    assert html.count('name="csrfmiddlewaretoken"') == 2
    assert stored["html"].count(placeholder("csrfmiddlewaretoken")) == 2
    assert token not in stored["html"]
    assert secret not in stored["html"]


def test_a_comment_sent_straight_after_loading_a_cached_page_is_still_too_fast():
    article = ArticleFactory()
    half_a_minute_ago = time.time() - 30
    with mock.patch("time.time", return_value=half_a_minute_ago):
        page(Client(), article)  # someone else's visit cached the page then
    reader = Client()
    started = re.search(r'name="started" value="([^"]+)"', page(reader, article)).group(1)

    response = post_comment(reader, article, comment_data(started=started))

    assert response.status_code == 200
    assert "That was very quick." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_thank_you_is_shown_to_the_commenter_and_to_nobody_else():
    article = ArticleFactory(title="Muscle cramps")
    page(Client(), article)  # cached before the comment
    commenter = Client()

    response = commenter.post(
        reverse("comments:post", args=[article.slug]), comment_data(), follow=True
    )

    assert response.redirect_chain == [(f"{article.get_absolute_url()}#comments", 302)]
    assert escape(COMMENT_THANKS) in response.content.decode()
    later = page(Client(), article)
    assert "<h1>Muscle cramps</h1>" in later
    assert escape(COMMENT_THANKS) not in later


# Who is served from the cache


def test_signed_in_staff_get_a_fresh_page_while_anonymous_readers_get_the_cached_one(
    clinician_client,
):
    reader = Client()
    article = ArticleFactory(title="Muscle cramps")
    page(reader, article)
    # update() sends no signal: the cached page is not retired.
    Article.objects.filter(pk=article.pk).update(title="Muscle cramps at night")

    assert "<h1>Muscle cramps</h1>" in page(reader, article)
    assert "<h1>Muscle cramps at night</h1>" in page(clinician_client, article)


def test_a_staff_preview_of_a_draft_never_reaches_anonymous_readers(clinician_client):
    draft = ArticleFactory(title="Unchecked advice", status=Article.Status.DRAFT)

    preview = page(clinician_client, draft)

    assert "<h1>Unchecked advice</h1>" in preview
    assert "Draft — not public." in preview
    assert Client().get(draft.get_absolute_url()).status_code == 404
    assert stored_page(draft) is None


# Failures and the clock


def test_pages_are_still_served_when_the_cache_is_unreachable(client, settings, caplog):
    article = ArticleFactory(title="Muscle cramps")
    # Switched after conftest's fresh_cache cleared the working cache; the settings fixture
    # is torn down first, so fresh_cache clears the working cache again, not the dead one.
    settings.CACHES = DEAD_REDIS
    assert isinstance(caches["default"], RedisCache)

    first = page(client, article)
    second = page(client, article)

    assert "<h1>Muscle cramps</h1>" in first
    assert "<h1>Muscle cramps</h1>" in second
    assert "Cache unavailable" in caplog.text


def test_a_cached_page_loses_the_comment_form_the_moment_comments_close(
    client, settings, monkeypatch, django_assert_max_num_queries
):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    # Noon, so the moments either side of closing fall on the same day (the key has the date).
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    published_at = noon - datetime.timedelta(days=1)
    article = ArticleFactory(published_at=published_at)
    closes_at = published_at + datetime.timedelta(days=30)

    monkeypatch.setattr(timezone, "now", lambda: closes_at - datetime.timedelta(seconds=1))
    assert COMMENT_FORM in page(client, article)
    with django_assert_max_num_queries(1):  # served from the cache
        assert COMMENT_FORM in page(client, article)

    monkeypatch.setattr(timezone, "now", lambda: closes_at + datetime.timedelta(seconds=1))
    html = page(client, article)

    assert COMMENT_FORM not in html
    assert "Comments are closed for this article." in html


# Many readers at the moment a page changes


def claim_render_elsewhere(article):
    """As if another reader's request were rendering the new version of the page right now."""
    request = RequestFactory().get(article.get_absolute_url())
    cache.add(f"{cache_key(request)}:rendering", 1, timeout=10)


def test_while_one_request_renders_a_changed_page_others_get_the_previous_copy(
    client, django_assert_max_num_queries
):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    article.title = "Leg cramps"
    article.save()
    claim_render_elsewhere(article)

    with django_assert_max_num_queries(1):  # no render: the copy from a moment ago
        during = page(client, article)
    cache.delete(f"{cache_key(RequestFactory().get(article.get_absolute_url()))}:rendering")
    after = page(client, article)

    assert "<h1>Muscle cramps</h1>" in during
    assert "<h1>Leg cramps</h1>" in after


def test_the_render_after_a_change_is_stored_for_everyone_and_its_claim_released(client):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    article.title = "Leg cramps"
    article.save()

    page(client, article)  # this reader renders the new version

    stored = stored_page(article)
    assert stored["version"] == PublicPagesVersion.current()
    assert "<h1>Leg cramps</h1>" in stored["html"]
    request = RequestFactory().get(article.get_absolute_url())
    assert cache.get(f"{cache_key(request)}:rendering") is None


def test_an_unpublished_page_is_never_served_from_its_previous_copy(client):
    article = ArticleFactory(title="Muscle cramps")
    page(client, article)
    article.status = Article.Status.UNPUBLISHED
    article.save()

    assert client.get(article.get_absolute_url()).status_code == 404
    assert stored_page(article) is None
    claim_render_elsewhere(article)  # even while another request holds the render claim
    assert client.get(article.get_absolute_url()).status_code == 404
