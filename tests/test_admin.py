"""The clinicians' admin: every page loads, and an edit reaches the public page."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article, ArticleTreatment, Reference, Section, Topic, Treatment

from .admin_forms import change_form_data
from .factories import (
    ArticleFactory,
    ArticleTreatmentFactory,
    ReferenceFactory,
    SectionFactory,
    TopicFactory,
    TreatmentFactory,
    UserFactory,
    ready_to_publish,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:articles_article_changelist",
        "admin:articles_article_add",
        "admin:articles_treatment_changelist",
        "admin:articles_treatment_add",
        "admin:articles_topic_changelist",
    ],
)
def test_admin_pages_load_for_a_clinician(clinician_client, url_name):
    ArticleFactory()

    assert clinician_client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize(
    "query", ["?status=draft", "?review=overdue", "?review=due_soon", "?q=back"]
)
def test_article_list_filters_and_search_work(clinician_client, query):
    ArticleFactory(title="Back pain", next_review_due="2020-01-01")

    response = clinician_client.get(reverse("admin:articles_article_changelist") + query)

    assert response.status_code == 200


def test_overdue_filter_lists_only_overdue_articles(clinician_client):
    ArticleFactory(title="Overdue one", next_review_due="2020-01-01")
    ArticleFactory(title="Fresh one")

    response = clinician_client.get(
        reverse("admin:articles_article_changelist") + "?review=overdue"
    )

    titles = [article.title for article in response.context["cl"].result_list]
    assert titles == ["Overdue one"]


def test_article_change_page_loads_with_all_its_parts(clinician_client):
    article = ArticleFactory()
    parent = SectionFactory(article=article)
    SectionFactory(article=article, parent=parent)
    ArticleTreatmentFactory(article=article)
    ReferenceFactory(article=article)
    article.topics.add(TopicFactory())

    response = clinician_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    assert response.status_code == 200
    assert "Sections" in response.content.decode()


def test_treatment_change_page_loads(clinician_client):
    treatment = TreatmentFactory()

    url = reverse("admin:articles_treatment_change", args=[treatment.pk])
    assert clinician_client.get(url).status_code == 200


def test_clinician_edits_a_section_and_reorders_and_the_page_shows_it(clinician_client, client):
    article = ready_to_publish(ArticleFactory())
    first = SectionFactory(article=article, heading="Causes", order=10)
    second = SectionFactory(article=article, heading="Symptoms", order=20)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(clinician_client.get(url))
    prefix = "sections"
    for index in range(2):
        if data[f"{prefix}-{index}-id"] == str(first.pk):
            data[f"{prefix}-{index}-body"] = "Lifting heavy things **badly**."
            data[f"{prefix}-{index}-order"] = "30"

    response = clinician_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Lifting heavy things <strong>badly</strong>." in html
    assert html.index(f'id="{second.anchor}"') < html.index(f'id="{first.anchor}"')


def test_parent_choices_are_only_this_articles_main_sections(clinician_client):
    article = ArticleFactory()
    main = SectionFactory(article=article, heading="Main one")
    SectionFactory(article=article, heading="Sub one", parent=main)
    SectionFactory(heading="Someone else's section")

    response = clinician_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    labels = [label for _, label in form.fields["parent"].choices]
    assert labels == ["— none: a main section —", "Main one"]


def test_view_on_site_works_for_a_draft(clinician_client):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    url = reverse("admin:view_on_site", args=[_content_type_id(Article), article.pk])

    response = clinician_client.get(url, follow=True)

    assert response.status_code == 200
    assert "Draft — not public." in response.content.decode()


@pytest.mark.parametrize("model", [Article, Section, Treatment, ArticleTreatment, Reference, Topic])
def test_every_field_a_clinician_edits_has_help_text(model):
    for field in model._meta.get_fields():
        if getattr(field, "editable", False) and field.concrete and not field.auto_created:
            if field.name == "article":  # set by the page the inline sits on
                continue
            assert field.help_text, f"{model.__name__}.{field.name} has no help text"


def test_clinician_group_can_edit_content_but_not_users():
    group = Group.objects.get(name="Clinician")
    codenames = set(group.permissions.values_list("codename", flat=True))

    assert {"change_article", "add_section", "change_treatment", "delete_reference"} <= codenames
    assert not codenames & {"change_user", "add_user", "change_group"}


def test_staff_without_the_clinician_group_cannot_edit_articles(client):
    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("admin:articles_article_changelist"))

    assert response.status_code == 403


def _content_type_id(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk
