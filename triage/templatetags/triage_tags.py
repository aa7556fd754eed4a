from django import template
from django.conf import settings

from governance.helplines import fill_in_numbers
from triage.care_card import care_card_for

register = template.Library()

register.filter("with_numbers", fill_in_numbers)


@register.simple_tag
def care_card_tiers(article):
    """The article's care card tiers, most urgent first (empty if its topics have none)."""
    return care_card_for(article)


@register.inclusion_tag("triage/care_card.html", takes_context=True)
def care_card(context, article, heading_tag="h3"):
    """The "when to get help" card built from the red flags of the article's topics."""
    return {
        "tiers": care_card_for(article),
        "heading_tag": heading_tag,
        "emergency_number": context.get("emergency_number"),
        "urgent_number": context.get("urgent_number"),
    }


@register.filter
def has_symptom_checker(article):
    """Whether the symptom checker covers the article's topic (it is for back pain): only
    then does the article offer it."""
    return any(topic.slug == settings.SYMPTOM_CHECKER_TOPIC for topic in article.topics.all())
