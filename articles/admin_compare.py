"""Admin pages showing what changed in an article, section by section and word by word.

One page compares two versions from the article's history (at the address History's
"compare" button already uses); the other compares a draft of a live page with the live
page, which is what the clinician approving the draft signs off.

Both first check, as HistoryAdmin does, that the user may see the article; the versions
compared are looked up among this article's own versions only, and only this article's
rows are read from their revisions, so no address shows another object's old content.
"""

from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion import RevertError
from reversion.models import Version

from .content import ArticleContent
from .diffs import compare


class CompareContentsMixin:
    """For the ModelAdmin of articles, before HistoryAdmin in its bases."""

    compare_contents_template = "admin/articles/article/compare_contents.html"

    def get_urls(self):
        opts = self.model._meta
        compare_live = path(
            "<path:object_id>/compare-live/",
            self.admin_site.admin_view(self.compare_live_view),
            name=f"{opts.app_label}_{opts.model_name}_compare_live",
        )
        return [compare_live, *super().get_urls()]

    def compare_view(self, request, object_id, extra_context=None):
        """Two versions from the history, the older one first whatever the order asked."""
        article = self.article_to_compare(request, object_id)
        navigation = self._resolve_versions_and_navigation(
            request.GET, Version.objects.get_for_object(article)
        )
        older, newer = navigation["version1"], navigation["version2"]
        try:
            old = ArticleContent.from_revision(older.revision, article.pk)
            new = ArticleContent.from_revision(newer.revision, article.pk)
        except RevertError:
            # A version the current models cannot read any more (its fields changed type):
            # the generic comparison still shows its stored data as text.
            return super().compare_view(request, object_id, extra_context)
        context = {
            **navigation,
            "title": f"Compare versions of “{article}”",
            "compared": [("Old", older), ("New", newer)],
            **(extra_context or {}),
        }
        return self.render_comparison(request, article, compare(old, new), context)

    def compare_live_view(self, request, object_id):
        """A draft of a live page against the live page readers see now."""
        draft = self.article_to_compare(request, object_id)
        live = draft.draft_of
        if live is None:
            raise Http404("This article is not a draft of a live page.")
        if not self.has_view_or_change_permission(request, live):
            raise PermissionDenied
        comparison = compare(ArticleContent.of(live), ArticleContent.of(draft))
        context = {
            "title": f"Changes in the draft of “{live}”",
            "live": live,
            "live_change_url": self.admin_url("change", live),
        }
        return self.render_comparison(request, draft, comparison, context)

    def article_to_compare(self, request, object_id):
        # The same rule as HistoryAdmin.compare_view: reversion-compare checks none.
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def render_comparison(self, request, article, comparison, context):
        opts = self.model._meta
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            self.compare_contents_template,
            {
                **self.admin_site.each_context(request),
                "opts": opts,
                "app_label": opts.app_label,
                "article": article,
                "original": article,
                "comparison": comparison,
                "change_url": self.admin_url("change", article),
                "history_url": self.admin_url("history", article),
                **context,
            },
        )

    def admin_url(self, view, article):
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}",
            args=[quote(article.pk)],
        )
