"""The admin's "Import records" page, through HTTP as reporters and editors use it: upload,
the mapping guessed from the header, the preview with reasons and checkboxes, confirm, result.
Reporters import drafts only, whatever they post."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case
from newsroom.imports.models import ImportedRecord
from people.models import Person
from tests.factories import PersonFactory
from tests.history_forms import form_data
from tests.test_import_files import HEADER, records, write_csv

URL = reverse("admin:import_records")


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.NEWSROOM_IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")


@pytest.fixture
def dvk(db):
    from tests.factories import OrganizationFactory

    return OrganizationFactory(name="Democratic Choice of Kazakhstan")


def csv_upload(tmp_path, items, name="prisoners.csv"):
    path = write_csv(tmp_path / name, items)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


def upload(client, file):
    return client.post(URL, {"step": "upload", "file": file})


def to_preview(client, tmp_path, items, **changes):
    response = upload(client, csv_upload(tmp_path, items))
    assert response.status_code == 200, response.content.decode()[:2000]
    data = form_data(response, "import-mapping")
    data.update(changes)
    response = client.post(URL, data)
    assert response.status_code == 200, response.content.decode()[:3000]
    return response


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


@pytest.mark.parametrize("role", ["reporter", "editor"])
def test_the_admin_index_links_the_import_page_for_reporters_and_editors(client, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert URL in response.content.decode()
    assert client.get(URL).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in_and_staff_without_rights_are_refused(
    client, django_user_model
):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    assert client.get(URL).status_code == 403
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200 and URL not in page.content.decode()


def test_a_reporter_uploads_maps_previews_and_imports_drafts(reporter_client, tmp_path, dvk):
    response = upload(reporter_client, csv_upload(tmp_path, records()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "prisoners.csv: 12 rows" in page
    assert 'name="publish"' not in page
    data = form_data(response, "import-mapping")
    # Guessed from the header: "Name", "Born"? is not a header word; the editor corrects it.
    assert data["column_name"] == "Name"
    assert data["column_sentence"] == "Sentence"
    assert data["column_charges"] == ["articles"] or data["column_charges"] == "articles"
    data.update(
        column_birth_date="Born", column_arrest_date="Arrested", column_verdict_date="Verdict"
    )
    response = reporter_client.post(URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "12 rows: 12 to create, 0 to update, 0 to skip, 0 possible duplicates, 0 errors" in page
    assert "The records will be drafts" in page
    assert not Person.objects.exists()
    response = reporter_client.post(URL, form_data(response, "import-preview"))
    assert response.status_code == 200
    assert "prisoners.csv: 12 created, 0 updated, 0 skipped." in response.content.decode()
    assert Person.objects.count() == 12 and not Person.objects.filter(is_public=True).exists()
    assert not Case.objects.filter(is_published=True).exists()
    assert ImportedRecord.objects.filter(imported_by__username="reporter").count() == 12
    assert Person.objects.get(name="Erlan Nurpeis").birth_date.isoformat() == "1975-02-03"
    assert not list((tmp_path / "uploads").iterdir())  # the file is gone once imported


@pytest.mark.parametrize("step", ["preview", "confirm"])
def test_a_forged_publish_from_a_reporter_is_refused_and_imports_nothing(
    reporter_client, tmp_path, dvk, step
):
    response = to_preview(reporter_client, tmp_path, records()[:2])
    data = form_data(response, "import-preview")
    data["publish"] = "on"
    if step == "preview":
        data["step"] = "preview"
    response = reporter_client.post(URL, data)
    assert response.status_code == 403
    assert not Person.objects.exists() and not Case.objects.exists()


def test_an_editor_imports_public_records_with_publish(editor_client, tmp_path, dvk):
    response = to_preview(editor_client, tmp_path, records()[:3], publish="on")
    assert "The records will be public." in response.content.decode()
    response = editor_client.post(URL, form_data(response, "import-preview"))
    assert "3 created" in response.content.decode()
    assert Person.objects.filter(is_public=True).count() == 3
    assert Case.objects.filter(is_published=True).count() == 3


def test_possible_duplicates_and_error_rows_wait_for_the_editors_checkboxes(
    editor_client, tmp_path, dvk
):
    namesake = PersonFactory(name="Dana Zhaksybek")
    items = records()[:3]
    items[2]["Born"] = "2018-02-30"
    response = to_preview(editor_client, tmp_path, items, column_birth_date="Born")
    page = response.content.decode()
    assert f"possible duplicate of Dana Zhaksybek (#{namesake.pk})" in page
    assert "February 2018 has no day 30" in page
    data = form_data(response, "import-preview")
    refused = editor_client.post(URL, data)
    assert refused.status_code == 400
    assert "Nothing was imported" in refused.content.decode()
    assert not Case.objects.exists()
    data = form_data(refused, "import-preview")
    data.update({"skip_4": "on", "create_3": "on"})
    response = editor_client.post(URL, data)
    assert response.status_code == 200
    assert "2 created, 0 updated, 1 skipped" in response.content.decode()
    assert Person.objects.filter(name="Dana Zhaksybek").count() == 2


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("Name,Sentence\nИван,5 лет\n".encode("cp1251"), "a.csv", "not UTF-8"),
        (b"Name,Sentence\n", "a.csv", "only a header"),
        (b"Name\nA\n", "a.exe", "Import a .csv, .xlsx or .json file."),
        (b"not a workbook", "a.xlsx", "not a readable XLSX workbook"),
        (b'{"name": "A"}', "a.json", "array of flat objects"),
    ],
)
def test_a_bad_file_gets_a_clear_message_on_the_upload_page(editor_client, content, name, message):
    response = upload(editor_client, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'name="file"' in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(editor_client, settings):
    settings.NEWSROOM_IMPORT_MAX_BYTES = 1024
    response = upload(editor_client, SimpleUploadedFile("a.csv", b"Name\n" + b"A\n" * 600))
    assert response.status_code == 400
    assert (
        "at most 0.0 MB" in response.content.decode()
        or "can be imported" in response.content.decode()
    )


def test_an_upload_token_of_another_session_is_refused(client, editor, reporter, tmp_path, dvk):
    client.force_login(editor)
    response = to_preview(client, tmp_path, records()[:1])
    data = form_data(response, "import-preview")
    other = type(client)()
    other.force_login(reporter)
    response = other.post(URL, data)
    assert response.status_code == 400
    assert "no longer here" in response.content.decode()
    assert not Person.objects.exists()


def test_the_preview_costs_a_bounded_number_of_queries(
    editor_client, tmp_path, dvk, django_assert_max_num_queries
):
    response = upload(editor_client, csv_upload(tmp_path, records()))
    data = form_data(response, "import-mapping")
    with django_assert_max_num_queries(60):
        response = editor_client.post(URL, data)
    assert response.status_code == 200
    assert "12 to create" in response.content.decode()


def test_the_uploaded_file_is_never_under_the_media_root(editor_client, tmp_path, settings, dvk):
    upload(editor_client, csv_upload(tmp_path, records()[:1]))
    stored = list((tmp_path / "uploads").iterdir())
    assert len(stored) == 1
    assert not str(stored[0]).startswith(str(settings.MEDIA_ROOT))
    assert HEADER[0] in stored[0].read_text()
