import pytest
from django.core.cache import cache
from django.test.utils import override_settings

from .factories import ClinicianFactory


@pytest.fixture(autouse=True, scope="session")
def settings_for_tests():
    """Serve static files unhashed, so tests need no collectstatic run.

    test_static_files.py checks the real hashed, compressed storage on its own.
    """
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tests create many users; a fast hasher keeps that cheap (never used outside tests).
    fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(STORAGES=storages, PASSWORD_HASHERS=fast_hashing):
        yield


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate limits and report counts live in the cache: every test starts with it empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clinician(db):
    return ClinicianFactory()


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client
