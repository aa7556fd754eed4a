"""Four eyes for safety: a change that weakens the safety net waits for a second clinician.

Weakening means deleting a safety test case, changing what one checks (its answers or its
expected advice), switching off or lowering a red flag, moving it to another topic (off
this topic's care cards), unlinking or changing its checker question, or removing any of
its phrases (comments and searches no longer find it), and no longer asking, or lowering,
a red-flag question. Everything else (new test cases, a more urgent level, new wording) is
made at once. The safety checks run when a change is proposed and again when it is
approved, because the rules may have changed in between.
"""

import copy

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.roles import staff_name

from .engine import Disposition
from .models import (
    RED_FLAG_DISPOSITIONS,
    Question,
    RedFlag,
    SafetyChangeProposal,
    Vignette,
    phrases_of,
)

Kind = SafetyChangeProposal.Kind

NOT_CHANGED_YET = (
    "Not changed yet: a second clinician must approve this safety change. It is listed on "
    "the dashboard."
)

# The fields whose change can weaken the safety net, and the kind of proposal it makes.
GUARDED_FIELDS = {
    Vignette: ("expected", "answers"),
    RedFlag: ("level", "active", "topic_id", "question_id", "phrases"),
    Question: ("disposition", "active"),
}
CHANGE_KINDS = {
    Vignette: Kind.CHANGE_VIGNETTE,
    RedFlag: Kind.WEAKEN_RED_FLAG,
    Question: Kind.WEAKEN_QUESTION,
}


def snapshot(obj):
    """The guarded values of `obj` as they are now, to compare an edited copy with."""
    return {field: copy.deepcopy(getattr(obj, field)) for field in GUARDED_FIELDS[type(obj)]}


def held_back(live, obj):
    """The changes from `live` (a snapshot) to `obj` that need a second clinician, as
    {field: {"from": live value, "to": new value}}."""
    model = type(obj)
    if model is Vignette:
        weakened = [field for field in GUARDED_FIELDS[model] if getattr(obj, field) != live[field]]
    elif model is RedFlag or _asks_about_a_red_flag(obj, live):
        level, active, *links = GUARDED_FIELDS[model]
        weakened = [level] if _less_urgent(getattr(obj, level), live[level]) else []
        if live[active] and not getattr(obj, active):
            weakened.append(active)
        if model is RedFlag:
            weakened += [field for field in links if _red_flag_link_weakened(field, live, obj)]
    else:
        weakened = []
    return {field: {"from": live[field], "to": getattr(obj, field)} for field in weakened}


def _asks_about_a_red_flag(question, live):
    return (
        Disposition(live["disposition"]) in RED_FLAG_DISPOSITIONS
        or RedFlag.objects.filter(question_id=question.pk).exists()
    )


def _red_flag_link_weakened(field, live, red_flag):
    """A red flag leaves a channel: another topic's care cards, no (or another) checker
    question, or fewer phrases for comments and searches. Adding phrases is not weakening."""
    now = getattr(red_flag, field)
    if field == "phrases":
        return not set(phrases_of(live[field])) <= set(phrases_of(now))
    if field == "question_id":
        return live[field] is not None and now != live[field]
    return now != live[field]


def _less_urgent(level, than):
    return Disposition(level).urgency < Disposition(than).urgency


def covers(answers, expected, red_flag):
    """Whether a test case checks a red flag: its answers say yes to (or reach the weeks
    threshold of) the red flag's checker question.

    What it expects does not matter here: changing that is a safety change of its own,
    approved by a second clinician. So two clinicians can lower a red flag: first its test
    cases' expected advice, then the red flag, each approved in turn; and no approval can
    leave a red flag with no test case that asks about it.
    """
    rule = red_flag.question.as_rule()
    return rule.fires(answers.get(rule.slug))


def check_keeps_red_flags_covered(vignette, live, after=None):
    """Refuse to delete (`after` None) or change the last test case of an active red flag.

    `live` and `after` are the test case's answers and expected advice, now and after."""
    red_flags = RedFlag.objects.filter(active=True, question__isnull=False)
    others = list(Vignette.objects.exclude(pk=vignette.pk).values_list("answers", "expected"))
    for red_flag in red_flags.select_related("question"):
        if not covers(live["answers"], live["expected"], red_flag):
            continue
        if after is not None and covers(after["answers"], after["expected"], red_flag):
            continue
        if not any(covers(answers, expected, red_flag) for answers, expected in others):
            raise ValidationError(
                f"Not allowed: “{vignette}” is the last safety test case that checks the red "
                f"flag “{red_flag}” ({red_flag.disposition.label.lower()}). Add another test "
                "case that checks it first."
            )


def check_can_propose(target, kind, changes, live):
    pending = SafetyChangeProposal.objects.pending().filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    )
    if pending.exists():
        raise ValidationError(
            f"A safety change to “{target}” is already waiting for a second clinician: it "
            "must be approved or rejected first."
        )
    if kind == Kind.DELETE_VIGNETTE:
        check_keeps_red_flags_covered(target, live)
    elif kind == Kind.CHANGE_VIGNETTE:
        after = live | {field: change["to"] for field, change in changes.items()}
        check_keeps_red_flags_covered(target, live, after)


@transaction.atomic
def propose(target, kind, changes, reason, user, live):
    """Record the change for a second clinician instead of making it."""
    check_can_propose(target, kind, changes, live)
    return SafetyChangeProposal.objects.create(
        kind=kind,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        target_name=str(target)[:300],
        changes=changes,
        reason=reason,
        proposed_by=user,
    )


def approval_permission(proposal):
    model = proposal.content_type.model_class()
    action = "delete" if proposal.kind == Kind.DELETE_VIGNETTE else "change"
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def check_can_approve(proposal, user):
    """Only a different person, who may make the change, approves it: a superuser too."""
    if proposal.proposed_by_id == user.pk:
        raise ValidationError("You proposed this change, so a different clinician must approve it.")
    if not user.has_perms(["triage.change_safetychangeproposal", approval_permission(proposal)]):
        raise ValidationError("Only a clinician who may make this change can approve it.")


@transaction.atomic
def approve(proposal, user):
    """Check the change again against the live rules and make it, in History under both
    names. Returns notes for the approver; raises ValidationError if refused."""
    proposal = _pending(proposal)
    check_can_approve(proposal, user)
    # One approval at a time: two that are each safe alone (deleting each of a red flag's
    # two test cases) must not both go through.
    list(RedFlag.objects.select_for_update().filter(active=True).values_list("pk"))
    model = proposal.content_type.model_class()
    target = model._default_manager.select_for_update().filter(pk=proposal.object_id).first()
    if target is None:
        raise ValidationError(f"Not approved: “{proposal.target_name}” no longer exists.")
    if any(getattr(target, field) != change["from"] for field, change in proposal.changes.items()):
        raise ValidationError(
            f"Not approved: “{target}” has changed since this was proposed. Reject this "
            "proposal, and propose the change again if it is still needed."
        )
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(
            f"{proposal}: proposed by {staff_name(proposal.proposed_by)}, "
            f"approved by {staff_name(user)}."
        )
        notes = _make(proposal, target)
    if proposal.kind == Kind.DELETE_VIGNETTE:
        # Only now: History records versions of objects that exist when the block ends.
        target.delete()
    _decide(proposal, user, SafetyChangeProposal.State.APPROVED)
    return notes


def _make(proposal, target):
    live = snapshot(target)
    if proposal.kind == Kind.DELETE_VIGNETTE:
        check_keeps_red_flags_covered(target, live)
        reversion.add_to_revision(target)  # its last version: History can bring it back
        return []
    for field, change in proposal.changes.items():
        setattr(target, field, change["to"])
    if proposal.kind == Kind.CHANGE_VIGNETTE:
        check_keeps_red_flags_covered(target, live, snapshot(target))
        target.save()
        outcome = target.outcome(Question.objects.rules())
        if outcome.disposition != target.expected:
            return [
                f"“{target}” now fails with the current questions: it expects "
                f"“{Disposition(target.expected).label}” and the checker gives "
                f"“{outcome.disposition.label}”."
            ]
        return []
    target.full_clean()  # the red flag's or question's own checks, vignettes included
    target.save()
    return []


@transaction.atomic
def reject(proposal, user):
    """Nothing changes. The proposer may withdraw their own proposal this way."""
    _decide(_pending(proposal), user, SafetyChangeProposal.State.REJECTED)


def _pending(proposal):
    proposal = SafetyChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_pending:
        raise ValidationError(f"This proposal was already decided: {proposal.get_state_display()}.")
    return proposal


def _decide(proposal, user, state):
    proposal.state = state
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
