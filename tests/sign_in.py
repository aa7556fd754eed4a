"""Sign in the way a person does, through the admin's sign-in form.

`Client.login` passes no request, which the sign-in lockout needs to know who is trying.
"""

from django.urls import reverse


def sign_in(client, username, password):
    """POST the admin sign-in form; the response (a redirect when the password was right)."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
    )


def signed_in(response):
    return response.status_code == 302 and response.url == reverse("admin:index")
