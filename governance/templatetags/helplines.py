from django import template
from django.utils.safestring import mark_safe

from governance.helplines import fill_in_numbers, fill_in_numbers_html

register = template.Library()

register.filter("with_numbers", fill_in_numbers)


@register.filter
def with_numbers_html(html):
    """Sanitised HTML (a section body) with the help-line numbers filled in, escaped."""
    return mark_safe(fill_in_numbers_html(html))  # noqa: S308 (already sanitised by nh3)
