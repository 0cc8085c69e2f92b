"""Editors merge two records of one person: every related record moves to the survivor
(counted before and after), the loser's names become alternate names, its address answers 301
to the survivor's, the merge is one revision; reporters cannot; withheld names never leak."""

import pytest
import reversion
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from reversion.models import Revision, Version

from cases.models import Defendant
from newsroom.imports.models import ImportedRecord
from people.models import Membership, Person, PersonName, PersonRedirect, Recognition
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DefendantFactory,
    MembershipFactory,
    PersonFactory,
    PersonNameFactory,
    RecognitionFactory,
)
from tests.history_forms import form_data

CHANGELIST = reverse("admin:people_person_changelist")


def related_counts(person):
    return {
        "defendants": Defendant.objects.filter(person=person).count(),
        "memberships": Membership.objects.filter(person=person).count(),
        "recognitions": Recognition.objects.filter(person=person).count(),
        "alternate_names": PersonName.objects.filter(person=person).count(),
        "stories": person.stories.count(),
        "imported_records": ImportedRecord.objects.filter(person=person).count(),
    }


@pytest.fixture
def pair(db):
    """Two records of Abai Begimbetov, each with its own related records."""
    with reversion.create_revision():
        survivor = PersonFactory(name="Abai Begimbetov")
    with reversion.create_revision():
        loser = PersonFactory(name="Abay Begimbetov", native_name="Абай Бегимбетов")
    for person in (survivor, loser):
        DefendantFactory(person=person, case=CaseFactory(is_published=True))
        MembershipFactory(person=person)
        RecognitionFactory(person=person)
        person.stories.add(ArticleFactory())
    PersonNameFactory(person=loser, name="Abai Begimbet")
    ImportedRecord.objects.create(
        file_name="a.csv", row_number=2, row_digest="x", person=loser, values={}
    )
    return survivor, loser


def open_merge_page(client, survivor, loser):
    response = client.post(
        CHANGELIST,
        {"action": "merge_two_people", ACTION_CHECKBOX_NAME: [survivor.pk, loser.pk]},
    )
    assert response.status_code == 200
    return response


def test_an_editor_merges_two_people_keeping_every_related_record(editor_client, pair):
    survivor, loser = pair
    before = {
        k: related_counts(survivor)[k] + related_counts(loser)[k] for k in related_counts(survivor)
    }
    old_url = loser.get_absolute_url()
    loser_versions = Version.objects.get_for_object(loser).count()
    revisions = Revision.objects.count()
    response = open_merge_page(editor_client, survivor, loser)
    page = response.content.decode()
    assert (
        "1 defendant records, 1 memberships, 1 recognitions, 1 alternate names, 1 stories" in page
    )
    data = form_data(response, "merge-form")
    data["survivor"] = str(survivor.pk)
    response = editor_client.post(CHANGELIST, data)
    assert response.status_code == 302
    assert not Person.objects.filter(pk=loser.pk).exists()
    after = related_counts(survivor)
    # The loser's name and native name become alternate names too.
    assert after == {**before, "alternate_names": before["alternate_names"] + 2}
    assert set(survivor.alternate_names.values_list("name", flat=True)) == {
        "Abay Begimbetov",
        "Абай Бегимбетов",
        "Abai Begimbet",
    }
    assert Revision.objects.count() == revisions + 1
    revision = Revision.objects.latest("pk")
    assert "Merged Abay Begimbetov" in revision.comment
    assert revision.user.username == "editor"
    assert revision.version_set.filter(object_id=str(survivor.pk)).exists()
    # The loser's own history is kept (recoverable under its old id).
    assert Version.objects.get_for_object_reference(Person, loser.pk).count() == loser_versions
    response = editor_client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == survivor.get_absolute_url()
    page = editor_client.get(response["Location"])
    assert page.status_code == 200 and "Abai Begimbetov" in page.content.decode()


def test_a_reporter_has_no_merge_action_and_a_forged_one_changes_nothing(client, reporter, pair):
    survivor, loser = pair
    client.force_login(reporter)
    page = client.get(CHANGELIST)
    assert page.status_code == 200 and "merge_two_people" not in page.content.decode()
    response = client.post(
        CHANGELIST,
        {
            "action": "merge_two_people",
            ACTION_CHECKBOX_NAME: [survivor.pk, loser.pk],
            "survivor": str(survivor.pk),
        },
    )
    assert response.status_code in (200, 302)
    assert Person.objects.filter(pk=loser.pk).exists()
    assert related_counts(loser)["defendants"] == 1


def test_anonymous_visitors_cannot_merge(client, pair):
    survivor, loser = pair
    response = client.post(
        CHANGELIST, {"action": "merge_two_people", ACTION_CHECKBOX_NAME: [survivor.pk, loser.pk]}
    )
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert Person.objects.filter(pk=loser.pk).exists()


def test_two_defendants_of_one_case_are_refused_with_a_reason(editor_client, pair):
    survivor, loser = pair
    DefendantFactory(person=loser, case=survivor.defendants.get().case)
    response = open_merge_page(editor_client, survivor, loser)
    assert "Both are defendants in the same case" in response.content.decode()
    data = form_data(response, "merge-form")
    response = editor_client.post(CHANGELIST, {**data, "survivor": str(survivor.pk)})
    assert Person.objects.filter(pk=loser.pk).exists()


def test_a_withheld_record_is_never_merged_into_a_named_person(editor_client, db):
    """Its cases would show under the survivor's name: the merge is refused with a reason, and
    nothing moves."""
    named = PersonFactory(name="Ivan Petrov")
    withheld = PersonFactory(
        name="Secret Name", name_status=Person.NameStatus.WITHHELD, birth_date="1970-01-02"
    )
    PersonNameFactory(person=withheld, name="Secret Alias")
    DefendantFactory(person=withheld)
    neutral_url = withheld.get_absolute_url()
    assert client_get(editor_client, neutral_url) == 200  # its page shows "name withheld"
    response = open_merge_page(editor_client, named, withheld)
    assert "is withheld: merging it into a person whose name is shown" in (
        response.content.decode()
    )
    data = form_data(response, "merge-form")
    editor_client.post(CHANGELIST, {**data, "survivor": str(named.pk)})
    assert Person.objects.filter(pk=withheld.pk).exists()
    assert related_counts(withheld)["defendants"] == 1
    assert related_counts(named)["defendants"] == 0
    assert not named.alternate_names.filter(name__startswith="Secret").exists()
    assert not PersonRedirect.objects.exists()
    assert client_get(editor_client, neutral_url) == 200


def test_a_named_address_does_not_lead_to_a_withheld_survivor(editor_client, db):
    withheld = PersonFactory(name="Secret Name", name_status=Person.NameStatus.WITHHELD)
    named = PersonFactory(name="Ivan Petrov")
    named_url = named.get_absolute_url()
    response = open_merge_page(editor_client, withheld, named)
    data = form_data(response, "merge-form")
    response = editor_client.post(CHANGELIST, {**data, "survivor": str(withheld.pk)})
    assert response.status_code == 302
    assert PersonRedirect.objects.filter(person=withheld).exists()
    from django.test import Client

    assert Client().get(named_url).status_code == 404


def client_get(client, url):
    from django.test import Client

    return Client().get(url).status_code


def test_the_survivor_keeps_the_history_of_the_merged_record(editor_client, pair):
    """The merged record is deleted, but its own past versions are listed on the survivor's
    admin page, each opening in the history's recover view."""
    survivor, loser = pair
    loser_pk = loser.pk
    loser_versions = Version.objects.get_for_object(loser).count()
    assert loser_versions == 1
    data = form_data(open_merge_page(editor_client, survivor, loser), "merge-form")
    response = editor_client.post(CHANGELIST, {**data, "survivor": str(survivor.pk)})
    assert response.status_code == 302
    person_versions = Version.objects.get_for_model(Person)
    assert person_versions.filter(object_id=str(loser_pk)).count() == loser_versions

    page = editor_client.get(reverse("admin:people_person_change", args=[survivor.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Records merged into this person, and their history" in html
    version = person_versions.get(object_id=str(loser_pk))
    recover_url = reverse("admin:people_person_recover", args=[version.pk])
    assert f'href="{recover_url}"' in html
    recover = editor_client.get(recover_url)
    assert recover.status_code == 200
    assert "Abay Begimbetov" in recover.content.decode()


def test_a_second_merge_keeps_the_history_of_the_first(editor_client, pair):
    survivor, loser = pair
    third = PersonFactory(name="Abai Begimbetov")
    data = form_data(open_merge_page(editor_client, survivor, loser), "merge-form")
    editor_client.post(CHANGELIST, {**data, "survivor": str(survivor.pk)})
    data = form_data(open_merge_page(editor_client, third, survivor), "merge-form")
    response = editor_client.post(CHANGELIST, {**data, "survivor": str(third.pk)})
    assert response.status_code == 302
    assert sorted(third.merged_people.values_list("merged_id", flat=True)) == sorted(
        [loser.pk, survivor.pk]
    )
