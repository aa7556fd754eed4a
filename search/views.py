from django.shortcuts import render

from triage.advice import advice_for_text

from .forms import SearchForm
from .models import UnansweredSearch


def results(request):
    """Search results, with the red-flag advice first when the reader's words mention one."""
    form = SearchForm(request.GET)
    outcome = form.outcome()
    if outcome and not outcome.results:
        UnansweredSearch.record(outcome.query, request)
    red_flag_advice = advice_for_text(outcome.query) if outcome else None
    return render(
        request,
        "search/results.html",
        {"form": form, "outcome": outcome, "red_flag_advice": red_flag_advice},
    )
