"""Production static files: hashed names for far-future caching, gzip and brotli copies.

The files are the ones `collectstatic` wrote with production settings, in a process of its
own, for the real-server tests (conftest's `collected_static`: collected once a run, as it
takes about 20 s, or under TEST_STATIC_CACHE once for every run that would collect the same).
"""

import re

import pytest


@pytest.mark.django_db
def test_collected_static_files_are_hashed_compressed_and_used_by_pages(
    client, settings, collected_static
):
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    html = client.get("/").content.decode()

    for name in ["articles/css/site", "js-lib-bootstrap5/css/bootstrap.min"]:
        match = re.search(rf'href="/static/({re.escape(name)}\.[0-9a-f]{{12}}\.css)"', html)
        assert match, name
        hashed = collected_static / match.group(1)
        assert hashed.exists()
        assert hashed.with_name(hashed.name + ".gz").exists()
        assert hashed.with_name(hashed.name + ".br").exists()
