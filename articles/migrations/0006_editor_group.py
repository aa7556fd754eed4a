"""Editors draft and submit; clinicians sign off and publish (least privilege)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    "view_article",
    "add_article",
    "change_article",
    "submit_article",
    *(
        f"{action}_{model}"
        for model in ["section", "reference", "articletreatment"]
        for action in ["view", "add", "change", "delete"]
    ),
    "view_treatment",
    "view_topic",
]
CLINICIAN_EXTRA_PERMISSIONS = ["submit_article", "publish_article"]


def create_editor_group(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    articles_permissions = Permission.objects.filter(content_type__app_label="articles")
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.set(articles_permissions.filter(codename__in=EDITOR_PERMISSIONS))
    clinician, _ = Group.objects.get_or_create(name="Clinician")
    clinician.permissions.add(
        *articles_permissions.filter(codename__in=CLINICIAN_EXTRA_PERMISSIONS)
    )


def remove_editor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editor").delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_editorial_workflow")]

    operations = [migrations.RunPython(create_editor_group, remove_editor_group)]
