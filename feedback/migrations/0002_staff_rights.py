"""Moderators approve or reject readers' notes; clinicians read the counts and approved notes.

Nobody changes a count or adds a note by hand: counts come only from readers' answers.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = ["view_missingnote", "change_missingnote", "moderate_missingnote"]
CLINICIAN_PERMISSIONS = ["view_dailyanswercount", "view_missingnote"]


def give_staff_rights(apps, schema_editor):
    app_config = apps.get_app_config("feedback")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    feedback_permissions = Permission.objects.filter(content_type__app_label="feedback")
    moderator, _ = Group.objects.get_or_create(name="Moderator")
    moderator.permissions.add(*feedback_permissions.filter(codename__in=MODERATOR_PERMISSIONS))
    clinician, _ = Group.objects.get_or_create(name="Clinician")
    clinician.permissions.add(*feedback_permissions.filter(codename__in=CLINICIAN_PERMISSIONS))


def take_staff_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    feedback_permissions = Permission.objects.filter(content_type__app_label="feedback")
    for group in Group.objects.filter(name__in=["Moderator", "Clinician"]):
        group.permissions.remove(*feedback_permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("articles", "0006_editor_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_staff_rights, take_staff_rights)]
