"""The made-up but realistic content of the scale data set: what each article is about, its
sections, references and comments, as rows of column values for bench/seed_scale.py to write.

Everything is drawn from one random generator seeded with RANDOM_SEED, in the order the rows
are written, so every run builds the same data set (times aside: they are relative to the
moment it runs). Slugs, and the clinician's username, start with SLUG_PREFIX, so nothing
here can be mistaken for real or demo content.
"""

import datetime
import itertools
import random
from dataclasses import dataclass
from functools import cache

from django.utils.text import slugify

from articles.markdown import render_markdown
from articles.models import Article, Section, add_months
from comments.models import Comment

SLUG_PREFIX = "scale-"
# Fixed, so every run builds the same data set and benchmark runs compare like with like.
RANDOM_SEED = 1
# Comments per article follow Zipf's law (the k-th most discussed article gets 1/k of the
# busiest one's share), so the busiest article is a realistic worst case for its page.
ZIPF_EXPONENT = 1.0
# Readers' comments are drawn this many at a time: part of what RANDOM_SEED reproduces.
COMMENTS_DRAWN_AT_ONCE = 5_000
PUBLISHED_WITHIN_DAYS = 5 * 365

BODY_AREAS = [
    "back",
    "lower back",
    "neck",
    "shoulder",
    "calf",
    "thigh",
    "hamstring",
    "foot",
    "hand",
    "jaw",
    "hip",
    "stomach",
]
PROBLEMS = ["muscle spasms", "cramps", "stiffness", "pain", "twitching", "muscle strain"]
SITUATIONS = [
    "",
    "at night",
    "after exercise",
    "in pregnancy",
    "in older adults",
    "at work",
    "when sitting",
    "in children",
    "in hot weather",
    "after an injury",
]
STANDFIRSTS = [
    "What {subject} feels like, what usually causes it, what you can do yourself and when "
    "to get help.",
    "Most cases of {subject} get better on their own within a few weeks. Here is what "
    "helps, and the signs that mean you should get help.",
    "A clinician-checked guide to {subject}: common causes, simple treatments and when to "
    "see a GP or physiotherapist.",
]
SENTENCES = [
    "This is common and usually not a sign of anything serious.",
    "It often starts suddenly and can last from a few seconds to several minutes.",
    "Most people find it eases within a few days to a few weeks.",
    "Being tired, short of fluids or sitting still for a long time makes it more likely.",
    "Gentle movement usually helps more than resting completely.",
    "A warm bath or a heat pack can relax tight muscles.",
    "Some medicines list it as a side effect, so ask a pharmacist to check yours.",
    "Keep a short diary of when it happens: it helps you and your clinician spot a pattern.",
    "Stretch slowly, without bouncing, and hold each stretch for 20 to 30 seconds.",
    "Try to keep up your usual activities as much as the pain allows.",
    "Sleep, regular meals and enough fluids all help muscles recover.",
    "If it keeps coming back, a physiotherapist can suggest exercises that suit you.",
]
SELF_CARE_POINTS = [
    "stretch gently several times a day",
    "use a heat pack for 15 minutes at a time",
    "drink enough fluids, especially in hot weather",
    "take short walks rather than resting in bed",
    "change position often when sitting",
    "ask a pharmacist about pain relief",
]
URGENT_SIGNS = [
    "you have numbness around your bottom or genitals",
    "you cannot control when you pee or poo",
    "you have a high temperature and feel very unwell",
    "the pain started after a serious fall or accident",
    "the pain is getting worse quickly despite rest",
    "your leg or arm feels weak or numb",
]
Kind = Section.Kind
# Every article has the first five sections; some of the others are added at random.
CORE_SECTIONS = [
    ("What it feels like", Kind.NORMAL),
    ("Common causes", Kind.NORMAL),
    ("Things you can try at home", Kind.NORMAL),
    ("Treatments that can help", Kind.TREATMENTS),
    ("When to get help urgently", Kind.URGENT_ADVICE),
]
EXTRA_SECTIONS = [
    ("Alternative treatments and the evidence", Kind.ALTERNATIVE_TREATMENTS),
    ("Preventing it coming back", Kind.NORMAL),
    ("Living with it day to day", Kind.NORMAL),
    ("Questions to ask your GP", Kind.NORMAL),
]
BODY_VARIANTS = 3
TOPICS = [
    "Back and neck",
    "Arms and hands",
    "Legs and feet",
    "Cramps and spasms",
    "Sport and exercise",
    "Pregnancy",
    "Older adults",
    "Work and posture",
]
# name, category, summary, cautions
TREATMENTS = [
    ("Gentle stretching", "self_care", "Slow stretches that ease tight muscles.", ""),
    ("Heat packs", "self_care", "Warmth that relaxes muscles in spasm.", "Never on numb skin."),
    ("Staying active", "self_care", "Keeping up everyday movement.", ""),
    ("Paracetamol", "medicine", "A pain reliever for mild to moderate pain.", "Max 8 a day."),
    ("Ibuprofen gel", "medicine", "An anti-inflammatory rubbed on the skin.", "Not on cuts."),
    ("Physiotherapy", "therapy", "Exercises and advice from a physiotherapist.", ""),
    ("Massage therapy", "therapy", "Hands-on treatment of tight muscles.", ""),
    ("Acupuncture", "alternative", "Fine needles placed in the skin.", "Not if pregnant."),
    ("Magnesium supplements", "alternative", "Tablets sold for cramps.", "Can upset the gut."),
]
PUBLISHERS = ["NHS", "NICE", "Chartered Society of Physiotherapy", "Versus Arthritis", "BMJ"]
REFERENCE_TITLES = [
    "{Subject}: assessment and management",
    "{Subject}: information for patients",
    "Exercise for {subject}: a systematic review",
    "Clinical knowledge summary: {subject}",
]
READER_NAMES = [
    "Sam",
    "Priya K",
    "Tom from Leeds",
    "Margaret",
    "Dev",
    "Aisha",
    "Runner2020",
    "Chris P",
    "Helen",
    "Grandad Bill",
    "Nadia",
    "Oliver",
]
READER_SENTENCES = [
    "Thank you, this explained my {area} problems better than anything I had read.",
    "The stretches in this article really helped me.",
    "I get this most nights and never knew what caused it.",
    "My physio recommended the same exercises and they made a real difference.",
    "Does anyone else find it worse in cold weather?",
    "I found heat helped more than ice.",
    "It took about three weeks to settle for me.",
    "Useful to know when to worry and when not to.",
    "My GP said much the same, but this was clearer.",
    "I started drinking more water and it happens less often now.",
]
CLINICIAN_REPLIES = [
    "Thank you for sharing this. If it keeps coming back, it is worth seeing a "
    "physiotherapist, who can suggest exercises that suit you.",
    "Glad the article helped. If anything on the urgent list applies, please get help "
    "straight away.",
    "Thanks for your question. Cold can make muscles tighter, so warming up first may help.",
]
CLINICIAN = {
    "username": f"{SLUG_PREFIX}clinician",
    "first_name": "Jo",
    "last_name": "Okafor",
    "role": "Physiotherapist",
}


@dataclass
class ArticlePlan:
    """What one scale article is about; enough to write its rows, small enough for 10,000s."""

    number: int
    area: str
    problem: str
    situation: str
    published_at: datetime.datetime
    sections: list
    treatment_slugs: list
    reference_count: int
    topic_slugs: list

    @property
    def slug(self):
        return f"{SLUG_PREFIX}{self.number:05d}"

    @property
    def subject(self):
        return " ".join(filter(None, [self.area, self.problem, self.situation]))


class ScaleContent:
    """Rows for the scale articles and their comments, drawn from one seeded generator."""

    def __init__(self, now):
        self.rng = random.Random(RANDOM_SEED)  # noqa: S311 (sample content, not secrets)
        self.now = now

    def plan(self, number):
        rng = self.rng
        extras = rng.sample(EXTRA_SECTIONS, rng.randint(0, len(EXTRA_SECTIONS)))
        sections = [
            (heading, kind, rng.randrange(BODY_VARIANTS))
            for heading, kind in CORE_SECTIONS + sorted(extras, key=EXTRA_SECTIONS.index)
        ]
        treatment_slugs = [f"{SLUG_PREFIX}{slugify(item[0])}" for item in TREATMENTS]
        return ArticlePlan(
            number=number,
            area=rng.choice(BODY_AREAS),
            problem=rng.choice(PROBLEMS),
            situation=rng.choice(SITUATIONS),
            published_at=self.now - datetime.timedelta(days=rng.uniform(1, PUBLISHED_WITHIN_DAYS)),
            sections=sections,
            treatment_slugs=rng.sample(treatment_slugs, rng.randint(2, 5)),
            reference_count=rng.randint(2, 4),
            topic_slugs=rng.sample([f"{SLUG_PREFIX}{slugify(name)}" for name in TOPICS], 2)[
                : rng.randint(1, 2)
            ],
        )

    def article_row(self, plan, reviewer):
        reviewed_after = datetime.timedelta(days=self.rng.randint(0, 90))
        last_reviewed = min((plan.published_at + reviewed_after).date(), self.now.date())
        return {
            "title": plan.subject[0].upper() + plan.subject[1:],
            "slug": plan.slug,
            "standfirst": self.rng.choice(STANDFIRSTS).format(subject=plan.subject),
            "status": Article.Status.PUBLISHED,
            "published_at": plan.published_at,
            "updated_at": plan.published_at,
            "last_reviewed": last_reviewed,
            # Reviewed on time, so no article carries an "overdue" notice it would not have.
            "next_review_due": add_months(self.now.date(), self.rng.randint(1, 12)),
            "reviewed_by_id": reviewer.pk,
            "comments_open": True,
        }

    def section_rows(self, article_pk, plan):
        for position, (heading, kind, variant) in enumerate(plan.sections, 1):
            body, body_html = self.section_text(kind, variant)
            yield {
                "article_id": article_pk,
                "order": position * 10,
                "heading": heading,
                "anchor": slugify(heading),
                "kind": kind,
                "body": body,
                "body_html": body_html,
            }

    @staticmethod
    @cache
    def section_text(kind, variant):
        """A few fixed bodies (text and HTML) per kind of section: Markdown is rendered once
        for each, not once for each of tens of thousands of sections."""
        rng = random.Random(f"{kind}-{variant}")  # noqa: S311 (sample content, not secrets)
        if kind == Kind.URGENT_ADVICE:
            signs = rng.sample(URGENT_SIGNS, 4)
            paragraphs = ["Get help straight away if:", "\n".join(f"- {sign}" for sign in signs)]
        else:
            paragraphs = [" ".join(rng.sample(SENTENCES, 3)) for _ in range(2)]
            if kind == Kind.NORMAL and variant:
                points = rng.sample(SELF_CARE_POINTS, 3)
                paragraphs.append("\n".join(f"- {point}" for point in points))
        body = "\n\n".join(paragraphs)
        return body, render_markdown(body)

    def reference_rows(self, article_pk, plan):
        templates = self.rng.sample(REFERENCE_TITLES, plan.reference_count)
        for position, template in enumerate(templates, 1):
            title = template.replace("{Subject}", plan.subject.capitalize()).replace(
                "{subject}", plan.subject
            )
            yield {
                "article_id": article_pk,
                "title": title,
                "publisher": self.rng.choice(PUBLISHERS),
                "url": f"https://www.example.org/guidance/{slugify(title)}",
                "accessed": plan.published_at.date(),
                "order": position * 10,
            }

    def reader_comment_rows(self, articles, count):
        """Approved readers' comments, each on a Zipf-chosen article, after it was published."""
        ranked = [(pk, plan.published_at, plan.area) for pk, plan in articles]
        self.rng.shuffle(ranked)
        cum_weights = list(
            itertools.accumulate(1 / rank**ZIPF_EXPONENT for rank in range(1, len(ranked) + 1))
        )
        rng, now = self.rng, self.now
        remaining = count
        while remaining:
            batch = rng.choices(
                ranked, cum_weights=cum_weights, k=min(COMMENTS_DRAWN_AT_ONCE, remaining)
            )
            remaining -= len(batch)
            for article_pk, published_at, area in batch:
                created_at = published_at + (now - published_at) * rng.random()
                sentences = rng.sample(READER_SENTENCES, rng.randint(1, 3))
                yield {
                    "article_id": article_pk,
                    "display_name": rng.choice(READER_NAMES),
                    "body": " ".join(sentences).format(area=area),
                    "status": Comment.Status.APPROVED,
                    "created_at": created_at,
                    "moderated_at": min(created_at + datetime.timedelta(hours=2), now),
                }

    def reply_rows(self, parents, clinician):
        name = f"{CLINICIAN['first_name']} {CLINICIAN['last_name']}"
        for parent_pk, article_pk, asked_at in parents:
            created_at = min(asked_at + datetime.timedelta(hours=self.rng.randint(1, 72)), self.now)
            yield {
                "article_id": article_pk,
                "parent_id": parent_pk,
                "display_name": name,
                "body": self.rng.choice(CLINICIAN_REPLIES),
                "status": Comment.Status.APPROVED,
                "author_id": clinician.pk,
                "author_role": CLINICIAN["role"],
                "created_at": created_at,
                "moderated_at": created_at,
            }
