"""The FollowTheMoney export (manage.py export_ftm and /data/entities.ftm.json): every entity
round-trips through the followthemoney library with every value it was meant to carry, only
public records are in it, withheld and unnamed people are never entities, and no defendant is
ever given a risk topic or a Sanction."""

import io
import json
from datetime import UTC

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from followthemoney import model

from cases.models import Case, Defendant, SentencePart
from newsroom.ftm.entities import Entity, EntityBuilder
from newsroom.models import Article
from newsroom.partial_dates import PartialDate
from people.models import Organization, Person
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    ChargeFactory,
    CorrectionFactory,
    DefendantChargeFactory,
    DefendantFactory,
    DesignationFactory,
    MembershipFactory,
    OrganizationFactory,
    OrganizationNameFactory,
    PersonFactory,
    PersonNameFactory,
    RecognitionFactory,
    SentencePartFactory,
)
from tests.test_public_leaks import Hidden

pytestmark = pytest.mark.django_db

URL = "/data/entities.ftm.json"
BASE_URL = "http://testserver/"
# Kept exactly as written: partial dates at their precision, country codes, ids, text.
EXACT_TYPES = {"date", "country", "entity", "text", "string"}
EXPORTED_SCHEMATA = {
    "Person",
    "Organization",
    "Membership",
    "CourtCase",
    "CourtCaseParty",
    "Article",
    "Documentation",
}


def download(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    return response, [json.loads(line) for line in body.splitlines()]


def by_schema(entities, schema):
    return [entity for entity in entities if entity["schema"] == schema]


def generated_dataset():
    """Tens of records as editors enter them: partial dates at every precision, unnamed and
    withheld defendants, hidden people and drafts, ranges, several penalties per defendant."""
    court = OrganizationFactory(name="Almaty City Court", kind=Organization.Kind.COURT)
    parties = []
    for index in range(4):
        party = OrganizationFactory(
            name=f"Movement  {index}",  # two spaces, as editors sometimes type them
            short_name=f"M{index}",
            native_name=f"Движение {index}",
            website="https://example.org" if index % 2 else "https://example.org/movement",
        )
        OrganizationNameFactory(organization=party, name=f"Qozgalys {index}")
        DesignationFactory(organization=party, designated_on=PartialDate(2018, 3))
        parties.append(party)
    dates = [PartialDate(1980), PartialDate(1985, 7), PartialDate(1990, 2, 28), None]
    people = []
    for index in range(24):
        status = [
            Person.NameStatus.NAMED,
            Person.NameStatus.NAMED,
            Person.NameStatus.NOT_REPORTED,
            Person.NameStatus.WITHHELD,
        ][index % 4]
        person = PersonFactory(
            name="" if status == Person.NameStatus.NOT_REPORTED else f"Activist Number{index}",
            native_name="" if status == Person.NameStatus.NOT_REPORTED else f"Активист {index}",
            name_status=status,
            birth_date=dates[index % 4],
            occupation="blogger" if index % 3 else "",
            summary=f"Summary of person {index}." if index % 2 else "",
            is_public=index != 5,
        )
        if status != Person.NameStatus.NOT_REPORTED:
            PersonNameFactory(person=person, name=f"Aktivist Nomer{index}")
        MembershipFactory(
            person=person,
            organization=parties[index % 4],
            role="member",
            start_date=dates[(index + 1) % 4],
        )
        if index % 5 == 0:
            RecognitionFactory(person=person, recognised_on=dates[index % 4])
        people.append(person)
    for index in range(10):
        case = CaseFactory(
            title=f"Trial of the movement {index}",
            court=court if index % 2 else None,
            verdict_date=[PartialDate(2019), PartialDate(2020, 4), PartialDate(2021, 5, 6), None][
                index % 4
            ],
            status=Case.Status.SENTENCED if index % 4 != 3 else Case.Status.TRIAL,
            summary=f"What the case {index} is about.",
            is_published=index != 9,
        )
        case.organizations.add(parties[index % 4])
        verdict = Defendant.Verdict.CONVICTED if index % 4 != 3 else Defendant.Verdict.PENDING
        for offset in range(3):
            person = people[(index * 3 + offset) % len(people)]
            defendant = DefendantFactory(
                case=case,
                person=person,
                verdict=verdict,
                arrest_date=dates[offset],
                notes="Held in pre-trial detention." if offset == 0 else "",
            )
            DefendantChargeFactory(
                defendant=defendant, charge=ChargeFactory(article=f"{index}{offset}")
            )
            if index % 4 != 3:
                SentencePartFactory(
                    defendant=defendant,
                    kind=SentencePart.Kind.RESTRICTED_FREEDOM,
                    term_min_months=12,
                    term_max_months=24,
                    conditions="may not leave the city",
                )
                SentencePartFactory(
                    defendant=defendant,
                    kind=SentencePart.Kind.COMPULSORY_LABOUR,
                    term_min_months=None,
                    term_max_months=None,
                    hours_per_year=100,
                )
    for index in range(6):
        story = ArticleFactory(
            headline=f"Story about the trials {index}",
            status=Article.Status.PUBLISHED if index != 5 else Article.Status.DRAFT,
        )
        story.people.add(*people[index * 4 : index * 4 + 4])
        story.organizations.add(parties[index % 4])
        story.cases.add(*Case.objects.filter(title__endswith=str(index)))
    return people


def assert_round_trips_with_every_value(builder):
    entities = list(builder.entities())
    assert entities
    for entity in entities:
        proxy = entity.proxy()
        assert entity.dropped(proxy) == {}, entity.id
        for prop, values in entity.properties.items():
            stored = proxy.get(prop)
            # Every value meant is stored, each as one value, and nothing else is.
            forms = [entity.stored_form(prop, value, proxy) for value in values]
            assert None not in forms, (entity.id, prop, values)
            assert sorted(stored) == sorted(set(forms)), (entity.id, prop)
            if model.get(entity.schema).get(prop).type.name in EXACT_TYPES:
                assert stored == values, (entity.id, prop)
        data = proxy.to_dict()
        assert model.get_proxy(data).to_dict() == data
    return entities


def test_every_demo_entity_round_trips_with_every_value_it_was_meant_to_carry(demo):
    entities = assert_round_trips_with_every_value(EntityBuilder(BASE_URL))
    schemata = {entity.schema for entity in entities}
    assert schemata == EXPORTED_SCHEMATA


def test_every_generated_entity_round_trips_with_every_value_it_was_meant_to_carry(db):
    generated_dataset()
    entities = assert_round_trips_with_every_value(EntityBuilder(BASE_URL))
    assert {entity.schema for entity in entities} == EXPORTED_SCHEMATA
    # Partial dates keep their precision.
    birth_dates = {value for entity in entities for value in entity.properties.get("birthDate", [])}
    assert birth_dates == {"1980", "1985-07"}  # of named people only (index 0 and 1 mod 4)
    starts = {value for entity in entities for value in entity.properties.get("startDate", [])}
    assert {"1985-07", "1990-02-28"} <= starts


def test_the_download_is_the_library_s_own_serialisation_of_each_entity(client, demo):
    response, downloaded = download(client)
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert 'filename="entities.ftm.json"' in response["Content-Disposition"]
    expected = [entity.proxy().to_dict() for entity in EntityBuilder(BASE_URL).entities()]
    assert downloaded == expected
    for data in downloaded:
        assert model.get_proxy(data).to_dict() == data


def test_the_demo_export_holds_its_people_cases_and_stories_with_page_addresses(client, demo):
    _, entities = download(client)
    people = {entity["properties"]["name"][0]: entity for entity in by_schema(entities, "Person")}
    abai = people["Abai Begimbetov"]
    assert abai["id"].startswith("newsroom-person-")
    assert abai["properties"]["sourceUrl"] == ["http://testserver/people/abai-begimbetov/"]
    assert "Абай Бегимбетов" in abai["properties"]["alias"]
    for entity in entities:
        url = entity["properties"]["sourceUrl"][0]
        assert url.startswith("http://testserver/")
        path = url.removeprefix("http://testserver")
        assert client.get(path).status_code == 200, path
    parties = by_schema(entities, "CourtCaseParty")
    defendants = [party for party in parties if party["properties"]["role"] == ["defendant"]]
    assert any(party["properties"]["party"] == [abai["id"]] for party in defendants)
    assert by_schema(entities, "Article")


def test_references_point_at_exported_entities_and_ids_are_unique(db):
    generated_dataset()
    entities = list(EntityBuilder(BASE_URL).entities())
    ids = [entity.id for entity in entities]
    assert len(ids) == len(set(ids))
    references = 0
    for entity in entities:
        schema = model.get(entity.schema)
        for prop, values in entity.properties.items():
            if schema.get(prop).type.name == "entity":
                for value in values:
                    assert value in ids, (entity.id, prop, value)
                    references += 1
    assert references > 50


def test_no_entity_has_a_risk_topic_and_no_sentence_is_a_sanction(client, db):
    generated_dataset()
    _, entities = download(client)
    assert entities
    for entity in entities:
        assert entity["schema"] in EXPORTED_SCHEMATA
        assert entity["schema"] != "Sanction"
        assert "topics" not in entity["properties"], entity["id"]
        assert not {"sanctions", "risks", "riskSource", "program"} & set(entity["properties"])
    # The sentence is there, as text on the case and the party.
    parties = [p for p in by_schema(entities, "CourtCaseParty") if "summary" in p["properties"]]
    assert any(
        "restricted freedom, 1 to 2 years" in party["properties"]["summary"][0] for party in parties
    )


def test_withheld_unnamed_and_hidden_people_and_unpublished_records_are_not_exported(client, db):
    people = generated_dataset()
    _, entities = download(client)
    exported = {entity["id"] for entity in entities}
    for person in people:
        shown = person.is_public and person.name_status == Person.NameStatus.NAMED
        assert (f"newsroom-person-{person.pk}" in exported) == shown, person
    published_cases = set(Case.objects.published().values_list("pk", flat=True))
    for case in Case.objects.all():
        assert (f"newsroom-case-{case.pk}" in exported) == (case.pk in published_cases)
    for story in Article.objects.all():
        assert (f"newsroom-story-{story.pk}" in exported) == story.is_published
    # Only parties that are exported people (or the court) are in the cases.
    for party in by_schema(entities, "CourtCaseParty"):
        assert party["properties"]["party"][0] in exported


def test_the_leak_test_data_shows_nothing_hidden_or_withheld_in_the_export(client, db):
    hidden = Hidden()
    _, entities = download(client)
    text = json.dumps(entities, ensure_ascii=False).casefold()
    leaked = sorted(s for s in hidden.forbidden if s.casefold() in text)
    assert not leaked
    assert "Open Activist".casefold() in text
    case = next(
        e for e in by_schema(entities, "CourtCase") if e["properties"]["name"] == ["Open Trial"]
    )
    # The withheld defendant still counts, without a name.
    assert case["properties"]["description"][0].startswith("2 defendants, 1 named")


@pytest.mark.parametrize("role", ["anonymous", "reporter", "editor", "admin_user"])
def test_every_role_gets_the_same_public_export(client, demo, role, request):
    ArticleFactory(headline="Zorblat Draftstory", status=Article.Status.DRAFT, publish_at=None)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    _, entities = download(client)
    names = [name for e in entities for name in e["properties"].get("name", [])]
    assert "Abai Begimbetov" in names
    assert "Zorblat Draftstory" not in names


def test_the_export_makes_the_same_number_of_queries_whatever_the_number_of_records(
    client, db, django_assert_max_num_queries
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            download(client)
        return len(captured)

    generated_dataset()
    few = queries()
    generated_dataset()  # twice the records, each kind
    assert queries() == few
    with django_assert_max_num_queries(20):
        download(client)


def test_only_get_and_head_are_allowed(client, demo):
    assert client.post(URL).status_code == 405
    assert client.head(URL).status_code == 200


def test_the_command_writes_the_same_entities_to_a_file_and_to_standard_output(
    client, demo, tmp_path
):
    _, downloaded = download(client)
    path = tmp_path / "entities.ftm.json"
    call_command("export_ftm", output=str(path), base_url=BASE_URL, stderr=io.StringIO())
    from_file = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert from_file == downloaded
    stdout = io.StringIO()
    call_command("export_ftm", base_url="https://news.example.org", stdout=stdout)
    lines = stdout.getvalue().splitlines()
    assert len(lines) == len(downloaded)
    first = json.loads(lines[0])
    assert first["properties"]["sourceUrl"][0].startswith("https://news.example.org/people/")


def test_the_download_has_a_named_url():
    assert reverse("ftm_export") == URL


def test_a_story_is_exported_as_readers_get_it_with_its_corrections(client, db):
    story = ArticleFactory(
        headline="Verdict in Almaty",
        body="The court **sentenced** five people.\n\n<!-- source: Qwerty Secretsource -->",
    )
    CorrectionFactory(article=story, text="An earlier version gave the wrong court.")
    _, entities = download(client)
    article = next(e for e in by_schema(entities, "Article") if e["id"].endswith(f"-{story.pk}"))
    properties = article["properties"]
    assert properties["name"] == ["Verdict in Almaty"]
    assert properties["bodyText"] == ["The court sentenced five people."]
    assert "Secretsource" not in json.dumps(entities)
    assert properties["notes"][0].endswith("An earlier version gave the wrong court.")
    assert properties["publishedAt"][0] == story.publish_at.astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%S"
    )
    assert properties["sourceUrl"] == [f"http://testserver{story.get_absolute_url()}"]


def test_a_recognition_is_a_note_on_the_person_with_its_date_and_source(client, db):
    person = PersonFactory(name="Recognised Activist")
    RecognitionFactory(
        person=person,
        organization=OrganizationFactory(name="Viasna"),
        recognised_on=PartialDate(2021, 3),
        source_url="https://example.org/viasna/list",
    )
    RecognitionFactory(
        person=person, organization=OrganizationFactory(name="Hidden NGO", is_public=False)
    )
    _, entities = download(client)
    entity = next(
        e
        for e in by_schema(entities, "Person")
        if e["properties"]["name"] == ["Recognised Activist"]
    )
    assert entity["properties"]["notes"] == [
        "Recognised as a political prisoner by Viasna (2021-03): https://example.org/viasna/list"
    ]
    assert "topics" not in entity["properties"]


def test_a_value_the_library_refuses_is_reported_as_dropped_and_a_normalised_one_is_not():
    """The check above can fail: FtM's add() silently drops what it refuses."""
    entity = Entity("Person", "newsroom-person-0")
    entity.add("name", "Two  Spaces")
    entity.add("birthDate", "2018-03", "March 2018")
    entity.add("citizenship", "kz", "Kazakhstania")
    entity.add("website", "https://example.org")
    assert entity.dropped() == {"birthDate": ["March 2018"], "citizenship": ["Kazakhstania"]}
    proxy = entity.proxy()
    assert proxy.get("name") == ["Two Spaces"]
    assert proxy.get("birthDate") == ["2018-03"]
    assert proxy.get("website") == ["https://example.org/"]
