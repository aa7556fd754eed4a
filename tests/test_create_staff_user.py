"""The create_staff_user command: one staff account in one role, its own password, no overwrite."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.django_db


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
