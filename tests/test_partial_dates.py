import pytest
from django.core.exceptions import ValidationError

from newsroom.partial_dates import PartialDate, PartialDateFormField
from people.models import Designation
from tests.factories import DesignationFactory


@pytest.mark.parametrize(
    ("text", "precision", "display"),
    [
        ("2018", "year", "2018"),
        ("2018-03", "month", "March 2018"),
        ("2018-03-15", "day", "15 March 2018"),
        ("2024-02-29", "day", "29 February 2024"),
    ],
)
def test_a_partial_date_keeps_the_precision_it_was_given(text, precision, display):
    date = PartialDate.parse(text)
    assert (date.precision, date.display(), date.isoformat()) == (precision, display, text)


@pytest.mark.parametrize("text", ["2018-02-30", "2023-02-29", "2018-13", "2018-00", "18", "March"])
def test_a_date_that_does_not_exist_is_refused(text):
    with pytest.raises(ValueError):
        PartialDate.parse(text)


def test_the_form_field_explains_a_date_that_does_not_exist():
    with pytest.raises(ValidationError, match="February 2018 has no day 30"):
        PartialDateFormField().clean("2018-02-30")


def test_an_empty_form_value_is_an_unknown_date():
    assert PartialDateFormField(required=False).clean("") is None


@pytest.mark.django_db
def test_a_month_is_stored_and_read_back_as_a_month():
    designation = DesignationFactory(designated_on=PartialDate(2018, 3))
    designation.refresh_from_db()
    assert designation.designated_on == PartialDate(2018, 3)
    assert designation.designated_on.precision == "month"


@pytest.mark.django_db
def test_partial_dates_sort_year_before_month_before_day():
    day = DesignationFactory(designated_on=PartialDate(2018, 3, 2))
    year = DesignationFactory(designated_on=PartialDate(2018))
    month = DesignationFactory(designated_on=PartialDate(2018, 3))
    ordered = list(Designation.objects.order_by("designated_on"))
    assert ordered == [year, month, day]


@pytest.mark.django_db
def test_the_year_lookup_finds_dates_of_any_precision_within_the_year():
    inside = [
        DesignationFactory(designated_on=PartialDate(2018)),
        DesignationFactory(designated_on=PartialDate(2018, 12, 31)),
    ]
    DesignationFactory(designated_on=PartialDate(2017, 12, 31))
    DesignationFactory(designated_on=PartialDate(2019))
    assert set(Designation.objects.filter(designated_on__year=2018)) == set(inside)
