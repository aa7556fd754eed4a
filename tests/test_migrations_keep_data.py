"""Comments, search and the public pages version left the articles app with their rows.

articles 0010 and the first migrations of comments, pagecache and search move six models
to new apps without copying a row: the tables keep their names, the content type rows are
renamed (so permissions, the admin log and django-reversion's versions follow), and the
stored versions are rewritten to name the new app. These tests migrate the test database
back to before the move, fill it as the old code would have, migrate forward and check
that nothing was lost or left pointing at the old app, on SQLite or PostgreSQL alike.
"""

import contextlib
import datetime
from importlib import import_module

import pytest
import reversion
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from comments.models import BlockedWord, Comment
from pagecache.models import PublicPagesVersion
from search.models import SearchSynonym, SearchWord, UnansweredSearch

# Migrations run outside a test transaction; the serialized rollback puts back the rows
# the data migrations made (groups, the symptom checker) for the tests that come after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_THE_MOVE = [
    ("articles", "0009_comment_thread_index"),
    ("comments", None),
    ("pagecache", None),
    ("search", None),
]
# Each moved model as it was named under articles, and where it lives now.
MOVED_MODELS = {
    "blockedword": BlockedWord,
    "comment": Comment,
    "publicpagesversion": PublicPagesVersion,
    "searchsynonym": SearchSynonym,
    "searchword": SearchWord,
    "unansweredsearch": UnansweredSearch,
}
OLD_TABLES = {f"articles_{name}" for name in MOVED_MODELS}

ARTICLE_TITLE = "Night cramps in the calf"
QUESTION = "Do the stretches help if the cramp wakes me up?"
REPLY = "Yes: stretch the calf before bed as well."
CHANGE_MESSAGE = "Checked the question with the reader before the move"
GROUP_MIGRATIONS = [
    ("0002_clinician_group", "create_clinician_group"),
    ("0004_moderator_group", "create_moderator_group"),
    ("0006_editor_group", "create_editor_group"),
    ("0008_search", "search_permissions"),
]


def migrate(targets):
    """Migrate the test database to `targets`; the project state (historical models) then."""
    executor = MigrationExecutor(connection)
    state = executor.migrate(targets)
    # The migrations renamed content type rows behind the cache's back.
    ContentType.objects.clear_cache()
    return state


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    return migrate(executor.loader.graph.leaf_nodes())


def fill_as_the_old_code_did(apps):
    """One row of every moved model and of everything that refers to one; their ids."""
    # The groups as the old migrations left them, whatever this database went through since.
    for migration, function in GROUP_MIGRATIONS:
        getattr(import_module(f"articles.migrations.{migration}"), function)(apps, None)

    def model(label):
        return apps.get_model(*label.split("."))

    content_type = model("contenttypes.ContentType").objects.get_by_natural_key
    groups = model("auth.Group").objects
    assert groups.filter(  # the old permission, on the old content type
        name="Moderator",
        permissions__content_type__app_label="articles",
        permissions__codename="moderate_comment",
    ).exists()

    users = model(settings.AUTH_USER_MODEL).objects
    password = make_password("a-long-test-password")
    clinician = users.create(
        username="old-clinician",
        first_name="Alex",
        last_name="Physio",
        is_staff=True,
        password=password,
    )
    clinician.groups.add(groups.get(name="Clinician"))
    moderator = users.create(username="old-moderator", is_staff=True, password=password)
    moderator.groups.add(groups.get(name="Moderator"))

    now, today = timezone.now(), timezone.localdate()
    topic = model("articles.Topic").objects.create(name="Cramp", slug="cramp")
    article = model("articles.Article").objects.create(
        title=ARTICLE_TITLE,
        slug="night-cramps",
        standfirst="Why calf cramps come at night, and what helps.",
        status="published",
        published_at=now - datetime.timedelta(days=3),
        reviewed_by=clinician,
        last_reviewed=today - datetime.timedelta(days=3),
        next_review_due=today + datetime.timedelta(days=360),
    )
    article.topics.add(topic)
    sections = [
        model("articles.Section").objects.create(
            article=article,
            order=order,
            heading=heading,
            anchor=anchor,
            body=heading,
            body_html=f"<p>{heading}</p>",
        )
        for order, heading, anchor in [
            (10, "Why cramps come at night", "why"),
            (20, "When to get help", "help"),
        ]
    ]
    comments = model("articles.Comment").objects
    question = comments.create(
        article=article,
        display_name="Pat",
        email="pat@example.org",
        notify_on_reply=True,
        body=QUESTION,
    )
    reply = comments.create(
        article=article,
        parent=question,
        author=clinician,
        author_role="Physiotherapist",
        display_name="Alex Physio",
        body=REPLY,
        status="approved",
        moderated_by=clinician,
        moderated_at=now,
    )
    model("articles.BlockedWord").objects.create(word="cheap pills")
    model("articles.SearchSynonym").objects.create(phrase="charley horse", same_as="cramp")
    model("articles.SearchWord").objects.create(word="charley")
    model("articles.UnansweredSearch").objects.create(
        query="cramp in the foot", count=3, last_searched=datetime.date(2026, 11, 2)
    )
    model("articles.PublicPagesVersion").objects.update_or_create(
        pk=PublicPagesVersion.SINGLETON, defaults={"number": 41}
    )

    revisions = model("reversion.Revision").objects
    versions = model("reversion.Version").objects

    def stored_version(revision, obj, name):
        return versions.create(
            revision=revision,
            object_id=str(obj.pk),
            content_type=content_type("articles", obj._meta.model_name),
            db="default",
            format="json",
            serialized_data=serializers.serialize("json", [obj]),
            object_repr=name,
        )

    published = revisions.create(date_created=now, user=clinician, comment="Published")
    article_version = stored_version(published, article, ARTICLE_TITLE)
    for section in sections:
        stored_version(published, section, section.heading)
    # Comments keep no history, but a version naming the old app is what the move rewrites.
    comment_version = stored_version(
        revisions.create(date_created=now, user=moderator), question, QUESTION
    )
    log_entry = model("admin.LogEntry").objects.create(
        user=moderator,
        content_type=content_type("articles", "comment"),
        object_id=str(question.pk),
        object_repr=QUESTION,
        action_flag=CHANGE,
        change_message=CHANGE_MESSAGE,
    )
    return {
        "clinician": clinician.pk,
        "moderator": moderator.pk,
        "article": article.pk,
        "question": question.pk,
        "reply": reply.pk,
        "article_version": article_version.pk,
        "comment_version": comment_version.pk,
        "log_entry": log_entry.pk,
        "content_types": {name: content_type("articles", name).pk for name in MOVED_MODELS},
        "rows": rows_of_moved_models(apps),
    }


def rows_of_moved_models(apps=None, columns_of=None):
    """Every row of every moved model, read through the old models or the current ones.

    With `columns_of` (rows read before), only the columns those rows have: later
    migrations add some (a comment's red-flag mark).
    """
    rows = {}
    for name, current in MOVED_MODELS.items():
        model = apps.get_model("articles", name) if apps else current
        columns = list(columns_of[name][0]) if columns_of and columns_of[name] else []
        rows[name] = list(model.objects.order_by("pk").values(*columns))
    return rows


@contextlib.contextmanager
def registered_with_reversion(model):
    """Comments keep no history; registering one lets reversion read a stored version."""
    reversion.register(model)
    try:
        yield
    finally:
        reversion.unregister(model)


@pytest.fixture
def moved(transactional_db):
    """The database filled before the move and migrated past it; the ids of what was made.

    The database is left at the latest migrations whatever the test does.
    """
    try:
        made = fill_as_the_old_code_did(migrate(BEFORE_THE_MOVE).apps)
        migrate_to_latest()
        yield made
    finally:
        migrate_to_latest()


def test_every_moved_row_keeps_its_id_and_values_in_the_table_it_always_had(moved):
    """Rows are never copied, and the tables keep their names, so code from before the
    move still finds them while a deploy is under way: ids and values all stay."""
    tables = set(connection.introspection.table_names())

    assert {model._meta.db_table for model in MOVED_MODELS.values()} == OLD_TABLES
    assert tables >= OLD_TABLES
    assert rows_of_moved_models(columns_of=moved["rows"]) == moved["rows"]
    assert set(Comment.objects.values_list("red_flag_urgency", "red_flag_note")) == {(0, "")}
    assert Comment.objects.get(pk=moved["reply"]).parent_id == moved["question"]
    # The table keeps its id sequence.
    new = Comment.objects.create(article_id=moved["article"], display_name="Sam", body="Thanks")
    assert new.pk > max(row["id"] for row in moved["rows"]["comment"])


def test_content_types_permissions_history_and_admin_log_follow_the_moved_models(moved):
    """The content type rows are renamed, not recreated, so all that points at them stays."""
    User = get_user_model()
    for name, model in MOVED_MODELS.items():
        assert ContentType.objects.get_for_model(model).pk == moved["content_types"][name]
    assert not ContentType.objects.filter(app_label="articles", model__in=MOVED_MODELS)
    assert ContentType.objects.filter(model__in=MOVED_MODELS).count() == len(MOVED_MODELS)

    moderator = User.objects.get(pk=moved["moderator"])
    assert moderator.has_perms(["comments.moderate_comment", "comments.change_blockedword"])
    clinician = User.objects.get(pk=moved["clinician"])
    assert clinician.has_perms(["comments.add_comment", "search.change_searchsynonym"])

    comment_version = Version.objects.get(pk=moved["comment_version"])
    assert '"model": "comments.comment"' in comment_version.serialized_data
    with registered_with_reversion(Comment):
        assert comment_version.field_dict["body"] == QUESTION

    article = Article.objects.get(pk=moved["article"])
    article.title = "Edited after the move"
    article.save()
    Version.objects.get(pk=moved["article_version"]).revision.revert()
    article.refresh_from_db()
    assert article.title == ARTICLE_TITLE

    log_entry = LogEntry.objects.get(pk=moved["log_entry"])
    assert log_entry.get_edited_object() == Comment.objects.get(pk=moved["question"])
    assert log_entry.get_admin_url() == reverse(
        "admin:comments_comment_change", args=[moved["question"]]
    )


def test_moderator_and_clinician_work_on_the_moved_rows_through_the_admin(moved, client):
    """Staff signed in after the move see and act on what was made before it."""
    User = get_user_model()
    question = moved["question"]
    client.force_login(User.objects.get(pk=moved["moderator"]))

    changelist = client.get(reverse("admin:comments_comment_changelist"))
    approved = client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [question], "index": "0"},
    )
    history = client.get(reverse("admin:comments_comment_history", args=[question]))

    assert changelist.status_code == 200
    assert [c.pk for c in changelist.context["cl"].result_list] == [question]
    assert approved.status_code == 302
    assert Comment.objects.get(pk=question).status == Comment.Status.APPROVED
    assert Comment.objects.get(pk=question).moderated_by_id == moved["moderator"]
    assert history.status_code == 200
    assert CHANGE_MESSAGE in history.content.decode()

    client.force_login(User.objects.get(pk=moved["clinician"]))
    article, version = moved["article"], moved["article_version"]
    revision_url = reverse("admin:articles_article_revision", args=[article, version])
    Article.objects.filter(pk=article).update(title="Edited after the move")

    article_history = client.get(reverse("admin:articles_article_history", args=[article]))
    restore_form = client.get(revision_url)

    assert article_history.status_code == 200
    assert revision_url in article_history.content.decode()
    assert restore_form.status_code == 200
    assert restore_form.context["adminform"].form["title"].value() == ARTICLE_TITLE
    assert Article.objects.get(pk=article).title == "Edited after the move"  # GET saves nothing


def test_migrating_back_returns_the_rows_and_content_types_to_the_articles_app(moved):
    """A rolled-back deploy finds its comments where the old code looks for them."""
    old_apps = migrate(BEFORE_THE_MOVE).apps
    tables = set(connection.introspection.table_names())

    assert tables >= OLD_TABLES
    assert rows_of_moved_models(old_apps) == moved["rows"]
    old_content_types = old_apps.get_model("contenttypes", "ContentType").objects
    for name, pk in moved["content_types"].items():
        assert old_content_types.get(pk=pk).app_label == "articles", name
    comment_version = old_apps.get_model("reversion", "Version").objects.get(
        pk=moved["comment_version"]
    )
    assert '"model": "articles.comment"' in comment_version.serialized_data
    assert old_apps.get_model("auth", "Group").objects.filter(
        name="Moderator",
        permissions__content_type__app_label="articles",
        permissions__codename="moderate_comment",
    )
