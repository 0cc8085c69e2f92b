"""The facts reports give beyond the first model: occupation, prison regime, arrest and release."""

import pytest
from django.utils import timezone

from cases.models import Charge, PrisonRegime, ReleaseReason
from newsroom.partial_dates import PartialDate
from people.models import Person
from tests.factories import ChargeFactory, DefendantFactory, PersonFactory, SentencePartFactory

pytestmark = pytest.mark.django_db


def test_person_page_shows_occupation_arrest_and_release_with_its_reason(client):
    person = PersonFactory(name="Ales Example", occupation="human-rights defender")
    defendant = DefendantFactory(
        person=person,
        arrest_date=PartialDate(2021, 7, 14),
        release_date=PartialDate(2025, 6),
        release_reason=ReleaseReason.PARDON,
    )
    SentencePartFactory(defendant=defendant, regime=PrisonRegime.REINFORCED)

    response = client.get(person.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "Occupation: human-rights defender" in content
    assert '<time datetime="2021-07-14">14 July 2021</time>' in content
    assert '<time datetime="2025-06">June 2025</time> (pardon)' in content
    assert "5 years in prison (reinforced-regime penal colony)" in content


def test_a_withheld_persons_occupation_is_not_shown(client):
    person = PersonFactory(
        name="Hidden Name", name_status=Person.NameStatus.WITHHELD, occupation="village teacher"
    )

    response = client.get(person.get_absolute_url())

    assert response.status_code == 200
    assert "name withheld" in response.content.decode().lower()
    assert "village teacher" not in response.content.decode()


def test_case_page_shows_a_release_reason_even_without_a_date(client):
    defendant = DefendantFactory(release_reason=ReleaseReason.EXCHANGE)
    SentencePartFactory(defendant=defendant)

    response = client.get(defendant.case.get_absolute_url())

    assert response.status_code == 200
    assert "5 years in prison; released (prisoner exchange)" in response.content.decode()


def test_a_release_reason_without_a_date_ends_in_prison_now():
    verdict = PartialDate(timezone.localdate().year - 1, 1, 15)
    serving = SentencePartFactory(defendant__case__verdict_date=verdict).defendant
    released = SentencePartFactory(
        defendant__release_reason=ReleaseReason.AMNESTY, defendant__case__verdict_date=verdict
    ).defendant

    imprisoned = set(Person.objects.imprisoned())
    assert released.person not in set(Person.objects.maybe_imprisoned())

    assert serving.person in imprisoned
    assert released.person not in imprisoned


@pytest.mark.parametrize(
    ("country", "code", "article", "slug", "reference"),
    [
        ("BY", "Criminal Code", "342", "by-cc-342", "article 342 of the Criminal Code of Belarus"),
        (
            "KZ",
            "Code of Administrative Offences",
            "488.6",
            "kz-coao-488-6",
            "article 488.6 of the Code of Administrative Offences of Kazakhstan",
        ),
        ("", "Criminal Code", "293", "cc-293", "article 293 of the Criminal Code"),
    ],
)
def test_a_charge_has_a_filter_key_and_names_its_jurisdiction(
    country, code, article, slug, reference
):
    charge = ChargeFactory(country=country, legal_code=code, article=article)

    assert charge.slug == slug
    assert charge.article_reference() == reference


def test_two_charges_with_the_same_key_get_distinct_keys():
    first = ChargeFactory(country="BY", legal_code="Criminal Code", article="342", description="A")
    second = ChargeFactory(country="BY", legal_code="Criminal Code", article="342", description="B")

    assert (first.slug, second.slug) == ("by-cc-342", "by-cc-342-2")
    assert Charge.objects.filter(slug__startswith="by-cc-342").count() == 2
