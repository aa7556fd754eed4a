"""Clinicians and editors keep an article's clinical codes, as they keep its references."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODE_PERMISSIONS = [f"{action}_clinicalcode" for action in ["view", "add", "change", "delete"]]
ROLES = ["Clinician", "Editor"]


def grant_code_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="articles", codename__in=CODE_PERMISSIONS
    )
    for name in ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def withdraw_code_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="articles", codename__in=CODE_PERMISSIONS
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("articles", "0019_clinical_codes")]

    operations = [migrations.RunPython(grant_code_permissions, withdraw_code_permissions)]
