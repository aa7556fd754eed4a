"""What each staff role (Clinician, Editor, Moderator) may open and change in the admin."""

import functools
import re

import pytest
import reversion
from django.contrib.auth.models import Group
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from triage.models import Question, Vignette

from .admin_forms import question_data
from .factories import ArticleFactory, TreatmentFactory, signed_in_as

pytestmark = pytest.mark.django_db

MODERATOR_PERMISSIONS = {
    "view_comment",
    "change_comment",
    "moderate_comment",
    "view_blockedword",
    "add_blockedword",
    "change_blockedword",
    "delete_blockedword",
    # Readers' notes on what a page was missing, held for moderation like comments.
    "view_missingnote",
    "change_missingnote",
    "moderate_missingnote",
    # The emails queued for staff and readers: moderators notice first when they stop.
    "view_backgroundtask",
    "retry_backgroundtask",
}


@pytest.fixture
def login(client):
    """Sign a new staff member of a role in: login("Editor") returns the client."""
    return functools.partial(signed_in_as, client)


def admin_urls():
    """Admin pages by name, resolved once the test database has its default checker."""
    question = Question.objects.get(slug="fever")
    vignette = Vignette.objects.order_by("pk").first()
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    treatment = TreatmentFactory()
    return {
        "article list": reverse("admin:articles_article_changelist"),
        "article add": reverse("admin:articles_article_add"),
        "article change": reverse("admin:articles_article_change", args=[article.pk]),
        "article history": reverse("admin:articles_article_history", args=[article.pk]),
        "treatment list": reverse("admin:articles_treatment_changelist"),
        "treatment add": reverse("admin:articles_treatment_add"),
        "treatment change": reverse("admin:articles_treatment_change", args=[treatment.pk]),
        "topic add": reverse("admin:articles_topic_add"),
        "question list": reverse("admin:triage_question_changelist"),
        "question change": reverse("admin:triage_question_change", args=[question.pk]),
        "question add": reverse("admin:triage_question_add"),
        "advice list": reverse("admin:triage_advice_changelist"),
        "vignette list": reverse("admin:triage_vignette_changelist"),
        "vignette add": reverse("admin:triage_vignette_add"),
        "vignette change": reverse("admin:triage_vignette_change", args=[vignette.pk]),
        "comment list": reverse("admin:comments_comment_changelist"),
        "blocked word list": reverse("admin:comments_blockedword_changelist"),
        "blocked word add": reverse("admin:comments_blockedword_add"),
        "user list": reverse("admin:auth_user_changelist"),
        "group list": reverse("admin:auth_group_changelist"),
    }


# The admin pages by what they manage, so each role's row reads as what it may touch.
ARTICLE_PAGES = ["article list", "article add", "article change", "article history"]
CONTENT_PAGES = [*ARTICLE_PAGES, "treatment list", "treatment add", "treatment change", "topic add"]
TRIAGE_PAGES = [
    "question list",
    "question change",
    "question add",
    "advice list",
    "vignette list",
    "vignette add",
    "vignette change",
]
STAFF_ACCOUNT_PAGES = ["user list", "group list"]

ROLE_ACCESS = {
    "Clinician": {
        200: [*CONTENT_PAGES, *TRIAGE_PAGES],
        403: STAFF_ACCOUNT_PAGES,
    },
    "Editor": {
        200: ARTICLE_PAGES,
        403: [
            "treatment add",
            "topic add",
            *TRIAGE_PAGES,
            "blocked word list",
            *STAFF_ACCOUNT_PAGES,
        ],
    },
    "Moderator": {
        200: ["comment list", "blocked word list", "blocked word add"],
        403: [*CONTENT_PAGES, *TRIAGE_PAGES, *STAFF_ACCOUNT_PAGES],
    },
}


@pytest.mark.parametrize("role", ROLE_ACCESS)
def test_each_role_reaches_its_admin_pages_and_is_refused_the_others(login, role):
    urls = admin_urls()
    client = login(role)

    statuses = {name: client.get(urls[name]).status_code for name in urls}

    expected = {name: code for code, names in ROLE_ACCESS[role].items() for name in names}
    assert {name: statuses[name] for name in expected} == expected


def test_the_roles_are_created_by_the_migrations():
    names = set(Group.objects.values_list("name", flat=True))

    assert {"Clinician", "Editor", "Moderator"} <= names


def test_no_role_may_manage_staff_accounts():
    forbidden = {"add_user", "change_user", "delete_user", "change_group", "add_permission"}
    for name in ["Clinician", "Editor", "Moderator"]:
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert not codenames & forbidden, name


def test_only_clinicians_may_publish_and_only_clinicians_and_editors_submit():
    def holders(codename):
        return set(
            Group.objects.filter(permissions__codename=codename).values_list("name", flat=True)
        )

    assert holders("publish_article") == {"Clinician"}
    assert holders("submit_article") == {"Clinician", "Editor"}


def test_moderator_group_moderates_comments_and_blocked_words_and_nothing_else():
    group = Group.objects.get(name="Moderator")

    codenames = set(group.permissions.values_list("codename", flat=True))

    assert codenames == MODERATOR_PERMISSIONS


def test_moderator_admin_home_lists_comments_blocked_words_page_notes_and_tasks_only(login):
    client = login("Moderator")

    response = client.get(reverse("admin:index"))

    models = {
        model["object_name"] for app in response.context["app_list"] for model in app["models"]
    }
    assert models == {"Comment", "BlockedWord", "MissingNote", "BackgroundTask"}


def test_editor_admin_home_shows_no_triage_rules(login):
    client = login("Editor")

    response = client.get(reverse("admin:index"))

    apps = {app["app_label"] for app in response.context["app_list"]}
    assert "triage" not in apps
    assert "Articles" in response.content.decode()


def test_clinician_changes_a_triage_question_through_the_admin(login):
    client = login("Clinician")
    question = Question.objects.get(slug="fever")
    url = reverse("admin:triage_question_change", args=[question.pk])
    data = question_data(
        question,
        text="Do you have a fever, or feel hot and shivery?",
        threshold_weeks="",
        active="on",
    )

    response = client.post(url, data)

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "Do you have a fever, or feel hot and shivery?"


def test_editor_cannot_change_a_triage_question_by_posting(login):
    client = login("Editor")
    question = Question.objects.get(slug="fever")
    url = reverse("admin:triage_question_change", args=[question.pk])

    response = client.post(url, {"text": "Changed by an editor", "disposition": "gp"})

    assert response.status_code == 403
    question.refresh_from_db()
    assert question.text == "Do you have a high temperature, or feel hot and shivery?"
    assert question.disposition == "urgent"


def test_editor_cannot_change_a_treatment_by_posting(login):
    client = login("Editor")
    treatment = TreatmentFactory(name="Heat pads", cautions="Not on numb skin.")
    url = reverse("admin:articles_treatment_change", args=[treatment.pk])

    assert client.get(url).status_code == 200  # editors may look treatments up to link them
    response = client.post(url, {"name": "Heat pads", "cautions": "", "summary": "x"})

    assert response.status_code == 403
    treatment.refresh_from_db()
    assert treatment.cautions == "Not on numb skin."


def test_moderator_cannot_change_an_article_by_posting(login):
    client = login("Moderator")
    article = ArticleFactory(title="Untouched")
    url = reverse("admin:articles_article_change", args=[article.pk])

    response = client.post(url, {"title": "Defaced", "status": "archived"})

    assert response.status_code == 403
    article.refresh_from_db()
    assert (article.title, article.status) == ("Untouched", Article.Status.PUBLISHED)


def test_moderator_cannot_use_the_markdown_preview(login):
    client = login("Moderator")

    response = client.post(reverse("admin:articles_article_preview"), {"text": "Hello."})

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("make", "field", "url_name"),
    [
        (lambda: ArticleFactory(status="draft", published_at=None), "standfirst", "article"),
        (lambda: Question.objects.get(slug="fever"), "text", "question"),
    ],
    ids=["article", "triage question"],
)
def test_moderator_cannot_compare_versions_of_articles_or_triage_rules(
    login, make, field, url_name
):
    obj = make()
    for words in ["First secret wording?", "Second secret wording?"]:
        with reversion.create_revision():
            setattr(obj, field, words)
            obj.save()
    # The last two: a shipped triage question also has its first version from install.
    first, second = list(Version.objects.get_for_object(obj).order_by("pk"))[-2:]
    client = login("Moderator")
    app = obj._meta.app_label

    response = client.get(
        reverse(f"admin:{app}_{url_name}_compare", args=[obj.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    )

    assert response.status_code == 403
    assert "secret wording" not in re.sub(r"<[^>]+>", "", response.content.decode())
