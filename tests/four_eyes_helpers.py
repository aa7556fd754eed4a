"""Two clinicians in the admin: one proposes a safety change, another approves it (the
`second_clinician` fixture is in conftest.py)."""

from django.test import Client
from django.urls import reverse


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def approve(client, proposal):
    url = reverse("admin:triage_safetychangeproposal_approve", args=[proposal.pk])
    return client.post(url, follow=True)


def page_messages(response):
    return [str(message) for message in response.context["messages"]]
