"""What the red-flag check found in a reader's comment when it was sent.

Both fields have a database default: code from before them, still serving during a deploy,
inserts comments without them.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='red_flag_note',
            field=models.CharField(blank=True, db_default='', default='', help_text="The warning signs the comment seems to mention, in the red flags' words.", max_length=500, verbose_name='warning signs found'),
        ),
        migrations.AddField(
            model_name='comment',
            name='red_flag_urgency',
            field=models.PositiveSmallIntegerField(choices=[(0, 'No red flag'), (1, 'Possible urgent problem'), (2, 'Possible emergency')], db_default=0, default=0, help_text='Found when the comment was sent: it seems to mention a warning sign. The reader was shown the advice for it at once.', verbose_name='red flag'),
        ),
    ]
