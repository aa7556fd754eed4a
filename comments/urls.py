from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.post_comment, name="post"),
    path("comments/<int:pk>/report/", views.report_comment, name="report"),
]
