"""The data migration that turns written-out help-line numbers into placeholders keeps the
words readers see, and lets the articles be saved again under the new check."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import Section, Treatment

# Migrations run outside a test transaction; the serialized rollback puts back the rows
# the migrations made (the checker, the red flags) for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("articles", "0011_help_line_placeholders")]
AFTER = [("articles", "0012_help_line_numbers_as_placeholders")]


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets):
    return MigrationExecutor(connection).migrate(targets).apps


@pytest.fixture
def written_out():
    """A section and a treatment saved with the numbers written out, before the check."""
    try:
        apps = migrate(BEFORE)
        article = apps.get_model("articles", "Article").objects.create(
            title="Back pain", slug="back-pain-numbers", standfirst="About back pain."
        )
        body = "Call 999 now, or 111 for advice. See https://111.nhs.uk or 0800 999 123."
        section = apps.get_model("articles", "Section").objects.create(
            article=article,
            heading="When to call 999",
            body=body,
            body_html=f"<p>{body}</p>",
            anchor="when",
            order=1,
        )
        treatment = apps.get_model("articles", "Treatment").objects.create(
            name="Talking", slug="talking-numbers", summary="Talk.", cautions="Call 111."
        )
        migrate(AFTER)
        yield section.pk, treatment.pk
    finally:
        migrate(latest())


def test_the_configured_numbers_become_placeholders_and_nothing_else_changes(written_out):
    section_pk, treatment_pk = written_out
    migrate(latest())  # the models below are today's; later migrations leave these alone
    section = Section.objects.get(pk=section_pk)

    assert section.heading == "When to call {emergency_number}"
    assert section.body == (
        "Call {emergency_number} now, or {urgent_number} for advice. "
        "See https://111.nhs.uk or 0800 999 123."
    )
    assert "Call {emergency_number} now" in section.body_html
    assert Treatment.objects.get(pk=treatment_pk).cautions == "Call {urgent_number}."
    section.full_clean(exclude=["article"])  # it can be saved under the new check


def test_migrating_back_writes_the_numbers_out_again(written_out):
    section_pk, _ = written_out

    apps = migrate(BEFORE)

    section = apps.get_model("articles", "Section").objects.get(pk=section_pk)
    assert section.body.startswith("Call 999 now, or 111 for advice.")
