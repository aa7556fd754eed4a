"""Daily Yes/No counts per article, and readers' “what was missing” notes."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('articles', '0014_live_page_drafts_and_reading_checks'),
    ]

    operations = [
        migrations.CreateModel(
            name='MissingNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(db_index=True, default=django.utils.timezone.localdate)),
                ('text', models.TextField(max_length=500, verbose_name='what was missing')),
                ('status', models.CharField(choices=[('pending', 'Waiting for a moderator'), ('approved', 'Approved for clinicians'), ('rejected', 'Rejected')], db_index=True, default='pending', max_length=10)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.article')),
            ],
            options={
                'verbose_name': '“what was missing” note',
                'ordering': ['-date', '-pk'],
                'permissions': [('moderate_missingnote', 'Can approve or reject “what was missing” notes')],
            },
        ),
        migrations.CreateModel(
            name='DailyAnswerCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(default=django.utils.timezone.localdate)),
                ('yes', models.PositiveIntegerField(default=0)),
                ('no', models.PositiveIntegerField(default=0)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.article')),
            ],
            options={
                'verbose_name': 'daily “was this page helpful?” count',
                'ordering': ['-date', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('article', 'date'), name='one_feedback_count_an_article_a_day')],
            },
        ),
    ]
