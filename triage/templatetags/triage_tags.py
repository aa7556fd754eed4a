from django import template

from triage.helplines import fill_in_numbers

register = template.Library()

register.filter("with_numbers", fill_in_numbers)


@register.filter
def said_with_weeks(rule, weeks):
    """How the result repeats an answer (“you have …”), with {weeks} filled in."""
    return rule.said.replace("{weeks}", str(weeks))
