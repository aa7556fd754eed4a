import re

from django import forms

from .engine import search
from .models import QUERY_KEPT_CHARACTERS

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class SearchForm(forms.Form):
    """The search box. Any text is a fair question: nothing a reader types is an error."""

    q = forms.CharField(required=False, label="Search health articles")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].validators = []  # a stray NUL character is dropped, not refused

    def clean_q(self):
        text = CONTROL_CHARACTERS.sub(" ", self.cleaned_data["q"])
        return " ".join(text.split())[:QUERY_KEPT_CHARACTERS]

    def outcome(self):
        """The search outcome for a valid form with a query, else None."""
        query = self.cleaned_data.get("q") if self.is_valid() else ""
        return search(query) if query else None
