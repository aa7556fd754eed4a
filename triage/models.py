"""The site's clinical rule set: red flags, the checker's questions, advice and vignettes.

Clinicians own the wording and the rules; code owns the safety checks. Every change to a
question or a red flag is tried against all safety vignettes first, and refused if it
would make one that passes fail.

A red flag is the one clinical object every channel reads: the care card on each article
of its topic lists it, the checker asks about it (its question's advice level is the red
flag's level), and comments and searches are matched against its phrases.

Weakening the safety net (deleting a test case, changing what one checks, switching off or
lowering a red flag) waits for a second clinician: see `four_eyes.py`.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils import timezone

from articles.models import Topic
from governance.counters import count_one
from governance.helplines import (
    EMERGENCY_PLACEHOLDER,
    URGENT_PLACEHOLDER,
    literal_helpline_message,
    literal_helplines,
)
from pagecache.kept import KeptPerVersion

from . import red_flags as matching
from .engine import AnswerKind, Disposition, Rule, triage
from .proposals import SafetyChangeProposal as SafetyChangeProposal  # this app's model too

DISPOSITION_CHOICES = [(disposition.value, disposition.label) for disposition in Disposition]
ANSWER_KIND_CHOICES = [
    (AnswerKind.YES_NO.value, "Yes or no"),
    (AnswerKind.WEEKS.value, "Number of weeks"),
]
# A missing answer to these is an error: silence must never hide a red flag.
RED_FLAG_DISPOSITIONS = {Disposition.EMERGENCY, Disposition.URGENT}


class UnsafeChange(ValidationError):
    """A change to the rules that would make a passing safety vignette fail."""


class QuestionQuerySet(models.QuerySet):
    def asked(self):
        """Active questions in the order readers see them: red flags first."""
        return self.filter(active=True).order_by("group_order", "order", "pk")

    def rules(self):
        return [question.as_rule() for question in self.asked()]

    def rules_by_question(self):
        return {question.pk: question.as_rule() for question in self.asked()}


class Question(models.Model):
    class Group(models.TextChoices):
        EMERGENCY_SIGNS = "emergency_signs", "Signs that need emergency help"
        URGENT_SIGNS = "urgent_signs", "Signs that need help today"
        ABOUT_YOUR_PAIN = "about_your_pain", "About your pain"

    GROUP_ORDER = {group: position for position, group in enumerate(Group)}

    slug = models.CharField(
        max_length=50,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z][a-z0-9_]*$", "Use lower-case letters, numbers and underscores only."
            )
        ],
        help_text="A fixed name for this question used by the safety test cases. It cannot "
        "be changed once saved.",
    )
    text = models.CharField(
        max_length=300, help_text="The question as readers see it. Plain words, one idea."
    )
    hint = models.CharField(
        "help text",
        max_length=300,
        blank=True,
        help_text="Optional extra words under the question, e.g. an example.",
    )
    said = models.CharField(
        "how the result repeats a yes",
        max_length=300,
        help_text="Finishes the sentence “You said …” on the result page, e.g. “you have "
        "numbness around your bottom”. For a weeks question, use {weeks} for the number.",
    )
    group = models.CharField(
        max_length=30,
        choices=Group,
        help_text="The part of the form the question appears in. Red flags come first.",
    )
    group_order = models.PositiveSmallIntegerField(default=0, editable=False)
    kind = models.CharField(
        "answer type",
        max_length=10,
        choices=ANSWER_KIND_CHOICES,
        default=AnswerKind.YES_NO.value,
        help_text="Most questions are yes or no. “Number of weeks” is for how long the pain "
        "has lasted.",
    )
    disposition = models.CharField(
        "advice if it applies",
        max_length=20,
        choices=DISPOSITION_CHOICES,
        help_text="What a “yes” (or a number of weeks at or above the threshold) leads to. "
        "The most urgent advice any answer reaches always wins.",
    )
    threshold_weeks = models.PositiveSmallIntegerField(
        "threshold (weeks)",
        null=True,
        blank=True,
        help_text="Number-of-weeks questions only: this many weeks or more leads to the "
        "advice above.",
    )
    order = models.PositiveIntegerField(
        default=0, help_text="Position within its group; lowest number first."
    )
    active = models.BooleanField(
        default=True,
        help_text="Untick to stop asking the question (it is kept for history). For an "
        "emergency or urgent question, or one a red flag uses, that needs a second "
        "clinician's approval.",
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["group_order", "order", "pk"]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        self.group_order = self.GROUP_ORDER[self.Group(self.group)]
        self.check_rule_is_complete()
        self.check_vignettes()
        super().save(*args, **kwargs)

    def clean(self):
        if self.pk:
            original = Question.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            if original and original != self.slug:
                raise ValidationError({"slug": "The question's fixed name cannot be changed."})
        if self.disposition not in Disposition or self.kind not in AnswerKind:
            return  # the field itself reports the problem; there is no rule to check yet
        self.check_rule_is_complete()
        self.check_vignettes()
        self.check_level_is_its_red_flags()

    def check_level_is_its_red_flags(self):
        red_flag = RedFlag.objects.filter(question=self).first() if self.pk else None
        if red_flag is not None and self.disposition != red_flag.level:
            raise ValidationError(
                {
                    "disposition": f"This question asks about the red flag “{red_flag}”, so "
                    "its advice is that red flag's level. Change the level on the red flag: "
                    "every channel reads it from there."
                }
            )

    @property
    def is_red_flag(self):
        return Disposition(self.disposition) in RED_FLAG_DISPOSITIONS

    @property
    def answer_required(self):
        """A missing answer counts as "no" only for questions that lead to a routine visit."""
        return self.is_red_flag

    def as_rule(self):
        return Rule(
            slug=self.slug,
            disposition=Disposition(self.disposition),
            kind=AnswerKind(self.kind),
            threshold_weeks=self.threshold_weeks,
            said=self.said,
        )

    def check_rule_is_complete(self):
        if self.kind == AnswerKind.WEEKS and self.threshold_weeks is None:
            raise ValidationError(
                {"threshold_weeks": "A number-of-weeks question needs a threshold."}
            )
        if self.disposition == Disposition.SELF_CARE:
            raise ValidationError(
                {
                    "disposition": "Self-care is the advice when nothing applies; choose advice "
                    "that a “yes” should lead to."
                }
            )

    def check_vignettes(self, before=None):
        """Refuse the change if a safety vignette that passes now would fail after it.

        `before` is the live rules by question; by default they are read from the database.
        """
        if before is None:
            before = Question.objects.rules_by_question()
        after = {pk: rule for pk, rule in before.items() if pk != self.pk}
        if self.active:
            after[self.pk or "new"] = self.as_rule()
        broken = [
            vignette
            for vignette in Vignette.objects.all()
            if vignette.passes(before.values()) and not vignette.passes(after.values())
        ]
        if broken:
            names = "; ".join(
                f"“{v.name}” (expects {Disposition(v.expected).label.lower()}, would get "
                f"{v.outcome(after.values()).disposition.label.lower()})"
                for v in broken
            )
            raise UnsafeChange(
                f"Not saved: this change would make {len(broken)} safety test case(s) fail: "
                f"{names}. If the change is right, update those test cases first."
            )


# The advice for these levels must send the reader to this number, in these fields.
NUMBER_REQUIRED = {
    Disposition.EMERGENCY: EMERGENCY_PLACEHOLDER,
    Disposition.URGENT: URGENT_PLACEHOLDER,
}


class Advice(models.Model):
    """What readers are told for each disposition. Numbers come from settings.

    The checker's result, the care card's tier headings, and the advice shown for a comment
    or a search that mentions a red flag all read these texts.
    """

    disposition = models.CharField(max_length=20, choices=DISPOSITION_CHOICES, unique=True)
    headline = models.CharField(
        max_length=200, help_text="The first thing readers see, e.g. “Call 999 now”."
    )
    action = models.TextField(
        help_text="What to do, in plain words. Write {emergency_number} or {urgent_number} "
        "where the phone numbers go; they are filled in from the site's settings."
    )
    safety_netting = models.TextField(
        "when to get more help",
        help_text="What would make this more urgent, and what to do then. One point a line.",
    )
    show_treatments = models.BooleanField(
        default=False,
        help_text="Show the curated treatments and links to the articles' treatment sections.",
    )
    care_card_heading = models.CharField(
        "care card heading",
        max_length=200,
        blank=True,
        help_text="The words above this level's list of warning signs on every article's "
        "care card, e.g. “Call {emergency_number} or go to A&E now if you have:”.",
    )

    class Meta:
        verbose_name_plural = "advice"
        ordering = ["pk"]

    def __str__(self):
        return Disposition(self.disposition).label

    def clean(self):
        """Emergency and urgent advice must tell the reader which number to call, and no
        advice writes a number out (it would disagree with the settings one day)."""
        errors = {
            field: literal_helpline_message(numbers)
            for field in ("headline", "action", "safety_netting", "care_card_heading")
            if (numbers := literal_helplines(getattr(self, field)))
        }
        placeholder = NUMBER_REQUIRED.get(self.disposition)
        if placeholder is not None:
            for field in ("headline", "action", "care_card_heading"):
                if placeholder not in getattr(self, field):
                    errors.setdefault(
                        field,
                        f"Advice at this level must tell readers to call the number: write "
                        f"{placeholder} here (the site fills in the number from its settings).",
                    )
        if errors:
            raise ValidationError(errors)


class Vignette(models.Model):
    """A safety test case: a set of answers and the advice they must lead to."""

    name = models.CharField(
        max_length=200, help_text="Describe the case, e.g. “Saddle numbness alone”."
    )
    answers = models.JSONField(
        default=dict,
        blank=True,
        help_text="The answers in this case. Questions left out count as not answered.",
    )
    expected = models.CharField(
        "expected advice",
        max_length=20,
        choices=DISPOSITION_CHOICES,
        help_text="The advice the checker must give for these answers. Changing it, or the "
        "answers, needs a second clinician's approval.",
    )
    note = models.TextField(blank=True, help_text="Why this case matters (optional).")

    class Meta:
        ordering = ["name"]
        verbose_name = "safety test case (vignette)"
        verbose_name_plural = "safety test cases (vignettes)"

    def __str__(self):
        return self.name

    def outcome(self, rules):
        return triage(self.answers, rules)

    def passes(self, rules):
        return self.outcome(rules).disposition == self.expected


RED_FLAG_LEVELS = [
    (level.value, level.label)
    for level in (Disposition.EMERGENCY, Disposition.URGENT, Disposition.GP)
]


def matcher(slug, level, noticed, phrases):
    """The pure matcher's red flag for a row's values (`phrases` one a line)."""
    return matching.RedFlag(slug=slug, level=level, noticed=noticed, phrases=phrases_of(phrases))


@lru_cache(maxsize=8)
def matchers_for(rows):
    """The matcher's red flags for (slug, level, noticed, phrases) rows, those with phrases."""
    return tuple(found for found in (matcher(*row) for row in rows) if found.phrases)


def phrases_of(text):
    """A red flag's phrases, one a line, each once."""
    return tuple(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


class RedFlagQuerySet(models.QuerySet):
    def live(self):
        return self.filter(active=True).order_by("order", "pk")

    def for_topics(self, topics):
        """The live red flags of these topics, each once."""
        return self.live().filter(topic__in=topics).distinct()

    def with_care_card_heading(self):
        """Each with the care card heading of its level's advice (None if it has none), so
        a care card costs one query."""
        headings = Advice.objects.filter(disposition=models.OuterRef("level"))
        return self.annotate(
            care_card_heading=models.Subquery(headings.values("care_card_heading")[:1])
        )

    def matchers(self):
        """The live red flags that readers' words can be matched against, as the pure
        matcher's values. One query; the phrases are stemmed once per version of the rows,
        not for every comment and search."""
        rows = tuple(self.live().values_list("slug", "level", "noticed", "phrases"))
        return matchers_for(rows)


class RedFlag(models.Model):
    """A warning sign: what the reader notices, how urgent it is, the checker question that
    asks about it, and the words readers use for it."""

    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        related_name="red_flags",
        help_text="Every article of this topic shows this red flag on its care card.",
    )
    slug = models.SlugField(
        max_length=50,
        help_text="A fixed name for this red flag, e.g. “saddle_numbness”.",
    )
    level = models.CharField(
        max_length=20,
        choices=RED_FLAG_LEVELS,
        help_text="How urgently a reader with this sign needs help. It is also the advice "
        "of its checker question. Lowering it needs a second clinician's approval.",
    )
    noticed = models.CharField(
        "what the reader notices",
        max_length=200,
        help_text="Plain words, as they finish “Get help if you have …”, e.g. “numbness "
        "or tingling around your bottom, genitals or inner thighs”. Shown on the care "
        "card, on the checker's result and in the advice for a comment or a search.",
    )
    question = models.OneToOneField(
        "Question",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="red_flag",
        verbose_name="checker question",
        help_text="The symptom checker's question that asks about this sign.",
    )
    phrases = models.TextField(
        "readers' words for it",
        blank=True,
        help_text="One phrase a line, as readers write it in a comment or a search, e.g. "
        "“numb bum” or “can't pee”. Spelling, plurals and apostrophes are matched "
        "loosely. Needed for emergency and urgent red flags.",
    )
    order = models.PositiveIntegerField(
        default=0, help_text="Position on the care card within its level; lowest first."
    )
    active = models.BooleanField(
        default=True,
        help_text="Untick to stop using this red flag everywhere (needs a second clinician's "
        "approval).",
    )

    objects = RedFlagQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "slug"], name="one_red_flag_slug_a_topic")
        ]

    def __str__(self):
        return self.noticed

    @transaction.atomic
    def save(self, *args, **kwargs):
        question = self.question_after() if self.question_id else None  # before this save
        if question is not None:
            question.check_vignettes()
        super().save(*args, **kwargs)
        if question is not None:
            # One level everywhere: the checker question's advice follows its red flag.
            Question.objects.filter(pk=question.pk).update(
                disposition=question.disposition, active=question.active
            )

    @property
    def phrase_list(self):
        return phrases_of(self.phrases)

    @property
    def disposition(self):
        return Disposition(self.level)

    def as_matcher(self):
        return matcher(self.slug, self.level, self.noticed, self.phrases)

    def clean(self):
        if self.level not in dict(RED_FLAG_LEVELS):
            return
        errors = {}
        if self.level != Disposition.GP and not self.phrase_list:
            errors["phrases"] = (
                "An emergency or urgent red flag needs at least one phrase, so a comment or "
                "a search that mentions it gets its advice."
            )
        try:
            self.as_matcher()
        except ValueError:
            errors["phrases"] = "Every phrase needs at least one word."
        if self.level != Disposition.GP and not self.question_id:
            errors["question"] = (
                "An emergency or urgent red flag needs its checker question, so the checker "
                "asks about it too."
            )
        elif self.question_id and self.question_id != self.saved().get("question_id"):
            # Linking a question sets its level to this red flag's: never a lower one.
            asks = Question.objects.filter(pk=self.question_id).first()
            if (
                asks is not None
                and Disposition(asks.disposition).urgency > self.disposition.urgency
            ):
                errors["question"] = (
                    "That question now gives more urgent advice "
                    f"({asks.get_disposition_display()}) than this red flag's level: raise "
                    "the level, or choose another question."
                )
        if errors:
            raise ValidationError(errors)
        self.check_vignettes()

    def saved(self):
        """The row as it is stored now ({} for a red flag not saved yet)."""
        if self.pk is None:
            return {}
        return RedFlag.objects.filter(pk=self.pk).values("question_id", "active").first() or {}

    def question_after(self):
        """The checker question as this red flag would leave it: at its level, and asked
        while it is on (switched on again, it is asked again)."""
        question = Question.objects.get(pk=self.question_id)
        question.disposition = self.level
        was_active = self.saved().get("active")
        question.active = self.active and (question.active or was_active is False)
        return question

    def check_vignettes(self):
        if self.question_id:
            self.question_after().check_vignettes()


class DailyCount(models.Model):
    """An anonymous counter per day: no answers, no reader, no session, just a number."""

    date = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    @classmethod
    def increment(cls, **key):
        """Add one to the day's row, creating it if needed (safe under concurrency)."""
        count_one(cls, **key)


class DailyOutcomeCount(DailyCount):
    """How many results of each disposition were given each day."""

    disposition = models.CharField(max_length=20, choices=DISPOSITION_CHOICES)

    class Meta:
        ordering = ["-date", "disposition"]
        verbose_name = "daily result count"
        constraints = [
            models.UniqueConstraint(fields=["date", "disposition"], name="one_outcome_row_a_day")
        ]

    def __str__(self):
        return f"{self.date}: {self.disposition}"


class DailyYesCount(DailyCount):
    """How often each question led somewhere (a yes, or weeks at the threshold) each day."""

    question_slug = models.CharField(max_length=50)

    class Meta:
        ordering = ["-date", "question_slug"]
        verbose_name = "daily “yes” count"
        constraints = [
            models.UniqueConstraint(fields=["date", "question_slug"], name="one_yes_row_a_day")
        ]

    def __str__(self):
        return f"{self.date}: {self.question_slug}"


@dataclass(frozen=True)
class CheckerRules:
    """What the symptom checker asks and answers with, as clinicians last saved it.

    Shared by every request of a public pages version (`checker_rules`): nothing may
    change these rows or their values.
    """

    questions: tuple  # the questions asked, in order (`Question.objects.asked()`)
    advice: dict  # disposition value: its `Advice`
    signs: dict  # a red-flag question's slug: the red flag's own words for a yes


def read_checker_rules(key=()):
    questions = tuple(Question.objects.asked())
    return CheckerRules(
        questions=questions,
        advice={advice.disposition: advice for advice in Advice.objects.all()},
        signs=dict(
            RedFlag.objects.live()
            .filter(question__in=questions)
            .values_list("question__slug", "noticed")
        ),
    )


# The questions, advice and red flags change only by a clinician's save, which raises the
# public pages version: read once per version (`pagecache.kept`), as fresh as the cached
# checker form they make, rather than with three queries on every answer sent.
checker_rules = KeptPerVersion(read_checker_rules, max_kept=1)


def record_outcome(outcome, today=None):
    """Count a result anonymously: the day, the disposition and which rules fired."""
    today = today or timezone.localdate()
    DailyOutcomeCount.increment(date=today, disposition=outcome.disposition.value)
    for rule in outcome.reasons:
        DailyYesCount.increment(date=today, question_slug=rule.slug)
