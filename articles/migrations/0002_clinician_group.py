"""The Clinician group: edits health content and nothing else (least privilege)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CLINICIAN_MODELS = ["article", "section", "treatment", "articletreatment", "reference", "topic"]


def create_clinician_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Clinician")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles", content_type__model__in=CLINICIAN_MODELS
        )
    )


def remove_clinician_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Clinician").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_clinician_group, remove_clinician_group)]
