"""Keys read once and used in later queries (newsroom/key_lists.py): a few as Django sends a list,
thousands as one parameter, with the same rows either way, on SQLite and PostgreSQL."""

import pytest

from cases.models import Defendant
from newsroom.key_lists import InKeys
from people.models import Person
from tests.factories import DefendantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    Person.objects.bulk_create(
        Person(name=f"Keyed {number}", slug=f"k-{number}") for number in range(700)
    )
    return sorted(Person.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("count", [3, InKeys.SMALL, InKeys.SMALL + 1, 700])
def test_the_rows_with_the_keys_are_found_however_many_keys(people, count):
    keys = people[:count] + [max(people) + 1, max(people) + 2]  # two keys of no row
    found = Person.objects.filter(InKeys("pk", keys))
    assert sorted(found.values_list("pk", flat=True)) == people[:count]
    assert Person.objects.exclude(InKeys("pk", keys)).count() == len(people) - count


def test_no_keys_find_no_row_and_exclude_none(people):
    assert not Person.objects.filter(InKeys("pk", [])).exists()
    assert Person.objects.exclude(InKeys("pk", [])).count() == len(people)


def test_a_foreign_key_and_an_or_take_keys_too(people):
    defendants = [DefendantFactory(person_id=key) for key in people[:2]]
    many = people[1:] + [defendants[0].person_id]  # past SMALL: one parameter
    found = Defendant.objects.filter(InKeys("person", many) | InKeys("person", people[:1]))
    assert set(found) == set(defendants)
