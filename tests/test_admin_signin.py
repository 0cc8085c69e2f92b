"""Admin sign-in: lockout after repeated failures, and TOTP two-factor codes."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts import editorial_group

PASSWORD = "a long and unguessable passphrase"
LOCKOUT_MESSAGE = "Too many failed sign-in attempts."


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Many sign-ins per test; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("desk", password=PASSWORD, is_staff=True)


@pytest.fixture
def signed_up_editor(django_user_model):
    user = django_user_model.objects.create_user("chief", password=PASSWORD, is_staff=True)
    user.groups.add(editorial_group("Editor"))
    return user


def sign_in(client, username, password=PASSWORD, token="", address="127.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "otp_token": token},
        REMOTE_ADDR=address,
    )


def fail_to_sign_in(client, username, times, address="127.0.0.1"):
    for _ in range(times):
        response = sign_in(client, username, password="wrong", address=address)
    return response


def authenticator_app(user):
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def current_code(device):
    """The code the staff member's authenticator app shows now."""
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


def can_use_admin(client):
    return client.get(reverse("admin:index")).status_code == 200


def assert_sent_to_set_up_two_factor(client):
    """The admin is closed to this client, which is sent on to set up an authenticator app
    (a redirect, not an error page)."""
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("admin:two_factor_setup")
    assert "must use two-factor sign-in" in response.text
    assert not can_use_admin(client)


# Lockout


def test_staff_sign_in_with_the_right_password(client, staff):
    response = sign_in(client, "desk")
    assert response.status_code == 302
    assert can_use_admin(client)


def test_a_wrong_password_is_refused_with_the_usual_form_error(client, staff):
    response = sign_in(client, "desk", password="wrong")
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.text
    assert not can_use_admin(client)


def test_after_five_failed_sign_ins_even_the_right_password_is_refused(client, staff):
    fail_to_sign_in(client, "desk", times=5)
    response = sign_in(client, "desk")
    assert response.status_code == 429
    assert LOCKOUT_MESSAGE in response.text
    assert "Try again in 15 minutes or ask an administrator" in response.text
    assert not can_use_admin(client)


def test_the_fifth_failed_sign_in_already_shows_the_lockout_page(client, staff):
    assert fail_to_sign_in(client, "desk", times=4).status_code == 200
    assert fail_to_sign_in(client, "desk", times=1).status_code == 429


def test_the_lockout_page_has_the_strict_content_security_policy(client, staff):
    response = fail_to_sign_in(client, "desk", times=5)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_locked_out_username_does_not_lock_out_another_user(client, staff, django_user_model):
    django_user_model.objects.create_user("other", password=PASSWORD, is_staff=True)
    fail_to_sign_in(client, "desk", times=5)
    response = sign_in(client, "other")
    assert response.status_code == 302
    assert can_use_admin(client)


def test_the_lockout_is_per_address_as_well_as_per_username(client, staff):
    fail_to_sign_in(client, "desk", times=5, address="203.0.113.7")
    assert sign_in(client, "desk", address="198.51.100.2").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, staff):
    fail_to_sign_in(client, "desk", times=4)
    sign_in(client, "desk")
    client.logout()
    assert fail_to_sign_in(client, "desk", times=4).status_code == 200


def test_the_test_client_login_still_works_without_a_request(client, staff):
    assert client.login(username="desk", password=PASSWORD)
    assert can_use_admin(client)


# Two-factor codes


def test_the_sign_in_form_offers_the_authenticator_code_field(client, db):
    response = client.get(reverse("admin:login"))
    assert 'name="otp_token"' in response.text


def test_staff_with_an_authenticator_app_cannot_sign_in_without_a_code(client, staff):
    authenticator_app(staff)
    response = sign_in(client, "desk")
    assert response.status_code == 200
    assert "enter the code from your authenticator app" in response.text
    assert not can_use_admin(client)


def test_staff_with_an_authenticator_app_cannot_sign_in_with_a_wrong_code(client, staff):
    device = authenticator_app(staff)
    wrong_code = f"{(int(current_code(device)) + 1) % 10**6:06d}"
    response = sign_in(client, "desk", token=wrong_code)
    assert response.status_code == 200
    assert "That authenticator code is not valid" in response.text
    assert not can_use_admin(client)


def test_staff_with_an_authenticator_app_sign_in_with_its_current_code(client, staff):
    device = authenticator_app(staff)
    response = sign_in(client, "desk", token=current_code(device))
    assert response.status_code == 302
    assert can_use_admin(client)


def test_the_form_does_not_echo_the_password_back_when_the_code_is_missing(client, staff):
    authenticator_app(staff)
    response = sign_in(client, "desk")
    assert response.status_code == 200
    assert "enter the code from your authenticator app" in response.text
    assert 'name="username"' in response.text
    assert PASSWORD not in response.text


def test_by_default_an_editor_without_an_authenticator_app_can_use_the_admin(
    client, signed_up_editor
):
    sign_in(client, "chief")
    assert can_use_admin(client)


@override_settings(NEWSROOM_REQUIRE_2FA=True)
def test_when_required_an_editor_without_an_authenticator_app_cannot_use_the_admin(
    client, signed_up_editor
):
    assert sign_in(client, "chief").status_code == 302
    changelist = client.get(reverse("admin:auth_user_changelist"))
    assert changelist.status_code == 302
    assert_sent_to_set_up_two_factor(client)


@override_settings(NEWSROOM_REQUIRE_2FA=True)
def test_when_required_an_editor_signed_in_without_a_code_is_sent_to_set_up_an_app(
    client, signed_up_editor
):
    client.force_login(signed_up_editor)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:two_factor_setup")
    assert "Every staff account must use two-factor sign-in" in response.text


@override_settings(NEWSROOM_REQUIRE_2FA=True)
def test_when_required_a_superuser_without_an_authenticator_app_cannot_use_the_admin(
    client, django_user_model
):
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    assert sign_in(client, "root").status_code == 302
    assert_sent_to_set_up_two_factor(client)


@override_settings(NEWSROOM_REQUIRE_2FA=True)
def test_when_required_an_editor_who_signed_in_with_a_code_can_use_the_admin(
    client, signed_up_editor
):
    device = authenticator_app(signed_up_editor)
    sign_in(client, "chief", token=current_code(device))
    assert can_use_admin(client)


@override_settings(NEWSROOM_REQUIRE_2FA=True)
def test_when_required_a_reporter_with_only_a_password_cannot_use_the_admin(client, reporter):
    """Reporters read withheld names in the admin: the requirement covers them too (more in
    tests/test_two_factor.py)."""
    reporter.set_password(PASSWORD)
    reporter.save()
    assert sign_in(client, "reporter").status_code == 302
    assert_sent_to_set_up_two_factor(client)


def test_an_editor_sets_up_an_authenticator_app_and_can_then_use_the_admin(
    client, signed_up_editor
):
    """Optional self-service set-up; when two-factor sign-in is required, it takes an
    enrolment code first (tests/test_two_factor.py)."""
    sign_in(client, "chief")
    setup_page = client.get(reverse("admin:two_factor_setup"))
    assert "<svg" in setup_page.text
    device = TOTPDevice.objects.get(user=signed_up_editor, confirmed=False)
    assert setup_page.context["secret"] in setup_page.text

    response = client.post(reverse("admin:two_factor_setup"), {"token": current_code(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert can_use_admin(client)


def test_setting_up_an_app_with_a_wrong_code_leaves_it_unconfirmed(client, staff):
    client.force_login(staff)
    client.get(reverse("admin:two_factor_setup"))
    response = client.post(reverse("admin:two_factor_setup"), {"token": "000000x"})
    assert response.status_code == 200
    assert "That code is not valid" in response.text
    assert TOTPDevice.objects.filter(user=staff, confirmed=False).exists()
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_a_password_alone_cannot_add_a_second_app_to_an_account_that_has_one(client, staff):
    authenticator_app(staff)
    client.force_login(staff)
    response = client.get(reverse("admin:two_factor_setup"))
    assert response.status_code == 403
    assert "Sign out, then sign in again with a code" in response.text
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_the_set_up_page_is_only_for_signed_in_staff(client, db):
    response = client.get(reverse("admin:two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_set_up_page_is_never_cached(client, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:two_factor_setup"))
    assert "no-store" in response["Cache-Control"]


def test_the_admin_links_every_staff_member_to_two_factor_set_up(client, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert f'href="{reverse("admin:two_factor_setup")}"' in response.text


def test_without_proxies_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, staff):
    fail_to_sign_in(client, "desk", times=5)
    response = client.post(
        reverse("admin:login"),
        {"username": "desk", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert response.status_code == 429


@override_settings(NEWSROOM_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_lockout_counts_the_address_the_proxy_saw(client, staff):
    for _ in range(5):
        client.post(
            reverse("admin:login"),
            {"username": "desk", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    forged_then_real = {"HTTP_X_FORWARDED_FOR": "198.51.100.2, 203.0.113.7"}
    locked = client.post(
        reverse("admin:login"), {"username": "desk", "password": PASSWORD}, **forged_then_real
    )
    assert locked.status_code == 429
    other_reader = client.post(
        reverse("admin:login"),
        {"username": "desk", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert other_reader.status_code == 302
