import pytest
from django.test.utils import override_settings

from .factories import ClinicianFactory


@pytest.fixture(autouse=True, scope="session")
def unhashed_static_files():
    """Serve static files unhashed, so tests need no collectstatic run.

    test_static_files.py checks the real hashed, compressed storage on its own.
    """
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture
def clinician(db):
    return ClinicianFactory()


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client
