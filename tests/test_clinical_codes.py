"""Clinical codes on articles: checked as a clinician types them, kept through drafts and
history, and shipped on the demo articles."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from reversion.models import Version

from articles.models import Article, ClinicalCode
from articles.models.clinical_code import checked_code

from .admin_forms import change_form_data, change_url, submit_admin_page
from .factories import (
    ArticleFactory,
    ClinicalCodeFactory,
    ClinicianFactory,
    EditorFactory,
    ModeratorFactory,
    draft,
    live_article,
)

ICD10CM = ClinicalCode.System.ICD10CM
ICD10 = ClinicalCode.System.ICD10
SNOMED_CT = ClinicalCode.System.SNOMED_CT
# Real SNOMED CT concepts: low back pain, sciatica, myocardial infarction.
SNOMED_CONCEPTS = ["279039007", "23056005", "22298006"]


# Checking a code ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("M62.830", "M62.830"),
        ("m62830", "M62.830"),
        (" M62 830 ", "M62.830"),
        ("R25.2", "R25.2"),
        ("QA0.010", "QA0.010"),  # a category whose second character is a letter
    ],
)
def test_an_icd10cm_code_is_stored_as_the_code_list_writes_it(typed, stored):
    assert checked_code(ICD10CM, typed) == stored


def test_an_icd10cm_code_with_codes_below_it_is_a_code():
    assert checked_code(ICD10CM, "M62.83") == "M62.83"


@pytest.mark.parametrize("typed", ["M62.839", "M62.8300", "Z99.999", "M60-M63", "13", "back"])
def test_a_code_not_in_the_icd10cm_list_is_refused_saying_why(typed):
    with pytest.raises(ValidationError) as refused:
        checked_code(ICD10CM, typed)

    (message,) = refused.value.messages
    assert "is not an ICD-10-CM code" in message
    assert "ICD-10-CM code list" in message


@pytest.mark.parametrize(
    ("typed", "stored"), [("m54.5", "M54.5"), ("M545", "M54.5"), ("R25", "R25")]
)
def test_a_who_icd10_code_is_checked_for_its_form(typed, stored):
    assert checked_code(ICD10, typed) == stored


@pytest.mark.parametrize("typed", ["M5", "54.5", "M54.555", "low back pain"])
def test_a_who_icd10_code_of_the_wrong_form_is_refused(typed):
    with pytest.raises(ValidationError, match="is not written as an ICD-10 code"):
        checked_code(ICD10, typed)


@pytest.mark.parametrize("concept", SNOMED_CONCEPTS)
def test_a_snomed_ct_concept_id_is_accepted(concept):
    assert checked_code(SNOMED_CT, f" {concept} ") == concept


@given(
    concept=st.sampled_from(SNOMED_CONCEPTS),
    position=st.integers(min_value=0, max_value=8),
    digit=st.integers(min_value=0, max_value=9),
)
def test_a_snomed_ct_id_with_one_digit_mistyped_is_refused(concept, position, digit):
    position %= len(concept)
    mistyped = concept[:position] + str(digit) + concept[position + 1 :]
    if mistyped == concept:
        return
    with pytest.raises(ValidationError, match="is not a SNOMED CT concept ID"):
        checked_code(SNOMED_CT, mistyped)


def test_a_snomed_ct_description_id_is_refused_as_not_a_concept():
    with pytest.raises(ValidationError, match="the ID of a description"):
        checked_code(SNOMED_CT, "41398015")  # a description of myocardial infarction


@pytest.mark.parametrize("typed", ["12345", "0279039007", "279039 007 x", "Low back pain"])
def test_a_snomed_ct_id_of_the_wrong_form_is_refused(typed):
    with pytest.raises(ValidationError, match="is not a SNOMED CT concept ID"):
        checked_code(SNOMED_CT, typed)


# In the admin -----------------------------------------------------------------------------


def add_code_data(client, article, system, code, display_name):
    page = client.get(change_url(article))
    data = change_form_data(page)
    index = int(data["clinical_codes-TOTAL_FORMS"])
    data["clinical_codes-TOTAL_FORMS"] = str(index + 1)
    data.update(
        {
            f"clinical_codes-{index}-system": system,
            f"clinical_codes-{index}-code": code,
            f"clinical_codes-{index}-display_name": display_name,
            f"clinical_codes-{index}-order": "10",
        }
    )
    return data


@pytest.mark.django_db
def test_a_clinician_adds_a_code_to_an_article_as_their_system_shows_it(clinician_client):
    article = draft(title="Back spasms")

    data = add_code_data(clinician_client, article, ICD10CM, "m62830", "Muscle spasm of back")
    response = clinician_client.post(change_url(article), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    (code,) = article.clinical_codes.all()
    assert (code.system, code.code, code.display_name) == (
        ICD10CM,
        "M62.830",
        "Muscle spasm of back",
    )


@pytest.mark.django_db
def test_an_unknown_code_is_refused_next_to_it_and_nothing_typed_is_lost(clinician_client):
    article = draft(title="Back spasms")

    data = add_code_data(clinician_client, article, ICD10CM, "M62.839", "Muscle spasm, other")
    data["title"] = "Back muscle spasms"
    response = clinician_client.post(change_url(article), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "“M62.839” is not an ICD-10-CM code" in html
    assert 'value="M62.839"' in html
    assert 'value="Muscle spasm, other"' in html
    assert 'value="Back muscle spasms"' in html
    assert not article.clinical_codes.exists()
    article.refresh_from_db()
    assert article.title == "Back spasms"


@pytest.mark.django_db
def test_the_same_code_twice_on_one_article_is_refused(clinician_client):
    article = draft()
    ClinicalCodeFactory(article=article, code="M62.830")

    data = add_code_data(clinician_client, article, ICD10CM, "M62.830", "Muscle spasm of back")
    response = clinician_client.post(change_url(article), data)

    assert response.status_code == 200
    assert article.clinical_codes.count() == 1


@pytest.mark.django_db
def test_the_same_code_written_two_ways_in_one_save_is_refused_not_an_error(clinician_client):
    article = draft()
    data = add_code_data(clinician_client, article, ICD10CM, "M62.830", "Muscle spasm of back")
    data.update(
        {
            "clinical_codes-TOTAL_FORMS": "2",
            "clinical_codes-1-system": ICD10CM,
            "clinical_codes-1-code": "m62830",
            "clinical_codes-1-display_name": "Muscle spasm of back",
            "clinical_codes-1-order": "20",
        }
    )

    response = clinician_client.post(change_url(article), data)

    assert response.status_code == 200
    assert "Please correct the duplicate data" in response.content.decode()
    assert not article.clinical_codes.exists()


@pytest.mark.django_db
def test_clinicians_and_editors_keep_codes_and_moderators_do_not():
    for user in (ClinicianFactory(), EditorFactory()):
        assert user.has_perms(
            [f"articles.{action}_clinicalcode" for action in ("view", "add", "change", "delete")]
        )
    assert not ModeratorFactory().has_perm("articles.add_clinicalcode")


# Drafts and history -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_draft_starts_with_the_live_pages_codes_and_gives_its_own_when_approved(
    clinician_client,
):
    live = live_article(title="Back muscle spasms", slug="back-muscle-spasms")
    ClinicalCodeFactory(article=live, code="M62.830", display_name="Muscle spasm of back")
    client = Client()
    client.force_login(EditorFactory())
    client.post(reverse("admin:articles_article_start_draft", args=[live.pk]))
    draft_page = Article.objects.get(draft_of=live)
    assert [code.code for code in draft_page.clinical_codes.all()] == ["M62.830"]

    data = add_code_data(client, draft_page, ICD10, "M62.8", "Other specified disorders of muscle")
    data["status"] = Article.Status.IN_REVIEW
    assert client.post(change_url(draft_page), data).status_code == 302
    assert [code.code for code in live.clinical_codes.all()] == ["M62.830"]  # live as it was
    response = submit_admin_page(
        clinician_client, change_url(draft_page), {"status": Article.Status.APPROVED}
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert sorted(code.code for code in live.clinical_codes.all()) == ["M62.8", "M62.830"]
    assert not ClinicalCode.objects.exclude(article=live).exists()


@pytest.mark.django_db
def test_the_history_compares_the_codes_of_two_versions(clinician_client):
    article = draft(title="Back spasms")
    submit_admin_page(clinician_client, change_url(article))
    data = add_code_data(clinician_client, article, ICD10CM, "M62.830", "Muscle spasm of back")
    assert clinician_client.post(change_url(article), data).status_code == 302
    first, second = Version.objects.get_for_object(article).order_by("pk")

    url = reverse("admin:articles_article_compare", args=[article.pk])
    response = clinician_client.get(f"{url}?version_id1={first.pk}&version_id2={second.pk}")

    html = response.content.decode()
    assert "<h2>Clinical codes</h2>" in html
    assert "ICD-10-CM M62.830: Muscle spasm of back" in html


# Demo content -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_articles_carry_the_codes_of_their_diagnoses():
    call_command("load_demo_content", verbosity=0)

    def codes(slug):
        article = Article.objects.get(slug=slug)
        return {(code.system, code.code) for code in article.clinical_codes.all()}

    assert (ICD10CM, "M62.830") in codes("back-muscle-spasms")
    assert (ICD10CM, "M54.30") in codes("sciatica")
    assert (ICD10CM, "M54.50") in codes("lower-back-pain")
    assert (ICD10CM, "R25.2") in codes("muscle-cramps")


# Finding articles by a code another system sends (the Infobutton service and the API).


@pytest.mark.parametrize(
    "asked", ["M62.830", "m62830", " M62.830 ", "M62.83", "M62.8", "M62", "M62.8301"]
)
@pytest.mark.django_db
def test_an_icd10cm_code_its_parents_and_its_children_find_the_article(asked):
    article = ClinicalCodeFactory(system=ICD10CM, code="M62.830").article
    assert list(Article.objects.for_code(ICD10CM, asked)) == [article]


@pytest.mark.django_db
def test_a_sibling_or_another_system_does_not_match():
    ClinicalCodeFactory(system=ICD10CM, code="M62.830")
    assert not Article.objects.for_code(ICD10CM, "M62.831").exists()
    assert not Article.objects.for_code(ICD10, "M62.830").exists()
    assert not Article.objects.for_code(ICD10CM, "M63").exists()


@pytest.mark.django_db
def test_the_closest_code_comes_first_and_is_named():
    broad = ClinicalCodeFactory(system=ICD10CM, code="M62.83", display_name="Muscle spasm")
    narrow = ClinicalCodeFactory(system=ICD10CM, code="M62.831", display_name="Calf spasm")
    exact = ClinicalCodeFactory(system=ICD10CM, code="M62.830", display_name="Back spasm")
    found = list(Article.objects.for_code(ICD10CM, "M62.830"))
    assert found == [exact.article, broad.article]
    assert (found[0].matched_code, found[0].matched_display_name) == ("M62.830", "Back spasm")
    first, *narrower = Article.objects.for_code(ICD10CM, "M62.83")
    assert first == broad.article
    assert set(narrower) == {narrow.article, exact.article}


@pytest.mark.django_db
def test_an_article_with_two_matching_codes_is_listed_once_with_its_closest():
    article = ClinicalCodeFactory(system=ICD10CM, code="M62.83").article
    ClinicalCodeFactory(article=article, system=ICD10CM, code="M62.830")
    (found,) = Article.objects.for_code(ICD10CM, "M62.830")
    assert found == article and found.matched_code == "M62.830"


@pytest.mark.django_db
def test_snomed_ct_matches_only_the_concept_itself():
    article = ClinicalCodeFactory(system=SNOMED_CT, code="279039007").article
    assert list(Article.objects.for_code(SNOMED_CT, "279039007")) == [article]
    assert not Article.objects.for_code(SNOMED_CT, "27903900").exists()


@pytest.mark.parametrize(
    ("system", "asked"),
    [
        (ICD10CM, "M6"),
        (ICD10CM, "spasm"),
        (ICD10CM, "M62.83%"),
        (ICD10, ""),
        (SNOMED_CT, "27903900X"),
        ("1.2.3", "M62.830"),
    ],
)
def test_a_malformed_code_is_refused_in_plain_words(system, asked):
    with pytest.raises(ValueError, match="is not"):
        Article.objects.for_code(system, asked)


@pytest.mark.django_db
def test_only_published_articles_in_review_date_are_current():
    today = timezone.localdate()
    current = ArticleFactory(next_review_due=today)
    ArticleFactory(next_review_due=today - datetime.timedelta(days=1))
    ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert list(Article.objects.in_review_date()) == [current]
