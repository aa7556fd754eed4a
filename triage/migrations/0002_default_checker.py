"""The default symptom checker: questions, advice, safety vignettes and the Clinician's rights.

Every install gets a working, safe checker before anyone edits it. The red flags follow
NICE NG59 and NHS.UK's back pain and cauda equina syndrome guidance. The data is written
out here (not imported from app code) so this migration never changes meaning later.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EMERGENCY, URGENT, GP = "emergency", "urgent", "gp"
EMERGENCY_SIGNS, URGENT_SIGNS, ABOUT_YOUR_PAIN = (
    "emergency_signs",
    "urgent_signs",
    "about_your_pain",
)
GROUP_ORDER = {EMERGENCY_SIGNS: 0, URGENT_SIGNS: 1, ABOUT_YOUR_PAIN: 2}

# (slug, group, disposition, question, help text, "You said ...")
QUESTIONS = [
    (
        "saddle_numbness",
        EMERGENCY_SIGNS,
        EMERGENCY,
        "Do you have numbness or tingling around your genitals, bottom or inner thighs?",
        "The area that would touch a saddle if you sat on a bike.",
        "you have numbness or tingling around your genitals, bottom or inner thighs",
    ),
    (
        "bladder_bowel_change",
        EMERGENCY_SIGNS,
        EMERGENCY,
        "Is it newly hard to pee, or have you lost control of your bladder or bowels?",
        "For example, you cannot start peeing, do not feel when you need to go, or have "
        "wet or soiled yourself.",
        "it is newly hard to pee, or you have lost control of your bladder or bowels",
    ),
    (
        "both_legs",
        EMERGENCY_SIGNS,
        EMERGENCY,
        "Do you have pain, numbness or weakness in both legs?",
        "",
        "you have pain, numbness or weakness in both legs",
    ),
    (
        "chest_pain",
        EMERGENCY_SIGNS,
        EMERGENCY,
        "Do you have chest pain, or back pain with shortness of breath?",
        "",
        "you have chest pain, or back pain with shortness of breath",
    ),
    (
        "leg_weakness",
        URGENT_SIGNS,
        URGENT,
        "Is one of your legs newly weak, or does your foot drag or slap when you walk?",
        "",
        "one of your legs is newly weak, or your foot drags when you walk",
    ),
    (
        "fever",
        URGENT_SIGNS,
        URGENT,
        "Do you have a high temperature, or feel hot and shivery?",
        "",
        "you have a high temperature, or feel hot and shivery",
    ),
    (
        "weight_loss",
        URGENT_SIGNS,
        URGENT,
        "Have you lost weight without trying?",
        "",
        "you have lost weight without trying",
    ),
    (
        "cancer_history",
        URGENT_SIGNS,
        URGENT,
        "Do you have cancer, or have you had cancer in the past?",
        "",
        "you have or have had cancer",
    ),
    (
        "serious_accident",
        URGENT_SIGNS,
        URGENT,
        "Did the pain start after a fall or an accident?",
        "If you were in a serious accident, such as a car crash, call {emergency_number}.",
        "the pain started after a fall or an accident",
    ),
    (
        "back_deformity",
        URGENT_SIGNS,
        URGENT,
        "Do you have a swelling on your back, or has the shape of your back changed?",
        "",
        "you have a swelling on your back, or its shape has changed",
    ),
    (
        "night_pain",
        URGENT_SIGNS,
        URGENT,
        "Is the pain so bad it stops you sleeping, or is it worse at night?",
        "",
        "the pain stops you sleeping or is worse at night",
    ),
    (
        "upper_back",
        URGENT_SIGNS,
        URGENT,
        "Is the pain high up in your back, between your shoulder blades?",
        "",
        "the pain is high up in your back, between your shoulder blades",
    ),
    (
        "stops_daily_life",
        ABOUT_YOUR_PAIN,
        GP,
        "Does the pain stop you doing your normal daily activities?",
        "Such as working, looking after others, or getting around.",
        "the pain stops you doing your normal daily activities",
    ),
    (
        "recurrent",
        ABOUT_YOUR_PAIN,
        GP,
        "Do your back spasms keep coming back?",
        "",
        "your back spasms keep coming back",
    ),
    (
        "worried",
        ABOUT_YOUR_PAIN,
        GP,
        "Are you worried about the pain, or finding it hard to cope?",
        "",
        "you are worried about the pain or finding it hard to cope",
    ),
]

ADVICE = [
    {
        "disposition": EMERGENCY,
        "headline": "Call {emergency_number} now or go to the emergency department",
        "action": "Your answers include a sign of a problem that needs treatment straight "
        "away, such as pressure on the nerves at the bottom of your spine or a heart or "
        "lung problem. Call {emergency_number} now, or go to your nearest emergency "
        "department (A&E).\n\nDo not drive yourself. Do not wait to see if it gets better.",
        "safety_netting": "If you are told to wait, and your symptoms get worse, call "
        "{emergency_number} again.\nTake a list of your medicines with you if you can.",
        "show_treatments": False,
    },
    {
        "disposition": URGENT,
        "headline": "Get help today: call {urgent_number} or your GP surgery",
        "action": "Your answers include a sign that a doctor should check today. Call "
        "{urgent_number}, or ask your GP surgery for an urgent appointment today. Tell them "
        "about the answers listed below.",
        "safety_netting": "Call {emergency_number} or go to the emergency department if you "
        "get numbness around your genitals or bottom, new problems peeing or pooing, pain or "
        "weakness in both legs, or chest pain.\nIf you cannot get an appointment today, call "
        "{urgent_number}.",
        "show_treatments": False,
    },
    {
        "disposition": GP,
        "headline": "Book an appointment with a GP or physiotherapist",
        "action": "Your answers do not suggest an emergency, but a GP or physiotherapist "
        "should check your back. Book a routine appointment. In many areas you can refer "
        "yourself to NHS physiotherapy.\n\nUntil then, the self-care below can help.",
        "safety_netting": "Get help today (call {urgent_number}) if you get a high "
        "temperature, new weakness in one leg, or pain that stops you sleeping.\nCall "
        "{emergency_number} if you get numbness around your genitals or bottom, new problems "
        "peeing or pooing, or pain or weakness in both legs.",
        "show_treatments": True,
    },
    {
        "disposition": "self_care",
        "headline": "You can look after this at home",
        "action": "Your answers do not include any warning signs. Most back pain and spasms "
        "get better within a few weeks. Keep moving gently: it helps you recover faster than "
        "resting in bed.",
        "safety_netting": "See a GP or physiotherapist if the pain is not better after about "
        "6 weeks, keeps coming back, or stops you doing daily activities.\nGet help today "
        "(call {urgent_number}) if you get a high temperature, new weakness in one leg, or "
        "pain that stops you sleeping.\nCall {emergency_number} if you get numbness around "
        "your genitals or bottom, new problems peeing or pooing, or pain or weakness in "
        "both legs.",
        "show_treatments": True,
    },
]


def vignettes():
    """One case per question, the 6-week boundary, and red flags mixed with milder answers."""
    cases = []
    for slug, _, disposition, _, _, said in QUESTIONS:
        name = f"{said[0].upper()}{said[1:]}, nothing else"
        cases.append((name, {slug: "yes"}, disposition, f"Checks the question “{slug}”."))
    gp_answers = {"stops_daily_life": "yes", "recurrent": "yes", "worried": "yes"}
    cases += [
        ("No warning signs, pain for 1 week", {"duration_weeks": 1}, "self_care", ""),
        ("Pain for 5 weeks", {"duration_weeks": 5}, "self_care", "Just under the threshold."),
        ("Pain for 6 weeks", {"duration_weeks": 6}, GP, "At the threshold: see a GP."),
        ("Pain for a year", {"duration_weeks": 52}, GP, ""),
        (
            "Saddle numbness with mild, short pain",
            {"saddle_numbness": "yes", "duration_weeks": 1},
            EMERGENCY,
            "A red flag is never downgraded by other answers.",
        ),
        (
            "Both legs plus every routine answer",
            {"both_legs": "yes", "duration_weeks": 10, **gp_answers},
            EMERGENCY,
            "A red flag is never downgraded by other answers.",
        ),
        (
            "Fever plus routine answers",
            {"fever": "yes", "duration_weeks": 8, **gp_answers},
            URGENT,
            "An urgent sign outranks routine answers.",
        ),
        (
            "Urgent and emergency signs together",
            {"leg_weakness": "yes", "bladder_bowel_change": "yes", "cancer_history": "yes"},
            EMERGENCY,
            "The most urgent answer wins.",
        ),
        ("Nothing answered yes", {}, "self_care", "With no warning signs: self-care."),
    ]
    return cases


def install_default_checker(apps, schema_editor):
    Question = apps.get_model("triage", "Question")
    Advice = apps.get_model("triage", "Advice")
    Vignette = apps.get_model("triage", "Vignette")
    for position, (slug, group, disposition, text, hint, said) in enumerate(QUESTIONS):
        Question.objects.create(
            slug=slug,
            group=group,
            group_order=GROUP_ORDER[group],
            disposition=disposition,
            text=text,
            hint=hint,
            said=said,
            order=(position + 1) * 10,
        )
    Question.objects.create(
        slug="duration_weeks",
        group=ABOUT_YOUR_PAIN,
        group_order=GROUP_ORDER[ABOUT_YOUR_PAIN],
        kind="weeks",
        disposition=GP,
        threshold_weeks=6,
        text="How many weeks have you had this pain?",
        hint="Enter 0 if it started less than a week ago.",
        said="the pain has lasted {weeks} weeks",
        order=(len(QUESTIONS) + 1) * 10,
    )
    for advice in ADVICE:
        Advice.objects.create(**advice)
    for name, answers, expected, note in vignettes():
        Vignette.objects.create(name=name, answers=answers, expected=expected, note=note)

    # Clinicians curate the checker; nobody edits the anonymous counts by hand.
    app_config = apps.get_app_config("triage")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    clinician, _ = Group.objects.get_or_create(name="Clinician")
    editable = Permission.objects.filter(
        content_type__app_label="triage",
        content_type__model__in=["question", "advice", "vignette"],
    ).exclude(codename="delete_question")
    counts = Permission.objects.filter(
        content_type__app_label="triage",
        codename__in=["view_dailyoutcomecount", "view_dailyyescount"],
    )
    clinician.permissions.add(*editable, *counts)


def remove_default_checker(apps, schema_editor):
    for name in ["Vignette", "Advice", "Question"]:
        apps.get_model("triage", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0001_initial"),
        ("articles", "0002_clinician_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(install_default_checker, remove_default_checker)]
