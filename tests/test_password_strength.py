"""Staff passwords must be hard to guess, not merely long: repeats, the user name said again
and dictionary words are refused with advice, wherever a password is chosen."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from .factories import PASSWORD, ClinicianFactory, UserFactory

pytestmark = pytest.mark.django_db

# Each is twelve characters or more, not on Django's common-password list, not all digits
# and not like its user name as Django measures it: Django's own validators let them pass.
GUESSABLE = [
    ("sam", "aaaaaaaaaaaa"),
    ("lk3", "lk3lk3lk3lk3"),
    ("sam", "correcthorse"),
]


@pytest.mark.parametrize(("username", "password"), GUESSABLE)
def test_guessable_passwords_are_refused_with_a_reason(username, password):
    user = UserFactory.build(username=username)

    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)

    assert any("too guessable" in message for message in refused.value.messages)


def test_a_strong_passphrase_is_accepted():
    validate_password("calm-river-stone-lamp", UserFactory.build(username="sam"))


@pytest.mark.parametrize(("username", "password"), GUESSABLE)
def test_changing_ones_own_password_in_the_admin_refuses_a_guessable_one(
    client, username, password
):
    clinician = ClinicianFactory(username=username)
    client.force_login(clinician)

    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )

    assert response.status_code == 200
    assert "Your password is too guessable" in response.content.decode()
    clinician.refresh_from_db()
    assert clinician.check_password(PASSWORD)


def test_changing_ones_own_password_in_the_admin_accepts_a_strong_one(client):
    clinician = ClinicianFactory()
    client.force_login(clinician)

    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "calm-river-stone-lamp",
            "new_password2": "calm-river-stone-lamp",
        },
    )

    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.check_password("calm-river-stone-lamp")


def test_an_administrator_setting_a_colleagues_password_is_refused_a_guessable_one(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    colleague = ClinicianFactory(username="lk3")

    response = client.post(
        reverse("admin:auth_user_password_change", args=[colleague.pk]),
        {
            "usable_password": "true",
            "password1": "lk3lk3lk3lk3",
            "password2": "lk3lk3lk3lk3",
        },
    )

    assert response.status_code == 200
    assert "Your password is too guessable" in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.check_password(PASSWORD)


def test_the_admin_password_form_says_what_is_expected(client):
    client.force_login(ClinicianFactory())

    page = client.get(reverse("admin:password_change")).content.decode()

    assert "if your password is too easy to guess" in page


def test_create_staff_user_prints_a_password_that_passes_every_check():
    out = io.StringIO()
    call_command("create_staff_user", "sam", "--role", "editor", stdout=out)

    password = re.search(r"Password \(shown once\): (\S+)", out.getvalue()).group(1)
    validate_password(password, get_user_model().objects.get(username="sam"))


def test_demo_accounts_get_passwords_that_pass_every_check(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("create_demo_accounts", stdout=out)

    passwords = dict(re.findall(r"user name: (\w+)\s+password: (\S+)", out.getvalue()))
    assert len(passwords) == 4
    for username, password in passwords.items():
        validate_password(password, get_user_model().objects.get(username=username))
