import logging

from django.db import DatabaseError
from django.shortcuts import render

from triage.advice import advice_for_text

from .forms import SearchForm
from .models import UnansweredSearch

logger = logging.getLogger(__name__)


def results(request):
    """Search results, with the red-flag advice first when the reader's words mention one."""
    form = SearchForm(request.GET)
    outcome = form.outcome()
    if outcome and not outcome.results:
        try:
            UnansweredSearch.record(outcome.query, request)
        except DatabaseError:
            # The log is for clinicians; the reader's results and advice come first.
            logger.warning("Search that found nothing not logged: database error")
    red_flag_advice = advice_for_text(outcome.query) if outcome else None
    return render(
        request,
        "search/results.html",
        {"form": form, "outcome": outcome, "red_flag_advice": red_flag_advice},
    )
