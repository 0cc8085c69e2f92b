"""Multi-frame images (a phone's multi-picture JPEG, an animated PNG or WebP) uploaded through the
admin are stored as their first frame, a still image in an ordinary format, never a server
error."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsroom.images import rendition_name, rendition_widths
from tests.factories import ArticleFactory, PersonFactory
from tests.history_forms import admin_url, form_data

pytestmark = pytest.mark.django_db

FIRST_FRAME_COLOUR = (200, 30, 30)
SECOND_FRAME_COLOUR = (30, 30, 200)
SIZE = (640, 480)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def two_frames(image_format, **options):
    first = Image.new("RGB", SIZE, FIRST_FRAME_COLOUR)
    second = Image.new("RGB", SIZE, SECOND_FRAME_COLOUR)
    buffer = io.BytesIO()
    first.save(buffer, image_format, save_all=True, append_images=[second], **options)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the file really has two frames
        assert check.n_frames == 2
    return data


MULTI_FRAME = {
    # name: (file bytes, file name, content type, format Pillow reads, stored format, extension)
    "multi-picture JPEG": (lambda: two_frames("MPO"), "IMG_0001.jpg", "image/jpeg", "MPO"),
    "animated PNG": (lambda: two_frames("PNG", duration=100, loop=0), "a.png", "image/png", "PNG"),
    "animated WebP": (
        lambda: two_frames("WEBP", duration=100, loop=0, lossless=True),
        "a.webp",
        "image/webp",
        "WEBP",
    ),
}
STORED = {"MPO": ("JPEG", ".jpg"), "PNG": ("PNG", ".png"), "WEBP": ("WEBP", ".webp")}


@pytest.fixture(params=MULTI_FRAME.values(), ids=MULTI_FRAME.keys())
def multi_frame_upload(request):
    make, name, content_type, read_as = request.param
    data = make()
    with Image.open(io.BytesIO(data)) as check:
        assert check.format == read_as
    return SimpleUploadedFile(name, data, content_type=content_type), STORED[read_as]


def post_change_form(client, obj, **changes):
    url = admin_url(type(obj), "change", obj.pk)
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page, f"{obj._meta.model_name}_form")
    data.update(changes)
    return client.post(url, data)


def assert_stored_as_first_frame(fieldfile, stored_format, extension):
    assert fieldfile.name.endswith(extension)
    with default_storage.open(fieldfile.name) as stored, Image.open(stored) as image:
        assert image.format == stored_format
        assert getattr(image, "n_frames", 1) == 1
        assert image.size == SIZE
        red, green, blue = image.convert("RGB").getpixel((SIZE[0] // 2, SIZE[1] // 2))[:3]
        assert red > 150 and blue < 80  # the first frame's colour, not the second's
    for width in rendition_widths(SIZE[0]):
        assert default_storage.exists(rendition_name(fieldfile.name, width))


def test_a_multi_frame_photo_of_a_person_is_stored_as_its_first_frame(
    editor_client, multi_frame_upload
):
    upload, (stored_format, extension) = multi_frame_upload
    person = PersonFactory(name="Photo Person")

    response = post_change_form(editor_client, person, photo=upload)

    assert response.status_code == 302
    person.refresh_from_db()
    assert_stored_as_first_frame(person.photo, stored_format, extension)
    page = editor_client.get(person.get_absolute_url())
    assert page.status_code == 200
    assert rendition_name(person.photo.name, 400) in page.text


def test_a_multi_frame_lead_image_of_a_story_is_stored_as_its_first_frame(
    editor_client, multi_frame_upload
):
    upload, (stored_format, extension) = multi_frame_upload
    article = ArticleFactory(headline="A story with a phone photo")

    response = post_change_form(
        editor_client, article, lead_image=upload, lead_image_alt="Outside the court"
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert_stored_as_first_frame(article.lead_image, stored_format, extension)
    page = editor_client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert rendition_name(article.lead_image.name, 400) in page.text


def test_a_multi_frame_photo_added_with_a_new_person_is_stored(editor_client):
    """The add form too (a new record, not only a change)."""
    url = admin_url(PersonFactory._meta.model, "add")
    page = editor_client.get(url)
    data = form_data(page, "person_form")
    data.update(
        name="New Person",
        country="KZ",
        photo=SimpleUploadedFile("IMG_0002.jpg", two_frames("MPO"), content_type="image/jpeg"),
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302
    person = PersonFactory._meta.model.objects.get(name="New Person")
    assert_stored_as_first_frame(person.photo, "JPEG", ".jpg")
