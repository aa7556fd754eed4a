"""Share links and link-preview data built from an article's canonical URL.

Plain links only: nothing from the sharing services is loaded on our pages, so they learn
nothing until a reader chooses to share.
"""

from urllib.parse import quote, urlencode


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


def medical_web_page(article, url, site_name, site_url):
    """schema.org MedicalWebPage data for search engines and link previews."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": article.title,
        "headline": article.title,
        "description": article.standfirst,
        "url": url,
        "inLanguage": "en-GB",
        "about": {"@type": "MedicalCondition", "name": article.title},
        "dateModified": article.updated_at.isoformat(),
        "publisher": {"@type": "Organization", "name": site_name, "url": site_url},
    }
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
    if article.last_reviewed:
        data["lastReviewed"] = article.last_reviewed.isoformat()
    if article.reviewed_by:
        data["reviewedBy"] = {
            "@type": "Person",
            "name": article.reviewed_by.get_full_name() or article.reviewed_by.get_username(),
        }
    return data
