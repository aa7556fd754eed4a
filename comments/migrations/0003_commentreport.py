"""Readers' reports of comments, one row a client and comment, counted in the database.

Only a new table: the comments' report counts are kept as they are.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0002_comment_red_flag'),
    ]

    operations = [
        migrations.CreateModel(
            name='CommentReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('client', models.CharField(help_text="The reporting client's keyed hash.", max_length=32)),
                ('reported_on', models.DateField(db_index=True, default=django.utils.timezone.localdate)),
                ('comment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='comments.comment')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('comment', 'client'), name='one_report_a_client')],
            },
        ),
    ]
