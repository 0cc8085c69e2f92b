"""With NEWSROOM_REQUIRE_2FA on, every staff account needs an authenticator code for the admin and
for staff previews, and adding a first authenticator app needs a one-time enrolment code that an
administrator issues with `manage.py issue_enrolment_code`."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.models import Article
from people.models import Person
from tests.accounts import editorial_group
from tests.factories import ArticleFactory, PersonFactory
from tests.test_admin_signin import PASSWORD, authenticator_app, current_code, sign_in

WITHHELD_NAME = "Aigerim Withheldname"
DRAFT_HEADLINE = "Draft about a raid that is not yet public"
HIDDEN_PERSON = "Nurlan Notyetpublic"
PREVIEW_BANNER = "Preview: not public"
NOT_FOUND = "Page not found"
ENROLMENT_STEP = 'name="enrolment_code"'
REFUSED_CODE = "This enrolment code is not valid"
QR_CODE = 'class="two-factor-qr-code"'


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.NEWSROOM_REQUIRE_2FA = True
    # Many sign-ins per test; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_staff(django_user_model, role):
    if role == "superuser":
        return django_user_model.objects.create_superuser(role, password=PASSWORD)
    user = django_user_model.objects.create_user(role, password=PASSWORD, is_staff=True)
    user.groups.add(editorial_group(role.capitalize()))
    return user


@pytest.fixture(params=["reporter", "editor", "superuser"])
def staff_member(request, django_user_model):
    return make_staff(django_user_model, request.param)


@pytest.fixture
def hidden_records(db):
    return {
        "withheld": PersonFactory(name=WITHHELD_NAME, name_status=Person.NameStatus.WITHHELD),
        "draft": ArticleFactory(
            headline=DRAFT_HEADLINE, status=Article.Status.DRAFT, publish_at=None
        ),
        "hidden person": PersonFactory(name=HIDDEN_PERSON, is_public=False),
    }


def admin_person_urls(person):
    return [
        reverse("admin:people_person_changelist"),
        reverse("admin:people_person_change", args=[person.pk]),
        reverse("admin:people_person_history", args=[person.pk]),
    ]


def next_code(device):
    """The code the app shows in the next 30 seconds: django-otp accepts one step ahead, and
    refuses the code already used in this step (replay)."""
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + 1)
    return f"{code:0{device.digits}d}"


def enrolment_code_from_command(username):
    stdout = io.StringIO()
    call_command("issue_enrolment_code", username, stdout=stdout)
    return stdout.getvalue().splitlines()[0]


def give_enrolment_code(client, code):
    return client.post(reverse("admin:two_factor_setup"), {"enrolment_code": code})


def assert_enrolment_refused(response, user):
    assert response.status_code == 200
    assert REFUSED_CODE in response.text
    assert ENROLMENT_STEP in response.text
    assert QR_CODE not in response.text
    assert not TOTPDevice.objects.filter(user=user).exists()


# Password only: no admin, no preview


def test_staff_with_only_a_password_get_no_admin_page_and_never_see_a_withheld_name(
    client, staff_member, hidden_records
):
    assert sign_in(client, staff_member.username).status_code == 302
    for url in admin_person_urls(hidden_records["withheld"]):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        followed = client.get(url, follow=True)
        assert followed.status_code == 200
        assert followed.redirect_chain[-1][0] == reverse("admin:two_factor_setup")
        assert ENROLMENT_STEP in followed.text
        assert WITHHELD_NAME not in followed.text


def test_staff_with_only_a_password_get_the_public_404_for_previews(
    client, staff_member, hidden_records
):
    sign_in(client, staff_member.username)
    for record, secret in [("draft", DRAFT_HEADLINE), ("hidden person", HIDDEN_PERSON)]:
        response = client.get(hidden_records[record].get_absolute_url())
        assert response.status_code == 404
        assert NOT_FOUND in response.text
        assert secret not in response.text
        assert PREVIEW_BANNER not in response.text


def test_a_public_page_still_works_for_staff_with_only_a_password(client, staff_member):
    person = PersonFactory(name="Public Person")
    sign_in(client, staff_member.username)
    response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    assert "Public Person" in response.text


# With a verified device


def test_staff_signed_in_with_an_authenticator_code_use_the_admin(
    client, staff_member, hidden_records
):
    device = authenticator_app(staff_member)
    assert sign_in(client, staff_member.username, token=current_code(device)).status_code == 302
    response = client.get(
        reverse("admin:people_person_change", args=[hidden_records["withheld"].pk])
    )
    assert response.status_code == 200
    assert WITHHELD_NAME in response.text


def test_staff_signed_in_with_an_authenticator_code_see_previews(
    client, staff_member, hidden_records
):
    device = authenticator_app(staff_member)
    sign_in(client, staff_member.username, token=current_code(device))
    for record, secret in [("draft", DRAFT_HEADLINE), ("hidden person", HIDDEN_PERSON)]:
        response = client.get(hidden_records[record].get_absolute_url())
        assert response.status_code == 200
        assert PREVIEW_BANNER in response.text
        assert secret in response.text


def test_staff_with_an_app_who_signed_in_without_its_code_get_no_admin_and_no_preview(
    client, django_user_model, hidden_records
):
    """The test client's login() skips the code, as a stolen session cookie from before the
    code was given would."""
    editor = make_staff(django_user_model, "editor")
    authenticator_app(editor)
    client.force_login(editor)
    admin_page = client.get(
        reverse("admin:people_person_change", args=[hidden_records["withheld"].pk])
    )
    assert admin_page.status_code == 302
    preview = client.get(hidden_records["draft"].get_absolute_url())
    assert preview.status_code == 404
    assert NOT_FOUND in preview.text
    assert DRAFT_HEADLINE not in preview.text


# Enrolment


def test_without_an_enrolment_code_the_set_up_page_shows_no_key(client, staff_member):
    sign_in(client, staff_member.username)
    page = client.get(reverse("admin:two_factor_setup"))
    assert page.status_code == 200
    assert ENROLMENT_STEP in page.text
    assert "manage.py issue_enrolment_code" in page.text
    assert QR_CODE not in page.text
    assert "secret" not in page.context
    assert not TOTPDevice.objects.filter(user=staff_member).exists()


def test_posting_an_authenticator_code_without_an_enrolment_code_adds_no_app(client, staff_member):
    sign_in(client, staff_member.username)
    response = client.post(reverse("admin:two_factor_setup"), {"token": "123456"})
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert not TOTPDevice.objects.filter(user=staff_member).exists()
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_empty_enrolment_code_is_refused(client, staff_member):
    sign_in(client, staff_member.username)
    response = give_enrolment_code(client, "")
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert QR_CODE not in response.text


def test_a_wrong_enrolment_code_is_refused(client, staff_member):
    enrolment_code_from_command(staff_member.username)
    sign_in(client, staff_member.username)
    assert_enrolment_refused(give_enrolment_code(client, "abcd-efgh-ijkl-mnop"), staff_member)


def test_the_code_of_another_staff_member_is_refused(client, django_user_model):
    reporter = make_staff(django_user_model, "reporter")
    editor = make_staff(django_user_model, "editor")
    editors_code = enrolment_code_from_command(editor.username)
    sign_in(client, reporter.username)
    assert_enrolment_refused(give_enrolment_code(client, editors_code), reporter)


def test_an_expired_enrolment_code_is_refused(client, staff_member):
    code = enrolment_code_from_command(staff_member.username)
    StaticDevice.objects.filter(user=staff_member).update(
        created_at=timezone.now() - datetime.timedelta(hours=24, minutes=1)
    )
    sign_in(client, staff_member.username)
    assert_enrolment_refused(give_enrolment_code(client, code), staff_member)


def test_a_code_just_under_a_day_old_still_works(client, staff_member):
    code = enrolment_code_from_command(staff_member.username)
    StaticDevice.objects.filter(user=staff_member).update(
        created_at=timezone.now() - datetime.timedelta(hours=23, minutes=59)
    )
    sign_in(client, staff_member.username)
    response = give_enrolment_code(client, code)
    assert response.status_code == 302
    assert QR_CODE in client.get(reverse("admin:two_factor_setup")).text


def test_a_new_code_cancels_the_earlier_one(client, staff_member):
    first = enrolment_code_from_command(staff_member.username)
    enrolment_code_from_command(staff_member.username)
    sign_in(client, staff_member.username)
    assert_enrolment_refused(give_enrolment_code(client, first), staff_member)


def test_an_issued_code_enrols_an_authenticator_app_once(client, staff_member, hidden_records):
    code = enrolment_code_from_command(staff_member.username)
    assert len(code.replace("-", "")) == 16

    sign_in(client, staff_member.username)
    assert give_enrolment_code(client, code).status_code == 302
    setup_page = client.get(reverse("admin:two_factor_setup"))
    assert QR_CODE in setup_page.text
    assert setup_page.context["secret"] in setup_page.text
    device = TOTPDevice.objects.get(user=staff_member, confirmed=False)
    confirmed = client.post(reverse("admin:two_factor_setup"), {"token": current_code(device)})
    assert confirmed.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    withheld_page = client.get(
        reverse("admin:people_person_change", args=[hidden_records["withheld"].pk])
    )
    assert withheld_page.status_code == 200
    assert WITHHELD_NAME in withheld_page.text
    # The enrolment code is gone: it is not a sign-in device and cannot be used again.
    assert not StaticDevice.objects.filter(user=staff_member).exists()

    someone_with_the_password = type(client)()
    sign_in(someone_with_the_password, staff_member.username)
    assert someone_with_the_password.get(reverse("admin:index")).status_code == 302


def test_a_used_code_cannot_be_given_a_second_time(client, staff_member):
    code = enrolment_code_from_command(staff_member.username)
    sign_in(client, staff_member.username)
    assert give_enrolment_code(client, code).status_code == 302

    other = type(client)()
    sign_in(other, staff_member.username)
    assert_enrolment_refused(give_enrolment_code(other, code), staff_member)


def test_an_enrolment_code_is_not_a_sign_in_code(client, staff_member):
    code = enrolment_code_from_command(staff_member.username)
    sign_in(client, staff_member.username, token=code)
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("admin:people_person_changelist")).status_code == 302


def test_after_enrolling_the_password_alone_no_longer_signs_in(client, staff_member):
    code = enrolment_code_from_command(staff_member.username)
    sign_in(client, staff_member.username)
    give_enrolment_code(client, code)
    client.get(reverse("admin:two_factor_setup"))
    device = TOTPDevice.objects.get(user=staff_member, confirmed=False)
    client.post(reverse("admin:two_factor_setup"), {"token": current_code(device)})
    client.logout()

    refused = sign_in(client, staff_member.username)
    assert refused.status_code == 200
    assert "enter the code from your authenticator app" in refused.text
    device.refresh_from_db()
    assert sign_in(client, staff_member.username, token=next_code(device)).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_key_made_before_the_code_was_given_is_never_confirmed(client, staff_member, settings):
    """A key shown to whoever had the password while 2FA was optional must not become the
    account's app once it is required."""
    settings.NEWSROOM_REQUIRE_2FA = False
    sign_in(client, staff_member.username)
    client.get(reverse("admin:two_factor_setup"))
    key_seen_earlier = TOTPDevice.objects.get(user=staff_member, confirmed=False)

    settings.NEWSROOM_REQUIRE_2FA = True
    give_enrolment_code(client, enrolment_code_from_command(staff_member.username))
    client.get(reverse("admin:two_factor_setup"))
    response = client.post(
        reverse("admin:two_factor_setup"), {"token": current_code(key_seen_earlier)}
    )
    assert response.status_code == 200
    assert "That code is not valid" in response.text
    assert not TOTPDevice.objects.filter(user=staff_member, confirmed=True).exists()


# The command


def test_the_command_prints_a_code_and_when_it_expires(db, django_user_model):
    make_staff(django_user_model, "reporter")
    stdout = io.StringIO()
    call_command("issue_enrolment_code", "reporter", stdout=stdout)
    code, validity = stdout.getvalue().splitlines()
    assert len(code) == 19
    assert validity.startswith("Valid once, until ")


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="no user"):
        call_command("issue_enrolment_code", "nobody")


def test_the_command_refuses_an_account_that_is_not_staff(db, django_user_model):
    django_user_model.objects.create_user("reader", password=PASSWORD)
    with pytest.raises(CommandError, match="not an active staff account"):
        call_command("issue_enrolment_code", "reader")
    assert not StaticDevice.objects.exists()
