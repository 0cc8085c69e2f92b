"""A whole trial on the case page: defendants with their verdict, sentence and charges typed as
text, the same charges and sentence for several defendants, and defendants whose names were not
reported, entered through the admin form as the editor's browser posts it (read from the page
and posted back whole)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Revision, Version

from cases.models import Case, Charge, Defendant, DefendantCharge, SentencePart
from newsroom.partial_dates import PartialDate
from people.models import Organization, Person, PersonName
from tests.factories import (
    CaseFactory,
    ChargeFactory,
    DefendantChargeFactory,
    DefendantFactory,
    OrganizationFactory,
    PersonFactory,
    SentencePartFactory,
)
from tests.history_forms import add_inline_row, admin_url, form_data

pytestmark = pytest.mark.django_db

FORM = "case_form"
VIASNA_CHARGES = (
    "Art. 228 (smuggling); Art. 342 (financing group actions that grossly violate public order)"
)
VIASNA_DEFENDANTS = [
    ("Ales Bialiatski", "10 years in a penal colony"),
    ("Valiantsin Stefanovich", "9 years in a penal colony"),
    ("Uladzimir Labkovich", "7 years in a penal colony"),
    ("Dzmitry Salauyou", "8 years in a penal colony in absentia"),
]


@pytest.fixture
def court():
    return OrganizationFactory(
        name="Leninski District Court of Minsk", kind=Organization.Kind.COURT, country="BY"
    )


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


def open_add_form(client):
    response = client.get(admin_url(Case, "add"))
    assert response.status_code == 200
    return response, form_data(response, FORM)


def fill_defendants(response, data, rows):
    """Fill the empty defendant row the page shows, then add one per further defendant."""
    for index, values in enumerate(rows):
        if index == 0:
            data.update({f"defendants-0-{name}": value for name, value in values.items()})
        else:
            add_inline_row(response, data, FORM, "defendants", **values)


def viasna_case_data(response, data, court, published=True):
    data.update(
        {
            "title": "Viasna case",
            "status": "sentenced",
            "court": str(court.pk),
            "city": "Minsk",
            "country": "BY",
            "verdict_date": "2023-03-03",
            "charges_for_all": VIASNA_CHARGES,
        }
    )
    if published:
        data["is_published"] = "on"
    fill_defendants(
        response,
        data,
        [{"new_person_name": name, "sentence": sentence} for name, sentence in VIASNA_DEFENDANTS],
    )
    return data


def test_an_editor_enters_the_viasna_trial_on_one_page(editor_client, court):
    response, data = open_add_form(editor_client)
    response = editor_client.post(admin_url(Case, "add"), viasna_case_data(response, data, court))
    assert response.status_code == 302, response.content.decode()[:3000]

    case = Case.objects.get(title="Viasna case")
    assert case.is_published and case.slug == "viasna-case"
    assert case.verdict_date == PartialDate(2023, 3, 3)
    defendants = list(case.defendants.select_related("person").order_by("pk"))
    assert [d.person.name for d in defendants] == [name for name, _ in VIASNA_DEFENDANTS]
    assert all(d.person.is_public and d.verdict == "convicted" for d in defendants)
    assert [d.in_absentia for d in defendants] == [False, False, False, True]
    assert [(d.sentence_summary()) for d in defendants] == [
        "10 years in prison",
        "9 years in prison",
        "7 years in prison",
        "8 years in prison",
    ]
    charges = Charge.objects.order_by("article")
    assert [(c.country.code, c.legal_code, c.article, c.description) for c in charges] == [
        ("BY", "Criminal Code", "228", "smuggling"),
        ("BY", "Criminal Code", "342", "financing group actions that grossly violate public order"),
    ]
    assert DefendantCharge.objects.filter(defendant__case=case).count() == 8


def test_the_trial_entered_shows_on_the_public_case_page(editor_client, client, court):
    response, data = open_add_form(editor_client)
    editor_client.post(admin_url(Case, "add"), viasna_case_data(response, data, court))
    editor_client.logout()

    page = client.get(Case.objects.get().get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    for name, _ in VIASNA_DEFENDANTS:
        assert name in text
    assert "10 years in prison" in text
    assert "article 228 of the Criminal Code of Belarus" in text
    assert "article 342 of the Criminal Code of Belarus" in text


def test_one_save_of_the_case_form_is_one_revision_holding_every_new_row(editor_client, court):
    response, data = open_add_form(editor_client)
    before = Revision.objects.count()
    editor_client.post(admin_url(Case, "add"), viasna_case_data(response, data, court))
    assert Revision.objects.count() == before + 1
    revision = Revision.objects.latest("pk")
    held = {(v.content_type.model, v.object_id) for v in Version.objects.filter(revision=revision)}
    for model in [Case, Defendant, SentencePart, DefendantCharge, Person]:
        for pk in model.objects.values_list("pk", flat=True):
            assert (model._meta.model_name, str(pk)) in held


def test_charges_already_recorded_are_linked_not_created_again(editor_client, court):
    smuggling = ChargeFactory(
        country="BY", legal_code="Criminal Code", article="228", description="smuggling of goods"
    )
    response, data = open_add_form(editor_client)
    editor_client.post(admin_url(Case, "add"), viasna_case_data(response, data, court))
    assert Charge.objects.count() == 2
    assert DefendantCharge.objects.filter(charge=smuggling).count() == 4


def test_reopening_the_case_shows_each_sentence_and_the_charges_as_text(editor_client, court):
    response, data = open_add_form(editor_client)
    editor_client.post(admin_url(Case, "add"), viasna_case_data(response, data, court))
    case = Case.objects.get()

    data = form_data(editor_client.get(admin_url(Case, "change", case.pk)), FORM)
    rows = sorted(
        (data[f"defendants-{i}-sentence"], data[f"defendants-{i}-charges_text"]) for i in range(4)
    )
    assert rows == sorted(
        [
            ("10 years in prison", VIASNA_CHARGES),
            ("9 years in prison", VIASNA_CHARGES),
            ("7 years in prison", VIASNA_CHARGES),
            ("8 years in prison", VIASNA_CHARGES),
        ]
    )
    assert data["charges_for_all"] == "" and data["unnamed_count"] == ""


def test_saving_the_reopened_form_unchanged_keeps_every_row(editor_client, court):
    response, data = open_add_form(editor_client)
    editor_client.post(admin_url(Case, "add"), viasna_case_data(response, data, court))
    case = Case.objects.get()
    parts = list(SentencePart.objects.order_by("pk").values_list("pk", "term_min_months"))
    links = list(DefendantCharge.objects.order_by("pk").values_list("pk", flat=True))

    data = form_data(editor_client.get(admin_url(Case, "change", case.pk)), FORM)
    response = editor_client.post(admin_url(Case, "change", case.pk), data)
    assert response.status_code == 302
    assert list(SentencePart.objects.order_by("pk").values_list("pk", "term_min_months")) == parts
    assert list(DefendantCharge.objects.order_by("pk").values_list("pk", flat=True)) == links


def test_changing_a_sentence_as_text_updates_its_part_in_place(editor_client):
    defendant = DefendantFactory(case=CaseFactory(country="BY"))
    part = SentencePartFactory(defendant=defendant, term_min_months=120, term_max_months=120)
    case = defendant.case
    data = form_data(editor_client.get(admin_url(Case, "change", case.pk)), FORM)
    assert data["defendants-0-sentence"] == "10 years in prison"
    data["defendants-0-sentence"] = (
        "3 years in a general-regime penal colony and a fine of 2000 BYN"
    )
    response = editor_client.post(admin_url(Case, "change", case.pk), data)
    assert response.status_code == 302
    parts = list(defendant.sentence_parts.order_by("pk"))
    assert parts[0].pk == part.pk
    assert [p.describe() for p in parts] == [
        "3 years in prison (general-regime penal colony)",
        "fine of 2,000 BYN",
    ]


def test_a_bad_sentence_is_a_form_error_and_nothing_is_stored(editor_client, court):
    response, data = open_add_form(editor_client)
    data = viasna_case_data(response, data, court)
    data["defendants-3-sentence"] = "8 years in absentia"
    response = editor_client.post(admin_url(Case, "add"), data)
    assert response.status_code == 200
    assert "say which penalty, e.g. “8 years in prison”" in response.content.decode()
    assert not Case.objects.exists()
    assert not Person.objects.exists()
    assert not Charge.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("charges_for_all", "Art. 228", "Article 228 is not in the records yet"),
        ("charges_for_all", "Art. 228 smuggling", "Could not read “Art. 228 smuggling”"),
        ("sentence_for_all", "life imprisonment", "Could not read “life”"),
        ("unnamed_sentence", "2 years of restricted freedom", "Say how many defendants"),
        ("defendants-1-sentence", "3 years", "say which penalty"),
        ("defendants-2-sentence", "99999 years in prison", "too large to be stored"),
    ],
)
def test_text_that_cannot_be_read_is_a_form_error_with_a_clear_message(
    editor_client, court, field, value, message
):
    response, data = open_add_form(editor_client)
    data = viasna_case_data(response, data, court)
    data[field] = value
    response = editor_client.post(admin_url(Case, "add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Case.objects.exists() and not Defendant.objects.exists()


def test_a_sentence_the_text_cannot_hold_is_shown_read_only_and_kept(editor_client):
    defendant = DefendantFactory(case=CaseFactory(country="BY"))
    other = SentencePartFactory(
        defendant=defendant,
        kind=SentencePart.Kind.OTHER,
        term_min_months=None,
        term_max_months=None,
        conditions="barred from journalism",
    )
    case = defendant.case
    response = editor_client.get(admin_url(Case, "change", case.pk))
    assert "edit it on the defendant's page" in response.content.decode()
    data = form_data(response, FORM)
    assert "defendants-0-sentence" not in data  # a disabled field is not sent by browsers
    data["title"] = "Renamed trial"
    data["defendants-0-sentence"] = "5 years in prison"  # tampered: ignored
    response = editor_client.post(admin_url(Case, "change", case.pk), data)
    assert response.status_code == 302
    assert list(defendant.sentence_parts.all()) == [other]
    other.refresh_from_db()
    assert other.conditions == "barred from journalism"


def test_charges_the_text_cannot_hold_are_shown_read_only_and_kept(editor_client):
    defendant = DefendantFactory(case=CaseFactory(country="BY"))
    link = DefendantChargeFactory(
        defendant=defendant,
        charge=ChargeFactory(country="BY", legal_code="", article="293", description="riots"),
    )
    case = defendant.case
    data = form_data(editor_client.get(admin_url(Case, "change", case.pk)), FORM)
    assert "defendants-0-charges_text" not in data
    response = editor_client.post(admin_url(Case, "change", case.pk), data)
    assert response.status_code == 302
    assert list(DefendantCharge.objects.all()) == [link]


def test_removing_a_charge_from_the_text_unlinks_it_and_keeps_the_others_outcomes(editor_client):
    defendant = DefendantFactory(case=CaseFactory(country="BY"))
    kept = DefendantChargeFactory(
        defendant=defendant,
        outcome="convicted",
        charge=ChargeFactory(
            country="BY", legal_code="Criminal Code", article="228", description="smuggling"
        ),
    )
    DefendantChargeFactory(
        defendant=defendant,
        charge=ChargeFactory(
            country="BY", legal_code="Criminal Code", article="342", description="protests"
        ),
    )
    case = defendant.case
    data = form_data(editor_client.get(admin_url(Case, "change", case.pk)), FORM)
    assert data["defendants-0-charges_text"] == "Art. 228 (smuggling); Art. 342 (protests)"
    data["defendants-0-charges_text"] = "Art. 228 (smuggling)"
    assert editor_client.post(admin_url(Case, "change", case.pk), data).status_code == 302
    assert list(DefendantCharge.objects.all()) == [kept]
    kept.refresh_from_db()
    assert kept.outcome == "convicted"


def test_defendants_whose_names_were_not_reported_are_added_with_one_sentence(editor_client):
    response, data = open_add_form(editor_client)
    data.update(
        {
            "title": "Trial of three",
            "status": "sentenced",
            "country": "KZ",
            "verdict_date": "2023-05",
            "is_published": "on",
            "unnamed_count": "3",
            "unnamed_sentence": "2 to 3 years of restricted freedom",
            "unnamed_charges": "Art. 174 (inciting discord)",
        }
    )
    response = editor_client.post(admin_url(Case, "add"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.verdict_date == PartialDate(2023, 5)
    defendants = list(case.defendants.select_related("person"))
    assert len(defendants) == 3
    for defendant in defendants:
        person = defendant.person
        assert person.name_status == Person.NameStatus.NOT_REPORTED and person.name == ""
        assert person.slug.startswith("person-") and person.is_public
        assert defendant.verdict == "convicted"
        assert [
            (p.kind, p.term_min_months, p.term_max_months) for p in defendant.sentence_parts.all()
        ] == [("restricted_freedom", 24, 36)]
        assert [str(c) for c in defendant.charges.all()] == [
            "inciting discord (article 174 of the Criminal Code of Kazakhstan)"
        ]
    page = editor_client.get(case.get_absolute_url()).content.decode()
    assert "3 defendants, 0 named" in page
    assert "3 sentenced to 2 to 3 years of restricted freedom" in page


def test_the_same_sentence_and_charges_go_to_every_defendant_without_one(editor_client):
    case = CaseFactory(country="BY")
    sentenced = DefendantFactory(case=case)
    SentencePartFactory(defendant=sentenced, term_min_months=24, term_max_months=24)
    waiting = DefendantFactory(case=case, verdict=Defendant.Verdict.PENDING)
    acquitted = DefendantFactory(case=case, verdict=Defendant.Verdict.ACQUITTED)
    data = form_data(editor_client.get(admin_url(Case, "change", case.pk)), FORM)
    data["sentence_for_all"] = "5 years in prison"
    data["charges_for_all"] = "Art. 342 (protests)"
    assert editor_client.post(admin_url(Case, "change", case.pk), data).status_code == 302
    assert sentenced.sentence_summary() == "2 years in prison"
    waiting.refresh_from_db()
    assert waiting.verdict == "convicted" and waiting.sentence_summary() == "5 years in prison"
    assert acquitted.sentence_summary() == ""
    for defendant in [sentenced, waiting, acquitted]:
        assert [c.article for c in defendant.charges.all()] == ["342"]


def test_a_new_name_that_is_already_recorded_must_be_chosen_instead(editor_client, court):
    existing = PersonFactory(name="Ales Bialiatski")
    response, data = open_add_form(editor_client)
    response = editor_client.post(admin_url(Case, "add"), viasna_case_data(response, data, court))
    assert response.status_code == 200
    assert "Someone named “Ales Bialiatski” is already in the records" in response.content.decode()
    assert list(Person.objects.all()) == [existing]


def test_an_existing_person_is_chosen_in_the_row(editor_client, court):
    person = PersonFactory(name="Ales Bialiatski")
    response, data = open_add_form(editor_client)
    data = viasna_case_data(response, data, court)
    data["defendants-0-new_person_name"] = ""
    data["defendants-0-person"] = str(person.pk)
    assert editor_client.post(admin_url(Case, "add"), data).status_code == 302
    assert Defendant.objects.filter(person=person).count() == 1
    assert Person.objects.count() == 4


def test_a_row_with_neither_a_person_nor_a_name_is_a_form_error(editor_client, court):
    response, data = open_add_form(editor_client)
    data = viasna_case_data(response, data, court)
    data["defendants-1-new_person_name"] = ""
    response = editor_client.post(admin_url(Case, "add"), data)
    assert response.status_code == 200
    assert "Choose a person, or type the name of a new person below." in response.content.decode()
    assert not Case.objects.exists()


def test_a_reporter_enters_the_trial_as_drafts(reporter_client, court):
    response, data = open_add_form(reporter_client)
    assert "is_published" not in data
    data = viasna_case_data(response, data, court, published=False)
    data["is_published"] = "on"  # tampered: the field is read-only for reporters
    response = reporter_client.post(admin_url(Case, "add"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert not case.is_published
    assert case.defendants.count() == 4
    assert not Person.objects.filter(is_public=True).exists()
    assert SentencePart.objects.count() == 4


def test_a_reporter_adds_unnamed_defendants_as_drafts(reporter_client):
    response, data = open_add_form(reporter_client)
    data.update(
        {
            "title": "Trial of three",
            "status": "sentenced",
            "country": "KZ",
            "unnamed_count": "3",
            "unnamed_sentence": "2 to 3 years of restricted freedom",
        }
    )
    assert reporter_client.post(admin_url(Case, "add"), data).status_code == 302
    assert Person.objects.count() == 3
    assert not Person.objects.filter(is_public=True).exists()


def test_a_reporter_cannot_remove_a_sentence_part_through_the_text(reporter_client):
    case = CaseFactory(country="BY", is_published=False)
    defendant = DefendantFactory(case=case)
    SentencePartFactory(defendant=defendant, term_min_months=24, term_max_months=24)
    SentencePartFactory(
        defendant=defendant, kind="fine", term_min_months=None, term_max_months=None
    )
    data = form_data(reporter_client.get(admin_url(Case, "change", case.pk)), FORM)
    assert data["defendants-0-sentence"] == "2 years in prison and a fine"
    data["defendants-0-sentence"] = "2 years in prison"
    response = reporter_client.post(admin_url(Case, "change", case.pk), data)
    assert response.status_code == 200
    assert "You may not remove parts of a sentence" in response.content.decode()
    assert defendant.sentence_parts.count() == 2


def test_a_sentence_changed_on_the_defendant_page_refuses_a_stale_save_of_the_case(
    editor_client, django_user_model
):
    defendant = DefendantFactory(case=CaseFactory(country="BY"))
    part = SentencePartFactory(defendant=defendant, term_min_months=24, term_max_months=24)
    case = defendant.case
    data = form_data(editor_client.get(admin_url(Case, "change", case.pk)), FORM)
    part.term_min_months = part.term_max_months = 36
    part.save()  # someone else, meanwhile
    data["defendants-0-sentence"] = "4 years in prison"
    response = editor_client.post(admin_url(Case, "change", case.pk), data)
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.content.decode()
    part.refresh_from_db()
    assert part.term_min_months == 36


@pytest.mark.parametrize(
    "query", ["Statkevich", "Статкевич", "Bialiatski", "Бяляцкі", "Beliatsky", "Беляцкий"]
)
def test_admin_search_of_cases_finds_defendants_in_any_spelling(editor_client, query):
    bialiatski = PersonFactory(name="Ales Bialiatski", is_public=False)
    PersonName.objects.create(person=bialiatski, name="Алесь Бяляцкі", script="cyrillic")
    PersonName.objects.create(person=bialiatski, name="Алесь Беляцкий", script="cyrillic")
    statkevich = PersonFactory(name="Mikalai Statkevich")
    viasna = DefendantFactory(person=bialiatski, case=CaseFactory(title="Viasna case")).case
    DefendantFactory(person=statkevich, case=viasna)
    DefendantFactory(person=statkevich, case=CaseFactory(title="Statkevich trial, 2011"))
    CaseFactory(title="Another case")

    response = editor_client.get(admin_url(Case, "changelist"), {"q": query})
    assert response.status_code == 200
    found = {case.title for case in response.context["cl"].result_list}
    if query in {"Statkevich", "Статкевич"}:
        assert found == {"Viasna case", "Statkevich trial, 2011"}
    else:
        assert found == {"Viasna case"}


def test_admin_search_of_cases_still_finds_titles(editor_client):
    CaseFactory(title="Viasna case")
    CaseFactory(title="Another case")
    response = editor_client.get(admin_url(Case, "changelist"), {"q": "viasna"})
    assert [case.title for case in response.context["cl"].result_list] == ["Viasna case"]


def test_case_form_queries_do_not_grow_with_sentences_and_charges(editor_client):
    case = CaseFactory(country="BY")
    charges = [
        ChargeFactory(country="BY", legal_code="Criminal Code", article=str(n)) for n in (1, 2)
    ]

    def add_defendants(count):
        for _ in range(count):
            defendant = DefendantFactory(case=case)
            SentencePartFactory(defendant=defendant)
            SentencePartFactory(
                defendant=defendant, kind="fine", term_min_months=None, term_max_months=None
            )
            for charge in charges:
                DefendantChargeFactory(defendant=defendant, charge=charge)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(admin_url(Case, "change", case.pk))
            assert response.status_code == 200
        return len(queries)

    add_defendants(3)
    with_three = count_queries()
    add_defendants(27)
    assert count_queries() == with_three


def test_the_defendant_page_takes_terms_in_years_and_months(editor_client):
    defendant = DefendantFactory(case=CaseFactory(country="BY"))
    SentencePartFactory(defendant=defendant, term_min_months=180, term_max_months=180)
    response = editor_client.get(admin_url(Defendant, "change", defendant.pk))
    data = form_data(response, "defendant_form")
    assert data["sentence_parts-0-term"] == "15 years"
    assert "sentence_parts-0-term_min_months" not in data
    data.update(
        {"sentence_parts-1-kind": "restricted_freedom", "sentence_parts-1-term": "18 months"}
    )
    response = editor_client.post(admin_url(Defendant, "change", defendant.pk), data)
    assert response.status_code == 302
    parts = defendant.sentence_parts.order_by("pk")
    assert [(p.kind, p.term_min_months, p.term_max_months) for p in parts] == [
        ("prison", 180, 180),
        ("restricted_freedom", 18, 18),
    ]


def test_a_term_in_months_only_as_a_bare_number_is_a_form_error(editor_client):
    defendant = DefendantFactory(case=CaseFactory(country="BY"))
    part = SentencePartFactory(defendant=defendant, term_min_months=60, term_max_months=60)
    data = form_data(
        editor_client.get(admin_url(Defendant, "change", defendant.pk)), "defendant_form"
    )
    data["sentence_parts-0-term"] = "180"
    response = editor_client.post(admin_url(Defendant, "change", defendant.pk), data)
    assert response.status_code == 200
    assert "Could not read the term “180”" in response.content.decode()
    part.refresh_from_db()
    assert part.term_min_months == 60


def test_a_reporter_sees_the_sentences_and_charges_of_a_published_case_read_only(
    reporter_client,
):
    defendant = DefendantFactory(case=CaseFactory(country="BY", is_published=True))
    SentencePartFactory(defendant=defendant, term_min_months=120, term_max_months=120)
    DefendantChargeFactory(
        defendant=defendant,
        charge=ChargeFactory(
            country="BY", legal_code="Criminal Code", article="228", description="smuggling"
        ),
    )
    response = reporter_client.get(admin_url(Case, "change", defendant.case.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="defendants-0-sentence"' not in page
    assert "10 years in prison" in page
    assert "smuggling (article 228 of the Criminal Code of Belarus)" in page


def test_the_same_new_name_typed_in_two_rows_is_a_form_error(editor_client, court):
    response, data = open_add_form(editor_client)
    data = viasna_case_data(response, data, court)
    data["defendants-3-new_person_name"] = "ales  BIALIATSKI"
    response = editor_client.post(admin_url(Case, "add"), data)
    assert response.status_code == 200
    assert "is typed twice" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("text", "unit", "shown"),
    [
        ("a fine of 50 base units", "base_unit", "fine of 50 base units"),
        ("штраф 100 МРП", "mrp", "fine of 100 MRP"),
    ],
)
def test_a_fine_in_base_units_or_mrp_is_stored_in_its_unit(editor_client, text, unit, shown):
    """The case form stores a fine counted in base units or MRP truthfully, without a currency,
    and shows it back as text that reads back the same."""
    defendant = DefendantFactory(case=CaseFactory(country="KZ"))
    case = defendant.case
    data = form_data(editor_client.get(admin_url(Case, "change", case.pk)), FORM)
    data["defendants-0-sentence"] = text
    response = editor_client.post(admin_url(Case, "change", case.pk), data)
    assert response.status_code == 302
    part = defendant.sentence_parts.get()
    assert (part.kind, part.fine_unit, part.fine_currency) == ("fine", unit, "")
    assert part.describe() == shown
    data = form_data(editor_client.get(admin_url(Case, "change", case.pk)), FORM)
    assert data["defendants-0-sentence"].startswith("a fine of ")
