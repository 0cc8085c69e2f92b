from django.template.loader import render_to_string
from django.utils import timezone

from cases.models import Defendant, SentencePart
from newsroom.models import Article
from newsroom.partial_dates import PartialDate
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DefendantFactory,
    SentencePartFactory,
)
from tests.page_helpers import count_queries, links, page_text


def test_home_page_lists_the_latest_published_stories(client, demo):
    ArticleFactory(headline="A draft about a trial", status=Article.Status.DRAFT)
    response = client.get("/")
    assert response.status_code == 200
    assert (
        "/stories/almaty-court-sentences-thirteen-opposition-activists/",
        "Almaty court sentences 13 opposition activists on extremism charges",
    ) in links(response)
    assert "A draft about a trial" not in page_text(response)


def test_home_page_counts_the_people_in_prison_now(client, demo):
    """The demo's four prisoners: verdict date not reported, so they may be in prison."""
    text = page_text(client.get("/"))
    assert "0 people in prison now" in text
    assert "4 more who may be" in text


def test_home_page_does_not_count_released_or_in_absentia_prisoners(client, db):
    verdict = PartialDate(timezone.localdate().year - 1, 1, 15)
    SentencePartFactory(
        defendant__release_date=PartialDate(2025), defendant__case__verdict_date=verdict
    )
    SentencePartFactory(defendant__in_absentia=True, defendant__case__verdict_date=verdict)
    SentencePartFactory(
        kind=SentencePart.Kind.FINE,
        term_min_months=None,
        term_max_months=None,
        defendant__case__verdict_date=verdict,
    )
    SentencePartFactory(defendant__case__verdict_date=verdict)
    text = page_text(client.get("/"))
    assert "1 person in prison now" in text
    assert "may be" not in text


def test_home_page_counts_sentences_with_a_verdict_this_year(client, demo):
    this_year = timezone.now().year
    case = CaseFactory(verdict_date=PartialDate(this_year, 2))
    DefendantFactory.create_batch(2, case=case)
    DefendantFactory(case=case, verdict=Defendant.Verdict.ACQUITTED)
    DefendantFactory(case__verdict_date=PartialDate(this_year - 1))
    DefendantFactory(case__verdict_date=PartialDate(this_year), case__is_published=False)
    assert f"2 sentences handed down in {this_year}" in page_text(client.get("/"))


def test_home_page_lists_recent_verdicts_newest_first_and_unknown_dates_last(client, db):
    for title, verdict_date in [
        ("Undated trial", None),
        ("Older trial", PartialDate(2022)),
        ("Newer trial", PartialDate(2024, 5)),
    ]:
        DefendantFactory(case__title=title, case__verdict_date=verdict_date)
    DefendantFactory(case__title="Pending trial", verdict=Defendant.Verdict.PENDING)
    DefendantFactory(case__title="Hidden trial", case__is_published=False)
    response = client.get("/")
    assert response.status_code == 200
    text = page_text(response)
    assert text.index("Newer trial") < text.index("Older trial") < text.index("Undated trial")
    assert "Pending trial" not in text
    assert "Hidden trial" not in text


def test_home_page_shows_the_sentence_summary_of_recent_verdicts(client, demo):
    text = page_text(client.get("/"))
    assert "verdict date not reported" in text
    assert (
        "4 sentenced to 5 years in prison; 9 to 1 to 2 years of restricted freedom, "
        "7 of them also to 100 hours of compulsory labour a year"
    ) in text


def test_home_page_runs_the_same_queries_for_3_or_30_stories_and_cases(client, db):
    def add(count):
        ArticleFactory.create_batch(count)
        for _ in range(count):
            SentencePartFactory(defendant__case__verdict_date=PartialDate(2024))

    add(3)
    few = count_queries(client, "/")
    add(27)
    assert count_queries(client, "/") == few


def test_every_page_has_landmarks_a_skip_link_and_a_labelled_search_form(client, db):
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert '<a class="skip-link" href="#main">' in body
    assert '<main id="main"' in body
    for landmark in ("<header", "<nav", "<footer"):
        assert landmark in body
    assert '<label for="site-search-q">Search</label>' in body
    assert 'name="q"' in body and 'action="/search/"' in body
    assert body.count("<h1") == 1


def test_pages_load_only_the_site_s_own_stylesheet_and_no_inline_styles(client, db):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/static/css/site.css"' in body
    assert "style=" not in body and "<style" not in body and "<script" not in body


def test_unknown_address_gets_the_site_s_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in page_text(response)
    assert ("/stories/", "Stories") in links(response)


def test_500_page_renders_without_a_request_or_database():
    # No `db` fixture: any query here would fail the test.
    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "/static/css/site.css" in html
