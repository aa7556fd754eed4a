"""Safety changes waiting for a second clinician are on the admin dashboard, and each has a
page that says what would change, why, and lets another clinician decide."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from triage.models import SafetyChangeProposal, Vignette

from .admin_forms import change_url, submit_admin_page
from .factories import ClinicianFactory, EditorFactory
from .four_eyes_helpers import signed_in
from .triage_rules import vignettes_with

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


@pytest.fixture
def proposal(clinician_client):
    """A clinician's proposal to make "Fever plus routine answers" expect a GP visit."""
    [name] = vignettes_with(fever="yes", stops_daily_life="yes")
    vignette = Vignette.objects.get(name=name)
    submit_admin_page(
        clinician_client,
        change_url(vignette),
        {"expected": "gp", "safety_reason": "Fever with a long history is less urgent."},
    )
    return SafetyChangeProposal.objects.get()


def proposal_url(proposal):
    return reverse("admin:triage_safetychangeproposal_change", args=[proposal.pk])


def test_the_dashboard_lists_pending_safety_changes_above_the_apps(proposal):
    html = signed_in(ClinicianFactory()).get(INDEX).content.decode()

    assert "Safety changes waiting for a second clinician" in html
    assert "<strong>1</strong> safety change waiting for approval" in html
    assert f'href="{proposal_url(proposal)}"' in html
    assert "?state__exact=pending" in html
    assert html.index("Safety changes waiting") < html.index('id="content-main"')
    assert "Clinical reviews" in html  # what the dashboard showed before stays


def test_the_proposer_sees_that_someone_else_must_approve(clinician_client, proposal):
    html = clinician_client.get(INDEX).content.decode()

    assert "(you: another clinician must approve it)" in html


def test_decided_changes_leave_the_dashboard(proposal):
    second = signed_in(ClinicianFactory())
    second.post(reverse("admin:triage_safetychangeproposal_reject", args=[proposal.pk]))

    html = second.get(INDEX).content.decode()

    assert "No safety change is waiting for approval." in html


def test_editors_do_not_see_safety_changes(proposal):
    html = signed_in(EditorFactory()).get(INDEX).content.decode()

    assert "Safety changes waiting" not in html


def test_the_proposal_page_says_what_would_change_and_why(proposal):
    response = signed_in(ClinicianFactory()).get(proposal_url(proposal))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Fever with a long history is less urgent." in html
    assert "Urgent: get help today → <strong>See a GP or physiotherapist</strong>" in html
    assert "Approve and make this change" in html
    assert "Reject: change nothing" in html
    assert 'value="Save"' not in html


def test_proposals_are_neither_added_nor_deleted_by_hand(proposal):
    second = signed_in(ClinicianFactory())
    delete = reverse("admin:triage_safetychangeproposal_delete", args=[proposal.pk])

    assert second.get(reverse("admin:triage_safetychangeproposal_add")).status_code == 403
    assert second.post(delete, {"post": "yes"}).status_code == 403
    assert SafetyChangeProposal.objects.filter(pk=proposal.pk).exists()


def test_approving_needs_a_post(proposal):
    url = reverse("admin:triage_safetychangeproposal_approve", args=[proposal.pk])

    assert signed_in(ClinicianFactory()).get(url).status_code == 405
    assert SafetyChangeProposal.objects.get().is_pending


def test_clinicians_may_see_and_decide_proposals():
    codenames = set(
        Group.objects.get(name="Clinician")
        .permissions.filter(content_type__model="safetychangeproposal")
        .values_list("codename", flat=True)
    )

    assert codenames == {"view_safetychangeproposal", "change_safetychangeproposal"}
