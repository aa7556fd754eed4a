"""What the content API's changes feed reads: when each article's stored parts were last
written (every existing copy counts as written now), and the public articles taken down
from here on."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0020_clinical_code_roles'),
    ]

    operations = [
        migrations.CreateModel(
            name='Withdrawal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('article_id', models.PositiveBigIntegerField(unique=True, verbose_name='id of the article')),
                ('slug', models.SlugField(max_length=200)),
                ('change', models.CharField(choices=[('withdrawn', 'No longer public: take your copy down'), ('removed', 'Deleted: take your copy down')], max_length=20)),
                ('at', models.DateTimeField(db_index=True)),
            ],
            options={
                'ordering': ['at', 'article_id'],
            },
        ),
        migrations.AddField(
            model_name='pageparts',
            name='stored_at',
            field=models.DateTimeField(auto_now=True),
        ),
    ]
