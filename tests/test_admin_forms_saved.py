"""Every admin form of newsroom, people and cases saves what an editor types, dates included.

Each test reads the form from the rendered add or change page as a browser would
(tests/history_forms.py), fills in what an editor types, posts the whole form back and reads the
stored row from the database. Partial dates are typed at each precision the reports give them
("1992", "2023-05", "2021-12-14"), in the record's own fields and in the rows of its inlines.

The table FORM_FILLS says what to type for each model. The tests cover every admin registered
for the three apps, so a newly registered admin fails `test_every_admin_form_has_an_entry...`
until it gets an entry.
"""

import dataclasses
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry

from cases.models import Case, CaseEvent, Charge, Defendant, DefendantCharge, SentencePart
from newsroom.models import Article, Correction, Page, Source
from newsroom.partial_dates import PartialDate, PartialDateField
from people.models import (
    Designation,
    Membership,
    Organization,
    OrganizationName,
    Person,
    PersonName,
    Recognition,
)
from tests.factories import (
    ArticleFactory,
    CaseEventFactory,
    CaseFactory,
    ChargeFactory,
    CorrectionFactory,
    DefendantChargeFactory,
    DefendantFactory,
    DesignationFactory,
    MembershipFactory,
    OrganizationFactory,
    OrganizationNameFactory,
    PageFactory,
    PersonFactory,
    PersonNameFactory,
    RecognitionFactory,
    SentencePartFactory,
    SourceFactory,
)
from tests.history_forms import add_inline_row, admin_url, form_data, required_field_names

pytestmark = pytest.mark.django_db

APPS = {"newsroom", "people", "cases"}
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in APPS),
    key=lambda model: model._meta.label,
)

TYPED_DATES = {
    "year": ("1992", PartialDate(1992)),
    "month": ("2023-05", PartialDate(2023, 5)),
    "day": ("2021-12-14", PartialDate(2021, 12, 14)),
}
INVALID_DATES = ["2018-02-30", "2018-13", "abc"]

_numbers = itertools.count(1)


def unique(text):
    """A text typed anew for each row (slugs and names must not repeat)."""
    return lambda: f"{text}-{next(_numbers)}"


def new_pk(factory):
    """A related row made by `factory`, as an autocomplete select posts it: its primary key."""
    return lambda: str(factory().pk)


def person_with_membership():
    person = MembershipFactory(start_date=PartialDate(2001)).person
    RecognitionFactory(person=person, recognised_on=PartialDate(2023, 3))
    return person


def organization_with_designation_and_member():
    organization = OrganizationFactory()
    DesignationFactory(organization=organization, designated_on=PartialDate(2005, 1))
    MembershipFactory(organization=organization)
    return organization


def case_with_defendant_and_event():
    case = CaseFactory()
    DefendantFactory(case=case)
    CaseEventFactory(case=case)
    return case


def defendant_with_sentence_and_charge():
    defendant = DefendantFactory()
    SentencePartFactory(defendant=defendant)
    DefendantChargeFactory(defendant=defendant)
    return defendant


def story_with_linked_records():
    story = ArticleFactory()
    PersonFactory().stories.add(story)
    OrganizationFactory().stories.add(story)
    CaseFactory().stories.add(story)
    return story


@dataclass
class FormFill:
    """What an editor types in one model's admin form."""

    new: dict  # A new row's fields: {name: text, or a callable giving the text}.
    existing: Callable  # Makes a stored row (with rows for its inlines) to open and change.
    change: tuple  # (field, new text) changed on the change page.
    with_dates: dict = dataclasses.field(default_factory=dict)  # What goes with typed dates.
    # What is stored for typed fields that are not model fields: {model field: text}.
    stored: dict = dataclasses.field(default_factory=dict)


FORM_FILLS = {
    Article: FormFill(
        new={"headline": "A new story", "slug": unique("a-new-story"), "body": "It happened."},
        existing=story_with_linked_records,
        change=("standfirst", "A changed standfirst."),
    ),
    Correction: FormFill(
        new={"article": new_pk(ArticleFactory), "text": "We misspelt a name."},
        existing=CorrectionFactory,
        change=("text", "We misspelt two names."),
    ),
    Source: FormFill(
        new={"title": "A court report", "publisher": "A news agency"},
        existing=SourceFactory,
        change=("publisher", "Another agency"),
    ),
    Person: FormFill(
        # No slug: a person gets an address from the name only once public (people/models.py).
        new={"name": "Aigul Example"},
        existing=person_with_membership,
        change=("summary", "A blogger from Almaty."),
    ),
    PersonName: FormFill(
        new={"person": new_pk(PersonFactory), "name": "Айгүл"},
        existing=PersonNameFactory,
        change=("name", "Aygul"),
    ),
    Organization: FormFill(
        new={
            "name": "A movement",
            "slug": unique("a-movement"),
            "kind": Organization.Kind.MOVEMENT,
        },
        existing=organization_with_designation_and_member,
        change=("short_name", "AM"),
    ),
    OrganizationName: FormFill(
        new={"organization": new_pk(OrganizationFactory), "name": "Қозғалыс"},
        existing=OrganizationNameFactory,
        change=("name", "Qozgalys"),
    ),
    Recognition: FormFill(
        # Edited inline on the person's form only (no admin of its own).
        new={
            "person": new_pk(PersonFactory),
            "organization": new_pk(OrganizationFactory),
            "source_url": "https://example.org/statement",
        },
        existing=RecognitionFactory,
        change=("statement", "Recognised as a political prisoner."),
    ),
    Page: FormFill(
        new={"title": "About us", "slug": unique("about"), "body": "Whom we list."},
        existing=PageFactory,
        change=("body", "Whom we list, and why."),
    ),
    Membership: FormFill(
        new={
            "person": new_pk(PersonFactory),
            "organization": new_pk(OrganizationFactory),
            "role": "member",
        },
        existing=MembershipFactory,
        change=("role", "founder"),
        with_dates={"has_ended": "on"},  # An end date means the membership has ended.
    ),
    Designation: FormFill(
        new={
            "organization": new_pk(OrganizationFactory),
            "label": Designation.Label.EXTREMIST,
            "authority": "A district court",
        },
        existing=DesignationFactory,
        change=("authority", "The supreme court"),
    ),
    Case: FormFill(
        new={
            "title": "A trial",
            "slug": unique("a-trial"),
            "status": Case.Status.SENTENCED,
            "country": "KZ",
        },
        existing=case_with_defendant_and_event,
        change=("city", "Astana"),
    ),
    Charge: FormFill(
        new={"description": "Extremism", "country": "KZ"},
        existing=ChargeFactory,
        change=("article", "405"),
    ),
    Defendant: FormFill(
        new={"case": new_pk(CaseFactory), "person": new_pk(PersonFactory), "position": "1"},
        existing=defendant_with_sentence_and_charge,
        change=("notes", "Pleaded not guilty."),
    ),
    DefendantCharge: FormFill(
        new={"defendant": new_pk(DefendantFactory), "charge": new_pk(ChargeFactory)},
        existing=DefendantChargeFactory,
        change=("outcome", DefendantCharge.Outcome.ACQUITTED),
    ),
    SentencePart: FormFill(
        new={
            "defendant": new_pk(DefendantFactory),
            "kind": SentencePart.Kind.PRISON,
            "term": "5 years",
        },
        stored={"term_min_months": "60", "term_max_months": "60"},
        existing=SentencePartFactory,
        change=("conditions", "In a penal colony."),
    ),
    CaseEvent: FormFill(
        new={"case": new_pk(CaseFactory), "kind": CaseEvent.Kind.HEARING},
        existing=CaseEventFactory,
        change=("description", "The first hearing."),
    ),
}


def date_fields(model):
    return [f.name for f in model._meta.concrete_fields if isinstance(f, PartialDateField)]


def inline_models(model):
    return [inline.model for inline in admin.site._registry[model].inlines]


def has_dates(model):
    return any(date_fields(m) for m in [model, *inline_models(model)])


def cases_by_precision(models):
    """(model, precision) for each model: each precision where the form has dates, else one."""
    return [
        pytest.param(model, precision, id=f"{model._meta.label}-{precision or 'no dates'}")
        for model in models
        for precision in (TYPED_DATES if has_dates(model) else [None])
    ]


def form_id(model):
    return f"{model._meta.model_name}_form"


def typed(fill):
    return {name: value() if callable(value) else value for name, value in fill.items()}


def dated_inlines(response):
    """(prefix, model, foreign key to the record) of each inline on the page with dates."""
    return [
        (inline.formset.prefix, inline.formset.model, inline.formset.fk.name)
        for inline in response.context["inline_admin_formsets"]
        if date_fields(inline.formset.model)
    ]


def form_errors(response):
    """The errors an editor sees, for assertion messages."""
    if response.status_code != 200 or response.context is None:
        return f"status {response.status_code}"
    errors = {"form": response.context["adminform"].form.errors}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        errors[formset.prefix] = [formset.non_form_errors(), *formset.errors]
    return errors


def is_model_field(model, name):
    return any(field.name == name for field in model._meta.get_fields())


def stored_text(obj, name):
    value = obj._meta.get_field(name).value_from_object(obj)
    return "" if value is None else str(value)


def fill_new_record(response, model):
    """The add page's form with the required fields filled in; returns (data, typed values)."""
    data = form_data(response, form_id(model))
    values = typed(FORM_FILLS[model].new)
    page = response.content.decode()
    absent = [name for name in values if f'name="{name}"' not in page]
    assert not absent, f"{model._meta.label}: the form has no {absent}; update FORM_FILLS"
    data.update(values)
    unfilled = [name for name in required_field_names(response, form_id(model)) if not data[name]]
    assert not unfilled, f"{model._meta.label}: add {unfilled} to FORM_FILLS[{model.__name__}].new"
    return data, values


def add_dated_inline_rows(response, model, data, date_text):
    """A new row in each inline with dates, every date it shows typed as `date_text`.

    Returns {(inline model, foreign key name): [names of the dates typed]}.
    """
    typed_dates = {}
    for prefix, inline_model, fk_name in dated_inlines(response):
        values = typed(FORM_FILLS[inline_model].new)
        values.pop(fk_name)  # The inline sets the link to the record itself.
        values.update(FORM_FILLS[inline_model].with_dates)
        row = add_inline_row(response, data, form_id(model), prefix, **values)
        shown = [name for name in date_fields(inline_model) if f"{row}-{name}" in data]
        assert shown, f"the {prefix} rows of the {model._meta.label} form show no date"
        data.update({f"{row}-{name}": date_text for name in shown})
        typed_dates[(inline_model, fk_name)] = shown
    return typed_dates


def set_dates(data, model, date_text):
    for name in date_fields(model):
        assert name in data, f"{model._meta.label}: the form has no field for {name}"
        data[name] = date_text
    data.update(FORM_FILLS[model].with_dates)


def test_every_admin_form_has_an_entry_in_the_fill_in_table():
    """A newly registered admin (or an inline with dates) is covered only once it has one."""
    needed = set(REGISTERED)
    for model in REGISTERED:
        needed.update(m for m in inline_models(model) if date_fields(m))
    missing = sorted(model._meta.label for model in needed - set(FORM_FILLS))
    assert not missing, f"add these models to FORM_FILLS: {missing}"
    assert Case in needed and Person in needed


@pytest.mark.parametrize(("model", "precision"), cases_by_precision(REGISTERED))
def test_the_add_form_saves_with_dates_at_each_precision(editor_client, model, precision):
    date_text, date = TYPED_DATES.get(precision, (None, None))
    url = admin_url(model, "add")
    response = editor_client.get(url)
    assert response.status_code == 200
    data, values = fill_new_record(response, model)
    inline_dates = {}
    if precision:
        set_dates(data, model, date_text)
        inline_dates = add_dated_inline_rows(response, model, data, date_text)
    before = set(model.objects.values_list("pk", flat=True))

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    obj = model.objects.exclude(pk__in=before).get()
    expected = {name: text for name, text in values.items() if is_model_field(model, name)}
    expected.update(FORM_FILLS[model].stored)
    assert {name: stored_text(obj, name) for name in expected} == expected
    for name in date_fields(model) if precision else []:
        assert getattr(obj, name) == date
        assert getattr(obj, name).precision == precision
    for (inline_model, fk_name), names in inline_dates.items():
        row = inline_model.objects.get(**{fk_name: obj})
        assert {name: getattr(row, name) for name in names} == dict.fromkeys(names, date)


@pytest.mark.parametrize(("model", "precision"), cases_by_precision(REGISTERED))
def test_the_change_form_saves_a_changed_field_and_every_date(editor_client, model, precision):
    date_text, date = TYPED_DATES.get(precision, (None, None))
    obj = FORM_FILLS[model].existing()
    url = admin_url(model, "change", obj.pk)
    response = editor_client.get(url)
    assert response.status_code == 200
    data = form_data(response, form_id(model))
    field, new_text = FORM_FILLS[model].change
    assert field in data, f"{model._meta.label}: the form has no field {field}"
    data[field] = new_text
    inline_rows = {}
    if precision:
        set_dates(data, model, date_text)
        for prefix, inline_model, fk_name in dated_inlines(response):
            pk_name = inline_model._meta.pk.name
            total = int(data[f"{prefix}-TOTAL_FORMS"])
            rows = [f"{prefix}-{i}" for i in range(total) if data.get(f"{prefix}-{i}-{pk_name}")]
            assert rows, f"FORM_FILLS[{model.__name__}].existing makes no {prefix} row"
            shown = [name for name in date_fields(inline_model) if f"{rows[0]}-{name}" in data]
            assert shown, f"the {prefix} rows of the {model._meta.label} form show no date"
            for row in rows:
                data.update({f"{row}-{name}": date_text for name in shown})
                data.update(
                    {f"{row}-{name}": v for name, v in FORM_FILLS[inline_model].with_dates.items()}
                )
            inline_rows[(inline_model, fk_name)] = (len(rows), shown)

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    obj.refresh_from_db()
    assert stored_text(obj, field) == new_text
    for name in date_fields(model) if precision else []:
        assert getattr(obj, name) == date
        assert getattr(obj, name).precision == precision
    for (inline_model, fk_name), (count, names) in inline_rows.items():
        rows = inline_model.objects.filter(**{fk_name: obj})
        stored = [getattr(row, name) for row in rows for name in names]
        assert len(rows) == count and stored == [date] * len(stored)


MODELS_WITH_DATES = [model for model in REGISTERED if has_dates(model)]


def date_errors(response, model):
    """{field: errors} for every date field of the form and of its inline rows."""
    errors = {}
    form = response.context["adminform"].form
    errors.update({name: form.errors.get(name) for name in date_fields(model)})
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for index, form in enumerate(formset.forms):
            if form.has_changed():
                for name in date_fields(formset.model):
                    if name in form.fields:
                        errors[f"{formset.prefix}-{index}-{name}"] = form.errors.get(name)
    return errors


@pytest.mark.parametrize("invalid", INVALID_DATES)
@pytest.mark.parametrize("model", MODELS_WITH_DATES, ids=lambda model: model._meta.label)
def test_an_invalid_date_on_the_add_form_is_a_form_error_and_nothing_is_stored(
    editor_client, model, invalid
):
    url = admin_url(model, "add")
    response = editor_client.get(url)
    data, _ = fill_new_record(response, model)
    set_dates(data, model, invalid)
    add_dated_inline_rows(response, model, data, invalid)
    counts = {m: m.objects.count() for m in [model, *inline_models(model)]}

    response = editor_client.post(url, data)

    assert response.status_code == 200
    errors = date_errors(response, model)
    assert errors and all(errors.values()), errors
    assert f'value="{invalid}"' in response.content.decode()  # Shown again as typed.
    assert {m: m.objects.count() for m in counts} == counts


@pytest.mark.parametrize("invalid", INVALID_DATES)
@pytest.mark.parametrize("model", MODELS_WITH_DATES, ids=lambda model: model._meta.label)
def test_an_invalid_date_on_the_change_form_is_a_form_error_and_nothing_changes(
    editor_client, model, invalid
):
    obj = FORM_FILLS[model].existing()
    url = admin_url(model, "change", obj.pk)
    response = editor_client.get(url)
    data = form_data(response, form_id(model))
    field, new_text = FORM_FILLS[model].change
    data[field] = new_text
    set_dates(data, model, invalid)
    add_dated_inline_rows(response, model, data, invalid)
    counts = {m: m.objects.count() for m in [model, *inline_models(model)]}

    response = editor_client.post(url, data)

    assert response.status_code == 200
    errors = date_errors(response, model)
    assert errors and all(errors.values()), errors
    obj.refresh_from_db()
    assert stored_text(obj, field) != new_text
    assert {m: m.objects.count() for m in counts} == counts


def test_a_form_with_an_error_shows_the_valid_dates_again_as_typed(editor_client):
    """A wrong membership date does not wipe the birth date the editor typed."""
    organization = OrganizationFactory(name="Democratic Choice")
    url = admin_url(Person, "add")
    response = editor_client.get(url)
    data, _ = fill_new_record(response, Person)
    data["birth_date"] = "1975-5"
    add_inline_row(
        response,
        data,
        "person_form",
        "memberships",
        organization=str(organization.pk),
        start_date="2018-02-30",
    )

    response = editor_client.post(url, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="birth_date" value="1975-5"' in page
    assert 'value="2018-02-30"' in page
    assert "February 2018 has no day 30." in page
    assert "Democratic Choice" in page  # The chosen organization is still chosen.
    assert not Person.objects.exists()


def test_a_stored_date_typed_in_another_form_is_no_change(editor_client):
    """Saving "2018-3" over a stored March 2018 logs no changed field; "2018-04" logs one."""
    person = PersonFactory(birth_date=PartialDate(2018, 3))
    url = admin_url(Person, "change", person.pk)

    def save_birth_date(text):
        data = form_data(editor_client.get(url), "person_form")
        data["birth_date"] = text
        response = editor_client.post(url, data)
        assert response.status_code == 302, form_errors(response)
        return LogEntry.objects.filter(object_id=str(person.pk)).latest("pk").get_change_message()

    assert form_data(editor_client.get(url), "person_form")["birth_date"] == "2018-03"
    assert save_birth_date("2018-3") == "No fields changed."
    assert save_birth_date("2018-04") == "Changed Birth date."
    person.refresh_from_db()
    assert person.birth_date == PartialDate(2018, 4)


def test_a_date_typed_in_words_is_a_form_error_that_says_what_to_type(editor_client):
    """ "15 March 2018" is longer than any partial date: refused before parsing, with the rule."""
    url = admin_url(Person, "add")
    data, _ = fill_new_record(editor_client.get(url), Person)
    data["birth_date"] = "15 March 2018"

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["birth_date"] == [
        "Enter a year (2018), a month (2018-03) or a day (2018-03-15)."
    ]
    assert 'value="15 March 2018"' in response.content.decode()
    assert not Person.objects.exists()
