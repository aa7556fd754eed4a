"""Four eyes for safety: changes that weaken the safety net wait for a second clinician.

Clinicians see the proposals and decide them (approving needs a different clinician than
the one who proposed; the admin checks that, not a permission). Nobody adds or deletes a
proposal by hand: they come from the pages where the change is made, and stay as a record.
"""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

CLINICIAN_PERMISSIONS = ["view_safetychangeproposal", "change_safetychangeproposal"]


def let_clinicians_decide(apps, schema_editor):
    app_config = apps.get_app_config("triage")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    clinician, _ = Group.objects.get_or_create(name="Clinician")
    clinician.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="triage", codename__in=CLINICIAN_PERMISSIONS
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('triage', '0003_red_flags'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SafetyChangeProposal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('delete_vignette', 'Delete a safety test case'), ('change_vignette', 'Change what a safety test case checks'), ('weaken_red_flag', 'Switch off or lower a red flag'), ('weaken_question', 'Stop asking or lower a red-flag question')], max_length=20, verbose_name='what')),
                ('object_id', models.PositiveBigIntegerField()),
                ('target_name', models.CharField(help_text='What the change is about, as named when proposed.', max_length=300, verbose_name='about')),
                ('changes', models.JSONField(blank=True, default=dict)),
                ('reason', models.TextField(help_text="The proposer's reason for the change.", verbose_name='why')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='proposed')),
                ('state', models.CharField(choices=[('pending', 'Waiting for a second clinician'), ('approved', 'Approved and made'), ('rejected', 'Rejected: nothing changed')], default='pending', max_length=10)),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'safety change for approval',
                'verbose_name_plural': 'safety changes for approval',
                'ordering': ['-created', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'pending')), fields=('content_type', 'object_id'), name='one_pending_safety_change_an_object')],
            },
        ),
        migrations.AlterField(
            model_name='question',
            name='active',
            field=models.BooleanField(default=True, help_text="Untick to stop asking the question (it is kept for history). For an emergency or urgent question, or one a red flag uses, that needs a second clinician's approval."),
        ),
        migrations.AlterField(
            model_name='vignette',
            name='expected',
            field=models.CharField(choices=[('emergency', 'Emergency: call now'), ('urgent', 'Urgent: get help today'), ('gp', 'See a GP or physiotherapist'), ('self_care', 'Look after yourself at home')], help_text="The advice the checker must give for these answers. Changing it, or the answers, needs a second clinician's approval.", max_length=20, verbose_name='expected advice'),
        ),
        migrations.RunPython(let_clinicians_decide, migrations.RunPython.noop),
    ]
