"""The admin header names who is signed in and in what role, so nobody signs off a page or
approves a safety change on someone else's account without seeing it."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from governance.roles import EDITOR, MODERATOR

from .factories import ClinicianFactory, EditorFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def header_of(client, user, url=None):
    client.force_login(user)
    response = client.get(url or reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    return re.search(r'<div id="user-tools">(.*?)</div>', html, re.S).group(1), html


def signed_in_line(header):
    return " ".join(re.search(r"Signed in as .*?\.\s", header, re.S).group(0).split())


@pytest.mark.parametrize(
    ("factory", "role"),
    [(ClinicianFactory, "Clinician"), (EditorFactory, "Editor"), (ModeratorFactory, "Moderator")],
)
def test_staff_see_their_full_name_and_role(client, factory, role):
    user = factory(first_name="Sam", last_name="Patel")

    header, _ = header_of(client, user)

    assert signed_in_line(header) == f"Signed in as <strong>Sam Patel</strong> · {role}."
    assert "Welcome" not in header


def test_a_superuser_is_shown_as_administrator(client):
    admin = UserFactory(
        username="root", first_name="Jo", last_name="Admin", is_staff=True, is_superuser=True
    )

    header, _ = header_of(client, admin)

    assert signed_in_line(header) == "Signed in as <strong>Jo Admin</strong> · Administrator."


def test_someone_in_two_roles_sees_both(client):
    user = EditorFactory(first_name="Ali", last_name="Khan")
    user.groups.add(Group.objects.get(name=MODERATOR))

    header, _ = header_of(client, user)

    assert (
        signed_in_line(header) == f"Signed in as <strong>Ali Khan</strong> · {EDITOR}, {MODERATOR}."
    )


def test_without_a_name_the_user_name_is_shown_and_without_a_role_none_is_made_up(client):
    user = UserFactory(username="locum7", first_name="", last_name="", is_staff=True)
    user.groups.add(Group.objects.create(name="Reporting"))

    header, _ = header_of(client, user)

    assert signed_in_line(header) == "Signed in as <strong>locum7</strong>."


def test_a_name_is_shown_as_text(client):
    user = ClinicianFactory(first_name="<b>Bold", last_name="Name</b>")

    header, _ = header_of(client, user)

    assert "<strong>&lt;b&gt;Bold Name&lt;/b&gt;</strong>" in header


def test_the_header_is_the_same_on_every_admin_page_and_keeps_the_sites_branding(client):
    user = ClinicianFactory(first_name="Sam", last_name="Patel")

    header, html = header_of(client, user, reverse("admin:articles_article_changelist"))

    assert signed_in_line(header) == "Signed in as <strong>Sam Patel</strong> · Clinician."
    assert "SpasmCMS clinical editing</a>" in html
    assert re.search(r"<title>.* \| SpasmCMS admin</title>", html)
    assert 'id="logout-form"' in header
