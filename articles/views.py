from django.shortcuts import get_object_or_404, render

from .models import Article


def home(request):
    articles = Article.objects.published().order_by("-published_at", "title")
    return render(request, "articles/home.html", {"articles": articles})


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.visible_to(request.user).for_page(), slug=slug)
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "contents": article.table_of_contents(),
            "related_articles": article.related_for_readers(),
        },
    )
