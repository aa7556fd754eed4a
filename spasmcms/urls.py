import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from articles.sitemaps import SITEMAPS as ARTICLE_SITEMAPS
from triage.sitemaps import CheckerSitemap

from . import health, views

admin.site.site_header = "SpasmCMS clinical editing"
admin.site.site_title = "SpasmCMS admin"
admin.site.index_title = "Articles, treatments and reviews"

# Each app lists its own public pages (articles cannot see the checker's rules).
SITEMAPS = ARTICLE_SITEMAPS | {"checker": CheckerSitemap}

urlpatterns = [
    path("favicon.ico", views.favicon),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    re_path(
        rf"^{re.escape(settings.ADMIN_URL)}articles/(?P<model>{'|'.join(views.MOVED_ADMIN_PAGES)})/"
        r"(?P<rest>.*)$",
        views.moved_admin_page,
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("triage/", include("triage.urls")),
    path("connect/", include("connect.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("search.urls")),
    path("", include("comments.urls")),
    path("", include("feedback.urls")),
    path("", include("articles.urls")),
]

handler500 = "spasmcms.views.server_error"
