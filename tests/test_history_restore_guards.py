"""A History page restores only its own object: no version of another object, and no
"recover" of an object that still exists, can get past that object's own checks."""

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from triage.models import RedFlag, SafetyChangeProposal, Vignette

from .factories import ArticleFactory, signed_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def fever_raised():
    """Fever saved as urgent (its first version), then raised to an emergency."""
    fever = RedFlag.objects.get(slug="fever")
    urgent = Version.objects.get_for_object(fever).earliest("pk")
    Vignette.objects.filter(
        pk__in=[v.pk for v in Vignette.objects.all() if v.answers.get("fever") == "yes"]
    ).update(expected="emergency")
    with reversion.create_revision():
        fever.level = "emergency"
        fever.save()
    return fever, urgent


def level(red_flag):
    red_flag.refresh_from_db()
    return red_flag.level, red_flag.question.disposition


def test_recovering_a_live_red_flag_from_an_old_version_is_refused(clinician_client, fever_raised):
    fever, urgent = fever_raised
    url = reverse("admin:triage_redflag_recover", args=[urgent.pk])

    assert clinician_client.get(url).status_code == 403
    assert clinician_client.post(url, {}).status_code == 403
    assert level(fever) == ("emergency", "emergency")


def test_another_models_history_page_cannot_restore_a_red_flag(clinician_client, fever_raised):
    fever, urgent = fever_raised
    vignette = Vignette.objects.order_by("pk")[0]
    url = reverse("admin:triage_vignette_revision", args=[vignette.pk, urgent.pk])

    assert clinician_client.get(url).status_code == 404
    assert level(fever) == ("emergency", "emergency")


def test_an_editor_cannot_recover_a_red_flag_through_the_articles_pages(client, fever_raised):
    editor_client = signed_in_as(client, "Editor")
    fever, urgent = fever_raised
    ArticleFactory(pk=int(urgent.object_id), status="draft")
    url = reverse("admin:articles_article_recover", args=[urgent.pk])

    assert editor_client.post(url, {}).status_code == 404
    assert level(fever) == ("emergency", "emergency")


def test_a_red_flags_own_history_still_offers_the_older_level_as_a_proposal(
    clinician_client, fever_raised
):
    fever, urgent = fever_raised
    url = reverse("admin:triage_redflag_revision", args=[fever.pk, urgent.pk])

    assert clinician_client.get(url).status_code == 200
    assert not SafetyChangeProposal.objects.exists()
    assert level(fever) == ("emergency", "emergency")
