"""What blocks publishing: readers must be told when to get help, the advice must rest on
sources, a named clinician must sign it off, and no section may read too hard without a
reason a clinician gave. Each refusal names what to fix, in plain words."""

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from articles.checks import publish_problems
from articles.content import ArticleContent, SectionContent
from articles.models import Article, Section
from articles.readability import measure
from triage.models import RedFlag

from .factories import (
    ArticleFactory,
    ClinicianFactory,
    EditorFactory,
    SectionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

PLAIN = "Keep moving. Walk a little every day."
AT_THE_LIMIT = (
    "If your back hurts when you bend, keep moving and walk a little every day, as resting "
    "in bed usually makes it much worse."
)
JUST_ABOVE = "Stretching every morning strengthens the muscles that support your lower back."
JARGON = (
    "Idiopathic paravertebral musculoskeletal hypertonicity necessitates comprehensive "
    "multidisciplinary pharmacological intervention."
)
WHEN_TO_GET_HELP = SectionContent(
    heading="When to get medical help",
    body="Call {emergency_number} if you cannot feel your legs.",
    kind=Section.Kind.URGENT_ADVICE,
)
NO_HELP = (
    "Readers are not told when to get medical help: add a section of the kind “Urgent "
    "advice (when to get help)” with its text, or choose a topic whose red flags show a "
    "care card."
)
NO_REFERENCES = "There are no references: add the sources this advice rests on."
NO_REVIEWER = (
    "No clinician is named as the reviewer: an article goes live only when a clinician who "
    "can sign off articles reviews and publishes it."
)
NO_NAME = (
    "Readers are shown the reviewer's full name, and your account has none: ask an "
    "administrator to add your name to your account."
)


def content(*sections, references=("NICE guideline NG59",), topic_slugs=()):
    """Content that passes every check, unless told otherwise."""
    return ArticleContent(
        title="Back spasms",
        standfirst="What helps a back spasm.",
        sections=sections or (SectionContent(heading="What helps", body=PLAIN), WHEN_TO_GET_HELP),
        references=tuple(references),
        topic_slugs=frozenset(topic_slugs),
    )


def section(body, heading="What helps", **fields):
    return SectionContent(heading=heading, body=body, **fields)


def too_hard(heading, body):
    return (
        f"The section “{heading}” reads at grade {measure(body).grade:g}, above the limit of "
        "grade 9: use shorter sentences and everyday words, or, if it cannot be made plainer, "
        "tick “accept harder reading for this section” and say why."
    )


def ticked_without_reason(heading):
    return (
        f"The section “{heading}” has “accept harder reading” ticked but no reason: say why "
        "it cannot be made plainer, or untick it."
    )


def test_complete_content_signed_off_by_a_named_clinician_can_be_published(clinician):
    assert publish_problems(content(), clinician) == []


# When to get help --------------------------------------------------------------------------


def test_no_urgent_advice_section_and_no_care_card_is_refused(clinician):
    plain_only = content(section(PLAIN))

    assert publish_problems(plain_only, clinician) == [NO_HELP]


def test_an_urgent_advice_section_with_no_text_does_not_count(clinician):
    empty = dataclasses.replace(WHEN_TO_GET_HELP, body="  \n ")

    assert publish_problems(content(section(PLAIN), empty), clinician) == [NO_HELP]


@pytest.mark.parametrize(
    "body",
    [
        "<!-- x -->",
        "&nbsp;",
        "&nbsp; &#160;\n\n&#xa0;",
        "**  **",
        "<b></b>",
        "&#8203;",
        "- \n\n- ",
        "[ ](https://www.nhs.uk/)",
        "<!-- Call {emergency_number} if you cannot feel your legs. -->",
    ],
)
def test_an_urgent_advice_section_that_shows_readers_no_words_does_not_count(clinician, body):
    invisible = dataclasses.replace(WHEN_TO_GET_HELP, body=body)

    assert publish_problems(content(section(PLAIN), invisible), clinician) == [NO_HELP]


@pytest.mark.parametrize(
    "body",
    [
        "<!-- checked by the team -->\n\n" + WHEN_TO_GET_HELP.body,
        "&nbsp;**Call {emergency_number}** if you cannot feel your legs.",
    ],
)
def test_urgent_advice_counts_when_readers_see_its_words(clinician, body):
    visible = dataclasses.replace(WHEN_TO_GET_HELP, body=body)

    assert publish_problems(content(section(PLAIN), visible), clinician) == []


def test_a_topic_with_live_red_flags_shows_a_care_card_so_needs_no_urgent_section(clinician):
    topic = TopicFactory(slug="neck-pain")
    RedFlag.objects.create(
        topic=topic, slug="arm_weakness", level="gp", noticed="weakness in one arm"
    )

    one_of_two = content(section(PLAIN), topic_slugs=["neck-pain", "leg-cramps"])

    assert publish_problems(content(section(PLAIN), topic_slugs=["neck-pain"]), clinician) == []
    assert publish_problems(one_of_two, clinician) == []


def test_the_shipped_back_pain_red_flags_count_as_a_care_card(clinician):
    assert RedFlag.objects.live().filter(topic__slug="back-pain").exists()

    assert publish_problems(content(section(PLAIN), topic_slugs=["back-pain"]), clinician) == []


def test_a_topic_whose_red_flags_are_all_switched_off_shows_no_care_card(clinician):
    topic = TopicFactory(slug="neck-pain")
    RedFlag.objects.create(
        topic=topic, slug="arm_weakness", level="gp", noticed="weakness in one arm", active=False
    )

    assert publish_problems(content(section(PLAIN), topic_slugs=["neck-pain"]), clinician) == [
        NO_HELP
    ]


def test_a_topic_with_no_red_flags_shows_no_care_card(clinician):
    TopicFactory(slug="leg-cramps")

    assert publish_problems(content(section(PLAIN), topic_slugs=["leg-cramps"]), clinician) == [
        NO_HELP
    ]


# References and the reviewer ---------------------------------------------------------------


def test_no_references_is_refused(clinician):
    assert publish_problems(content(references=()), clinician) == [NO_REFERENCES]


def test_a_reference_with_no_title_does_not_count(clinician):
    assert publish_problems(content(references=["  "]), clinician) == [NO_REFERENCES]


def test_no_reviewer_is_refused():
    assert publish_problems(content(), None) == [NO_REVIEWER]


def test_an_editor_cannot_be_the_reviewer():
    assert publish_problems(content(), EditorFactory()) == [NO_REVIEWER]


def test_a_deactivated_clinician_cannot_be_the_reviewer():
    assert publish_problems(content(), ClinicianFactory(is_active=False)) == [NO_REVIEWER]


@pytest.mark.parametrize(("first_name", "last_name"), [("", ""), ("  ", " ")])
def test_a_clinician_with_no_name_is_told_to_ask_for_it_to_be_added(first_name, last_name):
    nameless = ClinicianFactory(first_name=first_name, last_name=last_name)

    assert publish_problems(content(), nameless) == [NO_NAME]


# Reading grade -----------------------------------------------------------------------------


def test_the_test_texts_are_where_they_claim_to_be():
    assert measure(PLAIN).grade <= 8
    assert measure(AT_THE_LIMIT).grade == 9.0
    assert measure(JUST_ABOVE).grade == 9.1
    assert measure(JARGON).grade > 9


def test_a_section_just_at_the_limit_can_be_published(clinician):
    assert publish_problems(content(section(AT_THE_LIMIT), WHEN_TO_GET_HELP), clinician) == []


def test_a_section_just_above_the_limit_is_refused_by_name_with_its_grade(clinician):
    hard = section(JUST_ABOVE, heading="Preventing spasms")

    problems = publish_problems(content(hard, WHEN_TO_GET_HELP), clinician)

    assert problems == [too_hard("Preventing spasms", JUST_ABOVE)]
    assert "“Preventing spasms” reads at grade 9.1, above the limit of grade 9" in problems[0]


def test_the_limit_comes_from_settings(clinician, settings):
    settings.READING_GRADE_LIMIT = 8
    at_nine = section(AT_THE_LIMIT, heading="Moving")

    problems = publish_problems(content(at_nine, WHEN_TO_GET_HELP), clinician)

    assert problems == [too_hard("Moving", AT_THE_LIMIT).replace("grade 9:", "grade 8:")]


def test_harder_reading_accepted_with_a_reason_can_be_published(clinician):
    accepted = section(
        JARGON,
        heading="Medicines",
        harder_reading_accepted=True,
        harder_reading_reason="It must name the medicines as they are on the packet.",
    )

    assert publish_problems(content(accepted, WHEN_TO_GET_HELP), clinician) == []


@pytest.mark.parametrize("body", [JARGON, PLAIN])
@pytest.mark.parametrize("reason", ["", "   "])
def test_harder_reading_ticked_without_a_reason_is_refused(clinician, body, reason):
    ticked = section(
        body, heading="Medicines", harder_reading_accepted=True, harder_reading_reason=reason
    )

    assert publish_problems(content(ticked, WHEN_TO_GET_HELP), clinician) == [
        ticked_without_reason("Medicines")
    ]


def test_a_reason_without_the_tick_accepts_nothing(clinician):
    untick = section(JARGON, heading="Medicines", harder_reading_reason="Names the medicines.")

    assert publish_problems(content(untick, WHEN_TO_GET_HELP), clinician) == [
        too_hard("Medicines", JARGON)
    ]


def test_hard_urgent_advice_and_sub_sections_are_checked_too(clinician):
    hard_help = SectionContent(
        heading="When to get medical help", body=JARGON, kind=Section.Kind.URGENT_ADVICE
    )
    hard_sub = section(JUST_ABOVE, heading="Stretches", parent_heading="What helps")

    assert publish_problems(content(section(PLAIN), hard_sub, hard_help), clinician) == [
        too_hard("Stretches", JUST_ABOVE),
        too_hard("When to get medical help", JARGON),
    ]


def test_an_empty_section_has_no_grade_to_refuse(clinician):
    assert publish_problems(content(section(""), WHEN_TO_GET_HELP), clinician) == []


def test_every_problem_is_listed_at_once():
    nothing_right = content(
        section(JARGON, heading="Causes"),
        section(PLAIN, heading="Summary", harder_reading_accepted=True),
        references=(),
    )

    assert publish_problems(nothing_right, None) == [
        NO_HELP,
        NO_REFERENCES,
        NO_REVIEWER,
        too_hard("Causes", JARGON),
        ticked_without_reason("Summary"),
    ]


def test_a_saved_article_is_checked_as_it_is_stored(clinician):
    article = ArticleFactory()
    SectionFactory(article=article, heading="Causes", body=JARGON)
    SectionFactory(
        article=article,
        heading="Medicines",
        body=JARGON,
        harder_reading_accepted=True,
        harder_reading_reason="It names the medicines.",
    )

    assert publish_problems(ArticleContent.of(article), clinician) == [
        NO_HELP,
        NO_REFERENCES,
        too_hard("Causes", JARGON),
    ]


def test_every_demo_article_can_be_published_by_a_named_clinician(clinician):
    call_command("load_demo_content", verbosity=0)
    articles = Article.objects.all()
    assert articles.count() >= 4

    for article in articles:
        assert publish_problems(ArticleContent.of(article), clinician) == [], article.slug


# Properties --------------------------------------------------------------------------------


def heading(section_content):
    return section_content.heading


section_contents = st.builds(
    SectionContent,
    heading=st.sampled_from(["Causes", "What helps", "When to get medical help"]),
    body=st.sampled_from(["", PLAIN, AT_THE_LIMIT, JUST_ABOVE, JARGON]),
    kind=st.sampled_from(Section.Kind.values),
    harder_reading_accepted=st.booleans(),
    harder_reading_reason=st.sampled_from(["", " ", "It must name the medicines."]),
)
contents = st.builds(
    ArticleContent,
    title=st.just("Back spasms"),
    standfirst=st.just("What helps."),
    sections=st.lists(section_contents, max_size=3, unique_by=heading).map(tuple),
    references=st.lists(st.sampled_from(["", "NICE NG59", "NHS: back pain"]), max_size=3).map(
        tuple
    ),
    topic_slugs=st.frozensets(st.sampled_from(["back-pain", "leg-cramps", "everyday-health"])),
)


@given(contents)
def test_content_without_references_is_always_refused(article):
    article = dataclasses.replace(article, references=())

    assert NO_REFERENCES in publish_problems(article, None)


@given(contents)
def test_a_section_above_the_limit_is_refused_unless_accepted_with_a_reason(article):
    problems = publish_problems(article, None)

    for each in article.sections:
        reason_given = each.harder_reading_accepted and each.harder_reading_reason.strip()
        figures = measure(each.body)
        if each.harder_reading_accepted and not reason_given:
            assert ticked_without_reason(each.heading) in problems
        elif figures and figures.grade > 9 and not reason_given:
            assert too_hard(each.heading, each.body) in problems
        else:
            assert not [problem for problem in problems if f"“{each.heading}”" in problem]


# The section form --------------------------------------------------------------------------


def test_a_section_with_harder_reading_ticked_needs_a_reason():
    ticked = SectionFactory.build(
        article=ArticleFactory(), body=JARGON, harder_reading_accepted=True
    )

    with pytest.raises(ValidationError) as refused:
        ticked.clean()

    assert refused.value.message_dict == {
        "harder_reading_reason": [
            "Say why this section cannot be made plainer, or untick “accept harder reading "
            "for this section”."
        ]
    }


def test_a_reason_of_only_spaces_is_no_reason():
    ticked = SectionFactory.build(
        article=ArticleFactory(), harder_reading_accepted=True, harder_reading_reason="   "
    )

    with pytest.raises(ValidationError) as refused:
        ticked.clean()

    assert list(refused.value.message_dict) == ["harder_reading_reason"]


def test_a_section_with_harder_reading_ticked_and_a_reason_is_valid():
    SectionFactory.build(
        article=ArticleFactory(),
        body=JARGON,
        harder_reading_accepted=True,
        harder_reading_reason="It must name the medicines as they are on the packet.",
    ).clean()


def test_an_unticked_section_needs_no_reason():
    SectionFactory.build(article=ArticleFactory(), body=JARGON).clean()


def test_the_missing_reason_is_reported_with_a_help_line_number_written_out():
    ticked = SectionFactory.build(
        article=ArticleFactory(), body="Call 999 now.", harder_reading_accepted=True
    )

    with pytest.raises(ValidationError) as refused:
        ticked.clean()

    assert set(refused.value.message_dict) == {"body", "harder_reading_reason"}
