"""Who may do what: the Clinician, Editor and Moderator groups, tried through the admin.

Also the command that creates staff accounts, the staff preview of articles readers cannot
see yet, and the clinical review dashboard and report.
"""

import datetime
import io
import re

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from triage.models import Question, Vignette

from .factories import (
    STAFF_FACTORIES,
    ArticleFactory,
    EditorFactory,
    TreatmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN_STATUSES = [
    Article.Status.DRAFT,
    Article.Status.IN_REVIEW,
    Article.Status.UNPUBLISHED,
    Article.Status.ARCHIVED,
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Many staff users are made here; none needs a strong hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def login(client):
    """Sign a new staff member of a role in: login("Editor") returns the client."""

    def sign_in(group_name):
        client.force_login(STAFF_FACTORIES[group_name]())
        return client

    return sign_in


def today():
    return timezone.localdate()


def days_from_today(days):
    return today() + datetime.timedelta(days=days)


# Roles through the admin ------------------------------------------------------------------


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


ROLE_ACCESS = {
    "Clinician": {
        200: [
            "article list",
            "article add",
            "article change",
            "article history",
            "treatment list",
            "treatment add",
            "treatment change",
            "topic add",
            "question list",
            "question change",
            "question add",
            "advice list",
            "vignette list",
            "vignette add",
            "vignette change",
        ],
        403: ["user list", "group list"],
    },
    "Editor": {
        200: ["article list", "article add", "article change", "article history"],
        403: [
            "treatment add",
            "topic add",
            "question list",
            "question change",
            "question add",
            "advice list",
            "vignette list",
            "vignette add",
            "vignette change",
            "blocked word list",
            "user list",
            "group list",
        ],
    },
    "Moderator": {
        200: ["comment list", "blocked word list", "blocked word add"],
        403: [
            "article list",
            "article add",
            "article change",
            "article history",
            "treatment list",
            "treatment add",
            "treatment change",
            "topic add",
            "question list",
            "question change",
            "question add",
            "advice list",
            "vignette list",
            "vignette add",
            "vignette change",
            "user list",
            "group list",
        ],
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


def test_moderator_admin_home_lists_comments_and_blocked_words_only(login):
    client = login("Moderator")

    response = client.get(reverse("admin:index"))

    models = {
        model["object_name"] for app in response.context["app_list"] for model in app["models"]
    }
    assert models == {"Comment", "BlockedWord"}


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
    data = {
        "text": "Do you have a fever, or feel hot and shivery?",
        "hint": question.hint,
        "said": question.said,
        "group": question.group,
        "order": question.order,
        "kind": question.kind,
        "disposition": question.disposition,
        "threshold_weeks": "",
        "active": "on",
    }

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
    first, second = Version.objects.get_for_object(obj).order_by("pk")
    client = login("Moderator")
    app = obj._meta.app_label

    response = client.get(
        reverse(f"admin:{app}_{url_name}_compare", args=[obj.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    )

    assert response.status_code == 403
    assert "secret wording" not in re.sub(r"<[^>]+>", "", response.content.decode())


# create_staff_user ------------------------------------------------------------------------


def create_staff_user(*args):
    out = io.StringIO()
    call_command("create_staff_user", *args, stdout=out)
    return out.getvalue()


def printed_password(output):
    match = re.search(r"Password \(shown once\): (\S+)", output)
    assert match, output
    return match.group(1)


@pytest.mark.parametrize(
    ("role", "group", "allowed", "forbidden"),
    [
        (
            "clinician",
            "Clinician",
            "admin:triage_question_changelist",
            "admin:auth_user_changelist",
        ),
        (
            "editor",
            "Editor",
            "admin:articles_article_changelist",
            "admin:triage_question_changelist",
        ),
        (
            "moderator",
            "Moderator",
            "admin:comments_comment_changelist",
            "admin:articles_article_changelist",
        ),
    ],
)
def test_create_staff_user_makes_a_staff_account_in_the_role_that_can_sign_in(
    client, role, group, allowed, forbidden
):
    output = create_staff_user("sam", "--role", role, "--email", "sam@example.org")

    user = get_user_model().objects.get(username="sam")
    assert user.is_staff and user.is_active and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [group]
    assert user.email == "sam@example.org"
    password = printed_password(output)
    assert len(password) >= 16
    response = client.post(
        reverse("admin:login"),
        {"username": "sam", "password": password, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert client.get(reverse(allowed)).status_code == 200
    assert client.get(reverse(forbidden)).status_code == 403


def test_create_staff_user_gives_each_account_its_own_password():
    first = printed_password(create_staff_user("one", "--role", "editor"))
    second = printed_password(create_staff_user("two", "--role", "editor"))

    assert first != second


def test_create_staff_user_refuses_an_existing_name_and_leaves_that_account_alone():
    existing = UserFactory(username="taken", password="the-original-password")

    with pytest.raises(CommandError, match="already exists"):
        create_staff_user("taken", "--role", "clinician")

    existing.refresh_from_db()
    assert not existing.is_staff
    assert not existing.groups.exists()
    assert get_user_model().objects.filter(username="taken").count() == 1
    assert existing.check_password("the-original-password")


def test_create_staff_user_refuses_an_unknown_role():
    with pytest.raises(CommandError, match="invalid choice"):
        create_staff_user("root", "--role", "superuser")

    assert not get_user_model().objects.filter(username="root").exists()


def test_create_staff_user_needs_a_role():
    with pytest.raises(CommandError):
        create_staff_user("nobody")

    assert not get_user_model().objects.filter(username="nobody").exists()


# Preview: staff see what readers cannot -----------------------------------------------------


@pytest.mark.parametrize("role", ["Clinician", "Editor", "Moderator"])
@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.UNPUBLISHED]
)
def test_any_staff_member_previews_an_unpublished_article_with_a_banner(login, role, status):
    article = ArticleFactory(title="Hidden one", status=status, published_at=None)
    client = login(role)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hidden one" in html
    assert f"{Article.Status(status).label} — not public." in html
    assert "Only signed-in staff can see this page." in html


def test_staff_see_no_banner_on_a_public_article(login):
    article = ArticleFactory()
    client = login("Editor")

    html = client.get(article.get_absolute_url()).content.decode()

    assert "not public" not in html


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_the_public_never_sees_an_article_that_is_not_published(client, status):
    article = ArticleFactory(title="Hidden one", status=status, published_at=None)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 404
    assert "Hidden one" not in response.content.decode()
    assert "Hidden one" not in client.get(reverse("articles:home")).content.decode()


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_signed_in_readers_who_are_not_staff_never_see_a_preview(client, status):
    client.force_login(UserFactory())
    article = ArticleFactory(title="Hidden one", status=status, published_at=None)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 404
    assert "not public" not in response.content.decode()


def test_a_former_staff_member_loses_the_preview(client):
    editor = EditorFactory()
    client.force_login(editor)
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert client.get(article.get_absolute_url()).status_code == 200

    editor.is_staff = False
    editor.save()

    assert client.get(article.get_absolute_url()).status_code == 404


# Review dashboard and report ----------------------------------------------------------------


@pytest.fixture
def review_dates():
    """Articles around the review boundaries; returns their titles by what they are."""
    ArticleFactory(title="Overdue by a year", next_review_due=days_from_today(-365))
    ArticleFactory(title="Overdue since yesterday", next_review_due=days_from_today(-1))
    ArticleFactory(
        title="Overdue draft",
        status=Article.Status.DRAFT,
        published_at=None,
        next_review_due=days_from_today(-10),
    )
    ArticleFactory(title="Due today", next_review_due=today())
    ArticleFactory(title="Due in 30 days", next_review_due=days_from_today(30))
    ArticleFactory(title="Due in 31 days", next_review_due=days_from_today(31))
    ArticleFactory(
        title="Archived and overdue",
        status=Article.Status.ARCHIVED,
        next_review_due=days_from_today(-100),
    )
    ArticleFactory(
        title="Archived and due soon",
        status=Article.Status.ARCHIVED,
        next_review_due=days_from_today(5),
    )
    ArticleFactory(title="Never reviewed", next_review_due=None)
    return {
        "overdue": ["Overdue by a year", "Overdue draft", "Overdue since yesterday"],
        "due_soon": ["Due today", "Due in 30 days"],
        "absent": [
            "Due in 31 days",
            "Archived and overdue",
            "Archived and due soon",
            "Never reviewed",
        ],
    }


def rows_of(html):
    """The review dashboard's table rows, as plain text."""
    block = html[html.index("Clinical reviews") :]
    block = block[: block.index("</table>")]
    return [re.sub(r"<[^>]+>", " ", row) for row in re.findall(r"<tr>(.*?)</tr>", block, re.S)]


@pytest.mark.parametrize("role", ["Clinician", "Editor"])
def test_admin_home_lists_overdue_and_soon_due_reviews(login, review_dates, role):
    client = login(role)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    html = response.content.decode()
    rows = rows_of(html)[1:]  # after the header row
    titles = [
        next(t for t in [*review_dates["overdue"], *review_dates["due_soon"]] if t in row)
        for row in rows
    ]
    assert titles == [*review_dates["overdue"], *review_dates["due_soon"]]
    overdue_rows = rows[: len(review_dates["overdue"])]
    assert all("Overdue since" in row for row in overdue_rows)
    assert not any("Overdue since" in row for row in rows[len(review_dates["overdue"]) :])
    for title in review_dates["absent"]:
        assert title not in html


def test_review_dashboard_links_to_the_article_and_says_when(login):
    article = ArticleFactory(title="Back spasms", next_review_due=datetime.date(2020, 3, 1))
    client = login("Clinician")

    html = client.get(reverse("admin:index")).content.decode()

    assert reverse("admin:articles_article_change", args=[article.pk]) in html
    assert "Overdue since 1 Mar 2020" in html


def test_review_dashboard_says_when_nothing_is_due(login):
    ArticleFactory(next_review_due=days_from_today(200))
    client = login("Clinician")

    html = client.get(reverse("admin:index")).content.decode()

    assert "Clinical reviews" in html
    assert "No article is overdue or due for review in the next 30 days." in html


def test_moderators_do_not_get_the_review_dashboard(login, review_dates):
    client = login("Moderator")

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Clinical reviews" not in html
    assert "Overdue by a year" not in html


def review_report(*args):
    out = io.StringIO()
    call_command("review_report", *args, stdout=out)
    return out.getvalue()


def test_review_report_lists_the_same_articles_and_fails_when_one_is_overdue(review_dates):
    out = io.StringIO()

    with pytest.raises(CommandError, match="3 article\\(s\\) overdue") as failure:
        call_command("review_report", stdout=out)

    assert failure.value.returncode == 1
    output = out.getvalue()
    overdue_part, due_part = output.split("Due in 30 days:")
    assert "Overdue for review: 3" in overdue_part
    assert [t for t in review_dates["overdue"] if t in overdue_part] == review_dates["overdue"]
    assert overdue_part.index("Overdue by a year") < overdue_part.index("Overdue draft")
    assert due_part.startswith(" 2")
    for title in review_dates["due_soon"]:
        assert title in due_part
    for title in review_dates["absent"]:
        assert f"{title} (" not in output
    assert f"{days_from_today(-1):%Y-%m-%d}  Overdue since yesterday (Published)" in output
    assert "Overdue draft (Draft)" in output


def test_review_report_succeeds_when_nothing_is_overdue():
    ArticleFactory(title="Due next week", next_review_due=days_from_today(7))
    ArticleFactory(title="Archived long ago", status="archived", next_review_due="2019-01-01")

    output = review_report()

    assert "Overdue for review: 0" in output
    assert "Due in 30 days: 1" in output
    assert "Due next week" in output
    assert "Archived long ago" not in output


def test_review_report_looks_as_far_ahead_as_asked():
    ArticleFactory(title="Due in 45 days", next_review_due=days_from_today(45))

    assert "Due in 45 days" not in review_report()
    assert "Due in 60 days: 1" in review_report("--days", "60")


def test_review_report_on_an_empty_site_succeeds():
    output = review_report()

    assert "Overdue for review: 0" in output
    assert "Due in 30 days: 0" in output
