"""sitemap.xml's entry for the symptom checker: its address, and when its rules changed."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from reversion.models import Version

from .models import Advice, Question, RedFlag

# What readers of the checker are asked and told: the questions, the red flags' words on
# the result, and the advice for each result. The safety test cases are not shown to them.
READERS_SEE = (Question, Advice, RedFlag)


def rules_last_changed():
    """When the checker's questions, red flags or advice last changed, or None.

    These rows keep no time of their own, but every change to them is kept as a version in
    History: an edit in the admin, an approved four-eyes proposal, and the first version
    each shipped rule gets after `migrate`. So the newest of those versions is the last
    change. A rule deleted outright leaves no new version, so a deletion alone does not
    move this time.
    """
    versions = Version.objects.none()
    for model in READERS_SEE:
        versions |= Version.objects.get_for_model(model)
    return versions.aggregate(changed=Max("revision__date_created"))["changed"]


class CheckerSitemap(Sitemap):
    def items(self):
        return ["triage:checker"]

    def location(self, url_name):
        return reverse(url_name)

    def lastmod(self, url_name):
        return rules_last_changed()
