from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "SpasmCMS clinical editing"
admin.site.site_title = "SpasmCMS admin"
admin.site.index_title = "Articles, treatments and reviews"

urlpatterns = [
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    path("triage/", include("triage.urls")),
    path("", include("articles.urls")),
]

handler500 = "spasmcms.views.server_error"
