import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image, ImageCms

from newsroom.images import rendition_name, validate_image_upload
from newsroom.models import Article
from people.models import Person
from tests.admin_forms import admin_form_data
from tests.factories import ArticleFactory, PersonFactory

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes its uploads into a temporary folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_bytes(size=(2000, 1000), image_format="JPEG", exif=None, **save_options):
    image = Image.new("RGB", size, "white")
    # A diagonal band, so a rotated or mirrored image can be told apart.
    image.paste((200, 30, 30), (0, 0, size[0] // 4, size[1] // 2))
    buffer = io.BytesIO()
    if exif is not None:
        save_options["exif"] = exif
    image.save(buffer, image_format, **save_options)
    return buffer.getvalue()


def gps_exif(orientation=1):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0131] = "Editing app 1.0"  # software
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (43.0, 15.0, 30.0), 3: "E", 4: (76.0, 57.0, 0.0)}
    return exif


def jpeg_with_gps(size=(2000, 1000), orientation=1):
    data = image_bytes(
        size,
        exif=gps_exif(orientation),
        comment=b"taken at the safe house",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret</x:xmpmeta>',
    )
    with Image.open(io.BytesIO(data)) as check:  # the fixture really carries the metadata
        assert check.getexif().get_ifd(GPS_IFD)
        assert "xmp" in check.info and "comment" in check.info
    return data


def bomb_png(width=50_000, height=50_000):
    """A tiny PNG whose header declares a huge picture."""

    def chunk(kind, payload):
        return (
            struct.pack(">I", len(payload))
            + kind
            + payload
            + struct.pack(">I", zlib.crc32(kind + payload))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def assert_no_metadata(image):
    assert not image.getexif()
    assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"} & set(image.info)


def stored_files(fieldfile):
    """The stored original and every rendition next to it."""
    folder, _ = fieldfile.name.rsplit("/", 1)
    stem = fieldfile.name.rsplit("/", 1)[1].rsplit(".", 1)[0]
    return [
        f"{folder}/{name}" for name in default_storage.listdir(folder)[1] if name.startswith(stem)
    ]


def post_article_form(client, url, **changes):
    data = admin_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def form_errors(response, field="lead_image"):
    return response.context["adminform"].form.errors.get(field, [])


@pytest.fixture
def story_with_image():
    return ArticleFactory(
        lead_image=upload(image_bytes((1200, 800)), name="original.jpg"),
        lead_image_alt="A courthouse",
    )


# Metadata is stripped


def test_an_uploaded_jpeg_is_stored_without_gps_or_any_other_metadata():
    article = ArticleFactory(lead_image=upload(jpeg_with_gps()), lead_image_alt="A street")

    with default_storage.open(article.lead_image.name) as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert_no_metadata(image)


def test_every_rendition_is_stored_without_metadata():
    article = ArticleFactory(lead_image=upload(jpeg_with_gps()), lead_image_alt="A street")

    for width in (400, 800, 1600):
        name = rendition_name(article.lead_image.name, width)
        with default_storage.open(name) as stored, Image.open(stored) as image:
            assert_no_metadata(image)


def test_a_jpeg_with_gps_uploaded_through_the_admin_is_stored_without_exif(editor_client):
    url = reverse("admin:newsroom_article_add")

    response = post_article_form(
        editor_client,
        url,
        headline="Court hearing",
        slug="court-hearing",
        lead_image=upload(jpeg_with_gps(), name="IMG_0001.jpg"),
        lead_image_alt="The court building",
    )

    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get(slug="court-hearing")
    names = [article.lead_image.name] + [
        rendition_name(article.lead_image.name, width) for width in (400, 800, 1600)
    ]
    for name in names:
        with default_storage.open(name) as stored, Image.open(stored) as image:
            assert_no_metadata(image)


def test_a_person_photo_is_stored_without_metadata():
    person = PersonFactory(photo=upload(jpeg_with_gps((600, 800))))

    with default_storage.open(person.photo.name) as stored, Image.open(stored) as image:
        assert_no_metadata(image)


def test_the_exif_orientation_is_applied_before_the_metadata_is_dropped():
    # Orientation 6: the camera held upright; the pixels are stored sideways.
    article = ArticleFactory(
        lead_image=upload(jpeg_with_gps((1000, 500), orientation=6)), lead_image_alt="A street"
    )

    with default_storage.open(article.lead_image.name) as stored, Image.open(stored) as image:
        assert image.size == (500, 1000)


def test_the_uploaded_file_name_is_not_kept():
    article = ArticleFactory(
        lead_image=upload(image_bytes(), name="source-at-home-almaty.jpg"), lead_image_alt="x"
    )

    assert "source" not in article.lead_image.name
    assert article.lead_image.name.startswith("stories/")
    assert article.lead_image.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("image_format", "extension"), [("PNG", "png"), ("WEBP", "webp"), ("JPEG", "jpg")]
)
def test_the_stored_copy_keeps_the_uploaded_format(image_format, extension):
    data = image_bytes((500, 300), image_format)

    article = ArticleFactory(lead_image=upload(data, name=f"a.{extension}"), lead_image_alt="x")

    with default_storage.open(article.lead_image.name) as stored, Image.open(stored) as image:
        assert image.format == image_format
    assert article.lead_image.name.endswith(f".{extension}")


@pytest.mark.parametrize(
    ("image_format", "mode"),
    [
        ("PNG", "P"),
        ("PNG", "LA"),
        ("PNG", "I;16"),
        ("PNG", "1"),
        ("JPEG", "CMYK"),
        ("WEBP", "RGBA"),
    ],
)
def test_images_in_unusual_colour_modes_are_stored_and_resized(image_format, mode):
    buffer = io.BytesIO()
    Image.new(mode, (900, 600)).save(buffer, image_format)

    article = ArticleFactory(lead_image=upload(buffer.getvalue()), lead_image_alt="x")

    assert default_storage.exists(rendition_name(article.lead_image.name, 800))


def test_a_colour_profile_is_dropped_after_converting_the_colours():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = image_bytes((900, 600), icc_profile=profile)

    article = ArticleFactory(lead_image=upload(data), lead_image_alt="x")

    with default_storage.open(article.lead_image.name) as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (900, 600))
        assert "icc_profile" not in image.info


# Renditions


def test_renditions_are_made_at_400_800_and_1600_pixels_wide():
    article = ArticleFactory(lead_image=upload(image_bytes((2000, 1000))), lead_image_alt="x")

    for width in (400, 800, 1600):
        name = rendition_name(article.lead_image.name, width)
        with default_storage.open(name) as stored, Image.open(stored) as image:
            assert image.format == "WEBP"
            assert image.size == (width, width // 2)


def test_a_small_image_is_never_upscaled():
    article = ArticleFactory(lead_image=upload(image_bytes((300, 200))), lead_image_alt="x")

    renditions = [name for name in stored_files(article.lead_image) if name.endswith(".webp")]

    assert renditions == [rendition_name(article.lead_image.name, 300)]
    with default_storage.open(renditions[0]) as stored, Image.open(stored) as image:
        assert image.size == (300, 200)


def test_a_medium_image_gets_the_smaller_renditions_and_one_at_its_own_width():
    article = ArticleFactory(lead_image=upload(image_bytes((1000, 500))), lead_image_alt="x")

    renditions = sorted(name for name in stored_files(article.lead_image) if name.endswith(".webp"))

    assert renditions == sorted(
        rendition_name(article.lead_image.name, width) for width in (400, 800, 1000)
    )


def test_the_include_renders_src_srcset_sizes_alt_and_dimensions():
    article = ArticleFactory(lead_image=upload(image_bytes((2000, 1000))), lead_image_alt="x")

    html = render_to_string(
        "includes/responsive_image.html",
        {"image": article.lead_image, "alt": "Police outside the court"},
    )

    name = article.lead_image.name
    assert f'src="/media/{rendition_name(name, 1600)}"' in html
    assert f"/media/{rendition_name(name, 400)} 400w" in html
    assert f"/media/{rendition_name(name, 800)} 800w" in html
    assert f"/media/{rendition_name(name, 1600)} 1600w" in html
    assert 'sizes="' in html
    assert 'alt="Police outside the court"' in html
    assert 'width="1600" height="800"' in html
    assert 'loading="lazy"' in html


def test_the_include_renders_nothing_when_the_image_file_is_missing():
    article = ArticleFactory(lead_image=upload(image_bytes((800, 400))), lead_image_alt="x")
    shown = render_to_string("includes/responsive_image.html", {"image": article.lead_image})
    assert "<img" in shown  # the same include shows an image whose file is there
    Article.objects.filter(pk=article.pk).update(lead_image="stories/2020/01/gone.jpg")
    article.refresh_from_db()

    html = render_to_string("includes/responsive_image.html", {"image": article.lead_image})

    assert html.strip() == ""


def test_the_story_page_shows_the_lead_image_with_srcset(client):
    article = ArticleFactory(
        lead_image=upload(image_bytes((2000, 1000))), lead_image_alt="Police outside the court"
    )

    response = client.get(article.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "srcset=" in content
    assert rendition_name(article.lead_image.name, 800) in content
    assert 'alt="Police outside the court"' in content


# Refused uploads


def test_a_text_file_named_jpg_is_refused_with_a_form_error(editor_client, story_with_image):
    url = reverse("admin:newsroom_article_change", args=[story_with_image.pk])

    response = post_article_form(
        editor_client, url, lead_image=upload(b"just some text, not a picture\n" * 40)
    )

    assert response.status_code == 200
    assert form_errors(response)


def test_a_decompression_bomb_png_is_refused_with_a_form_error(editor_client, story_with_image):
    url = reverse("admin:newsroom_article_change", args=[story_with_image.pk])

    response = post_article_form(
        editor_client, url, lead_image=upload(bomb_png(), "bomb.png", "image/png")
    )

    assert response.status_code == 200
    assert form_errors(response)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Django's own check
def test_an_image_just_over_the_pixel_limit_is_refused_before_decoding(
    editor_client, story_with_image
):
    url = reverse("admin:newsroom_article_change", args=[story_with_image.pk])

    response = post_article_form(
        editor_client, url, lead_image=upload(bomb_png(8000, 6000), "big.png", "image/png")
    )

    assert response.status_code == 200
    assert any("too many pixels" in error for error in form_errors(response))


# The pixel limit, to the pixel: 40,000,000 pass, 40,000,001 do not. Real, decodable images of a
# single colour (they compress to a few hundred kilobytes), so only the pixel count is at stake.

LIMIT_SIZE = (8000, 5000)  # exactly 40,000,000 pixels
ONE_PIXEL_OVER_SIZES = [(40_000_001, 1), (53, 754_717)]  # 40,000,001 = 53 x 754,717


def single_colour_image(size, image_format="PNG"):
    buffer = io.BytesIO()
    Image.new("L", size, 128).save(buffer, image_format)
    return buffer.getvalue()


def unsaved_lead_image(data, image_format):
    """The lead image field of a story given a new upload, as the admin form's model holds it."""
    extension = {"PNG": "png", "JPEG": "jpg"}[image_format]
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg"}[image_format]
    return Article(lead_image=upload(data, f"limit.{extension}", content_type)).lead_image


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_an_image_of_exactly_40_megapixels_passes_the_validator(image_format):
    lead_image = unsaved_lead_image(single_colour_image(LIMIT_SIZE, image_format), image_format)
    assert lead_image.file.size < 10 * 1024 * 1024

    validate_image_upload(lead_image)  # no error

    assert lead_image.file.read(8)[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0")  # rewound for saving


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("size", ONE_PIXEL_OVER_SIZES, ids=["40000001x1", "53x754717"])
def test_an_image_of_one_pixel_over_40_megapixels_is_refused_by_the_validator(size):
    lead_image = unsaved_lead_image(single_colour_image(size), "PNG")

    with pytest.raises(ValidationError, match="at most 40 megapixels") as refusal:
        validate_image_upload(lead_image)

    assert refusal.value.code == "too_many_pixels"


def test_an_image_of_exactly_40_megapixels_is_stored_through_the_admin(
    editor_client, story_with_image
):
    url = reverse("admin:newsroom_article_change", args=[story_with_image.pk])
    old_name = story_with_image.lead_image.name

    response = post_article_form(
        editor_client,
        url,
        lead_image=upload(single_colour_image(LIMIT_SIZE), "limit.png", "image/png"),
    )

    assert response.status_code == 302, form_errors(response)
    story_with_image.refresh_from_db()
    assert story_with_image.lead_image.name != old_name
    with (
        default_storage.open(story_with_image.lead_image.name) as stored,
        Image.open(stored) as image,
    ):
        assert (image.format, image.size) == ("PNG", LIMIT_SIZE)
    assert default_storage.exists(rendition_name(story_with_image.lead_image.name, 1600))


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Django's own check
def test_an_image_of_one_pixel_over_40_megapixels_is_refused_through_the_admin(
    editor_client, story_with_image
):
    url = reverse("admin:newsroom_article_change", args=[story_with_image.pk])
    old_name = story_with_image.lead_image.name

    response = post_article_form(
        editor_client,
        url,
        lead_image=upload(single_colour_image((40_000_001, 1)), "over.png", "image/png"),
    )

    assert response.status_code == 200
    assert any("at most 40 megapixels" in error for error in form_errors(response))
    assert story_with_image.headline in response.content.decode()  # the form, kept for a retry
    story_with_image.refresh_from_db()
    assert story_with_image.lead_image.name == old_name


def test_a_30_mb_file_is_refused_with_a_form_error(editor_client, story_with_image):
    url = reverse("admin:newsroom_article_change", args=[story_with_image.pk])
    # A real JPEG padded to 30 MB: only the size is wrong with it.
    padded = image_bytes((800, 600)) + b"\0" * (30 * 1024 * 1024)

    response = post_article_form(editor_client, url, lead_image=upload(padded, "huge.jpg"))

    assert response.status_code == 200
    assert any("at most 10" in error for error in form_errors(response))


def test_a_gif_is_refused_even_though_it_is_a_real_image(editor_client, story_with_image):
    url = reverse("admin:newsroom_article_change", args=[story_with_image.pk])

    response = post_article_form(
        editor_client, url, lead_image=upload(image_bytes((100, 100), "GIF"), "a.gif", "image/gif")
    )

    assert response.status_code == 200
    assert any("JPEG, PNG or WebP" in error for error in form_errors(response))


def test_a_truncated_jpeg_is_refused_with_a_form_error(editor_client, story_with_image):
    url = reverse("admin:newsroom_article_change", args=[story_with_image.pk])
    truncated = image_bytes((800, 600))[:2000]

    response = post_article_form(editor_client, url, lead_image=upload(truncated))

    assert response.status_code == 200
    assert form_errors(response)


def test_a_refused_upload_leaves_the_stored_image_untouched(editor_client, story_with_image):
    url = reverse("admin:newsroom_article_change", args=[story_with_image.pk])
    name = story_with_image.lead_image.name
    before = {
        path: default_storage.open(path).read()
        for path in stored_files(story_with_image.lead_image)
    }

    for bad in [
        upload(b"not an image"),
        upload(bomb_png(), "bomb.png", "image/png"),
        upload(image_bytes((800, 600)) + b"\0" * (30 * 1024 * 1024), "huge.jpg"),
    ]:
        post_article_form(editor_client, url, lead_image=bad)

    story_with_image.refresh_from_db()
    assert story_with_image.lead_image.name == name
    assert {
        path: default_storage.open(path).read()
        for path in stored_files(story_with_image.lead_image)
    } == before


def test_a_bad_person_photo_is_refused_with_a_form_error(editor_client):
    person = PersonFactory()
    url = reverse("admin:people_person_change", args=[person.pk])
    data = admin_form_data(editor_client.get(url))
    data["photo"] = upload(b"<svg onload=alert(1)>", "photo.png", "image/png")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo"]
    person.refresh_from_db()
    assert not person.photo


def test_the_validator_ignores_an_image_that_is_already_stored(story_with_image):
    default_storage.delete(story_with_image.lead_image.name)

    validate_image_upload(story_with_image.lead_image)  # no error, no read of the file


def test_the_validator_refuses_a_bomb_given_directly():
    article = Article(lead_image=upload(bomb_png(), "bomb.png", "image/png"))

    with pytest.raises(ValidationError, match="too many pixels"):
        validate_image_upload(article.lead_image)


# Alt text


def test_a_lead_image_without_alt_text_is_refused(editor_client):
    url = reverse("admin:newsroom_article_add")

    response = post_article_form(
        editor_client,
        url,
        headline="No description",
        slug="no-description",
        lead_image=upload(image_bytes((800, 600))),
        lead_image_alt="   ",
    )

    assert response.status_code == 200
    assert form_errors(response, "lead_image_alt")
    assert not Article.objects.filter(slug="no-description").exists()


def test_a_story_without_a_lead_image_needs_no_alt_text():
    article = ArticleFactory.build(lead_image_alt="")

    article.clean()  # no error


def test_an_existing_story_image_without_alt_text_cannot_be_saved_again(story_with_image):
    story_with_image.lead_image_alt = ""

    with pytest.raises(ValidationError) as error:
        story_with_image.full_clean()

    assert "lead_image_alt" in error.value.message_dict


def test_a_person_photo_keeps_working_when_saved_again_without_a_new_upload():
    person = PersonFactory(photo=upload(image_bytes((600, 800))))
    name = person.photo.name

    person.summary = "Updated."
    person.save()

    person.refresh_from_db()
    assert person.photo.name == name
    assert Person.objects.get(pk=person.pk).photo.name == name


# Images stored before cleaning existed


def test_clean_images_strips_metadata_from_an_image_stored_before_cleaning_existed():
    article = ArticleFactory(lead_image_alt="A street")
    old_name = default_storage.save("stories/2020/01/IMG_0001.jpg", io.BytesIO(jpeg_with_gps()))
    Article.objects.filter(pk=article.pk).update(lead_image=old_name)
    modified_before = Article.objects.get(pk=article.pk).updated_at

    call_command("clean_images", stdout=io.StringIO(), stderr=io.StringIO())

    article.refresh_from_db()
    assert article.lead_image.name != old_name
    assert not default_storage.exists(old_name)
    with default_storage.open(article.lead_image.name) as stored, Image.open(stored) as image:
        assert_no_metadata(image)
    assert default_storage.exists(rendition_name(article.lead_image.name, 800))
    assert article.updated_at == modified_before


def test_clean_images_leaves_a_missing_or_invalid_file_alone():
    person = PersonFactory()
    Person.objects.filter(pk=person.pk).update(photo="people/2020/gone.jpg")
    errors = io.StringIO()

    call_command("clean_images", stdout=io.StringIO(), stderr=errors)

    person.refresh_from_db()
    assert person.photo.name == "people/2020/gone.jpg"
    assert "cannot read" in errors.getvalue()


def test_a_named_person_page_shows_the_photo_in_renditions(client):
    person = PersonFactory(photo=upload(image_bytes((1200, 1600))))

    response = client.get(person.get_absolute_url())

    assert response.status_code == 200
    assert rendition_name(person.photo.name, 400) in response.content.decode()
    assert "srcset=" in response.content.decode()


def test_a_withheld_person_page_shows_no_photo_and_no_rendition(client):
    person = PersonFactory(
        photo=upload(image_bytes((1200, 1600))), name_status=Person.NameStatus.WITHHELD
    )
    stem = person.photo.name.rsplit("/", 1)[1].rsplit(".", 1)[0]

    response = client.get(person.get_absolute_url())

    assert response.status_code == 200
    assert "Name withheld" in response.content.decode()
    assert stem not in response.content.decode()
