"""The admin side of four eyes for safety: forms and pages that turn a weakening change
into a proposal, and the page where a second clinician approves or rejects it."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from governance.history import HistoryAdmin
from governance.roles import staff_name

from . import four_eyes
from .engine import Disposition
from .models import Question, SafetyChangeProposal

REASON_HELP = (
    "Needed only for a change that a second clinician must approve: changing what a safety "
    "test case checks, or switching off or lowering a red flag or its question. They read "
    "it before they approve."
)
REASON_REQUIRED = "Say why this change is needed: the clinician who approves it reads this."


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The clinician who approves the deletion reads this first.",
    )


class SafetyReasonForm(forms.ModelForm):
    """Works out which of the changes wait for a second clinician, and asks why.

    `live` is the object's guarded values as they are now; the admin sets it on a
    per-request subclass, because a restore has already written the old version to the
    database by the time the form is made.
    """

    live = None
    safety_reason = forms.CharField(
        label="Reason for a safety change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP,
    )

    def _post_clean(self):
        super()._post_clean()
        self.held_back = {}
        if self.errors or self.live is None:
            return
        self.held_back = four_eyes.held_back(self.live, self.instance)
        if not self.held_back:
            return
        if not self.cleaned_data.get("safety_reason", "").strip():
            self.add_error("safety_reason", REASON_REQUIRED)
        kind = four_eyes.CHANGE_KINDS[type(self.instance)]
        try:
            four_eyes.check_can_propose(self.instance, kind, self.held_back, self.live)
        except ValidationError as refused:
            self.add_error(None, refused)

    def held_form_fields(self):
        """The form fields whose change is not made now (the reason is never a change)."""
        return {"safety_reason", *getattr(self, "held_back", ())}

    @property
    def changed_data(self):
        # What the admin's history says was changed: not what waits for approval.
        held = self.held_form_fields()
        return [name for name in super().changed_data if name not in held]


class FourEyesAdmin(HistoryAdmin):
    """Saves the changes that keep the safety net as strong, and records the others as a
    proposal, keeping their live values."""

    def before_restore(self, request, live, version_id):
        super().before_restore(request, live, version_id)
        request.safety_live = four_eyes.snapshot(live)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        live = getattr(request, "safety_live", None)
        if live is None and obj is not None:
            live = four_eyes.snapshot(obj)
        return type(form.__name__, (form,), {"live": live})

    def save_model(self, request, obj, form, change):
        if form.held_back:
            for field, values in form.held_back.items():
                setattr(obj, field, values["from"])
            request.safety_proposal = four_eyes.propose(
                obj,
                four_eyes.CHANGE_KINDS[type(obj)],
                form.held_back,
                form.cleaned_data["safety_reason"],
                request.user,
                form.live,
            )
            others = " Your other changes are saved." if form.has_changed() else ""
            self.message_user(request, four_eyes.NOT_CHANGED_YET + others, messages.WARNING)
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if getattr(request, "safety_proposal", None) is None:
            return super().response_change(request, obj)
        if "_continue" in request.POST:
            opts = obj._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            )
        return self.response_post_save_change(request, obj)


def shown(field, value):
    if value is None:
        return "not answered"
    if isinstance(value, bool):
        return "on" if value else "off"
    if field in ("level", "disposition", "expected"):
        return Disposition(value).label
    return str(value)


def change_lines(proposal):
    """Each proposed change in words: (what, from, to)."""
    model = proposal.content_type.model_class()
    for field, change in proposal.changes.items():
        if field != "answers":
            label = capfirst(model._meta.get_field(field).verbose_name)
            yield label, shown(field, change["from"]), shown(field, change["to"])
            continue
        before, after = change["from"], change["to"]
        changed = sorted(
            slug for slug in before.keys() | after.keys() if before.get(slug) != after.get(slug)
        )
        texts = dict(Question.objects.filter(slug__in=changed).values_list("slug", "text"))
        for slug in changed:
            question = texts.get(slug, slug)
            yield (
                f"Answer to “{question}”",
                shown(field, before.get(slug)),
                shown(field, after.get(slug)),
            )


@admin.register(SafetyChangeProposal)
class SafetyChangeProposalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "proposer", "created", "state", "decider"]
    list_filter = ["state", "kind"]
    search_fields = ["target_name", "reason"]
    actions = ["approve_selected", "reject_selected"]
    fields = ["about", "proposed_change", "reason", "proposer", "created", "state"]
    readonly_fields = [*fields, "decider", "decided_at"]
    change_form_template = "admin/triage/safetychangeproposal/change_form.html"

    def has_add_permission(self, request):
        return False  # proposals come from the pages where the change is made

    def has_delete_permission(self, request, obj=None):
        return False  # the record of who proposed and who decided stays

    def get_fields(self, request, obj=None):
        decided = obj is not None and not obj.is_pending
        return self.readonly_fields if decided else self.fields

    @admin.display(description="about")
    def about(self, proposal):
        target = proposal.target
        if target is None:
            return f"{proposal.target_name} (no longer exists)"
        opts = target._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk])
        return format_html('<a href="{}">{}</a>', url, target)

    @admin.display(description="proposed change")
    def proposed_change(self, proposal):
        if not proposal.changes:
            return "Delete it."
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}: {} → <strong>{}</strong></li>", change_lines(proposal)),
        )

    @admin.display(description="proposed by", ordering="proposed_by")
    def proposer(self, proposal):
        return staff_name(proposal.proposed_by)

    @admin.display(description="decided by", ordering="decided_by")
    def decider(self, proposal):
        return staff_name(proposal.decided_by) if proposal.decided_by else ""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        decide = [
            path(
                f"<path:object_id>/{decision}/",
                self.admin_site.admin_view(self.decide_view),
                {"approve": decision == "approve"},
                name=f"{info[0]}_{info[1]}_{decision}",
            )
            for decision in ("approve", "reject")
        ]
        return decide + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, unquote(object_id))
        context = {"title": capfirst(self.opts.verbose_name), "can_decide": False}
        if proposal is not None and proposal.is_pending:
            context["can_decide"] = self.has_change_permission(request, proposal)
            try:
                four_eyes.check_can_approve(proposal, request.user)
            except ValidationError as cannot:
                context["cannot_approve"] = " ".join(cannot.messages)
        return super().change_view(request, object_id, form_url, context | (extra_context or {}))

    def decide_view(self, request, object_id, approve):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        proposal = self.get_object(request, unquote(object_id))
        if proposal is None:
            raise Http404
        if not self.has_change_permission(request, proposal):
            raise PermissionDenied
        self.decide(request, proposal, approve)
        return HttpResponseRedirect(reverse("admin:triage_safetychangeproposal_changelist"))

    @admin.action(description="Approve and make the selected changes", permissions=["change"])
    def approve_selected(self, request, queryset):
        for proposal in queryset:
            self.decide(request, proposal, approve=True)

    @admin.action(description="Reject the selected changes", permissions=["change"])
    def reject_selected(self, request, queryset):
        for proposal in queryset:
            self.decide(request, proposal, approve=False)

    def decide(self, request, proposal, approve):
        try:
            if approve:
                notes = four_eyes.approve(proposal, request.user)
            else:
                four_eyes.reject(proposal, request.user)
                notes = []
        except ValidationError as refused:
            self.message_user(request, f"{proposal}: {' '.join(refused.messages)}", messages.ERROR)
            return
        done = "Approved and made" if approve else "Rejected, nothing changed"
        self.message_user(request, f"{done}: {proposal}.", messages.SUCCESS)
        for note in notes:
            self.message_user(request, note, messages.WARNING)
