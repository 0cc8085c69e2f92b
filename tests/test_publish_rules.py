"""Every model whose rows appear on public pages follows the publish rules.

Each admin of the three apps is a PublishPermissionMixin (or EditorsOnlyMixin) that tells
which rows readers can see; a Reporter cannot change such a row, an Editor can. Sources and
charges have no public flag of their own: they are public while a public record shows them
(`Source.objects.shown_publicly()`, `Charge.objects.shown_publicly()`).
"""

import pytest
from django.contrib import admin
from django.test import Client

from cases.models import (
    Case,
    CaseEvent,
    Charge,
    Defendant,
    DefendantCharge,
    SentencePart,
)
from newsroom.models import Article, Correction, Page, Source
from newsroom.workflow import EditorsOnlyMixin, PublishPermissionMixin
from people.models import (
    Designation,
    Membership,
    Organization,
    OrganizationName,
    Person,
    PersonName,
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
    SentencePartFactory,
    SourceFactory,
)
from tests.history_forms import admin_url, form_data

pytestmark = pytest.mark.django_db

ADMIN_MODELS = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label in {"newsroom", "people", "cases"}
    ),
    key=lambda model: model._meta.label,
)


def source_on_a_case(published):
    source = SourceFactory()
    CaseFactory(is_published=published).sources.add(source)
    return source


def hidden_case(**kwargs):
    return {"case": CaseFactory(is_published=False), **kwargs}


# For each admin: a row readers see, a row they do not (None when the admin lets only editors
# touch any row), and a field to change with its new value.
ROWS = {
    Article: (
        ArticleFactory,
        lambda: ArticleFactory(status=Article.Status.DRAFT, publish_at=None),
        "headline",
        "Changed headline",
    ),
    Correction: (CorrectionFactory, None, "text", "Changed correction."),
    Page: (PageFactory, lambda: PageFactory(is_published=False), "body", "Changed text."),
    Source: (
        lambda: source_on_a_case(True),
        lambda: source_on_a_case(False),
        "title",
        "Changed title",
    ),
    Person: (
        PersonFactory,
        lambda: PersonFactory(is_public=False),
        "summary",
        "Changed summary.",
    ),
    PersonName: (
        PersonNameFactory,
        lambda: PersonNameFactory(person__is_public=False),
        "name",
        "Changed Name",
    ),
    Organization: (
        OrganizationFactory,
        lambda: OrganizationFactory(is_public=False),
        "summary",
        "Changed summary.",
    ),
    OrganizationName: (
        OrganizationNameFactory,
        lambda: OrganizationNameFactory(organization__is_public=False),
        "name",
        "Changed Name",
    ),
    Membership: (
        MembershipFactory,
        lambda: MembershipFactory(person__is_public=False),
        "role",
        "chair",
    ),
    Designation: (
        DesignationFactory,
        lambda: DesignationFactory(organization__is_public=False),
        "authority",
        "Changed authority",
    ),
    Case: (CaseFactory, lambda: CaseFactory(is_published=False), "summary", "Changed summary."),
    Charge: (
        lambda: DefendantChargeFactory().charge,
        lambda: DefendantChargeFactory(defendant=DefendantFactory(**hidden_case())).charge,
        "description",
        "Changed offence",
    ),
    Defendant: (
        DefendantFactory,
        lambda: DefendantFactory(**hidden_case()),
        "notes",
        "Changed notes.",
    ),
    DefendantCharge: (
        DefendantChargeFactory,
        lambda: DefendantChargeFactory(defendant=DefendantFactory(**hidden_case())),
        "outcome",
        DefendantCharge.Outcome.ACQUITTED,
    ),
    SentencePart: (
        SentencePartFactory,
        lambda: SentencePartFactory(defendant=DefendantFactory(**hidden_case())),
        "conditions",
        "Changed conditions",
    ),
    CaseEvent: (
        CaseEventFactory,
        lambda: CaseEventFactory(**hidden_case()),
        "description",
        "Changed description.",
    ),
}


@pytest.fixture
def reporter_client(reporter):
    client = Client()
    client.force_login(reporter)
    return client


def test_every_admin_of_the_three_apps_is_covered_here():
    """A newly registered model fails here until it is given its rows and publish rules."""
    assert {model._meta.label for model in ADMIN_MODELS} == {model._meta.label for model in ROWS}


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model._meta.label)
def test_every_admin_tells_which_rows_readers_see(model):
    model_admin = admin.site._registry[model]
    make_public, make_hidden, _, _ = ROWS[model]
    assert isinstance(model_admin, PublishPermissionMixin | EditorsOnlyMixin)
    assert model_admin.is_public(make_public()) is True
    if isinstance(model_admin, PublishPermissionMixin):
        assert model_admin.is_public(make_hidden()) is False
    else:
        assert make_hidden is None  # Editors only: no row is the reporters' to change.


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model._meta.label)
def test_a_reporter_cannot_change_a_public_row_and_an_editor_can(
    editor_client, reporter_client, model
):
    make_public, _, field_name, new_value = ROWS[model]
    row = make_public()
    old_value = getattr(row, field_name)
    url = admin_url(model, "change", row.pk)
    editors_page = editor_client.get(url)
    assert editors_page.status_code == 200
    data = {**form_data(editors_page, f"{model._meta.model_name}_form"), field_name: new_value}

    reporters_page = reporter_client.get(url)
    assert reporters_page.status_code == 200
    assert reporters_page.context["has_change_permission"] is False
    assert reporter_client.post(url, data).status_code == 403
    row.refresh_from_db()
    assert getattr(row, field_name) == old_value != new_value

    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    row.refresh_from_db()
    assert getattr(row, field_name) == new_value


@pytest.mark.parametrize(
    "model",
    [model for model in ADMIN_MODELS if ROWS[model][1] is not None],
    ids=lambda model: model._meta.label,
)
def test_a_reporter_can_change_a_row_readers_do_not_see(reporter_client, model):
    _, make_hidden, field_name, new_value = ROWS[model]
    row = make_hidden()
    url = admin_url(model, "change", row.pk)
    page = reporter_client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is True
    data = {**form_data(page, f"{model._meta.model_name}_form"), field_name: new_value}
    response = reporter_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    row.refresh_from_db()
    assert getattr(row, field_name) == new_value


# Sources and charges: public while a public record shows them ----------------------------


def cite_on_case(source, public):
    CaseFactory(is_published=public).sources.add(source)


def cite_on_membership(source, public):
    MembershipFactory(source=source, person=PersonFactory(is_public=public))


def cite_on_designation(source, public):
    DesignationFactory(source=source, organization=OrganizationFactory(is_public=public))


def cite_on_defendant(source, public):
    DefendantFactory(source=source, case=CaseFactory(is_published=public))


def cite_on_case_event(source, public):
    CaseEventFactory(source=source, case=CaseFactory(is_published=public))


@pytest.mark.parametrize(
    "cite",
    [cite_on_case, cite_on_membership, cite_on_designation, cite_on_defendant, cite_on_case_event],
    ids=lambda cite: cite.__name__,
)
def test_a_source_is_shown_publicly_only_when_a_public_record_cites_it(cite):
    shown, hidden, unused = SourceFactory(), SourceFactory(), SourceFactory()
    cite(shown, True)
    cite(hidden, False)
    assert list(Source.objects.shown_publicly()) == [shown]
    assert {hidden, unused}.isdisjoint(Source.objects.shown_publicly())


def test_a_source_cited_twice_is_listed_once():
    source = SourceFactory()
    cite_on_case(source, True)
    cite_on_defendant(source, True)
    assert list(Source.objects.shown_publicly()) == [source]


def test_a_charge_is_shown_publicly_only_when_a_public_defendant_holds_it():
    shown, of_a_hidden_person, in_a_hidden_case, unused = ChargeFactory.create_batch(4)
    DefendantChargeFactory(charge=shown)
    DefendantChargeFactory(charge=of_a_hidden_person, defendant__person__is_public=False)
    DefendantChargeFactory(charge=in_a_hidden_case, defendant=DefendantFactory(**hidden_case()))
    assert list(Charge.objects.shown_publicly()) == [shown]
    assert unused not in Charge.objects.shown_publicly()


def test_a_reporters_refused_source_edit_leaves_the_published_case_page_as_it_was(
    client, editor_client, reporter_client
):
    source = SourceFactory(title="Court report", url="https://example.org/report")
    case = CaseFactory(is_published=True)
    case.sources.add(source)
    url = admin_url(Source, "change", source.pk)
    data = {
        **form_data(editor_client.get(url), "source_form"),
        "title": "Planted title",
        "url": "https://attacker.example/",
    }
    assert reporter_client.post(url, data).status_code == 403
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    assert "Court report" in page.text
    assert "Planted title" not in page.text
    assert "attacker.example" not in page.text


def test_a_reporter_may_edit_a_source_until_its_case_is_published(editor_client, reporter_client):
    source = SourceFactory(title="Draft report")
    case = CaseFactory(is_published=False)
    case.sources.add(source)
    url = admin_url(Source, "change", source.pk)
    data = {**form_data(reporter_client.get(url), "source_form"), "title": "Checked report"}
    assert reporter_client.post(url, data).status_code == 302
    assert Source.objects.get(pk=source.pk).title == "Checked report"
    Case.objects.filter(pk=case.pk).update(is_published=True)
    data["title"] = "Changed after publication"
    assert reporter_client.post(url, data).status_code == 403
    assert Source.objects.get(pk=source.pk).title == "Checked report"


def test_a_reporter_cannot_change_a_charge_shown_on_a_public_persons_page(
    client, reporter_client, editor_client
):
    charge = ChargeFactory(description="Extremism")
    defendant = DefendantFactory()
    DefendantChargeFactory(defendant=defendant, charge=charge)
    url = admin_url(Charge, "change", charge.pk)
    data = {**form_data(editor_client.get(url), "charge_form"), "description": "Planted"}
    assert reporter_client.post(url, data).status_code == 403
    page = client.get(defendant.person.get_absolute_url())
    assert page.status_code == 200
    assert "Extremism" in page.text
    assert "Planted" not in page.text
