"""Sentence summaries count every defendant once, in one wording on every page; defendants
without a public name are listed as one group per case, linked to where the case page describes
them."""

import re

import pytest

from cases.models import Case, Defendant, SentencePart
from newsroom.management.commands.load_demo import ALMATY_CASE_SLUG, DEMO_STORY_SLUG
from people.models import Person
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DefendantFactory,
    MembershipFactory,
    PersonFactory,
    SentencePartFactory,
)
from tests.page_helpers import count_queries, links, page_text

Kind = SentencePart.Kind
Verdict = Defendant.Verdict
NOT_REPORTED = Person.NameStatus.NOT_REPORTED
WITHHELD = Person.NameStatus.WITHHELD

PRISON_5 = {"kind": Kind.PRISON, "term_min_months": 60, "term_max_months": 60}
PRISON_3 = {"kind": Kind.PRISON, "term_min_months": 36, "term_max_months": 36}
RESTRICTED_1_2 = {"kind": Kind.RESTRICTED_FREEDOM, "term_min_months": 12, "term_max_months": 24}
LABOUR_100 = {
    "kind": Kind.COMPULSORY_LABOUR,
    "hours_per_year": 100,
    "term_min_months": None,
    "term_max_months": None,
}
FINE = {
    "kind": Kind.FINE,
    "fine_amount": 500000,
    "fine_currency": "KZT",
    "term_min_months": None,
    "term_max_months": None,
}


def defendants(count, *parts, verdict=Verdict.CONVICTED, in_absentia=False, status="named"):
    """`count` defendants alike: their sentence parts, verdict, absence and name status."""
    return [(list(parts), verdict, in_absentia, status)] * count


# Each row: the defendants of one case, and its summary, word for word.
SUMMARIES = [
    pytest.param(
        defendants(4, PRISON_5)
        + defendants(7, RESTRICTED_1_2, LABOUR_100)
        # The restricted freedom is the main penalty even when recorded after the labour.
        + defendants(2, LABOUR_100, RESTRICTED_1_2),
        "4 sentenced to 5 years in prison; 9 to 1 to 2 years of restricted freedom, "
        "all of them also to 100 hours of compulsory labour a year",
        id="overlapping parts counted once, under the most severe",
    ),
    pytest.param(
        defendants(4, PRISON_5)
        + defendants(7, RESTRICTED_1_2, LABOUR_100)
        + defendants(2, RESTRICTED_1_2),
        "4 sentenced to 5 years in prison; 9 to 1 to 2 years of restricted freedom, "
        "7 of them also to 100 hours of compulsory labour a year",
        id="the demo trial: 4 + 9 = 13",
    ),
    pytest.param(
        defendants(2, PRISON_3, FINE) + defendants(1, PRISON_5),
        "1 sentenced to 5 years in prison; 2 to 3 years in prison, "
        "all of them also to a fine of 500,000 KZT",
        id="longer term first; all of a group also fined",
    ),
    pytest.param(
        defendants(1, PRISON_5, FINE),
        "1 sentenced to 5 years in prison, also to a fine of 500,000 KZT",
        id="one defendant with two parts",
    ),
    pytest.param(
        defendants(3, RESTRICTED_1_2, status=NOT_REPORTED)
        + defendants(2, PRISON_5, status=WITHHELD),
        "2 sentenced to 5 years in prison; 3 to 1 to 2 years of restricted freedom",
        id="unnamed and withheld count like everyone",
    ),
    pytest.param(
        defendants(1, PRISON_5, in_absentia=True) + defendants(2, PRISON_5),
        "3 sentenced to 5 years in prison (1 of them in absentia)",
        id="some in absentia",
    ),
    pytest.param(
        defendants(2, PRISON_5, in_absentia=True),
        "2 sentenced to 5 years in prison (all in absentia)",
        id="all in absentia",
    ),
    pytest.param(
        defendants(1, verdict=Verdict.CONVICTED, in_absentia=True),
        "1 convicted, sentence not reported (in absentia)",
        id="in absentia, no sentence",
    ),
    pytest.param(
        defendants(2, verdict=Verdict.PENDING)
        + defendants(1, verdict=Verdict.ACQUITTED)
        + defendants(1, verdict=Verdict.CONVICTED),
        "1 convicted, sentence not reported; 1 acquitted; 2 awaiting a verdict",
        id="no sentence: by verdict",
    ),
    pytest.param(
        defendants(1, verdict=Verdict.DISMISSED) + defendants(2, verdict=Verdict.UNKNOWN),
        "1 whose case was dismissed; 2 whose verdicts were not reported",
        id="dismissed and unknown verdicts",
    ),
    pytest.param(
        defendants(1, verdict=Verdict.PENDING)
        + defendants(2, RESTRICTED_1_2, LABOUR_100)
        + defendants(1, PRISON_5, in_absentia=True)
        + defendants(1, verdict=Verdict.ACQUITTED),
        "1 sentenced to 5 years in prison (in absentia); 2 to 1 to 2 years of restricted "
        "freedom, all of them also to 100 hours of compulsory labour a year; 1 acquitted; "
        "1 awaiting a verdict",
        id="mixed",
    ),
    pytest.param([], "", id="no defendant"),
]


def build_case(rows, **fields):
    case = CaseFactory(**fields)
    for parts, verdict, in_absentia, status in rows:
        names = {"name": ""} if status == NOT_REPORTED else {}
        person = PersonFactory(name_status=status, **names)
        defendant = DefendantFactory(
            case=case, person=person, verdict=verdict, in_absentia=in_absentia
        )
        for part in parts:
            SentencePartFactory(defendant=defendant, **part)
    return case


@pytest.mark.parametrize("rows, summary", SUMMARIES)
def test_a_summary_counts_each_defendant_once(db, rows, summary):
    case = build_case(rows)
    assert Case.objects.with_defendants().get(pk=case.pk).sentence_summary() == summary


@pytest.mark.parametrize(
    "part, phrase, translated",
    [
        (RESTRICTED_1_2, "1 to 2 years of restricted freedom", "%(term)s of restricted freedom"),
        (
            {"kind": Kind.SUSPENDED, "term_min_months": None, "term_max_months": None},
            "a suspended sentence",
            "a suspended sentence",
        ),
        (
            {"kind": Kind.OTHER, "term_min_months": 6, "term_max_months": 6},
            "another penalty of 6 months",
            "another penalty of %(term)s",
        ),
    ],
)
def test_a_penalty_translates_only_its_own_wording(db, monkeypatch, part, phrase, translated):
    """Each sentence used to translate every wording of the other kinds (twelve lookups): on an
    organization page at 100,000 people, its twenty newest cases' hundred sentences, 5 ms."""
    from django.utils.translation import gettext

    from cases import summaries

    asked = []

    def recording_gettext(message):
        asked.append(message)
        return gettext(message)

    monkeypatch.setattr(summaries, "_", recording_gettext)
    record = SentencePartFactory(defendant=DefendantFactory(), **part)
    assert summaries.penalty_phrase(record) == phrase
    assert asked == [translated]


RUSSIAN = {
    ("%(count)d sentenced to %(penalty)s", "%(count)d sentenced to %(penalty)s"): [
        "%(count)d осуждён: %(penalty)s",
        "%(count)d осуждены: %(penalty)s",
        "%(count)d осуждены: %(penalty)s",
    ],
    ("%(count)d to %(penalty)s", "%(count)d to %(penalty)s"): ["%(count)d: %(penalty)s"] * 3,
    "%(term)s in prison": "%(term)s лишения свободы",
    "%(term)s of restricted freedom": "%(term)s ограничения свободы",
    ("%(count)d year", "%(count)d years"): ["%(count)d год", "%(count)d года", "%(count)d лет"],
    # A bound of a range is said in the genitive: "от 1 года", "до 5 лет".
    ("a bound of a term\x04%(count)d year", "%(count)d years"): [
        "%(count)d года",
        "%(count)d лет",
        "%(count)d лет",
    ],
    ("a bound of a term\x04%(count)d month", "%(count)d months"): [
        "%(count)d месяца",
        "%(count)d месяцев",
        "%(count)d месяцев",
    ],
    ("%(shortest)d to %(longest)d year", "%(shortest)d to %(longest)d years"): [
        "от %(shortest)d до %(longest)d года",
        "от %(shortest)d до %(longest)d лет",
        "от %(shortest)d до %(longest)d лет",
    ],
    ("%(shortest)d to %(longest)d month", "%(shortest)d to %(longest)d months"): [
        "от %(shortest)d до %(longest)d месяца",
        "от %(shortest)d до %(longest)d месяцев",
        "от %(shortest)d до %(longest)d месяцев",
    ],
    "%(shortest)s to %(longest)s": "от %(shortest)s до %(longest)s",
    "up to %(term)s": "до %(term)s",
}


def test_a_summary_is_said_in_the_reader_s_language_terms_included(client, db, tmp_path):
    """Every word of a summary goes through the translation catalog, the terms too: with a
    Russian catalog, each kind of term takes Russian words, plural forms and, as the bound of
    a range, the genitive ("от 1 года 6 месяцев до 3 лет")."""
    from django.test import override_settings
    from django.utils import translation

    from tests.translation_catalogs import RUSSIAN_PLURALS, write_catalog

    write_catalog(tmp_path, "ru", RUSSIAN, RUSSIAN_PLURALS)

    def prison(shortest, longest):
        return {"kind": Kind.PRISON, "term_min_months": shortest, "term_max_months": longest}

    case = build_case(
        defendants(2, PRISON_5)
        + defendants(1, prison(18, 42))
        + defendants(1, prison(18, 36))
        + defendants(1, prison(None, 24))
        + defendants(1, RESTRICTED_1_2)
    )
    with override_settings(LOCALE_PATHS=[tmp_path]), translation.override("ru"):
        response = client.get(case.get_absolute_url())
        summary = Case.objects.with_defendants().get(pk=case.pk).sentence_summary()
    assert summary == (
        "2 осуждены: 5 лет лишения свободы; "
        "1: от 18 до 42 месяцев лишения свободы; "
        "1: от 1 года 6 месяцев до 3 лет лишения свободы; "
        "1: до 2 лет лишения свободы; "
        "1: от 1 до 2 лет ограничения свободы"
    )
    assert response.status_code == 200
    assert summary in page_text(response)


def test_the_same_summary_is_on_every_page_that_shows_the_case(client, demo):
    summary = (
        "4 sentenced to 5 years in prison; 9 to 1 to 2 years of restricted freedom, "
        "7 of them also to 100 hours of compulsory labour a year"
    )
    assert Case.objects.get(slug=ALMATY_CASE_SLUG).sentence_summary() == summary
    pages = [
        "/",
        "/cases/",
        f"/cases/{ALMATY_CASE_SLUG}/",
        "/organizations/democratic-choice-of-kazakhstan/",
        f"/stories/{DEMO_STORY_SLUG}/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert summary in page_text(response), url
        # The old wording, which counted 20 sentences for 13 people, is gone.
        assert "prison terms of" not in page_text(response), url


def test_the_demo_story_names_each_group_once_with_one_link_to_it(client, demo):
    response = client.get(f"/stories/{DEMO_STORY_SLUG}/")
    assert response.status_code == 200
    html = response.content.decode()
    people = re.search(r'<section aria-labelledby="people-in-story">.*?</section>', html, re.S)
    text = page_text(response)
    assert "Abai Begimbetov" in text and "Mukhtar Ablyazov" in text
    assert people.group(0).count("whose names were not reported") == 1
    assert "name not reported" not in people.group(0)
    group_links = [
        (href, label)
        for href, label in links(response)
        if href == f"/cases/{ALMATY_CASE_SLUG}/#unnamed-defendants"
    ]
    assert group_links == [(group_links[0][0], "9 people whose names were not reported")]
    # The individual records still exist, and the case page describes the group once.
    assert Person.objects.filter(name_status=NOT_REPORTED, is_public=True).count() == 9
    case_page = client.get(f"/cases/{ALMATY_CASE_SLUG}/")
    case_html = case_page.content.decode()
    assert case_html.count('id="unnamed-defendants"') == 1
    assert "9 people whose names were not reported 9 sentenced to 1 to 2 years of restricted " in (
        page_text(case_page)
    )
    assert "13 defendants, 4 named" in page_text(case_page)
    assert "name not reported" not in page_text(case_page)


def test_withheld_defendants_are_one_group_that_never_names_them(client, db):
    case = build_case(
        defendants(1, PRISON_5) + defendants(2, PRISON_3, status=WITHHELD),
        title="Trial with withheld names",
    )
    hidden = Person.objects.filter(name_status=WITHHELD).first()
    hidden.name = "Secretname Hidden"
    hidden.save()
    story = ArticleFactory()
    for person in Person.objects.all():
        person.stories.add(story)
    case.stories.add(story)
    for url in (story.get_absolute_url(), case.get_absolute_url(), "/people/"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = page_text(response)
        assert "2 people whose names are withheld" in text, url
        assert text.count("whose names are withheld") == 1, url
        assert "Secretname" not in response.content.decode(), url
    assert (
        f"{case.get_absolute_url()}#withheld-defendants",
        "2 people whose names are withheld",
    ) in links(client.get(story.get_absolute_url()))


def test_people_list_shows_the_unnamed_of_a_case_as_one_result(client, demo):
    response = client.get("/people/")
    assert response.status_code == 200
    text = page_text(response)
    assert "14 people" in text  # they still count
    assert "Abai Begimbetov" in text
    results = re.search(r'<ol class="result-list">.*?</ol>', response.content.decode(), re.S)
    assert results.group(0).count("whose names were not reported") == 1
    assert (
        "9 people whose names were not reported Almaty trial of 13 opposition activists: "
        "9 sentenced to 1 to 2 years of restricted freedom, 7 of them also to 100 hours of "
        "compulsory labour a year"
    ) in text.replace(" :", ":")
    assert (
        f"/cases/{ALMATY_CASE_SLUG}/#unnamed-defendants",
        "Almaty trial of 13 opposition activists",
    ) in links(response)


def test_unnamed_people_of_two_cases_are_two_groups(client, db):
    story = ArticleFactory()
    first = build_case(defendants(2, PRISON_5, status=NOT_REPORTED), title="First trial")
    second = build_case(defendants(3, RESTRICTED_1_2, status=NOT_REPORTED), title="Second trial")
    for person in Person.objects.all():
        person.stories.add(story)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert (
        f"{first.get_absolute_url()}#unnamed-defendants",
        "2 people whose names were not reported",
    ) in links(response)
    assert (
        f"{second.get_absolute_url()}#unnamed-defendants",
        "3 people whose names were not reported",
    ) in links(response)
    text = page_text(response)
    assert "2 sentenced to 5 years in prison" in text
    assert "3 sentenced to 1 to 2 years of restricted freedom" in text


def test_organization_page_counts_members_without_a_public_name(client, demo):
    response = client.get("/organizations/democratic-choice-of-kazakhstan/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Abai Begimbetov" in text
    assert "9 members whose names were not reported" in text


def build_story_with_unnamed(count):
    story = ArticleFactory()
    case = CaseFactory()
    case.stories.add(story)
    for _ in range(count):
        person = PersonFactory(name_status=NOT_REPORTED, name="")
        person.stories.add(story)
        MembershipFactory(person=person)
        part = SentencePartFactory(defendant__case=case, defendant__person=person, **PRISON_5)
        SentencePartFactory(defendant=part.defendant, **FINE)
    return story


def test_grouping_costs_no_query_per_person(client, db):
    few = count_queries(client, build_story_with_unnamed(2).get_absolute_url())
    many = count_queries(client, build_story_with_unnamed(20).get_absolute_url())
    assert few == many
    assert "20 people whose names were not reported" in page_text(
        # The case made last: by key, as the cases' own order (by title) puts "Trial number 10"
        # before "Trial number 9".
        client.get(Case.objects.order_by("pk").last().stories.get().get_absolute_url())
    )
    for url in ("/people/", "/cases/"):
        assert client.get(url).status_code == 200
