from django import forms

from governance.helplines import EMERGENCY_PLACEHOLDER, URGENT_PLACEHOLDER

from .models import Answer, MissingNote

NOTE_MAX_LENGTH = MissingNote._meta.get_field("text").max_length


class AnswerForm(forms.Form):
    """Yes or No: the article page's two buttons send `answer`."""

    answer = forms.ChoiceField(choices=Answer.choices)


class MissingNoteForm(forms.Form):
    """The optional “What was missing?” box.

    The box has no maxlength: a browser would cut a longer pasted text at 500 characters
    without a word, so the reader is told instead and keeps every word to shorten. NUL
    characters are dropped (no database stores them) and a browser's CR LF becomes LF, so a
    line break counts as one character, as the reader sees it.
    """

    text = forms.CharField(
        label="What was missing from this page? (optional)",
        required=False,
        strip=False,
        # A dark 2px edge: Bootstrap's pale default is under the 3:1 a control needs.
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control border-2 border-dark"}),
        help_text=(
            f"Up to {NOTE_MAX_LENGTH} characters. Please do not write your name, contact "
            "details or symptoms: we cannot reply, and nobody reads this quickly. If you need "
            f"help now, call {EMERGENCY_PLACEHOLDER} in an emergency or {URGENT_PLACEHOLDER} "
            "for urgent advice."
        ),
    )

    def clean_text(self):
        text = self.cleaned_data["text"].replace("\x00", "").replace("\r\n", "\n")
        if len(text) > NOTE_MAX_LENGTH:
            raise forms.ValidationError(
                f"Your note is {len(text):,} characters long. Please shorten it to "
                f"{NOTE_MAX_LENGTH} characters or fewer.",
                code="max_length",
            )
        return text if text.strip() else ""
