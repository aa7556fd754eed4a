from django.shortcuts import render

from .forms import SearchForm


def results(request):
    form = SearchForm(request.GET)
    return render(request, "search/results.html", {"form": form, "outcome": form.outcome()})
