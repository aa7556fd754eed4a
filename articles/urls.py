from django.urls import path

from . import views
from .feeds import LatestArticlesFeed

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("feed/", LatestArticlesFeed(), name="feed"),
]
