"""The public pages version, until now part of the articles app."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('articles', '0010_move_comments_search_and_page_version'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists already, made by the articles app's migrations, and keeps
            # its name: code from before the move may still be serving while this runs.
            state_operations=[
                migrations.CreateModel(
                    name='PublicPagesVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.BigIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'articles_publicpagesversion',
                        'verbose_name': 'public pages version',
                    },
                ),
            ]
        ),
    ]
