import functools
import time

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from crispy_forms.utils import render_crispy_form
from django import forms
from django.conf import settings
from django.core import signing

from .models import Comment

# Changing it would refuse, once, every comment form open while a new release goes live.
TIMESTAMP_SALT = "articles.comment-form.started"


def start_stamp():
    """A signed "the reader opened the form now", checked when the comment comes back."""
    return signing.dumps(time.time(), salt=TIMESTAMP_SALT)


class RawTextField(forms.CharField):
    """Keeps what the reader typed, with two exceptions that lose nothing they can see.

    NUL characters are removed (no database stores them), and browser line breaks (CR LF)
    become LF, so a line break counts as one character, as the browser counted it.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\x00", "").replace("\r\n", "\n") if value else value


class CommentForm(forms.ModelForm):
    """A reader's comment, with anti-spam checks that need no third party.

    `website` is a honeypot: hidden from people (and from screen readers), but filled in
    by bots. `started` is a signed time stamp: a form sent within seconds, or a day later,
    is refused with a plain message and the text kept.
    """

    display_name = RawTextField(
        label="Your name",
        max_length=80,
        help_text="Shown with your comment. You can use a first name or a nickname.",
        error_messages={"required": "Enter a name to show with your comment."},
    )
    email = forms.EmailField(
        label="Email (optional)",
        required=False,
        help_text="Never shown. We only use it to tell you when your comment is answered.",
        error_messages={
            "invalid": "Enter an email address like name@example.com, or leave it empty."
        },
    )
    body = RawTextField(
        label="Your comment",
        strip=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Up to 2,000 characters. Please do not share personal medical details.",
        error_messages={
            "required": "Write your comment before sending it.",
            "max_length": "Your comment is %(show_value)d characters long. Please shorten it "
            "to 2,000 characters or fewer.",
        },
    )
    website = forms.CharField(
        label="Leave this box empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Comment
        fields = ["display_name", "email", "notify_on_reply", "body"]
        labels = {"notify_on_reply": "Email me when a clinician or moderator answers"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every rendering gets a fresh stamp, so a refused form can simply be sent again;
        # the checks use the stamp the reader's page was rendered with.
        fresh_stamp = start_stamp()
        self.fields["started"].initial = fresh_stamp
        self.submitted_stamp = ""
        if self.is_bound:
            self.submitted_stamp = self.data.get("started", "")
            self.data = self.data.copy()
            self.data["started"] = fresh_stamp
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "display_name",
            "email",
            "notify_on_reply",
            "body",
            Div(Field("website"), css_class="comment-trap", aria_hidden="true"),
            Submit("submit", "Send comment"),
        )

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(
                self.fields["body"].error_messages["required"], code="required"
            )
        return body

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            # Only bots see this box; a person who filled it by accident is told what to do.
            raise forms.ValidationError(
                "We could not accept this comment. Please clear the box labelled “Leave "
                "this box empty” and send it again.",
                code="honeypot",
            )
        self.check_time_taken()
        if cleaned.get("notify_on_reply") and not cleaned.get("email"):
            self.add_error(
                "email", "Enter your email address so we can tell you, or untick the box."
            )
        return cleaned

    def check_time_taken(self):
        try:
            started = signing.loads(
                self.submitted_stamp,
                salt=TIMESTAMP_SALT,
                max_age=settings.COMMENTS_MAX_AGE_SECONDS,
            )
        except signing.SignatureExpired:
            raise forms.ValidationError(
                "This page was open for a long time, so we could not accept the comment yet. "
                "Your text is still below: please send it again.",
                code="too_old",
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                "We could not accept the comment. Please send it again.", code="bad_stamp"
            ) from None
        if time.time() - started < settings.COMMENTS_MIN_SECONDS:
            raise forms.ValidationError(
                "That was very quick. Please check your comment, then send it again.",
                code="too_fast",
            )


@functools.cache
def empty_form_html():
    """A fresh comment form's fields as HTML, rendered once per process: the same for every
    article and reader, as the one thing that differs, the `started` stamp, is left out of
    the layout for the page to render beside it. Rendering the fields is the costliest part
    of an article page's template; a refused comment's form is rendered afresh instead."""
    return render_crispy_form(CommentForm())
