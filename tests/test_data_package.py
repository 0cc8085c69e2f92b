"""The /data/ page and the Frictionless data package: every download listed, every column of
every file explained (from the same column definitions as the files), the licence from the
settings, the date of the last public change, how to cite, and a datapackage.json that the
`frictionless` library validates together with every file it points to."""

import datetime
import html
import json
from urllib.parse import urlsplit

import frictionless
import pytest
from django.urls import reverse

from cases.models import Case
from newsroom.downloads.tables import TABLES
from newsroom.models import Article
from people.models import Organization, Person
from tests.factories import CaseFactory, PersonFactory
from tests.page_helpers import page_text

pytestmark = pytest.mark.django_db

DATA_URL = reverse("downloads:data")
PACKAGE_URL = reverse("downloads:datapackage")


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def withheld(demo):
    """The demo has named, unnamed and withheld defendants; one more withheld person, with a
    birth date and a native name, that no file may show."""
    return PersonFactory(
        name="Hidden Name", native_name="Скрытое Имя", name_status=Person.NameStatus.WITHHELD
    )


def test_frictionless_validates_the_data_package_and_every_file(client, withheld, tmp_path):
    response = client.get(PACKAGE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    package = json.loads(response.content)
    assert [resource["name"] for resource in package["resources"]] == list(TABLES)
    for resource in package["resources"]:
        url = urlsplit(resource["path"])
        assert url.scheme == "http" and url.netloc == "testserver"  # absolute addresses
        file = client.get(url.path)
        assert file.status_code == 200
        body = body_of(file)
        assert body.count(b"\n") > 1, resource["name"]  # a header and rows
        # Served to frictionless as a local file: the validation never goes to the network.
        (tmp_path / f"{resource['name']}.csv").write_bytes(body)
        resource["path"] = f"{resource['name']}.csv"
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")

    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert len(report.tasks) == len(TABLES)
    for task in report.tasks:
        assert task.valid and task.stats["rows"] > 0, task.name
    # Each file on its own against its own Table Schema, too.
    for resource in package["resources"]:
        single = frictionless.Resource(
            path=resource["path"],
            schema=frictionless.Schema.from_descriptor(resource["schema"]),
            basepath=str(tmp_path),
        )
        assert single.validate().valid, resource["name"]


def test_the_table_schemas_are_made_from_the_columns_of_the_files(client, demo):
    package = client.get(PACKAGE_URL).json()
    for resource in package["resources"]:
        table = TABLES[resource["name"]]
        fields = resource["schema"]["fields"]
        assert [field["name"] for field in fields] == [column.name for column in table.columns]
        assert [field["type"] for field in fields] == [column.type for column in table.columns]
        header = body_of(client.get(urlsplit(resource["path"]).path)).split(b"\r\n")[0]
        assert header.decode().split(",") == [column.name for column in table.columns]


def test_the_data_page_explains_every_column_of_every_file(client, demo):
    response = client.get(DATA_URL)
    assert response.status_code == 200
    page = response.text
    for table in TABLES.values():
        start = page.index(f'id="dictionary-{table.name}"')
        section = page[start : page.index("</section>", start)]
        for column in table.columns:
            assert f"<code>{column.name}</code>" in section, (table.name, column.name)
            assert html.escape(str(column.description)) in section, (table.name, column.name)


def test_the_data_page_links_every_download_and_the_data_package(client, demo):
    response = client.get(DATA_URL)
    assert response.status_code == 200
    for table in TABLES:
        for fmt in ("csv", "xlsx", "json"):
            assert f'href="{reverse(f"downloads:{table}-{fmt}")}"' in response.text
    assert f'href="{PACKAGE_URL}"' in response.text


def test_the_licence_is_a_setting(client, demo, settings):
    settings.DATA_LICENCE = {
        "name": "ODbL-1.0",
        "title": "Open Data Commons Open Database License",
        "url": "https://opendatacommons.org/licenses/odbl/1-0/",
    }
    text = page_text(client.get(DATA_URL))
    assert "Open Data Commons Open Database License (ODbL-1.0)" in text
    assert "DATA_LICENCE" in text
    package = client.get(PACKAGE_URL).json()
    assert package["licenses"] == [
        {
            "name": "ODbL-1.0",
            "path": "https://opendatacommons.org/licenses/odbl/1-0/",
            "title": "Open Data Commons Open Database License",
        }
    ]


def test_the_default_licence_is_cc_by_4(client, demo):
    text = page_text(client.get(DATA_URL))
    assert "Creative Commons Attribution 4.0 International (CC-BY-4.0)" in text


def at(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def test_the_last_change_is_the_latest_public_change(client, demo):
    old = at(datetime.date(2020, 1, 1))
    for model in (Article, Case, Person, Organization):
        model.objects.update(updated_at=old)
    Article.objects.update(publish_at=old)
    public = CaseFactory(title="Recently changed")
    CaseFactory(title="Unpublished change", is_published=False)
    Case.objects.filter(pk=public.pk).update(updated_at=at(datetime.date(2024, 5, 6)))
    Case.objects.filter(title="Unpublished change").update(updated_at=at(datetime.date(2025, 1, 1)))
    text = page_text(client.get(DATA_URL))
    assert "Last change to the public data: 6 May 2024." in text
    assert "version of 2024-05-06" in text  # the citation
    assert client.get(PACKAGE_URL).json()["created"].startswith("2024-05-06")


def test_the_data_page_says_how_to_cite_it(client, demo):
    text = page_text(client.get(DATA_URL))
    assert "Cite as: Newsroom, open data on people prosecuted for their views" in text
    assert "http://testserver/data/" in text


def test_the_data_page_costs_a_few_queries(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get(DATA_URL).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(PACKAGE_URL).status_code == 200


@pytest.mark.parametrize(
    "url_name", ["newsroom:home", "cases:list", "people:list", "organizations:list"]
)
def test_the_data_page_is_linked_from_every_list_page_and_the_footer(client, demo, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.text.count(f'href="{DATA_URL}"') >= (1 if url_name == "newsroom:home" else 2)


def test_the_data_page_for_an_empty_site(client, db):
    response = client.get(DATA_URL)
    assert response.status_code == 200
    assert "no public data yet" in page_text(response)
    assert client.get(PACKAGE_URL).status_code == 200


@pytest.mark.django_db
def test_the_data_page_links_the_api_its_schema_and_the_followthemoney_export(client):
    response = client.get(reverse("downloads:data"))
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("api:root", "api:docs", "api:schema", "ftm_export"):
        url = reverse(name)
        assert f'href="{url}"' in page, name
        assert client.get(url).status_code == 200, name
