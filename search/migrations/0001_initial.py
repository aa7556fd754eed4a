"""Synonyms, the typo vocabulary and unanswered searches, until now part of the articles app."""

import django.utils.timezone
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
                    name='SearchWord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('word', models.CharField(max_length=40, unique=True)),
                    ],
                    options={'db_table': 'articles_searchword'},
                ),
                migrations.CreateModel(
                    name='UnansweredSearch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('query', models.CharField(max_length=200, unique=True)),
                        ('count', models.PositiveIntegerField(default=0)),
                        ('last_searched', models.DateField(default=django.utils.timezone.localdate)),
                    ],
                    options={
                        'db_table': 'articles_unansweredsearch',
                        'verbose_name': 'search that found nothing',
                        'verbose_name_plural': 'searches that found nothing',
                        'ordering': ['-count', 'query'],
                    },
                ),
                migrations.CreateModel(
                    name='SearchSynonym',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('phrase', models.CharField(help_text='A word or phrase readers use, for example “slipped disc”.', max_length=100)),
                        ('same_as', models.CharField(help_text='What our articles may call it instead, for example “herniated disc”. Works both ways.', max_length=100)),
                    ],
                    options={
                        'db_table': 'articles_searchsynonym',
                        'ordering': ['phrase'],
                        'constraints': [models.UniqueConstraint(fields=('phrase', 'same_as'), name='unique_synonym_pair')],
                    },
                ),
            ]
        ),
    ]
