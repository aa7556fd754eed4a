"""Four eyes for red flags: one clinician cannot switch off or lower a red flag, or stop
asking a red-flag question; a second clinician's approval does it, after checking again."""

import pytest
from django.core.exceptions import ValidationError
from reversion.models import Version

from articles.models import Topic
from triage.advice import advice_for_text
from triage.four_eyes import NOT_CHANGED_YET
from triage.models import Question, RedFlag, SafetyChangeProposal, Vignette

from .admin_forms import admin_url, change_form_data, change_url, submit_admin_page
from .factories import TopicFactory
from .four_eyes_helpers import approve, page_messages
from .triage_rules import question

pytestmark = pytest.mark.django_db

REASON = {"safety_reason": "NICE changed its advice."}


def red_flag_state(red_flag):
    red_flag.refresh_from_db()
    red_flag.question.refresh_from_db()
    return red_flag.level, red_flag.active, red_flag.question.disposition, red_flag.question.active


def switched_off(client, obj, **changes):
    """Open the change page, untick "active" as a person would, and save."""
    url = change_url(obj)
    data = change_form_data(client.get(url)) | changes
    del data["active"]
    return client.post(url, data, follow=True)


@pytest.fixture
def numb_foot():
    """A red flag a clinician added, with no safety test case depending on it yet."""
    asks = Question.objects.create(
        slug="numb_foot",
        text="Is one of your feet numb?",
        said="one of your feet is numb",
        group=Question.Group.URGENT_SIGNS,
        disposition="urgent",
    )
    return RedFlag.objects.create(
        topic=Topic.objects.get(slug="back-pain"),
        slug="numb_foot",
        level="urgent",
        noticed="a numb foot",
        phrases="numb foot",
        question=asks,
    )


# One clinician alone


def test_one_clinician_cannot_lower_a_red_flag(clinician_client, clinician, numb_foot):
    url = change_url(numb_foot)
    response = submit_admin_page(clinician_client, url, {"level": "gp", **REASON}, follow=True)

    assert NOT_CHANGED_YET in page_messages(response)
    assert red_flag_state(numb_foot) == ("urgent", True, "urgent", True)
    [proposal] = SafetyChangeProposal.objects.pending()
    assert proposal.kind == SafetyChangeProposal.Kind.WEAKEN_RED_FLAG
    assert proposal.changes == {"level": {"from": "urgent", "to": "gp"}}
    assert proposal.proposed_by == clinician
    assert str(proposal) == "Lower the red flag “a numb foot” to “See a GP or physiotherapist”"


def test_one_clinician_cannot_switch_off_a_red_flag(clinician_client, numb_foot):
    response = switched_off(
        clinician_client, numb_foot, noticed="a numb or tingling foot", **REASON
    )

    assert NOT_CHANGED_YET + " Your other changes are saved." in page_messages(response)
    assert red_flag_state(numb_foot) == ("urgent", True, "urgent", True)
    assert numb_foot.noticed == "a numb or tingling foot"
    [proposal] = SafetyChangeProposal.objects.pending()
    assert proposal.changes == {"active": {"from": True, "to": False}}


def test_one_clinician_cannot_stop_asking_a_red_flag_question(clinician_client, numb_foot):
    response = switched_off(clinician_client, numb_foot.question, **REASON)

    assert NOT_CHANGED_YET in page_messages(response)
    assert red_flag_state(numb_foot) == ("urgent", True, "urgent", True)
    [proposal] = SafetyChangeProposal.objects.pending()
    assert proposal.kind == SafetyChangeProposal.Kind.WEAKEN_QUESTION
    assert proposal.target == numb_foot.question


def test_an_urgent_question_without_a_red_flag_is_guarded_too(clinician_client, numb_foot):
    asks = numb_foot.question
    numb_foot.delete()

    submit_admin_page(clinician_client, change_url(asks), {"disposition": "gp", **REASON})

    assert question("numb_foot").disposition == "urgent"
    [proposal] = SafetyChangeProposal.objects.pending()
    assert proposal.changes == {"disposition": {"from": "urgent", "to": "gp"}}


def test_switching_off_a_shipped_red_flag_is_refused_by_its_test_cases(clinician_client):
    saddle = RedFlag.objects.get(slug="saddle_numbness")

    response = switched_off(clinician_client, saddle, **REASON)

    assert "safety test case(s) fail" in response.content.decode()
    assert red_flag_state(saddle) == ("emergency", True, "emergency", True)
    assert not SafetyChangeProposal.objects.exists()


def test_raising_and_switching_back_on_are_made_at_once(clinician_client, numb_foot):
    RedFlag.objects.filter(pk=numb_foot.pk).update(active=False)
    url = change_url(numb_foot)

    response = submit_admin_page(clinician_client, url, {"level": "emergency", "active": "on"})

    assert response.status_code == 302
    assert red_flag_state(numb_foot)[:3] == ("emergency", True, "emergency")
    assert not SafetyChangeProposal.objects.exists()


# Two clinicians


def test_a_second_clinician_approves_lowering(
    clinician_client, clinician, second_clinician, numb_foot
):
    submit_admin_page(clinician_client, change_url(numb_foot), {"level": "gp", **REASON})
    [proposal] = SafetyChangeProposal.objects.pending()

    response = approve(second_clinician, proposal)

    assert f"Approved and made: {proposal}." in page_messages(response)
    assert red_flag_state(numb_foot) == ("gp", True, "gp", True)
    latest = Version.objects.get_for_object(numb_foot).latest("pk")
    assert clinician.get_full_name() in latest.revision.get_comment()
    assert latest.field_dict["level"] == "gp"
    history = second_clinician.get(admin_url(numb_foot, "history")).content.decode()
    assert "approved by" in history


def test_a_second_clinician_approves_switching_off(clinician_client, second_clinician, numb_foot):
    switched_off(clinician_client, numb_foot, **REASON)

    approve(second_clinician, SafetyChangeProposal.objects.get())

    assert red_flag_state(numb_foot) == ("urgent", False, "urgent", False)


def test_a_second_clinician_approves_no_longer_asking(
    clinician_client, second_clinician, numb_foot
):
    switched_off(clinician_client, numb_foot.question, **REASON)

    approve(second_clinician, SafetyChangeProposal.objects.get())

    assert red_flag_state(numb_foot) == ("urgent", True, "urgent", False)
    assert "numb_foot" not in [rule.slug for rule in Question.objects.rules()]


def test_the_proposer_cannot_approve_switching_off(clinician_client, numb_foot):
    switched_off(clinician_client, numb_foot, **REASON)

    response = approve(clinician_client, SafetyChangeProposal.objects.get())

    assert any("a different clinician must approve it" in m for m in page_messages(response))
    assert red_flag_state(numb_foot) == ("urgent", True, "urgent", True)


def test_approval_is_refused_when_a_test_case_now_depends_on_the_red_flag(
    clinician_client, second_clinician, numb_foot
):
    switched_off(clinician_client, numb_foot, **REASON)
    Vignette.objects.create(name="Numb foot alone", answers={"numb_foot": "yes"}, expected="urgent")

    response = approve(second_clinician, SafetyChangeProposal.objects.get())

    assert any("“Numb foot alone”" in m and "fail" in m for m in page_messages(response))
    assert red_flag_state(numb_foot) == ("urgent", True, "urgent", True)
    assert SafetyChangeProposal.objects.get().is_pending


def test_approval_is_refused_when_the_red_flag_changed_since(
    clinician_client, second_clinician, numb_foot
):
    url = change_url(numb_foot)
    submit_admin_page(clinician_client, url, {"level": "gp", **REASON})
    submit_admin_page(second_clinician, url, {"level": "emergency"})  # raising: made at once

    response = approve(second_clinician, SafetyChangeProposal.objects.get())

    assert any("has changed since this was proposed" in m for m in page_messages(response))
    assert red_flag_state(numb_foot)[0] == "emergency"


def test_restoring_an_older_lower_level_waits_for_approval(clinician_client, numb_foot):
    url = change_url(numb_foot)
    submit_admin_page(clinician_client, url)  # a version at "urgent"
    submit_admin_page(clinician_client, url, {"level": "emergency"})
    urgent = Version.objects.get_for_object(numb_foot).filter(serialized_data__contains='"urgent"')
    version = urgent.latest("pk")

    response = submit_admin_page(
        clinician_client, admin_url(numb_foot, "revision", version.pk), REASON, follow=True
    )

    assert NOT_CHANGED_YET in page_messages(response)
    assert red_flag_state(numb_foot)[0] == "emergency"
    [proposal] = SafetyChangeProposal.objects.pending()
    assert proposal.changes == {"level": {"from": "emergency", "to": "urgent"}}


def test_two_clinicians_lower_a_shipped_red_flag_test_cases_first(
    clinician_client, second_clinician
):
    """Fever's test cases expect urgent advice: they are changed first (each approved), then
    the red flag; at no point is fever left without a test case that asks about it."""
    fever = RedFlag.objects.get(slug="fever")
    cases = [v for v in Vignette.objects.all() if v.answers.get("fever") == "yes"]
    assert cases
    for case in cases:
        expected = "gp" if case.expected == "urgent" else case.expected
        submit_admin_page(clinician_client, change_url(case), {"expected": expected, **REASON})
    for proposal in SafetyChangeProposal.objects.pending():
        approve(second_clinician, proposal)
    submit_admin_page(clinician_client, change_url(fever), {"level": "gp", **REASON})
    assert red_flag_state(fever)[0] == "urgent"  # one clinician alone: not yet

    [proposal] = SafetyChangeProposal.objects.pending()
    approve(second_clinician, proposal)

    assert red_flag_state(fever) == ("gp", True, "gp", True)
    assert all(Vignette.objects.get(pk=case.pk).passes(Question.objects.rules()) for case in cases)


# Taking a red flag out of a channel is weakening it too


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda flag: {"phrases": "zzqx"}, id="phrases-replaced"),
        pytest.param(lambda flag: {"topic": TopicFactory(slug="elsewhere").pk}, id="topic"),
        pytest.param(lambda flag: {"question": ""}, id="question-unlinked"),
    ],
)
def test_one_clinician_cannot_take_a_red_flag_out_of_a_channel(clinician_client, change):
    saddle = RedFlag.objects.get(slug="saddle_numbness")
    before = RedFlag.objects.filter(pk=saddle.pk).values().get()

    response = submit_admin_page(clinician_client, change_url(saddle), change(saddle) | REASON)

    assert RedFlag.objects.filter(pk=saddle.pk).values().get() == before
    # Held back for a second clinician, or refused outright (an emergency red flag needs its
    # question); never made by one.
    assert SafetyChangeProposal.objects.pending().exists() or response.status_code == 200
    assert advice_for_text("I have a numb bum") is not None


def test_a_new_red_flag_cannot_lower_the_question_it_links(clinician_client, numb_foot):
    RedFlag.objects.filter(pk=numb_foot.pk).update(question=None)
    gp_flag = RedFlag(
        topic=numb_foot.topic,
        slug="foot",
        level="gp",
        noticed="a foot",
        question=numb_foot.question,
    )

    with pytest.raises(ValidationError, match="more urgent advice"):
        gp_flag.full_clean()


def test_an_emergency_red_flag_needs_its_checker_question():
    flag = RedFlag(
        topic=Topic.objects.get(slug="back-pain"),
        slug="new_sign",
        level="emergency",
        noticed="a new sign",
        phrases="new sign",
    )

    with pytest.raises(ValidationError, match="needs its checker question"):
        flag.full_clean()


def test_a_red_flag_switched_on_again_is_asked_again():
    saddle = RedFlag.objects.get(slug="saddle_numbness")
    Vignette.objects.filter(
        pk__in=[v.pk for v in Vignette.objects.all() if "saddle_numbness" in v.answers]
    ).delete()
    saddle.active = False
    saddle.save()
    assert red_flag_state(saddle)[1:] == (False, "emergency", False)

    saddle.active = True
    saddle.save()

    assert red_flag_state(saddle) == ("emergency", True, "emergency", True)
