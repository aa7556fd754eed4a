from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_page_url(context):
    """The address search engines should file this page under.

    A view that knows the page's proper address passes it as `canonical_url`; otherwise it
    is this address without its query string, so tracking or paging parameters never make
    one page look like many.
    """
    request = context["request"]
    return context.get("canonical_url") or request.build_absolute_uri(request.path)
