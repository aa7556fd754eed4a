"""Loading or resetting the demo content is recorded in each article's history."""

import io

import pytest
from django.core.management import call_command
from reversion.models import Version

from articles.models import Article, Section

from .admin_forms import admin_url, save_through_admin

pytestmark = pytest.mark.django_db


def versions(obj):
    return list(Version.objects.get_for_object(obj).select_related("revision__user").order_by("pk"))


def test_the_demo_loader_records_a_first_version_of_each_demo_article(clinician_client):
    call_command("load_demo_content", stdout=io.StringIO())

    articles = list(Article.objects.all())
    assert len(articles) >= 5
    for article in articles:
        [version] = versions(article)
        assert version.revision.get_comment() == "Demo content loaded"
        section_ids = {
            v.object_id for v in version.revision.version_set.all() if v._model is Section
        }
        assert section_ids >= {str(pk) for pk in article.sections.values_list("pk", flat=True)}
    response = clinician_client.get(admin_url(articles[0], "history"))
    assert response.status_code == 200
    assert "Demo content loaded" in response.content.decode()


def test_loading_the_demo_again_adds_no_version(clinician_client):
    call_command("load_demo_content", stdout=io.StringIO())
    call_command("load_demo_content", stdout=io.StringIO())

    for article in Article.objects.all():
        assert len(versions(article)) == 1


def test_resetting_the_demo_content_is_recorded_in_the_articles_history(clinician_client):
    call_command("load_demo_content", stdout=io.StringIO())
    article = Article.objects.order_by("pk").first()
    shipped = article.standfirst
    save_through_admin(clinician_client, article, standfirst="Edited by a clinician.")

    call_command("load_demo_content", "--reset", stdout=io.StringIO())

    article.refresh_from_db()
    assert article.standfirst == shipped
    *_, latest = versions(article)
    assert latest.revision.get_comment() == "Demo content loaded"
    assert latest.field_dict["standfirst"] == shipped
