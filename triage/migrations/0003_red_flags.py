"""The red flags as one clinical object: the rule set every channel reads.

Installs the shipped red flags (0003_red_flags.json, a frozen copy kept beside this
migration so it never changes meaning), the checker questions for the red flags it did not
ask yet, a safety test case for each, and each level's care card heading. The red flags
belong to the "Back pain" topic, which is created if the demo content has not made it yet.
"""

import json
from pathlib import Path

from django.contrib.auth.management import create_permissions
from django.db import migrations, models
import django.db.models.deletion

RED_FLAGS = Path(__file__).with_name("0003_red_flags.json")
EMERGENCY, URGENT, GP = "emergency", "urgent", "gp"
TOPIC = {
    "slug": "back-pain",
    "name": "Back pain",
    "description": "Pain, stiffness and spasms in the back: what causes them, what helps and "
    "when to get help.",
}

# Red flags the checker did not ask about: (slug, group, order, question, hint, "You said ...")
NEW_QUESTIONS = [
    (
        "sexual_dysfunction",
        "emergency_signs",
        25,
        "Have you newly lost feeling in your genitals during sex, or can you no longer get "
        "or keep an erection?",
        "",
        "you have newly lost feeling in your genitals during sex, or cannot get or keep an "
        "erection",
    ),
    (
        "major_trauma",
        "emergency_signs",
        42,
        "Did the pain start after a serious accident, such as a car crash or a fall from a "
        "height?",
        "",
        "the pain started after a serious accident",
    ),
    (
        "tearing_pain",
        "emergency_signs",
        44,
        "Do you have sudden, very bad, tearing pain in your back or tummy, or a throbbing "
        "feeling in your tummy?",
        "",
        "you have sudden, very bad tearing pain in your back or tummy, or a throbbing in "
        "your tummy",
    ),
    (
        "cauda_equina",
        "emergency_signs",
        48,
        "Has a doctor said, or do you think, you may have cauda equina syndrome or pressure "
        "on your spinal cord?",
        "Cauda equina syndrome is when the nerves at the bottom of the spine are squashed.",
        "a doctor has said, or you think, you may have cauda equina syndrome",
    ),
    (
        "infection_risk",
        "urgent_signs",
        65,
        "Do you inject drugs, have a weak immune system, or have you had an infection or "
        "back surgery recently?",
        "For example, your immune system can be weak if you are having chemotherapy or take "
        "medicine that stops your body fighting infections.",
        "you inject drugs, have a weak immune system, or recently had an infection or back "
        "surgery",
    ),
    (
        "fracture_risk",
        "urgent_signs",
        85,
        "Do you have thin bones (osteoporosis) or take steroid tablets, or could you have "
        "broken a bone in your back?",
        "",
        "you have thin bones or take steroid tablets, or may have broken a bone in your back",
    ),
    (
        "cough_sneeze_pain",
        "urgent_signs",
        125,
        "Does the pain get much worse when you cough, sneeze or poo?",
        "",
        "the pain gets much worse when you cough, sneeze or poo",
    ),
]
GROUP_ORDER = {"emergency_signs": 0, "urgent_signs": 1, "about_your_pain": 2}
CARD_HEADINGS = {
    EMERGENCY: "Call {emergency_number} or go to A&E now if you have any of these:",
    URGENT: "Get help today: call {urgent_number} or ask for an urgent GP appointment if you "
    "have any of these:",
    GP: "See a GP or physiotherapist soon if:",
}


def install_red_flags(apps, schema_editor):
    Topic = apps.get_model("articles", "Topic")
    Question = apps.get_model("triage", "Question")
    Advice = apps.get_model("triage", "Advice")
    Vignette = apps.get_model("triage", "Vignette")
    RedFlag = apps.get_model("triage", "RedFlag")

    entries = json.loads(RED_FLAGS.read_text(encoding="utf-8"))
    levels = {entry["slug"]: entry["level"] for entry in entries}
    for slug, group, order, text, hint, said in NEW_QUESTIONS:
        if Question.objects.filter(slug=slug).exists():
            continue  # a clinician already added it: theirs is kept
        Question.objects.create(
            slug=slug,
            group=group,
            group_order=GROUP_ORDER[group],
            disposition=levels[slug],
            text=text,
            hint=hint,
            said=said,
            order=order,
        )
        name = f"{said[0].upper()}{said[1:]}, nothing else"
        Vignette.objects.create(
            name=name,
            answers={slug: "yes"},
            expected=levels[slug],
            note=f"Checks the question “{slug}”.",
        )
    for disposition, heading in CARD_HEADINGS.items():
        Advice.objects.filter(disposition=disposition).update(care_card_heading=heading)

    topic, _ = Topic.objects.get_or_create(slug=TOPIC["slug"], defaults=TOPIC)
    questions = {question.slug: question for question in Question.objects.all()}
    for position, entry in enumerate(entries, start=1):
        question = questions.get(entry["slug"])
        RedFlag.objects.create(
            topic=topic,
            slug=entry["slug"],
            level=entry["level"],
            noticed=entry["noticed"],
            phrases="\n".join(entry["phrases"]),
            question=question,
            order=position * 10,
        )
        if question is not None and question.disposition != entry["level"]:
            # A clinician changed the question's level before red flags existed: the more
            # urgent of the two stands, and the red flag says it.
            urgency = [EMERGENCY, URGENT, GP]
            level = min(question.disposition, entry["level"], key=urgency.index)
            RedFlag.objects.filter(topic=topic, slug=entry["slug"]).update(level=level)
            Question.objects.filter(pk=question.pk).update(disposition=level)

    # Clinicians curate the red flags; nobody deletes one (it is switched off instead).
    app_config = apps.get_app_config("triage")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    clinician, _ = Group.objects.get_or_create(name="Clinician")
    clinician.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="triage",
            codename__in=["add_redflag", "change_redflag", "view_redflag"],
        )
    )


def remove_red_flags(apps, schema_editor):
    """Back to before red flags: only what this migration added goes (a question a
    clinician had added under one of these names, and its test cases, are kept)."""
    apps.get_model("triage", "RedFlag").objects.all().delete()
    Question = apps.get_model("triage", "Question")
    Vignette = apps.get_model("triage", "Vignette")
    for slug, _, _, text, _, said in NEW_QUESTIONS:
        if Question.objects.filter(slug=slug, text=text).delete()[0]:
            name = f"{said[0].upper()}{said[1:]}, nothing else"
            Vignette.objects.filter(name=name, answers={slug: "yes"}).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0010_move_comments_search_and_page_version'),
        ('triage', '0002_default_checker'),
    ]

    operations = [
        migrations.AddField(
            model_name='advice',
            name='care_card_heading',
            field=models.CharField(blank=True, help_text="The words above this level's list of warning signs on every article's care card, e.g. “Call {emergency_number} or go to A&E now if you have:”.", max_length=200, verbose_name='care card heading'),
        ),
        migrations.CreateModel(
            name='RedFlag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(help_text='A fixed name for this red flag, e.g. “saddle_numbness”.')),
                ('level', models.CharField(choices=[('emergency', 'Emergency: call now'), ('urgent', 'Urgent: get help today'), ('gp', 'See a GP or physiotherapist')], help_text="How urgently a reader with this sign needs help. It is also the advice of its checker question. Lowering it needs a second clinician's approval.", max_length=20)),
                ('noticed', models.CharField(help_text="Plain words, as they finish “Get help if you have …”, e.g. “numbness or tingling around your bottom, genitals or inner thighs”. Shown on the care card, on the checker's result and in the advice for a comment or a search.", max_length=200, verbose_name='what the reader notices')),
                ('phrases', models.TextField(blank=True, help_text="One phrase a line, as readers write it in a comment or a search, e.g. “numb bum” or “can't pee”. Spelling, plurals and apostrophes are matched loosely. Needed for emergency and urgent red flags.", verbose_name="readers' words for it")),
                ('order', models.PositiveIntegerField(default=0, help_text='Position on the care card within its level; lowest first.')),
                ('active', models.BooleanField(default=True, help_text="Untick to stop using this red flag everywhere (needs a second clinician's approval).")),
                ('question', models.OneToOneField(blank=True, help_text="The symptom checker's question that asks about this sign.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='red_flag', to='triage.question', verbose_name='checker question')),
                ('topic', models.ForeignKey(help_text='Every article of this topic shows this red flag on its care card.', on_delete=django.db.models.deletion.PROTECT, related_name='red_flags', to='articles.topic')),
            ],
            options={
                'ordering': ['topic', 'order', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('topic', 'slug'), name='one_red_flag_slug_a_topic')],
            },
        ),
        migrations.RunPython(install_red_flags, remove_red_flags),
    ]
