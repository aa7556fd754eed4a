from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import health, views

admin.site.site_header = "SpasmCMS clinical editing"
admin.site.site_title = "SpasmCMS admin"
admin.site.index_title = "Articles, treatments and reviews"

urlpatterns = [
    path("favicon.ico", views.favicon),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("triage/", include("triage.urls")),
    path("", include("articles.urls")),
]

handler500 = "spasmcms.views.server_error"
