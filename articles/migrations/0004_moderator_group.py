"""The Moderator group (comments and blocked words, nothing else); clinicians may reply."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = [
    "view_comment",
    "change_comment",
    "moderate_comment",
    "view_blockedword",
    "add_blockedword",
    "change_blockedword",
    "delete_blockedword",
]
# Clinicians answer readers' questions in the comment threads.
CLINICIAN_PERMISSIONS = ["view_comment", "change_comment", "add_comment"]


def create_moderator_group(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    articles_permissions = Permission.objects.filter(content_type__app_label="articles")
    moderator, _ = Group.objects.get_or_create(name="Moderator")
    moderator.permissions.set(articles_permissions.filter(codename__in=MODERATOR_PERMISSIONS))
    clinician, _ = Group.objects.get_or_create(name="Clinician")
    clinician.permissions.add(*articles_permissions.filter(codename__in=CLINICIAN_PERMISSIONS))


def remove_moderator_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderator").delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_comments")]

    operations = [migrations.RunPython(create_moderator_group, remove_moderator_group)]
