"""Secure by default: configuration, headers, and pages that load nothing from elsewhere.

The configuration tests run `manage.py` in a process of its own without the run's
DATABASE_URL, so they are the same on any test database: `.ci/run` runs them in its SQLite
pass only.
"""

import re
import secrets

import pytest
from django.urls import reverse

from articles.models import Section
from triage.models import Question

from .factories import ArticleFactory, SectionFactory
from .servers import env_without_settings, manage

# A script element that would run: not loaded from a file, and not a JSON-LD data block.
INLINE_SCRIPT = re.compile(r'<script(?![^>]*\s(?:src=|type="application/ld\+json"))[^>]*>')


@pytest.mark.database_independent
def test_debug_off_without_a_secret_key_stops_with_one_line_naming_the_variable():
    result = manage(env_without_settings(DJANGO_DEBUG="0"), "check", check=False)

    assert result.returncode != 0
    assert result.stderr.strip() == "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."


@pytest.mark.database_independent
def test_debug_is_off_unless_asked_for():
    env = env_without_settings(DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    result = manage(env, "diffsettings", "--all", check=False)

    assert result.returncode == 0, result.stderr
    assert re.search(r"^(### )?DEBUG = False$", result.stdout, re.M)


@pytest.mark.database_independent
def test_production_settings_pass_the_deployment_checks(tmp_path):
    env = env_without_settings(
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="health.example.org",
    )
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING", check=False)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def public_pages(db):
    article = ArticleFactory()
    SectionFactory(article=article, kind=Section.Kind.URGENT_ADVICE)
    return [
        reverse("articles:home"),
        article.get_absolute_url(),
        "/articles/missing/",
        reverse("triage:checker"),
    ]


def test_pages_send_a_strict_content_security_policy(client, public_pages):
    for url in public_pages:
        policy = client.get(url).headers["Content-Security-Policy"]

        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy


def test_pages_send_the_usual_security_headers(client, public_pages):
    for url in public_pages:
        headers = client.get(url).headers

        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts_or_styles(client, public_pages):
    for url in public_pages:
        html = client.get(url).content.decode()

        assert not re.search(INLINE_SCRIPT, html), url
        assert "<style" not in html, url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def test_pages_load_every_asset_from_our_own_origin(client, public_pages):
    for url in public_pages:
        html = client.get(url).content.decode()
        assets = re.findall(
            r"<(?:script|img|link|iframe|source)\b[^>]*\s(?:src|href)=\"([^\"]+)\"", html
        )

        assert assets, url
        for asset in assets:
            if asset.startswith("http"):
                # Only the canonical link may be absolute, and it points at ourselves.
                assert asset.startswith("http://testserver/"), (url, asset)
            else:
                assert asset.startswith("/"), (url, asset)


def test_checker_results_have_no_inline_scripts_styles_or_foreign_assets(client, db):
    answers = {q.slug: "no" for q in Question.objects.asked() if q.kind == "yes_no"}
    for answers_given in [
        {**answers, "duration_weeks": "1"},
        {**answers, "saddle_numbness": "yes"},
    ]:
        response = client.post(reverse("triage:checker"), answers_given)
        html = response.content.decode()

        assert "data-disposition" in html
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert not re.search(INLINE_SCRIPT, html)
        assert not re.search(r"\sstyle=|<style", html)
        assets = re.findall(r"<(?:script|img|link)\b[^>]*\s(?:src|href)=\"([^\"]+)\"", html)
        assert all(asset.startswith("/") for asset in assets), assets
