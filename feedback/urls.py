from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("articles/<slug:slug>/feedback/", views.answer, name="answer"),
    path("articles/<slug:slug>/feedback/missing/", views.missing, name="missing"),
    path("articles/<slug:slug>/feedback/thanks/", views.thanks, name="thanks"),
]
