from django.apps import AppConfig
from django.db.models.signals import post_migrate

FIRST_VERSION_COMMENT = "Shipped with SpasmCMS"


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = "Symptom checker and red flags"

    def ready(self):
        from articles.checks import care_card_topics

        from . import signals  # noqa: F401  (retires cached pages when the rule set changes)

        care_card_topics(topics_have_care_card)
        post_migrate.connect(record_first_versions, sender=self, dispatch_uid="triage-first")


def topics_have_care_card(topic_slugs):
    """An article of these topics shows a care card (see `care_card_for`): one of them has
    a live red flag. Then the card tells readers when to get help, even on an article with
    no urgent-advice section of its own."""
    from .models import RedFlag

    return RedFlag.objects.live().filter(topic__slug__in=topic_slugs).exists()


def record_first_versions(sender, using, apps=None, **kwargs):
    """Give every shipped question, advice, test case and red flag a first version in
    History, so a clinician can always compare with, or go back to, what shipped.

    Runs after every migrate; objects that already have a version are left alone. A flush
    (which sends no `apps`) empties the tables on purpose, often to load them again: then
    it does nothing.
    """
    import reversion
    from django.core.management import call_command

    if apps is None:
        return
    try:
        apps.get_model("triage", "RedFlag")
    except LookupError:
        return  # migrated back to before the rule set existed
    kept = [
        model._meta.label
        for model in sender.get_models()
        if reversion.is_registered(model)  # those with a History page in the admin
    ]
    if kept:
        call_command(
            "createinitialrevisions", *kept, comment=FIRST_VERSION_COMMENT, using=using, verbosity=0
        )
