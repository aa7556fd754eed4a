"""Forms are taken only when the browser says they were sent from this site.

The forms on cached public pages (a comment, a report, the symptom checker, "was this page
helpful?") carry no token, so every reader gets the same page: `Sec-Fetch-Site`, or an older
browser's `Origin`, is what keeps another site from sending them in a reader's name. Every
other form (the admin, its sign-in) needs its token as well, as before.
"""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.models import Comment, CommentReport
from feedback.models import DailyAnswerCount, MissingNote
from triage.models import DailyOutcomeCount

from .checker_forms import URL, answers
from .comment_forms import comment_data, post_comment, report
from .factories import PASSWORD, ArticleFactory, ClinicianFactory, CommentFactory, signed_in_as

pytestmark = pytest.mark.django_db

THIS_SITE = "http://testserver"  # the test client's scheme and host
PARTNER = "https://partner.example"  # a site the operators trust to send forms here
ANOTHER_SITE = "https://evil.example"
FROM_ELSEWHERE = (
    "For your security, we only take forms sent from this website, and this one came from "
    "somewhere else. Nothing was saved."
)


class PublicForm:
    """One of the forms of cached public pages: how a browser sends it, and what it keeps."""

    def __init__(self, send, kept, taken_status):
        self.send, self.kept, self.taken_status = send, kept, taken_status

    def taken(self, response):
        return response.status_code == self.taken_status and self.kept()

    def refused(self, response):
        return response.status_code == 403 and not self.kept()


def send_comment(client, headers):
    return post_comment(client, ArticleFactory(), comment_data(), headers=headers)


def send_report(client, headers):
    return report(client, CommentFactory(approved=True), headers=headers)


def send_answers(client, headers):
    return client.post(URL, answers(worried="yes"), headers=headers)


def send_helpful(client, headers):
    article = ArticleFactory()
    return client.post(
        reverse("feedback:answer", args=[article.slug]), {"answer": "yes"}, headers=headers
    )


def send_missing_note(client, headers):
    article = ArticleFactory()
    return client.post(
        reverse("feedback:missing", args=[article.slug]),
        {"text": "Nothing on how long it lasts."},
        headers=headers,
    )


PUBLIC_FORMS = {
    "comment": PublicForm(send_comment, Comment.objects.exists, 302),
    "report": PublicForm(send_report, CommentReport.objects.exists, 302),
    "checker": PublicForm(send_answers, DailyOutcomeCount.objects.exists, 200),
    "helpful": PublicForm(send_helpful, DailyAnswerCount.objects.exists, 302),
    "missing-note": PublicForm(send_missing_note, MissingNote.objects.exists, 302),
}


@pytest.fixture(params=list(PUBLIC_FORMS.values()), ids=list(PUBLIC_FORMS))
def public_form(request):
    return request.param


@pytest.fixture
def browser():
    """A browser as the site sees it: it sends no token but the headers it is given."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def partner_trusted(settings):
    settings.CSRF_TRUSTED_ORIGINS = [PARTNER]


# The public forms: no token, but from this site


@pytest.mark.parametrize("fetch_site", ["same-origin", "none"])
def test_a_public_form_sent_from_this_site_is_taken_without_a_token(
    browser, public_form, fetch_site
):
    response = public_form.send(browser, {"sec-fetch-site": fetch_site})

    assert public_form.taken(response), response.status_code


@pytest.mark.parametrize("fetch_site", ["same-site", "cross-site"])
def test_a_public_form_sent_from_another_site_is_refused_and_nothing_is_kept(
    browser, public_form, fetch_site
):
    response = public_form.send(browser, {"sec-fetch-site": fetch_site})

    assert public_form.refused(response), response.status_code


@pytest.mark.parametrize("fetch_site", ["same-site", "cross-site"])
def test_a_public_form_sent_from_a_trusted_origin_is_taken(
    browser, public_form, partner_trusted, fetch_site
):
    response = public_form.send(browser, {"sec-fetch-site": fetch_site, "origin": PARTNER})

    assert public_form.taken(response), response.status_code


@pytest.mark.parametrize(
    "origin",
    [ANOTHER_SITE, "http://partner.example", "https://partner.example.evil.example", "null"],
)
def test_a_trusted_origin_lets_in_that_origin_alone(browser, public_form, partner_trusted, origin):
    response = public_form.send(browser, {"sec-fetch-site": "cross-site", "origin": origin})

    assert public_form.refused(response), response.status_code


# Browsers too old to send Sec-Fetch-Site: the Origin header decides


def test_an_old_browser_sending_this_sites_origin_is_taken(browser, public_form):
    response = public_form.send(browser, {"origin": THIS_SITE})

    assert public_form.taken(response), response.status_code


@pytest.mark.parametrize("origin", [ANOTHER_SITE, "https://testserver", "null"])
def test_an_old_browser_sending_another_origin_is_refused(browser, public_form, origin):
    response = public_form.send(browser, {"origin": origin})

    assert public_form.refused(response), response.status_code


def test_an_old_browser_sending_a_trusted_origin_is_taken(browser, public_form, partner_trusted):
    response = public_form.send(browser, {"origin": PARTNER})

    assert public_form.taken(response), response.status_code


def test_a_browser_sending_neither_header_is_taken(browser, public_form):
    """Browsers from before Origin was sent on every POST: none sends a cross-site form
    without one of the two headers."""
    response = public_form.send(browser, {})

    assert public_form.taken(response), response.status_code


@pytest.mark.parametrize(
    ("origin", "taken"), [(None, True), (THIS_SITE, True), (ANOTHER_SITE, False)]
)
def test_an_empty_sec_fetch_site_counts_as_none_sent(browser, public_form, origin, taken):
    """As in Go's CrossOriginProtection: no browser sends it empty, so the Origin decides."""
    headers = {"sec-fetch-site": ""} | ({"origin": origin} if origin else {})

    response = public_form.send(browser, headers)

    assert (public_form.taken if taken else public_form.refused)(response), response.status_code


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    fetch_site=st.one_of(
        st.sampled_from(["cross-site", "same-site", "Same-Origin", "NONE", " same-origin"]),
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20),
    ).filter(lambda value: value not in ("same-origin", "none", "")),
    origin=st.sampled_from([None, ANOTHER_SITE, "null"]),
)
def test_no_other_sec_fetch_site_gets_a_comment_stored(fetch_site, origin):
    article = ArticleFactory()
    headers = {"sec-fetch-site": fetch_site} | ({"origin": origin} if origin else {})

    response = post_comment(Client(), article, comment_data(), headers=headers)

    assert response.status_code == 403
    assert not Comment.objects.exists()


# What a reader refused is told


def test_a_comment_sent_from_another_site_is_answered_with_where_it_came_from(settings):
    settings.EMERGENCY_NUMBER, settings.URGENT_NUMBER = "112", "116117"
    article = ArticleFactory()
    words = "I can't feel my legs and can't pee."

    response = post_comment(
        Client(), article, comment_data(body=words), headers={"sec-fetch-site": "cross-site"}
    )

    html = response.content.decode()
    assert response.status_code == 403
    assert FROM_ELSEWHERE in html
    assert "call 112 in an emergency, or 116117 for urgent advice" in html
    assert "private" in response["Cache-Control"]
    assert not response.cookies
    assert not Comment.objects.exists()


def test_a_refused_comment_comes_back_to_send_from_here_with_its_warning_sign_advice():
    article = ArticleFactory()
    words = "My back <b>hurts</b> & I can't feel my legs and can't pee.\nSecond line 😀"

    response = post_comment(
        Client(),
        article,
        comment_data(display_name="Sam", body=words),
        headers={"sec-fetch-site": "cross-site"},
    )

    html = response.content.decode()
    assert response.status_code == 403
    assert "Your comment was not saved" in html
    assert f'<form method="post" action="{reverse("comments:post", args=[article.slug])}">' in html
    assert "My back &lt;b&gt;hurts&lt;/b&gt; &amp; I can&#x27;t feel my legs" in html
    assert 'value="Sam"' in html
    assert 'data-level="emergency"' in html  # the advice, before anything is sent again
    assert "no-store" in response["Cache-Control"]


def test_a_refused_note_comes_back_to_send_from_here():
    article = ArticleFactory()
    note = "Nothing on <b>night</b> pain."

    response = Client().post(
        reverse("feedback:missing", args=[article.slug]),
        {"text": note},
        headers={"sec-fetch-site": "cross-site"},
    )

    html = response.content.decode()
    assert response.status_code == 403
    assert "Your note was not saved" in html
    assert "Nothing on &lt;b&gt;night&lt;/b&gt; pain." in html
    assert not MissingNote.objects.exists()


# The admin: its token and this site, both


def sign_in_page_token(client):
    html = client.get(reverse("admin:login")).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def sign_in(client, headers, token=None):
    staff = ClinicianFactory()
    data = {"username": staff.username, "password": PASSWORD, "next": reverse("admin:index")}
    if token is not None:
        data["csrfmiddlewaretoken"] = token
    return client.post(reverse("admin:login"), data, headers=headers)


def test_the_admin_sign_in_with_its_token_from_this_site_signs_in(browser):
    token = sign_in_page_token(browser)

    response = sign_in(browser, {"sec-fetch-site": "same-origin"}, token)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert Session.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [{"sec-fetch-site": "same-origin"}, {"sec-fetch-site": "none"}, {"origin": THIS_SITE}, {}],
    ids=["same-origin", "none", "old-browser-this-origin", "no-header"],
)
def test_the_admin_sign_in_without_its_token_is_refused_even_from_this_site(browser, headers):
    response = sign_in(browser, headers)

    assert response.status_code == 403
    assert "Please try again" in response.content.decode()
    assert Session.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": ANOTHER_SITE},
        {"origin": "null"},
    ],
    ids=["cross-site", "same-site", "old-browser-another-origin", "null-origin"],
)
def test_the_admin_sign_in_from_another_site_is_refused_even_with_a_valid_token(browser, headers):
    token = sign_in_page_token(browser)

    response = sign_in(browser, headers, token)

    assert response.status_code == 403
    assert FROM_ELSEWHERE in response.content.decode()
    assert Session.objects.count() == 0


def approve_notes(client, headers, with_token=True):
    """A moderator approves the waiting notes with the admin action, from the list's form."""
    changelist = reverse("admin:feedback_missingnote_changelist")
    html = client.get(changelist).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    notes = list(MissingNote.objects.values_list("pk", flat=True))
    data = {"action": "approve", "_selected_action": notes, "index": 0}
    if with_token:
        data["csrfmiddlewaretoken"] = token
    return client.post(changelist, data, headers=headers)


@pytest.fixture
def waiting_note():
    return MissingNote.objects.create(article=ArticleFactory(), text="Nothing on sleep.")


def test_a_moderators_admin_action_from_this_site_with_its_token_is_done(browser, waiting_note):
    signed_in_as(browser, "Moderator")

    response = approve_notes(browser, {"sec-fetch-site": "same-origin"})

    assert response.status_code == 302
    waiting_note.refresh_from_db()
    assert waiting_note.status == MissingNote.Status.APPROVED


def test_a_moderators_admin_action_sent_from_another_site_is_refused_even_with_its_token(
    browser, waiting_note
):
    signed_in_as(browser, "Moderator")

    response = approve_notes(browser, {"sec-fetch-site": "cross-site"})

    assert response.status_code == 403
    assert FROM_ELSEWHERE in response.content.decode()
    waiting_note.refresh_from_db()
    assert waiting_note.status == MissingNote.Status.PENDING


def test_a_moderators_admin_action_without_its_token_is_refused_even_from_this_site(
    browser, waiting_note
):
    signed_in_as(browser, "Moderator")

    response = approve_notes(browser, {"sec-fetch-site": "same-origin"}, with_token=False)

    assert response.status_code == 403
    waiting_note.refresh_from_db()
    assert waiting_note.status == MissingNote.Status.PENDING
