"""Readers' comments and blocked words, until now part of the articles app."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('articles', '0010_move_comments_search_and_page_version'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists already, made by the articles app's migrations, and keeps
            # its name: code from before the move may still be serving while this runs.
            state_operations=[
                migrations.CreateModel(
                    name='BlockedWord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('word', models.CharField(help_text='A word or short phrase. Comments containing it (any capitals) go straight to the spam queue for a moderator to check.', max_length=100, unique=True)),
                    ],
                    options={
                        'db_table': 'articles_blockedword',
                        'ordering': ['word'],
                    },
                ),
                migrations.CreateModel(
                    name='Comment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('display_name', models.CharField(max_length=80, verbose_name='name')),
                        ('email', models.EmailField(blank=True, help_text='Never shown. Used only to tell the reader their comment was answered.', max_length=254)),
                        ('notify_on_reply', models.BooleanField(default=False, verbose_name='tell me when it is answered')),
                        ('body', models.TextField(max_length=2000, verbose_name='comment')),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('spam', 'Spam')], db_index=True, default='pending', max_length=10)),
                        ('spam_reason', models.CharField(blank=True, help_text='Why the comment went to the spam queue.', max_length=200)),
                        ('author_role', models.CharField(blank=True, help_text="Shown with a clinician's reply, e.g. “Physiotherapist”.", max_length=100, verbose_name='role')),
                        ('report_count', models.PositiveIntegerField(default=0, verbose_name='reports')),
                        ('hidden_by_reports', models.BooleanField(default=False, help_text='Readers reported it often enough to hide it until a moderator decides.', verbose_name='hidden after reports')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('moderated_at', models.DateTimeField(blank=True, null=True)),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='articles.article')),
                        ('author', models.ForeignKey(blank=True, help_text="Set for clinicians' replies: their name is shown with the reply.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='comment_replies', to=settings.AUTH_USER_MODEL)),
                        ('moderated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='moderated_comments', to=settings.AUTH_USER_MODEL)),
                        ('parent', models.ForeignKey(blank=True, help_text="The comment this one answers (clinicians' replies).", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='replies', to='comments.comment')),
                    ],
                    options={
                        'db_table': 'articles_comment',
                        'ordering': ['-created_at'],
                        'permissions': [('moderate_comment', 'Can approve, reject or mark comments as spam')],
                        'indexes': [models.Index(condition=models.Q(('hidden_by_reports', False), ('parent', None), ('status', 'approved')), fields=['article', 'created_at', 'id'], name='comment_visible_thread_idx')],
                    },
                ),
            ]
        ),
    ]
