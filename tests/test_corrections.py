from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsroom.models import Article, Correction
from tests.admin_forms import admin_form_data
from tests.factories import ArticleFactory, CorrectionFactory

pytestmark = pytest.mark.django_db


def test_modified_at_is_the_last_save_when_there_is_no_correction():
    article = ArticleFactory()

    assert article.modified_at == article.updated_at


def test_a_newer_correction_moves_the_modified_time():
    article = ArticleFactory()
    later = article.updated_at + timedelta(days=2)

    CorrectionFactory(article=article, published_at=later)

    assert article.modified_at == later


def test_an_older_correction_does_not_move_the_modified_time_back():
    article = ArticleFactory()
    CorrectionFactory(article=article, published_at=article.updated_at - timedelta(days=2))

    assert article.modified_at == article.updated_at


def test_modified_at_uses_prefetched_corrections_without_a_query(django_assert_num_queries):
    article = ArticleFactory()
    later = timezone.now() + timedelta(days=1)
    CorrectionFactory(article=article, published_at=later)
    article = Article.objects.prefetch_related("corrections").get(pk=article.pk)

    with django_assert_num_queries(0):
        assert article.modified_at == later


def test_the_corrections_include_shows_each_correction_with_its_date():
    article = ArticleFactory()
    CorrectionFactory(
        article=article,
        published_at=datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
        text="An earlier version gave the wrong court.",
    )

    html = render_to_string("includes/corrections.html", {"corrections": article.corrections.all()})

    assert "An earlier version gave the wrong court." in html
    assert "5 March 2024" in html
    assert 'datetime="2024-03-05T09:30:00+00:00"' in html


def test_the_corrections_include_escapes_the_text():
    article = ArticleFactory()
    CorrectionFactory(article=article, text="<script>alert(1)</script>")

    html = render_to_string("includes/corrections.html", {"corrections": article.corrections.all()})

    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_the_corrections_include_renders_nothing_without_corrections():
    article = ArticleFactory()

    html = render_to_string("includes/corrections.html", {"corrections": article.corrections.all()})

    assert html.strip() == ""
    CorrectionFactory(article=article, text="The court sat in Almaty.")
    with_one = render_to_string(
        "includes/corrections.html", {"corrections": article.corrections.all()}
    )
    assert "The court sat in Almaty." in with_one  # the include does render corrections


def test_the_story_page_shows_its_corrections_with_their_dates(client):
    article = ArticleFactory()
    CorrectionFactory(
        article=article,
        published_at=datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
        text="An earlier version gave the wrong court.",
    )

    response = client.get(article.get_absolute_url())

    content = response.content.decode()
    assert "An earlier version gave the wrong court." in content
    assert "5 March 2024" in content


def test_an_editor_adds_a_correction_in_the_story_admin_and_the_modified_time_moves(
    editor_client,
):
    article = ArticleFactory(headline="Verdict in Almaty")
    before = article.modified_at
    url = reverse("admin:newsroom_article_change", args=[article.pk])
    data = admin_form_data(editor_client.get(url))
    prefix = next(
        inline.formset.prefix
        for inline in editor_client.get(url).context["inline_admin_formsets"]
        if inline.formset.model is Correction
    )
    now = timezone.now() + timedelta(minutes=5)
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-text": "The sentence was six years, not five.",
            f"{prefix}-0-published_at_0": now.strftime("%Y-%m-%d"),
            f"{prefix}-0-published_at_1": now.strftime("%H:%M:%S"),
        }
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302
    correction = article.corrections.get()
    assert correction.text == "The sentence was six years, not five."
    article = Article.objects.get(pk=article.pk)
    assert article.modified_at > before
    assert article.modified_at == correction.published_at


def test_the_story_page_queries_do_not_grow_with_the_number_of_corrections(client):
    def queries_for_page_with(count):
        article = ArticleFactory()
        CorrectionFactory.create_batch(count, article=article)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(queries)

    assert queries_for_page_with(1) == queries_for_page_with(6)
