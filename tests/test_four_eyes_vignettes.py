"""Four eyes for the safety test cases: one clinician cannot delete one or change what it
checks; a second clinician's approval does it; and the last test case of a red flag stays."""

import pytest
from django.urls import reverse
from reversion.models import Version

from triage.four_eyes import NOT_CHANGED_YET, covers
from triage.models import RedFlag, SafetyChangeProposal, Vignette

from .admin_forms import change_url, submit_admin_page
from .factories import ClinicianFactory, EditorFactory, UserFactory
from .four_eyes_helpers import approve, page_messages, signed_in
from .triage_rules import vignettes_with

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:triage_vignette_changelist")
PROPOSALS = reverse("admin:triage_safetychangeproposal_changelist")


def vignette_rows():
    return list(Vignette.objects.order_by("pk").values())


def covering(red_flag):
    return [
        vignette
        for vignette in Vignette.objects.all()
        if covers(vignette.answers, vignette.expected, red_flag)
    ]


def delete_through_admin(client, vignette, reason="A duplicate of another case."):
    url = reverse("admin:triage_vignette_delete", args=[vignette.pk])
    return client.post(url, {"post": "yes", "reason": reason}, follow=True)


def propose_deleting_selected(client, vignettes, reason="Clearing out old cases."):
    selected = {
        "action": "propose_deleting_selected",
        "_selected_action": [v.pk for v in vignettes],
    }
    confirmation = client.post(CHANGELIST, selected | {"index": "0"})
    assert confirmation.status_code == 200
    return client.post(CHANGELIST, selected | {"post": "yes", "reason": reason}, follow=True)


@pytest.fixture
def saddle_cases():
    """The two test cases that check saddle numbness: either may go, not both."""
    red_flag = RedFlag.objects.get(slug="saddle_numbness")
    cases = covering(red_flag)
    assert len(cases) == 2
    return cases


# One clinician alone


def test_one_clinician_cannot_delete_a_test_case(clinician_client, clinician, saddle_cases):
    before = vignette_rows()
    vignette = saddle_cases[0]

    confirmation = clinician_client.get(reverse("admin:triage_vignette_delete", args=[vignette.pk]))
    response = delete_through_admin(clinician_client, vignette)

    assert "second clinician approves it" in confirmation.content.decode()
    assert NOT_CHANGED_YET in page_messages(response)
    assert vignette_rows() == before
    [proposal] = SafetyChangeProposal.objects.pending()
    assert proposal.kind == SafetyChangeProposal.Kind.DELETE_VIGNETTE
    assert proposal.target == vignette
    assert proposal.proposed_by == clinician
    assert proposal.reason == "A duplicate of another case."


def test_deleting_asks_why(clinician_client, saddle_cases):
    response = delete_through_admin(clinician_client, saddle_cases[0], reason="")

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not SafetyChangeProposal.objects.exists()


def test_the_bulk_delete_action_is_replaced_by_proposing(clinician_client, saddle_cases):
    before = vignette_rows()
    changelist = clinician_client.get(CHANGELIST)
    actions = [name for name, _ in changelist.context["action_form"].fields["action"].choices]

    response = propose_deleting_selected(clinician_client, saddle_cases)

    assert "delete_selected" not in actions
    assert "propose_deleting_selected" in actions
    assert NOT_CHANGED_YET in page_messages(response)
    assert vignette_rows() == before
    proposals = SafetyChangeProposal.objects.pending()
    assert {proposal.target for proposal in proposals} == set(saddle_cases)


def test_one_clinician_cannot_change_what_a_test_case_expects(clinician_client):
    before = vignette_rows()
    [name] = vignettes_with(fever="yes", stops_daily_life="yes")
    vignette = Vignette.objects.get(name=name)

    response = submit_admin_page(
        clinician_client,
        change_url(vignette),
        {"expected": "gp", "note": "Reworded note.", "safety_reason": "Fever is milder."},
        follow=True,
    )

    assert NOT_CHANGED_YET + " Your other changes are saved." in page_messages(response)
    vignette.refresh_from_db()
    assert vignette.expected == "urgent"
    assert vignette.note == "Reworded note."  # wording is made at once
    [proposal] = SafetyChangeProposal.objects.pending()
    assert proposal.changes == {"expected": {"from": "urgent", "to": "gp"}}
    assert [row for row in vignette_rows() if row["id"] != vignette.pk] == [
        row for row in before if row["id"] != vignette.pk
    ]


def test_one_clinician_cannot_change_a_test_cases_answers(clinician_client, saddle_cases):
    vignette = saddle_cases[0]
    answers = dict(vignette.answers)

    submit_admin_page(
        clinician_client,
        change_url(vignette),
        {"answer_saddle_numbness": "no", "safety_reason": "Typo."},
    )

    vignette.refresh_from_db()
    assert vignette.answers == answers
    [proposal] = SafetyChangeProposal.objects.pending()
    assert proposal.changes["answers"]["to"]["saddle_numbness"] == "no"


def test_a_change_that_waits_needs_a_reason(clinician_client, saddle_cases):
    response = submit_admin_page(
        clinician_client, change_url(saddle_cases[0]), {"expected": "urgent"}
    )

    assert response.status_code == 200
    assert "safety_reason" in response.context["adminform"].form.errors
    assert not SafetyChangeProposal.objects.exists()


def test_renaming_a_test_case_is_made_at_once(clinician_client, saddle_cases):
    response = submit_admin_page(
        clinician_client, change_url(saddle_cases[0]), {"name": "Numb saddle area alone"}
    )

    assert response.status_code == 302
    assert Vignette.objects.filter(name="Numb saddle area alone").exists()
    assert not SafetyChangeProposal.objects.exists()


# Two clinicians


def test_a_second_clinician_approves_a_deletion_and_history_names_both(
    clinician_client, clinician, saddle_cases
):
    vignette = saddle_cases[0]
    delete_through_admin(clinician_client, vignette)
    [proposal] = SafetyChangeProposal.objects.pending()
    approver = ClinicianFactory()

    response = approve(signed_in(approver), proposal)

    assert f"Approved and made: {proposal}." in page_messages(response)
    assert not Vignette.objects.filter(pk=vignette.pk).exists()
    proposal.refresh_from_db()
    assert proposal.state == SafetyChangeProposal.State.APPROVED
    assert proposal.decided_by == approver
    last = Version.objects.get_for_object_reference(Vignette, vignette.pk).latest("pk")
    comment = last.revision.get_comment()
    assert clinician.get_full_name() in comment
    assert approver.get_full_name() in comment
    assert last.revision.user == approver


def test_a_second_clinician_approves_a_new_expected_result(clinician_client, second_clinician):
    [name] = vignettes_with(fever="yes", stops_daily_life="yes")
    vignette = Vignette.objects.get(name=name)
    submit_admin_page(
        clinician_client,
        change_url(vignette),
        {"expected": "emergency", "safety_reason": "Fever is to become an emergency."},
    )
    [proposal] = SafetyChangeProposal.objects.pending()

    response = approve(second_clinician, proposal)

    vignette.refresh_from_db()
    assert vignette.expected == "emergency"
    assert any("now fails with the current questions" in m for m in page_messages(response))


def test_the_proposer_cannot_approve_their_own_change(clinician_client, saddle_cases):
    delete_through_admin(clinician_client, saddle_cases[0])
    [proposal] = SafetyChangeProposal.objects.pending()

    page = clinician_client.get(
        reverse("admin:triage_safetychangeproposal_change", args=[proposal.pk])
    )
    response = approve(clinician_client, proposal)

    assert "a different clinician must approve it" in page.content.decode()
    assert "Approve and make this change" not in page.content.decode()
    assert any("a different clinician must approve it" in m for m in page_messages(response))
    assert Vignette.objects.filter(pk=saddle_cases[0].pk).exists()
    assert SafetyChangeProposal.objects.get().is_pending


def test_a_superuser_cannot_approve_their_own_change(saddle_cases):
    superuser = signed_in(UserFactory(is_staff=True, is_superuser=True))
    delete_through_admin(superuser, saddle_cases[0])
    [proposal] = SafetyChangeProposal.objects.pending()

    approve(superuser, proposal)
    changelist = reverse("admin:triage_safetychangeproposal_changelist")
    superuser.post(changelist, {"action": "approve_selected", "_selected_action": [proposal.pk]})

    assert Vignette.objects.filter(pk=saddle_cases[0].pk).exists()
    assert SafetyChangeProposal.objects.get().is_pending


def test_rejecting_keeps_the_test_case(clinician_client, second_clinician, saddle_cases):
    delete_through_admin(clinician_client, saddle_cases[0])
    [proposal] = SafetyChangeProposal.objects.pending()

    url = reverse("admin:triage_safetychangeproposal_reject", args=[proposal.pk])
    second_clinician.post(url)

    assert Vignette.objects.filter(pk=saddle_cases[0].pk).exists()
    assert SafetyChangeProposal.objects.get().state == SafetyChangeProposal.State.REJECTED


def test_an_editor_cannot_approve(clinician_client, saddle_cases):
    delete_through_admin(clinician_client, saddle_cases[0])
    [proposal] = SafetyChangeProposal.objects.pending()

    response = signed_in(EditorFactory()).post(
        reverse("admin:triage_safetychangeproposal_approve", args=[proposal.pk])
    )

    assert response.status_code == 403
    assert Vignette.objects.filter(pk=saddle_cases[0].pk).exists()


# The last test case of a red flag


def test_the_last_test_case_of_a_red_flag_cannot_be_proposed_for_deletion(clinician_client):
    red_flag = RedFlag.objects.get(slug="fever")
    [name] = [v.name for v in covering(red_flag) if v.answers == {"fever": "yes"}]
    others = [v for v in covering(red_flag) if v.name != name]
    Vignette.objects.filter(pk__in=[v.pk for v in others]).delete()
    last = Vignette.objects.get(name=name)

    page = clinician_client.get(reverse("admin:triage_vignette_delete", args=[last.pk]))
    delete_through_admin(clinician_client, last)

    assert "is the last safety test case that checks the red flag" in page.content.decode()
    assert 'value="Propose deleting"' not in page.content.decode()
    assert not SafetyChangeProposal.objects.exists()
    assert Vignette.objects.filter(pk=last.pk, expected="urgent").exists()


def test_the_last_test_case_of_a_red_flag_may_change_its_expected_result_with_approval(
    clinician_client,
):
    """It still asks about the red flag, so it still covers it: lowering a red flag takes
    two approved steps, its test cases first, then the red flag."""
    red_flag = RedFlag.objects.get(slug="fever")
    [name] = [v.name for v in covering(red_flag) if v.answers == {"fever": "yes"}]
    Vignette.objects.filter(pk__in=[v.pk for v in covering(red_flag) if v.name != name]).delete()
    last = Vignette.objects.get(name=name)

    submit_admin_page(
        clinician_client, change_url(last), {"expected": "gp", "safety_reason": "Milder."}
    )

    assert SafetyChangeProposal.objects.pending().count() == 1
    assert Vignette.objects.filter(pk=last.pk, expected="urgent").exists()


def test_bulk_deleting_every_test_case_never_removes_the_last_of_a_red_flag(clinician_client):
    red_flags = list(RedFlag.objects.filter(active=True, question__isnull=False))
    everything = list(Vignette.objects.all())

    propose_deleting_selected(clinician_client, everything)
    proposals = SafetyChangeProposal.objects.pending()
    second = signed_in(ClinicianFactory())
    response = second.post(
        PROPOSALS,
        {"action": "approve_selected", "_selected_action": [p.pk for p in proposals]},
        follow=True,
    )

    assert 0 < len(proposals) < len(everything)  # the only case of a red flag: not proposed
    assert Vignette.objects.count() < len(everything)  # the others went
    assert any("is the last safety test case" in m for m in page_messages(response))
    for red_flag in red_flags:
        assert covering(red_flag), red_flag


def test_approving_a_deletion_that_is_no_longer_safe_is_refused(
    clinician_client, second_clinician, saddle_cases
):
    first, second = saddle_cases
    propose_deleting_selected(clinician_client, saddle_cases)
    proposals = {p.target: p for p in SafetyChangeProposal.objects.pending()}
    approve(second_clinician, proposals[first])

    response = approve(second_clinician, proposals[second])

    assert any(
        f"“{second}” is the last safety test case that checks the red flag" in message
        for message in page_messages(response)
    )
    assert Vignette.objects.filter(pk=second.pk).exists()
    assert SafetyChangeProposal.objects.get(pk=proposals[second].pk).is_pending


def test_a_second_proposal_for_the_same_test_case_waits_for_the_first(
    clinician_client, saddle_cases
):
    delete_through_admin(clinician_client, saddle_cases[0])

    response = submit_admin_page(
        clinician_client,
        change_url(saddle_cases[0]),
        {"expected": "urgent", "safety_reason": "Milder."},
    )

    assert "already waiting for a second clinician" in str(
        response.context["adminform"].form.errors
    )
    assert SafetyChangeProposal.objects.count() == 1
