"""Drafts of live articles: a correction is written beside the live page, not on it.

A draft is an article of its own (status draft, in review or approved) linked to the live
one by `draft_of`, so editors work on it with the same admin, checks, preview and history
as any article, while readers keep seeing the signed-off page. When a clinician approves
it, its content replaces the live page's in one transaction: the live article keeps its
address, comments and history, and the draft is removed.
"""

import logging

import reversion
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from governance.roles import staff_name

from .publication import ArticleStatus

logger = logging.getLogger(__name__)

NEXT_DRAFT_KEY = "articles:next-approved-draft"
# Saving an approved draft forgets the key (in this process's cache, or Redis for all);
# a process with its own memory cache looks again after this.
NEXT_DRAFT_SECONDS = 30
NOTHING_SCHEDULED = "none"


def forget_next_draft_time():
    try:
        cache.delete(NEXT_DRAFT_KEY)
    except Exception:
        logger.warning("Cache unavailable: next draft time kept until it expires", exc_info=True)


def remember_next_draft_time():
    """Look up when the next approved draft goes live and keep it in the cache.

    Done whenever an article is saved, so that requests normally find it there.
    """
    from .article import Article

    due = Article.objects.next_approved_draft()
    try:
        cache.set(NEXT_DRAFT_KEY, due or NOTHING_SCHEDULED, timeout=NEXT_DRAFT_SECONDS)
    except Exception:
        logger.warning("Cache unavailable: next draft time not kept", exc_info=True)
    return due


def next_draft_time():
    """When the next approved draft goes live (None if none is): from the cache, or looked
    up when the cache has lost it."""
    try:
        stored = cache.get(NEXT_DRAFT_KEY)
    except Exception:
        stored = None
    if stored is None:
        return remember_next_draft_time()
    return None if stored == NOTHING_SCHEDULED else stored


# A draft's own address: slugs made from titles never hold two hyphens in a row, so this
# cannot be a live article's (a hand-typed one could: then a number is added).
DRAFT_SLUG_SUFFIX = "--draft"


def draft_slug(live):
    from .article import Article

    stem = f"{live.slug[: 200 - len(DRAFT_SLUG_SUFFIX) - 24]}{DRAFT_SLUG_SUFFIX}-{live.pk}"
    slug, number = stem, 2
    while Article.objects.filter(slug=slug).exists():
        slug, number = f"{stem}-{number}", number + 1
    return slug


def main_sections_first(sections):
    """Sections with every parent before its sub-sections (databases sort empty values
    differently, so "no parent" is asked for explicitly)."""
    return sections.order_by(F("parent_id").asc(nulls_first=True), "order", "pk")


def start_draft(live, user):
    """The draft of `live`, made now as a copy of its content if it has none yet."""
    from .article import Article

    with transaction.atomic():
        live = Article.objects.select_for_update().get(pk=live.pk)
        existing = Article.objects.filter(draft_of=live).first()
        if existing is not None:
            return existing
        with reversion.create_revision():
            draft = Article.objects.create(
                draft_of=live,
                title=live.title,
                slug=draft_slug(live),
                standfirst=live.standfirst,
                status=ArticleStatus.DRAFT,
                comments_open=live.comments_open,
                reviewed_by=live.reviewed_by,
                last_reviewed=live.last_reviewed,
                next_review_due=live.next_review_due,
            )
            draft.topics.set(live.topics.all())
            draft.related_articles.set(live.related_articles.all())
            _copy_sections(live, draft)
            for link in live.article_treatments.all():
                draft.article_treatments.create(treatment_id=link.treatment_id, order=link.order)
            for reference in live.references.all():
                reference.pk = None
                reference.article = draft
                reference.save()
            for code in live.clinical_codes.all():
                code.pk = None
                code.article = draft
                code.save()
            reversion.set_user(user)
            reversion.set_comment(f"Draft started from the live page “{live.title}”.")
    return draft


def _copy_sections(source, target):
    copies = {}
    for section in main_sections_first(source.sections.all()):
        original_pk = section.pk
        section.pk = None
        section.article = target
        section.parent = copies.get(section.parent_id)
        section.save()
        copies[original_pk] = section


def go_live(draft, approver):
    """Put the approved draft's content on its live page and remove the draft.

    Returns the live article, or None if the draft is gone (another request made it live
    a moment ago). The live page keeps its address, status and comments; its sections,
    treatments, references and clinical codes are the draft's from now on (each section
    keeps its anchor, so links to a part of the page still work), and so is the clinical
    sign-off recorded when the draft was approved. The live page's content cannot change
    while it has a draft (see ArticleAdmin), so nothing saved on it is undone here.
    """
    from .article import Article

    with transaction.atomic():
        draft = Article.objects.select_for_update().filter(pk=draft.pk).first()
        if draft is None:
            return None
        live = Article.objects.select_for_update().get(pk=draft.draft_of_id)
        with reversion.create_revision():
            live.title = draft.title
            live.standfirst = draft.standfirst
            live.reviewed_by = draft.reviewed_by
            live.signed_off_at = draft.signed_off_at
            live.last_reviewed = draft.last_reviewed
            live.next_review_due = draft.next_review_due
            live.topics.set(draft.topics.all())
            live.related_articles.set(draft.related_articles.all())
            live.sections.all().delete()
            live.article_treatments.all().delete()
            live.references.all().delete()
            live.clinical_codes.all().delete()
            # Moved rather than copied: each save keeps the search index and the page
            # cache in step.
            for section in main_sections_first(draft.sections.all()):
                section.article = live
                section.save()
            for link in draft.article_treatments.all():
                link.article = live
                link.save()
            for reference in draft.references.all():
                reference.article = live
                reference.save()
            for code in draft.clinical_codes.all():
                code.article = live
                code.save()
            live.save()
            reversion.set_user(approver)
            reversion.set_comment(f"Draft approved by {staff_name(approver)} and made live.")
        draft.delete()
    return live


def publish_due_drafts(now=None):
    """Make every approved draft whose publish time has come live; returns how many.

    The approving clinician is the one who signed the draft off. If their account can no
    longer sign off (deleted or deactivated), or making it live fails, the draft goes back
    to review with a note saying why, rather than being tried again on every request.
    """
    from .article import Article

    now = now or timezone.now()
    due = Article.objects.filter(
        draft_of__isnull=False, status=ArticleStatus.APPROVED, published_at__lte=now
    ).select_related("reviewed_by")
    made_live = 0
    for draft in due:
        approver = draft.reviewed_by
        if approver is None or not approver.has_perm("articles.publish_article"):
            _back_to_review(
                draft,
                "The clinician who approved this draft can no longer sign off "
                "articles, so it did not go live: a clinician needs to approve it again.",
            )
            continue
        try:
            made_live += go_live(draft, approver) is not None
        except Exception:
            logger.exception("Draft %s could not be made live", draft.pk)
            _back_to_review(
                draft,
                "This draft could not be made live at its publish time because of "
                "an error on the server: a clinician needs to approve it again.",
            )
    return made_live


def _back_to_review(draft, why):
    from .article import Article

    Article.objects.filter(pk=draft.pk, status=ArticleStatus.APPROVED).update(
        status=ArticleStatus.IN_REVIEW, changes_requested=why, changes_requested_by=None
    )
