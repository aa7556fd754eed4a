"""Production static files: hashed names for far-future caching, gzip and brotli copies."""

import re

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_collected_static_files_are_hashed_compressed_and_used_by_pages(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)

    html = client.get("/").content.decode()

    for name in ["articles/css/site", "js-lib-bootstrap5/css/bootstrap.min"]:
        match = re.search(rf'href="/static/({re.escape(name)}\.[0-9a-f]{{12}}\.css)"', html)
        assert match, name
        hashed = tmp_path / match.group(1)
        assert hashed.exists()
        assert hashed.with_name(hashed.name + ".gz").exists()
        assert hashed.with_name(hashed.name + ".br").exists()
