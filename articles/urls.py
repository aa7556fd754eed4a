from django.urls import path

from . import views
from .feeds import LatestArticlesFeed

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("articles/<slug:slug>/comments/", views.post_comment, name="post_comment"),
    path("comments/<int:pk>/report/", views.report_comment, name="report_comment"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("search/", views.search, name="search"),
]
