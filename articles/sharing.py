"""Share links and link-preview data built from a page's canonical URL, and the one time
every preview, feed and sitemap gives for when an article last changed.

Plain links only: nothing from the sharing services is loaded on our pages, so they learn
nothing until a reader chooses to share.
"""

from urllib.parse import quote, urlencode

from django.conf import settings
from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest
from django.templatetags.static import static
from django.utils.translation import to_locale

from governance.roles import staff_name

SHARE_IMAGE = "articles/img/share-default.png"
TAGLINE = "Clear, clinician-reviewed health information."


def content_language():
    """The language of every article, as a language tag ("en-GB"): the site's, until
    articles are translated. What structured data, the Infobutton service and the content
    API say the articles are written in."""
    return to_locale(settings.LANGUAGE_CODE).replace("_", "-")


# Where the search box's words go in a WebSite's SearchAction (schema.org's own example).
SEARCH_TERM = "search_term_string"


def content_changed_at(article):
    """When a clinician last signed off the content readers see.

    `updated_at` moves with every save, even one readers cannot see (a demo load, a status
    change), so feed readers and search engines would be told of changes that never
    happened. A page published before sign-offs were recorded falls back to its publish
    time, and a page signed off then scheduled has not changed before it went live.
    """
    return max(filter(None, (article.signed_off_at, article.published_at)), default=None)


def newest_change(articles):
    """The newest `content_changed_at` of these articles, in one query (None if none)."""
    changed = Greatest(Coalesce("signed_off_at", "published_at"), "published_at")
    return articles.aggregate(newest=Max(changed))["newest"]


def share_image_url(request):
    """The site's link-preview picture: previews need an absolute address."""
    return request.build_absolute_uri(static(SHARE_IMAGE))


def share_links(url, title):
    """(service, href) for each place a reader may share the article."""
    return [
        ("Email", f"mailto:?{urlencode({'subject': title, 'body': url}, quote_via=quote)}"),
        ("WhatsApp", f"https://wa.me/?{urlencode({'text': f'{title} {url}'}, quote_via=quote)}"),
        (
            "Facebook",
            f"https://www.facebook.com/sharer/sharer.php?{urlencode({'u': url}, quote_via=quote)}",
        ),
        (
            "X",
            f"https://x.com/intent/post?{urlencode({'url': url, 'text': title}, quote_via=quote)}",
        ),
        (
            "LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/?"
            + urlencode({"url": url}, quote_via=quote),
        ),
    ]


def organisation(site_name, site_url):
    return {"@type": "Organization", "name": site_name, "url": site_url}


def web_site(site_name, site_url, search_url):
    """schema.org WebSite data for the home page, with the site search as a SearchAction
    so search engines may offer a search box for the site in their results."""
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site_name,
        "description": TAGLINE,
        "url": site_url,
        "inLanguage": content_language(),
        "publisher": organisation(site_name, site_url),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": f"{search_url}?q={{{SEARCH_TERM}}}",
            },
            "query-input": f"required name={SEARCH_TERM}",
        },
    }


def collection_page(name, description, url, entries, site_name, site_url):
    """schema.org CollectionPage data for a topic page; `entries` are the (absolute URL,
    title) of the articles it lists, in the page's order."""
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "description": description,
        "url": url,
        "inLanguage": content_language(),
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": site_url},
        "publisher": organisation(site_name, site_url),
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": len(entries),
            "itemListElement": [
                {"@type": "ListItem", "position": position, "url": entry_url, "name": title}
                for position, (entry_url, title) in enumerate(entries, start=1)
            ],
        },
    }


def medical_web_page(article, url, site_name, site_url):
    """schema.org MedicalWebPage data for search engines and link previews."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": article.title,
        "headline": article.title,
        "description": article.standfirst,
        "url": url,
        "inLanguage": content_language(),
        "about": {"@type": "MedicalCondition", "name": article.title},
        "publisher": organisation(site_name, site_url),
    }
    if changed := content_changed_at(article):
        data["dateModified"] = changed.isoformat()
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
    if article.last_reviewed:
        data["lastReviewed"] = article.last_reviewed.isoformat()
    if article.reviewed_by:
        data["reviewedBy"] = {
            "@type": "Person",
            "name": staff_name(article.reviewed_by),
        }
    return data
