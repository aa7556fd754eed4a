"""Comments, search and the public pages version move to apps of their own.

Their rows stay where they are, in tables that keep their names: this migration only
removes the models from the articles app's state, and each new app's first migration takes
them over.
What refers to a model by its app follows it here: the content type row is renamed (so
group permissions, e.g. the Moderator's, and the admin log keep pointing at it), and
django-reversion's stored versions name the model's new app.
"""

from django.db import migrations

MOVED = {
    "blockedword": "comments",
    "comment": "comments",
    "publicpagesversion": "pagecache",
    "searchsynonym": "search",
    "searchword": "search",
    "unansweredsearch": "search",
}


def move_content_types(apps, schema_editor, moves):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    for model, (old_app, new_app) in moves.items():
        moved = ContentType.objects.filter(app_label=old_app, model=model).first()
        if moved is None:  # a database made before the model existed, or never migrated
            continue
        if ContentType.objects.filter(app_label=new_app, model=model).exists():
            # Deleting that row would take its permissions and history with it: stop.
            raise RuntimeError(
                f"A content type {new_app}.{model} already exists beside {old_app}.{model}; "
                "merge them by hand (permissions, admin log, versions) and migrate again."
            )
        moved.app_label = new_app
        moved.save(update_fields=["app_label"])
        for version in list(Version.objects.filter(content_type=moved, format="json")):
            version.serialized_data = version.serialized_data.replace(
                f'"model": "{old_app}.{model}"', f'"model": "{new_app}.{model}"'
            )
            version.save(update_fields=["serialized_data"])


def forwards(apps, schema_editor):
    move_content_types(
        apps, schema_editor, {model: ("articles", app) for model, app in MOVED.items()}
    )


def backwards(apps, schema_editor):
    move_content_types(
        apps, schema_editor, {model: (app, "articles") for model, app in MOVED.items()}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_comment_thread_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="BlockedWord"),
                migrations.DeleteModel(name="Comment"),
                migrations.DeleteModel(name="PublicPagesVersion"),
                migrations.DeleteModel(name="SearchSynonym"),
                migrations.DeleteModel(name="SearchWord"),
                migrations.DeleteModel(name="UnansweredSearch"),
            ]
        ),
        migrations.RunPython(forwards, backwards),
    ]
