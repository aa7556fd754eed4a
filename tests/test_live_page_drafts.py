"""Correcting a live page: editors work on a draft beside it, readers keep the signed-off
version until a clinician approves, and nobody's save silently undoes another's."""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Section
from pagecache.middleware import local_pages

from .admin_forms import change_form_data, change_url, submit_admin_page
from .factories import (
    ArticleFactory,
    ArticleTreatmentFactory,
    ClinicianFactory,
    EditorFactory,
    SectionFactory,
    TopicFactory,
    live_article,
)

pytestmark = pytest.mark.django_db

S = Article.Status
OLD_SENTENCE = "Use a warm pack for 20 minutes."
NEW_SENTENCE = "Use a warm pack for 15 to 20 minutes, wrapped in a towel."


@pytest.fixture
def live():
    article = live_article(title="Back muscle spasms", slug="back-muscle-spasms")
    article.topics.add(TopicFactory(slug="back-pain", name="Back pain"))
    ArticleTreatmentFactory(article=article)
    return article


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(EditorFactory())
    return client


@pytest.fixture
def reader():
    return Client()


def start_draft(client, live):
    response = client.post(reverse("admin:articles_article_start_draft", args=[live.pk]))
    assert response.status_code == 302
    return Article.objects.get(draft_of=live)


def section_field(response, heading, field):
    """The POST name of `field` of the section headed `heading` on a change page."""
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            if form.instance.pk and form.instance.heading == heading:
                return form[field].html_name
    raise AssertionError(f"no section {heading!r}")


def edit_sentence(client, draft, old=OLD_SENTENCE, new=NEW_SENTENCE, **changes):
    page = client.get(change_url(draft))
    name = section_field(page, "Things you can do", "body")
    data = change_form_data(page)
    data[name] = data[name].replace(old, new).replace("\n", "\r\n")  # as a browser sends it
    data.update(changes)
    return client.post(change_url(draft), data)


# Starting a draft ---------------------------------------------------------------------------


def test_an_editor_can_only_view_a_live_page_but_is_offered_a_draft(editor_client, live):
    page = editor_client.get(change_url(live))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Draft a change to this page" in html
    assert reverse("admin:articles_article_start_draft", args=[live.pk]) in html


def test_starting_a_draft_copies_the_whole_page_and_leaves_it_live(editor_client, live, reader):
    draft = start_draft(editor_client, live)

    assert draft.status == S.DRAFT
    assert draft.title == live.title
    assert draft.standfirst == live.standfirst
    assert not draft.is_public
    copied = [(s.heading, s.body, s.kind, s.anchor) for s in draft.sections.all()]
    original = [(s.heading, s.body, s.kind, s.anchor) for s in live.sections.all()]
    assert copied == original
    assert [r.title for r in draft.references.all()] == [r.title for r in live.references.all()]
    assert list(draft.treatments.all()) == list(live.treatments.all())
    assert set(draft.topics.all()) == set(live.topics.all())
    live.refresh_from_db()
    assert live.status == S.PUBLISHED
    assert reader.get(live.get_absolute_url()).status_code == 200


def test_a_live_page_has_one_draft_whoever_starts_it(editor_client, live):
    first = start_draft(editor_client, live)
    other_editor = Client()
    other_editor.force_login(EditorFactory())

    second = start_draft(other_editor, live)

    assert second == first
    assert Article.objects.filter(draft_of=live).count() == 1


def test_a_draft_is_not_public_and_staff_preview_says_so(editor_client, live, reader):
    draft = start_draft(editor_client, live)

    assert reader.get(draft.get_absolute_url()).status_code == 404
    preview = editor_client.get(draft.get_absolute_url()).content.decode()
    assert "draft, not public" in preview
    assert live.get_absolute_url() in preview


def test_a_draft_is_never_listed_as_due_for_review(editor_client, live):
    Article.objects.filter(pk=live.pk).update(next_review_due=timezone.localdate())
    start_draft(editor_client, live)

    assert list(Article.objects.review_due_within(30)) == [live]


# Editing it -----------------------------------------------------------------------------------


def test_editing_the_draft_leaves_the_live_page_as_it_was(editor_client, live, reader):
    draft = start_draft(editor_client, live)

    response = edit_sentence(editor_client, draft, status=S.IN_REVIEW)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert OLD_SENTENCE in reader.get(live.get_absolute_url()).content.decode()
    draft.refresh_from_db()
    assert draft.status == S.IN_REVIEW
    body = draft.sections.get(heading="Things you can do").body
    assert NEW_SENTENCE in body
    assert "\r" not in body
    assert NEW_SENTENCE in editor_client.get(draft.get_absolute_url()).content.decode()


def test_an_editor_cannot_approve_a_draft(editor_client, live):
    draft = start_draft(editor_client, live)
    page = editor_client.get(change_url(draft))

    offered = {value for value, _ in page.context["adminform"].form.fields["status"].choices}
    assert offered == {S.DRAFT, S.IN_REVIEW}
    response = edit_sentence(editor_client, draft, status=S.APPROVED)
    assert response.status_code == 200
    assert Article.objects.get(pk=draft.pk).status == S.DRAFT


def test_a_draft_never_offers_published_to_a_clinician(clinician_client, live):
    draft = live.start_draft(ClinicianFactory())

    page = clinician_client.get(change_url(draft))

    offered = {value for value, _ in page.context["adminform"].form.fields["status"].choices}
    assert offered == {S.DRAFT, S.IN_REVIEW, S.APPROVED}


# Approving it ---------------------------------------------------------------------------------


def test_approving_makes_the_draft_live_at_once(editor_client, clinician_client, clinician, live):
    reader = Client()
    draft = start_draft(editor_client, live)
    edit_sentence(editor_client, draft, status=S.IN_REVIEW)
    assert OLD_SENTENCE in reader.get(live.get_absolute_url()).content.decode()  # now cached
    anchors = list(live.sections.values_list("anchor", flat=True))
    comments_open = live.comments_open

    response = submit_admin_page(clinician_client, change_url(draft), {"status": S.APPROVED})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response["Location"] == change_url(live)
    assert not Article.objects.filter(pk=draft.pk).exists()
    live.refresh_from_db()
    page = reader.get(live.get_absolute_url()).content.decode()
    assert NEW_SENTENCE in page
    assert OLD_SENTENCE not in page
    assert live.status == S.PUBLISHED
    assert live.slug == "back-muscle-spasms"
    assert live.comments_open == comments_open
    assert list(live.sections.values_list("anchor", flat=True)) == anchors
    assert live.reviewed_by == clinician
    assert live.last_reviewed == timezone.localdate()
    assert live.signed_off_at is not None
    latest = Version.objects.get_for_object(live).first()
    assert latest.revision.user == clinician
    assert "approved" in latest.revision.get_comment()


def test_the_approval_entry_in_history_holds_only_the_live_page(
    editor_client, clinician_client, live
):
    """Restoring it later must not bring the removed draft back."""
    draft = start_draft(editor_client, live)
    submit_admin_page(clinician_client, change_url(draft), {"status": S.APPROVED})

    revision = Version.objects.get_for_object(live).first().revision
    article_versions = revision.version_set.filter(
        content_type__model="article", content_type__app_label="articles"
    )
    assert {version.object_id for version in article_versions} == {str(live.pk)}


def test_an_approved_draft_that_fails_the_publish_checks_stays_a_draft(
    editor_client, clinician_client, live, reader
):
    draft = start_draft(editor_client, live)
    page = clinician_client.get(change_url(draft))
    data = change_form_data(page)
    # Remove every reference, then try to approve.
    for inline in page.context["inline_admin_formsets"]:
        if inline.formset.model.__name__ == "Reference":
            for form in inline.formset.forms:
                data[f"{form.prefix}-DELETE"] = "on"
    data["status"] = S.APPROVED

    response = clinician_client.post(change_url(draft), data)

    assert response.status_code == 200
    assert "cannot be approved" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert draft.references.exists()
    assert Article.objects.filter(pk=draft.pk).exists()


# Scheduling it --------------------------------------------------------------------------------


def schedule(clinician_client, draft, when):
    local = timezone.localtime(when)
    return submit_admin_page(
        clinician_client,
        change_url(draft),
        {
            "status": S.APPROVED,
            "published_at_0": local.date().isoformat(),
            "published_at_1": local.time().replace(microsecond=0).isoformat(),
        },
    )


def test_an_approved_draft_waits_for_its_publish_time(editor_client, clinician_client, live):
    reader = Client()
    draft = start_draft(editor_client, live)
    edit_sentence(editor_client, draft)

    response = schedule(clinician_client, draft, timezone.now() + datetime.timedelta(hours=2))

    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.status == S.APPROVED
    assert OLD_SENTENCE in reader.get(live.get_absolute_url()).content.decode()

    # The time comes: the next request of anyone makes it live before the page is rendered.
    Article.objects.filter(pk=draft.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    # The cached copies of the page (shared, and this process's) and the cached next
    # publish time lapse at that time (see the next test and articles.middleware).
    cache.clear()
    local_pages.clear()
    page = reader.get(live.get_absolute_url()).content.decode()

    assert NEW_SENTENCE in page
    assert not Article.objects.filter(pk=draft.pk).exists()


def test_a_cached_page_is_not_served_past_a_drafts_publish_time(editor_client, live):
    draft = start_draft(editor_client, live)
    soon = timezone.now() + datetime.timedelta(hours=1)
    Article.objects.filter(pk=draft.pk).update(status=S.APPROVED, published_at=soon)

    assert Article.objects.next_change_by_clock() == soon


def test_the_command_makes_due_drafts_live(editor_client, clinician, live, capsys):
    draft = start_draft(editor_client, live)
    draft.title = "Back spasms: what helps"
    draft.sign_off(clinician)
    draft.status = S.APPROVED
    draft.published_at = timezone.now() - datetime.timedelta(minutes=1)
    draft.save()

    call_command("publish_scheduled_drafts")

    live.refresh_from_db()
    assert live.title == "Back spasms: what helps"
    assert live.reviewed_by == clinician
    assert "1 draft made live" in capsys.readouterr().out


# Sending it back --------------------------------------------------------------------------------


def test_a_clinician_sends_a_draft_back_with_a_note_the_editor_sees(
    editor_client, clinician_client, clinician, live
):
    draft = start_draft(editor_client, live)
    edit_sentence(editor_client, draft, status=S.IN_REVIEW)
    url = reverse("admin:articles_article_request_changes", args=[draft.pk])
    assert "Request changes" in clinician_client.get(change_url(draft)).content.decode()

    response = clinician_client.post(url, {"note": "Say how long to keep the pack on & why."})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert draft.changes_requested_by == clinician
    page = editor_client.get(change_url(draft)).content.decode()
    assert "Changes requested by" in page
    assert "Say how long to keep the pack on &amp; why." in page
    latest = Version.objects.get_for_object(draft).first()
    assert "Say how long" in latest.revision.get_comment()


def test_sending_back_needs_a_note_and_a_clinician(editor_client, clinician_client, live):
    draft = start_draft(editor_client, live)
    Article.objects.filter(pk=draft.pk).update(status=S.IN_REVIEW)
    url = reverse("admin:articles_article_request_changes", args=[draft.pk])

    empty = clinician_client.post(url, {"note": "  "})
    by_editor = editor_client.post(url, {"note": "Looks wrong"})

    assert empty.status_code == 200
    assert "This field is required" in empty.content.decode()
    assert by_editor.status_code == 403
    assert Article.objects.get(pk=draft.pk).status == S.IN_REVIEW


# Two people at once ---------------------------------------------------------------------------


def test_a_save_over_a_newer_one_is_refused_and_keeps_the_text(editor_client, live):
    draft = start_draft(editor_client, live)
    other = Client()
    other_editor = EditorFactory(first_name="Pat", last_name="Other")
    other.force_login(other_editor)
    mine = change_form_data(editor_client.get(change_url(draft)))
    name = next(key for key, value in mine.items() if OLD_SENTENCE in str(value))

    first = edit_sentence(other, draft, new="Their wording.")
    assert first.status_code == 302
    mine[name] = mine[name].replace(OLD_SENTENCE, "My wording, typed meanwhile.")
    second = editor_client.post(change_url(draft), mine)

    assert second.status_code == 200
    html = second.content.decode()
    assert "Pat Other saved this article" in html
    assert "My wording, typed meanwhile." in html  # nothing typed is lost
    body = Section.objects.get(article=draft, heading="Things you can do").body
    assert "Their wording." in body


def test_opening_a_page_someone_else_is_editing_says_who(editor_client, live):
    draft = start_draft(editor_client, live)
    editor_client.get(change_url(draft))
    other = Client()
    other.force_login(EditorFactory(first_name="Pat", last_name="Other"))

    page = other.get(change_url(draft), follow=True).content.decode()

    assert "opened this article to edit it" in page


# What a second reader of the design found -------------------------------------------------


def test_a_draft_keeps_sub_sections_under_their_parents(editor_client, clinician, live):
    parent = live.sections.get(heading="Things you can do")
    SectionFactory(article=live, parent=parent, heading="At night", body="Sleep on your side.")
    draft = start_draft(editor_client, live)

    copied = draft.sections.get(heading="At night")
    assert copied.parent.heading == "Things you can do"
    assert copied.parent.article == draft

    draft.sign_off(clinician)
    draft.status = S.APPROVED
    draft.save()
    draft.go_live(clinician)

    moved = live.sections.get(heading="At night")
    assert moved.parent == live.sections.get(heading="Things you can do")


def test_the_live_page_is_locked_while_it_has_a_draft(editor_client, clinician_client, live):
    draft = start_draft(editor_client, live)
    page = clinician_client.get(change_url(live))
    html = page.content.decode()
    assert "This page has a draft waiting" in html
    assert reverse("admin:articles_article_change", args=[draft.pk]) in html

    data = change_form_data(page)
    data["title"] = "Changed on the live page"
    response = clinician_client.post(change_url(live), data)

    live.refresh_from_db()
    assert live.title == "Back muscle spasms"  # content only changes through the draft
    assert response.status_code == 302
    assert not any(
        inline.formset.forms and inline.has_change_permission
        for inline in page.context["inline_admin_formsets"]
    )


def test_a_live_page_with_a_draft_can_still_be_taken_down(editor_client, clinician_client, live):
    start_draft(editor_client, live)

    response = submit_admin_page(clinician_client, change_url(live), {"status": S.UNPUBLISHED})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get(pk=live.pk).status == S.UNPUBLISHED


def test_a_live_page_with_a_draft_is_neither_restored_nor_deleted(
    editor_client, clinician_client, live
):
    submit_admin_page(clinician_client, change_url(live), {"standfirst": "Earlier words."})
    version = Version.objects.get_for_object(live).first()
    start_draft(editor_client, live)

    restore = clinician_client.get(
        reverse("admin:articles_article_revision", args=[live.pk, version.pk]), follow=True
    )
    delete = clinician_client.get(reverse("admin:articles_article_delete", args=[live.pk]))

    assert "cannot be restored now" in restore.content.decode()
    assert delete.status_code == 403


def test_deleting_a_section_with_sub_sections_asks_for_them_first(clinician_client, live):
    parent = live.sections.get(heading="Things you can do")
    SectionFactory(article=live, parent=parent, heading="At night", body="Sleep on your side.")
    page = clinician_client.get(change_url(live))
    data = change_form_data(page)
    data[section_field(page, "Things you can do", "DELETE")] = "on"

    response = clinician_client.post(change_url(live), data)

    assert response.status_code == 200
    assert "still has sub-sections (“At night”)" in response.content.decode()
    assert live.sections.filter(heading="At night").exists()


def test_a_scheduled_draft_whose_approver_has_left_goes_back_to_review(
    editor_client, clinician, live, reader
):
    draft = start_draft(editor_client, live)
    draft.sign_off(clinician)
    draft.status = S.APPROVED
    draft.published_at = timezone.now() - datetime.timedelta(minutes=1)
    draft.save()
    clinician.is_active = False
    clinician.save()
    cache.clear()

    page = reader.get(live.get_absolute_url())

    assert page.status_code == 200
    draft.refresh_from_db()
    assert draft.status == S.IN_REVIEW
    assert "approve it again" in draft.changes_requested


def test_making_a_draft_live_twice_makes_it_live_once(editor_client, clinician, live):
    draft = start_draft(editor_client, live)
    draft.sign_off(clinician)
    draft.save()

    assert draft.go_live(clinician) == live
    assert draft.go_live(clinician) is None


def test_an_editor_cannot_accept_harder_reading(editor_client, live):
    draft = start_draft(editor_client, live)

    page = editor_client.get(change_url(draft))

    fields = change_form_data(page)
    assert not any(name.endswith("-harder_reading_accepted") for name in fields)
    assert not any(name.endswith("-harder_reading_reason") for name in fields)


def test_saving_a_draft_made_live_meanwhile_gives_the_text_back(editor_client, clinician, live):
    draft = start_draft(editor_client, live)
    page = editor_client.get(change_url(draft))
    data = change_form_data(page)
    data[section_field(page, "Things you can do", "body")] = "My careful new wording."
    draft.sign_off(clinician)
    draft.save()
    draft.go_live(clinician)

    response = editor_client.post(change_url(draft), data)

    assert response.status_code == 409
    html = response.content.decode()
    assert "My careful new wording." in html
    assert change_url(live) in html


def test_a_draft_address_is_found_even_when_a_slug_looks_like_one(editor_client, live):
    ArticleFactory(slug=f"back-muscle-spasms--draft-{live.pk}", status=S.DRAFT)

    draft = start_draft(editor_client, live)

    assert draft.slug.startswith(f"back-muscle-spasms--draft-{live.pk}-")


def test_a_clinicians_edit_of_a_live_page_moves_its_updated_time(clinician_client, live):
    before = timezone.now()

    submit_admin_page(clinician_client, change_url(live), {"standfirst": "Clearer words."})

    live.refresh_from_db()
    assert live.signed_off_at >= before
