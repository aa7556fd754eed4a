"""Moderators see the background tasks (the emails to staff and readers) and can try a
failed one again: they are the first to notice that notices stopped arriving."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = ["view_backgroundtask", "retry_backgroundtask"]


def give_moderators_rights(apps, schema_editor):
    app_config = apps.get_app_config("background")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderator, _ = Group.objects.get_or_create(name="Moderator")
    moderator.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="background", codename__in=MODERATOR_PERMISSIONS
        )
    )


def take_moderators_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderator"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="background")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("background", "0001_initial"),
        ("articles", "0004_moderator_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_moderators_rights, take_moderators_rights)]
