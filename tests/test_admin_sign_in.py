"""Admin sign-in: wrong passwords lock out the user name from that address for a while."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client
from django.urls import reverse

from .factories import ClinicianFactory
from .sign_in import sign_in, signed_in

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture
def clinician_at(db):
    ClinicianFactory(username="alex")

    def client_from(address):
        return Client(REMOTE_ADDR=address)

    return client_from


def fail(client, times, username="alex"):
    return [sign_in(client, username, "not-the-password") for _ in range(times)]


def test_four_wrong_passwords_still_let_the_right_one_in(clinician_at, settings):
    client = clinician_at("192.0.2.10")
    failures = fail(client, settings.AXES_FAILURE_LIMIT - 1)

    assert all(response.status_code == 200 for response in failures)
    assert "Please enter the correct username and password" in failures[-1].content.decode()
    assert signed_in(sign_in(client, "alex", PASSWORD))


def test_the_fifth_wrong_password_pauses_signing_in_with_a_plain_explanation(
    clinician_at, settings
):
    client = clinician_at("192.0.2.10")
    locked = fail(client, settings.AXES_FAILURE_LIMIT)[-1]

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Signing in is paused" in page
    assert "15 minutes" in page
    assert "not-the-password" not in page

    # Even the right password is refused during the pause.
    refused = sign_in(client, "alex", PASSWORD)
    assert refused.status_code == 429
    assert not signed_in(refused)
    assert "_auth_user_id" not in client.session


def test_the_pause_ends_after_the_cool_off_time(clinician_at, settings):
    client = clinician_at("192.0.2.10")
    fail(client, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, "alex", PASSWORD).status_code == 429

    # Let the cool-off time pass by ageing the recorded failures.
    passed = settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - passed)

    assert signed_in(sign_in(client, "alex", PASSWORD))


def test_someone_elsewhere_cannot_lock_a_clinician_out(clinician_at, settings):
    fail(clinician_at("198.51.100.7"), settings.AXES_FAILURE_LIMIT + 3)

    assert signed_in(sign_in(clinician_at("192.0.2.10"), "alex", PASSWORD))


def test_a_locked_out_name_does_not_lock_other_names_from_the_same_office(clinician_at, settings):
    ClinicianFactory(username="sam")
    office = clinician_at("192.0.2.10")
    fail(office, settings.AXES_FAILURE_LIMIT)

    assert signed_in(sign_in(clinician_at("192.0.2.10"), "sam", PASSWORD))


def test_a_successful_sign_in_clears_earlier_failures(clinician_at, settings):
    client = clinician_at("192.0.2.10")
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert signed_in(sign_in(client, "alex", PASSWORD))
    client.logout()

    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert signed_in(sign_in(client, "alex", PASSWORD))


def test_behind_a_proxy_the_readers_own_address_is_the_one_locked(clinician_at, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = "10.0.0.2"

    def via_proxy(address):
        return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=address)

    fail(via_proxy("198.51.100.7"), settings.AXES_FAILURE_LIMIT)

    assert sign_in(via_proxy("198.51.100.7"), "alex", PASSWORD).status_code == 429
    assert signed_in(sign_in(via_proxy("192.0.2.10"), "alex", PASSWORD))


def test_the_admin_sign_in_page_itself_is_never_locked(clinician_at, settings):
    client = clinician_at("192.0.2.10")
    fail(client, settings.AXES_FAILURE_LIMIT)

    assert client.get(reverse("admin:login")).status_code == 200


def test_admin_passwords_must_be_long_and_not_common():
    for weak in ["short1", "password1234", "123456789012"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("calm-river-stone-lamp")
