"""Safety changes that wait for a second clinician: the proposal model.

Kept out of models.py (which imports it, so Django finds it) to keep that file readable.
What counts as a safety change, and how one is approved, is in `four_eyes.py`.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .engine import Disposition


class SafetyChangeProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=SafetyChangeProposal.State.PENDING)


class SafetyChangeProposal(models.Model):
    """A change that weakens the safety net, recorded instead of made.

    `changes` maps each field to its value when proposed and the value proposed:
    {"active": {"from": true, "to": false}}. A deletion has no changes.
    """

    class Kind(models.TextChoices):
        DELETE_VIGNETTE = "delete_vignette", "Delete a safety test case"
        CHANGE_VIGNETTE = "change_vignette", "Change what a safety test case checks"
        WEAKEN_RED_FLAG = "weaken_red_flag", "Switch off or lower a red flag"
        WEAKEN_QUESTION = "weaken_question", "Stop asking or lower a red-flag question"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a second clinician"
        APPROVED = "approved", "Approved and made"
        REJECTED = "rejected", "Rejected: nothing changed"

    kind = models.CharField("what", max_length=20, choices=Kind)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    target_name = models.CharField(
        "about", max_length=300, help_text="What the change is about, as named when proposed."
    )
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField("why", help_text="The proposer's reason for the change.")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField("proposed", auto_now_add=True)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("decided", null=True, blank=True)

    objects = SafetyChangeProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "safety change for approval"
        verbose_name_plural = "safety changes for approval"
        constraints = [
            # One open question at a time about each object: two pending proposals could
            # each look safe alone and not together.
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(state="pending"),
                name="one_pending_safety_change_an_object",
            )
        ]

    def __str__(self):
        name = f"“{self.target_name}”"
        to = {field: change["to"] for field, change in self.changes.items()}
        match self.kind:
            case self.Kind.DELETE_VIGNETTE:
                return f"Delete the safety test case {name}"
            case self.Kind.CHANGE_VIGNETTE:
                return f"Change what the safety test case {name} checks"
            case self.Kind.WEAKEN_RED_FLAG:
                return self._weakening(f"the red flag {name}", to.get("active"), to.get("level"))
            case _:
                what = f"the red-flag question {name}"
                return self._weakening(what, to.get("active"), to.get("disposition"))

    @staticmethod
    def _weakening(what, active, level):
        parts = [f"Switch off {what}"] if active is False else []
        if level:
            label = Disposition(level).label
            parts.append(f"lower it to “{label}”" if parts else f"Lower {what} to “{label}”")
        return " and ".join(parts)

    @property
    def is_pending(self):
        return self.state == self.State.PENDING
