"""The content API's changes feed (/api/v1/changes): a site keeping a copy of our articles
learns of every change to what it shows, red flags on the care card included, and of every
article taken down, reading on from where it stopped without missing one."""

import datetime

import pytest
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from articles.models import Article, PageParts, Withdrawal
from triage.models import RedFlag

from .factories import (
    ArticleFactory,
    ArticleTreatmentFactory,
    TopicFactory,
    TreatmentFactory,
    draft,
    live_article,
)
from .page_cache_helpers import save


@pytest.fixture(autouse=True)
def settled_at_once(monkeypatch):
    """The feed leaves out changes of the last two minutes; these tests read them at once
    (one test below checks the wait)."""
    monkeypatch.setattr("api.v1.SETTLED_AFTER", datetime.timedelta(0))


def feed(client, url="/api/v1/changes", **query):
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return response.json()


def changed(body):
    return [(change["slug"], change["change"]) for change in body["changes"]]


def read_on(client, body):
    return feed(client, body["next"])


@pytest.mark.django_db
def test_every_published_article_is_in_the_feed_oldest_change_first(client):
    first = live_article(slug="first")
    second = live_article(slug="second")
    draft(slug="never-published")

    body = feed(client)

    assert body["licence"] == settings.CONTENT_LICENCE
    assert changed(body) == [("first", "published"), ("second", "published")]
    assert body["changes"][0]["id"] == first.pk
    assert body["changes"][1]["api_url"] == "http://testserver/api/v1/articles/second"
    assert body["more"] is False
    assert second.pk in {change["id"] for change in body["changes"]}


@pytest.mark.django_db
def test_reading_on_gives_only_what_changed_since(client):
    spasms = live_article(slug="spasms")
    live_article(slug="cramps")
    body = feed(client)
    assert read_on(client, body)["changes"] == []

    spasms.title = "Back spasms"
    save(spasms)
    body = read_on(client, body)

    assert changed(body) == [("spasms", "published")]
    assert read_on(client, body)["changes"] == []


@pytest.mark.django_db
def test_an_edit_to_a_sections_markdown_alone_is_a_change(client):
    section = live_article(slug="spasms").sections.get(heading="What it is")
    save(section, body="A spasm is a *sudden* tight muscle.")
    body = feed(client)

    save(section, body="A spasm is a _sudden_ tight muscle.")  # the same HTML

    assert changed(read_on(client, body)) == [("spasms", "published")]


@pytest.mark.django_db
def test_a_change_to_a_shared_treatment_is_a_change_to_each_article_listing_it(client):
    heat = TreatmentFactory(slug="heat")
    ArticleTreatmentFactory(article=live_article(slug="spasms"), treatment=heat)
    live_article(slug="cramps")
    body = feed(client)

    heat.cautions = "Not on numb skin: you may not feel a burn."
    save(heat)

    assert changed(read_on(client, body)) == [("spasms", "published")]


@pytest.mark.django_db
def test_a_new_red_flag_on_the_care_card_is_a_change_to_every_article_of_the_topic(client):
    back_pain = TopicFactory(slug="back-pain")
    live_article(slug="spasms").topics.add(back_pain)
    live_article(slug="sciatica").topics.add(back_pain)
    live_article(slug="cramps").topics.add(TopicFactory(slug="cramps"))
    body = feed(client)

    RedFlag.objects.create(
        topic=back_pain,
        slug="numb_bottom",
        level="emergency",
        noticed="numbness around your bottom or genitals",
        phrases="numb bum",
    )

    assert sorted(changed(read_on(client, body))) == [
        ("sciatica", "published"),
        ("spasms", "published"),
    ]


@pytest.mark.django_db
def test_a_red_flag_moved_to_another_topic_changes_both_topics_articles(client):
    back_pain, cramps = TopicFactory(slug="back-pain"), TopicFactory(slug="cramps")
    live_article(slug="spasms").topics.add(back_pain)
    live_article(slug="cramps").topics.add(cramps)
    red_flag = RedFlag.objects.create(
        topic=back_pain, slug="weak_legs", level="emergency", noticed="weak legs", phrases="weak"
    )
    body = feed(client)

    red_flag.topic = cramps
    red_flag.save()

    assert sorted(changed(read_on(client, body))) == [
        ("cramps", "published"),
        ("spasms", "published"),
    ]


@pytest.mark.django_db
def test_an_article_taken_down_is_withdrawn_and_one_deleted_is_removed(client):
    unpublished = live_article(slug="unpublished")
    archived = live_article(slug="archived")
    deleted = live_article(slug="deleted")
    deleted_id = deleted.pk
    body = feed(client)

    save(unpublished, status=Article.Status.UNPUBLISHED)
    save(archived, status=Article.Status.ARCHIVED)
    deleted.delete()
    body = read_on(client, body)

    assert changed(body) == [
        ("unpublished", "withdrawn"),
        ("archived", "withdrawn"),
        ("deleted", "removed"),
    ]
    assert body["changes"][2]["id"] == deleted_id
    assert all(change["api_url"] is None for change in body["changes"])


@pytest.mark.django_db
def test_an_article_taken_down_with_its_publish_time_cleared_is_still_withdrawn(client):
    spasms = live_article(slug="spasms")
    body = feed(client)

    save(spasms, status=Article.Status.UNPUBLISHED, published_at=None)
    body = read_on(client, body)
    assert changed(body) == [("spasms", "withdrawn")]

    spasms.delete()
    assert changed(read_on(client, body)) == [("spasms", "removed")]


@pytest.mark.django_db
def test_a_live_article_moved_to_a_later_publish_time_is_withdrawn_until_then(client):
    spasms = live_article(slug="spasms")
    body = feed(client)

    save(spasms, published_at=timezone.now() + datetime.timedelta(days=1))
    body = read_on(client, body)
    assert changed(body) == [("spasms", "withdrawn")]

    Article.objects.update(published_at=timezone.now())  # the time comes, with no save
    assert changed(read_on(client, body)) == [("spasms", "published")]


@pytest.mark.django_db
def test_an_article_published_again_after_it_was_withdrawn_ends_published(client):
    spasms = live_article(slug="spasms")
    save(spasms, status=Article.Status.UNPUBLISHED)
    save(spasms, status=Article.Status.PUBLISHED)

    assert changed(feed(client)) == [("spasms", "withdrawn"), ("spasms", "published")]


@pytest.mark.django_db
def test_articles_never_public_are_never_named(client):
    soon = timezone.now() + datetime.timedelta(hours=1)
    scheduled = ArticleFactory(slug="scheduled-not-yet", published_at=soon)
    save(scheduled, title="Still scheduled")
    ArticleFactory(slug="being-written", status=Article.Status.DRAFT, published_at=soon)
    draft(slug="deleted-draft").delete()
    ArticleFactory(slug="scheduled-then-deleted", published_at=soon).delete()
    save(
        ArticleFactory(slug="scheduled-then-unpublished", published_at=soon),
        status=Article.Status.UNPUBLISHED,
    )

    assert feed(client)["changes"] == []
    assert not Withdrawal.objects.exists()


@pytest.mark.django_db
def test_a_scheduled_article_is_a_change_when_it_goes_live(client):
    soon = timezone.now() + datetime.timedelta(hours=1)
    ArticleFactory(slug="scheduled", published_at=soon)
    body = feed(client)
    assert body["changes"] == []

    # The publish time comes: nothing is saved, and the feed tells of it then.
    Article.objects.update(published_at=timezone.now())
    body = read_on(client, body)

    assert changed(body) == [("scheduled", "published")]


@pytest.mark.django_db
def test_storing_every_articles_parts_again_unchanged_is_no_change(client):
    live_article(slug="spasms")
    body = feed(client)

    Article.objects.all().refresh_page_parts()  # as every deploy does

    assert read_on(client, body)["changes"] == []


@pytest.mark.django_db
def test_many_changes_at_one_moment_are_read_on_in_pages_without_a_gap(client):
    articles = [ArticleFactory(slug=f"bulk-{n:03}") for n in range(230)]
    moment = timezone.now() - datetime.timedelta(minutes=5)
    Article.objects.update(updated_at=moment, published_at=moment)
    PageParts.objects.update(stored_at=moment)

    seen, pages = [], 0
    body = feed(client)
    while True:
        pages += 1
        seen += [change["id"] for change in body["changes"]]
        if not body["more"]:
            break
        body = read_on(client, body)

    assert pages == 3
    assert seen == sorted(article.pk for article in articles)


@pytest.mark.django_db
def test_changes_of_the_last_two_minutes_wait_until_they_are_settled(client, monkeypatch):
    monkeypatch.setattr("api.v1.SETTLED_AFTER", datetime.timedelta(minutes=2))
    live_article(slug="just-now")
    older = live_article(slug="older")
    Article.objects.filter(pk=older.pk).update(
        updated_at=F("updated_at") - datetime.timedelta(minutes=3)
    )
    PageParts.objects.filter(article=older).update(
        stored_at=F("stored_at") - datetime.timedelta(minutes=3)
    )

    body = feed(client)

    assert changed(body) == [("older", "published")]
    assert body["next"].startswith("http://testserver/api/v1/changes?since=")


@pytest.mark.django_db
def test_a_time_with_no_offset_is_read_as_utc_not_as_the_sites_time(client):
    spasms = live_article(slug="spasms")
    # Midday UTC on a summer's day, when the site's time (London) is an hour ahead.
    midday = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)
    Article.objects.filter(pk=spasms.pk).update(updated_at=midday, published_at=midday)
    PageParts.objects.filter(article=spasms).update(stored_at=midday)
    assert settings.TIME_ZONE == "Europe/London"

    # Half past twelve UTC is after the change; read as London time it would be before.
    assert feed(client, since="2026-07-01T12:30:00")["changes"] == []
    assert changed(feed(client, since="2026-07-01T11:30:00")) == [("spasms", "published")]
    assert feed(client, since="2026-07-01T12:30:00+01:00")["changes"] != []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", [{"since": "yesterday"}, {"after": "-1"}, {"since": "2026-13-01T00:00:00Z"}]
)
def test_a_malformed_position_gets_a_400(client, query):
    response = client.get("/api/v1/changes", query)

    assert response.status_code == 400
    assert response.json()["licence"] == settings.CONTENT_LICENCE


@pytest.mark.django_db
def test_the_feed_costs_the_same_few_queries_however_many_changed(
    client, django_assert_max_num_queries
):
    for n in range(40):
        live_article(slug=f"article-{n}")

    with django_assert_max_num_queries(3):
        body = feed(client)

    assert len(body["changes"]) == 40
