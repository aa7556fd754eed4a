"""The demo content loader: complete, clinically careful, and safe to run again."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from articles.models import Article, ArticleTreatment, Reference, Section, Topic, Treatment
from articles.readability import measure

from .sign_in import sign_in, signed_in

pytestmark = pytest.mark.django_db

DEMO_MODELS = [Article, Section, Treatment, ArticleTreatment, Reference, Topic]


def load(*args):
    out = io.StringIO()
    call_command("load_demo_content", *args, stdout=out)
    return out.getvalue()


def snapshot():
    rows = {}
    for model in DEMO_MODELS:
        for instance in model.objects.order_by("pk"):
            values = model_to_dict(instance)
            values = {
                k: v if not isinstance(v, list) else sorted(o.pk for o in v)
                for k, v in values.items()
            }
            values["updated_at"] = getattr(instance, "updated_at", None)
            rows[(model.__name__, instance.pk)] = values
    return rows


def test_loading_twice_changes_nothing():
    load()
    before = snapshot()

    output = load()

    assert snapshot() == before
    assert "0 article(s) loaded" in output


def test_a_clinicians_edit_survives_the_next_load_and_reset_restores_the_demo_text():
    load()
    section = Section.objects.filter(article__slug="back-muscle-spasms").first()
    shipped = section.body
    section.body = "Edited by a clinician."
    section.save()

    load()
    assert Section.objects.get(pk=section.pk).body == "Edited by a clinician."

    load("--reset")
    assert Section.objects.filter(article__slug="back-muscle-spasms").first().body == shipped


def test_the_spasms_article_follows_the_seeds_structure():
    load()
    article = Article.objects.for_page().get(slug="back-muscle-spasms")

    contents = article.table_of_contents()

    assert len(contents) == 8
    assert [child.number for child in contents[3].children] == ["4.1"]
    assert contents[3].kind == Section.Kind.TREATMENTS
    assert contents[3].children[0].kind == Section.Kind.ALTERNATIVE_TREATMENTS
    assert contents[5].kind == Section.Kind.URGENT_ADVICE


def test_the_spasms_article_names_the_red_flags_the_seed_missed(client):
    load()
    html = client.get("/articles/back-muscle-spasms/").content.decode()
    card = html[html.index('id="care-card"') : html.index("</section>\n  \n</div>")].lower()

    for red_flag in [
        "genitals",  # saddle numbness (cauda equina)
        "peeing or pooing",  # bladder and bowels
        "both legs",
        "chest pain",
        "temperature",  # fever
        "weight",
        "cancer",
        "fall",
        "night",
        "call 999",
        "call 111",
    ]:
        assert red_flag in card, red_flag


def test_no_demo_text_writes_a_help_line_number_out():
    """Numbers are placeholders filled in from settings, so a deployment changes them all."""
    load()
    texts = [*Section.objects.values_list("body", flat=True)]
    for treatment in Treatment.objects.all():
        texts += [treatment.summary, treatment.how_it_helps, treatment.cautions]

    assert [text for text in texts if re.search(r"\b(999|111|112|911)\b", text)] == []
    assert any("{emergency_number}" in text for text in texts)


def test_every_demo_article_is_published_reviewed_sourced_and_related_only_to_its_kin():
    load()
    articles = Article.objects.prefetch_related("topics", "related_articles", "references")

    assert articles.count() >= 4
    for article in articles:
        assert article.is_public
        assert article.reviewed_by is not None
        assert article.last_reviewed and article.next_review_due > article.last_reviewed
        assert article.references.count() >= 2, article.slug
        assert all(ref.url.startswith("https://") for ref in article.references.all())
        topics = set(article.topics.all())
        for related in article.related_articles.all():
            assert topics & set(related.topics.all()), (article.slug, related.slug)


def test_alternative_treatments_carry_an_honest_evidence_note_and_all_have_cautions():
    load()

    for treatment in Treatment.objects.all():
        assert treatment.cautions.strip(), treatment.slug
    for treatment in Treatment.objects.filter(category=Treatment.Category.ALTERNATIVE):
        assert len(treatment.evidence_note) > 40, treatment.slug


def test_demo_pages_render_with_the_treatments_in_place(client):
    load()
    html = client.get("/articles/back-muscle-spasms/").content.decode()

    assert html.count("<h1") == 1
    assert "What the evidence says" in html
    assert "Related articles" in html
    assert 'class="article-section urgent-advice"' in html


def test_demo_reviewer_cannot_log_in():
    load()

    assert not get_user_model().objects.get(username="demo-reviewer").has_usable_password()


def passwords(out):
    return dict(re.findall(r"user name: (\w+)\s+password: (\S+)", out.getvalue()))


@pytest.mark.parametrize(
    ("username", "admin_page"),
    [
        ("clinician", "/admin/articles/article/"),
        ("editor", "/admin/articles/article/"),
        ("moderator", "/admin/comments/comment/"),
        ("clinician2", "/admin/triage/safetychangeproposal/"),
    ],
)
def test_demo_accounts_get_a_working_random_password(client, settings, username, admin_page):
    settings.DEBUG = True
    out = io.StringIO()

    call_command("create_demo_accounts", stdout=out)
    first = passwords(out)[username]
    call_command("create_demo_accounts", stdout=io.StringIO())

    assert not signed_in(sign_in(client, username, first))  # a new one each run
    out = io.StringIO()
    call_command("create_demo_accounts", stdout=out)
    assert signed_in(sign_in(client, username, passwords(out)[username]))
    assert client.get(admin_page).status_code == 200


def test_demo_accounts_are_refused_in_production(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="development only"):
        call_command("create_demo_accounts")


def test_every_demo_section_reads_at_grade_8_or_below():
    load()

    for section in Section.objects.select_related("article"):
        figures = measure(section.body)
        assert figures is not None and not figures.above_target, (
            section.article.slug,
            section.heading,
            figures,
        )
