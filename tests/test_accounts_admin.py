"""Accounts: managing editors add, change and remove reporters, editors and managing editors,
and can give no more rights than those three roles.

Every role (anonymous, reporter, editor, managing editor, superuser) against every Users admin
URL, valid forms read from the rendered page and posted back whole, and tampered posts.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.history_forms import form_data

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple-42"
ROLES = ["anonymous", "reporter", "editor", "managing_editor", "superuser"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Five accounts per test: a slow hasher would make this module take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def user_url(view, *args):
    return reverse(f"admin:auth_user_{view}", args=args)


def signed_in(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def account(django_user_model, username, *groups, **fields):
    user = django_user_model.objects.create_user(
        username, password=PASSWORD, is_staff=bool(groups), **fields
    )
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def people(django_user_model):
    return {
        "anonymous": None,
        "reporter": account(django_user_model, "rita", "Reporter"),
        "editor": account(django_user_model, "ed", "Editor"),
        "managing_editor": account(django_user_model, "maria", "Managing editor"),
        "superuser": django_user_model.objects.create_superuser("root", password=PASSWORD),
    }


@pytest.fixture
def managing_editor(people):
    return signed_in(people["managing_editor"])


def test_the_managing_editor_group_has_the_editor_permissions_and_the_user_permissions():
    editor = set(Group.objects.get(name="Editor").permissions.all())
    managing = set(Group.objects.get(name="Managing editor").permissions.all())
    assert editor < managing
    assert {f"{p.content_type.app_label}.{p.codename}" for p in managing - editor} == {
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.delete_user",
    }


# Every role against every URL -------------------------------------------------------------

# What each role gets, GET: target a reporter's account / a superuser's account.
EXPECTED = {
    "anonymous": {"own": 302, "superuser": 302},
    "reporter": {"own": 403, "superuser": 403},
    "editor": {"own": 403, "superuser": 403},
    "managing_editor": {"own": 200, "superuser": 200},  # the superuser's page: read-only
    "superuser": {"own": 200, "superuser": 200},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_the_list_and_add_pages_by_role(people, role, view):
    response = signed_in(people[role]).get(user_url(view))
    expected = EXPECTED[role]["own"]
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["reporter", "superuser"])
def test_the_change_page_by_role(people, role, target):
    response = signed_in(people[role]).get(user_url("change", people[target].pk))
    expected = EXPECTED[role]["own" if target == "reporter" else "superuser"]
    assert response.status_code == expected
    if expected == 200:
        may_change = role == "superuser" or target == "reporter"
        assert response.context["has_change_permission"] is may_change


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["reporter", "superuser"])
@pytest.mark.parametrize("view", ["delete", "password_change"])
def test_the_delete_and_password_pages_by_role(people, role, target, view):
    response = signed_in(people[role]).get(user_url(view, people[target].pk))
    if role == "anonymous":
        assert response.status_code == 302
    elif role == "superuser" or (role == "managing_editor" and target == "reporter"):
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["reporter", "editor"])
def test_reporters_and_editors_cannot_add_an_account(people, role, django_user_model):
    response = signed_in(people[role]).post(
        user_url("add"),
        {"username": "intruder", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 403
    assert not django_user_model.objects.filter(username="intruder").exists()


# A managing editor's work, with valid forms -------------------------------------------------


def post_add_form(client, **fields):
    page = client.get(user_url("add"))
    assert page.status_code == 200
    data = form_data(page, "user_form")
    data.update(fields)
    return client.post(user_url("add"), data)


def post_change_form(client, user, **fields):
    page = client.get(user_url("change", user.pk))
    assert page.status_code == 200
    data = form_data(page, "user_form")
    data.update(fields)
    return client.post(user_url("change", user.pk), data)


def group_ids(*names):
    return [str(pk) for pk in Group.objects.filter(name__in=names).values_list("pk", flat=True)]


def test_the_add_form_offers_only_the_newsroom_fields_and_groups(managing_editor, people):
    page = managing_editor.get(user_url("add"))
    form = page.context["adminform"].form
    assert set(form.fields) == {
        "username",
        "usable_password",
        "password1",
        "password2",
        "first_name",
        "last_name",
        "email",
        "groups",
    }
    assert sorted(group.name for group in form.fields["groups"].queryset) == [
        "Editor",
        "Managing editor",
        "Reporter",
    ]


def test_a_managing_editor_adds_a_reporter_who_can_then_use_the_admin(
    managing_editor, django_user_model
):
    response = post_add_form(
        managing_editor,
        username="newreporter",
        password1=PASSWORD,
        password2=PASSWORD,
        first_name="New",
        last_name="Reporter",
        email="new@example.org",
        groups=group_ids("Reporter"),
    )
    assert response.status_code == 302
    user = django_user_model.objects.get(username="newreporter")
    assert (user.is_staff, user.is_superuser, user.email) == (True, False, "new@example.org")
    assert [group.name for group in user.groups.all()] == ["Reporter"]
    assert user.check_password(PASSWORD)
    assert signed_in(user).get("/admin/").status_code == 200


def test_a_managing_editor_makes_a_reporter_an_editor(managing_editor, people):
    reporter = people["reporter"]
    response = post_change_form(managing_editor, reporter, groups=group_ids("Editor"))
    assert response.status_code == 302
    assert [group.name for group in reporter.groups.all()] == ["Editor"]


def test_removing_every_role_takes_away_admin_access(managing_editor, people):
    reporter = people["reporter"]
    data = form_data(managing_editor.get(user_url("change", reporter.pk)), "user_form")
    data.pop("groups")
    assert managing_editor.post(user_url("change", reporter.pk), data).status_code == 302
    reporter.refresh_from_db()
    assert reporter.is_staff is False
    assert signed_in(reporter).get("/admin/").status_code == 302


def test_a_managing_editor_deactivates_a_reporter(managing_editor, people):
    reporter = people["reporter"]
    data = form_data(managing_editor.get(user_url("change", reporter.pk)), "user_form")
    data.pop("is_active")
    assert managing_editor.post(user_url("change", reporter.pk), data).status_code == 302
    reporter.refresh_from_db()
    assert reporter.is_active is False


def test_a_managing_editor_resets_a_reporters_password(managing_editor, people):
    reporter = people["reporter"]
    url = user_url("password_change", reporter.pk)
    data = form_data(managing_editor.get(url), "user_form")
    data.update(password1="another-long-passphrase-77", password2="another-long-passphrase-77")
    assert managing_editor.post(url, data).status_code == 302
    reporter.refresh_from_db()
    assert reporter.check_password("another-long-passphrase-77")


def test_a_managing_editor_removes_a_reporter_with_an_authenticator_app(
    managing_editor, people, django_user_model
):
    reporter = people["reporter"]
    TOTPDevice.objects.create(user=reporter, name="Phone", confirmed=True)
    url = user_url("delete", reporter.pk)
    page = managing_editor.get(url)
    assert page.status_code == 200
    assert not page.context["perms_lacking"]
    assert managing_editor.post(url, {"post": "yes"}).status_code == 302
    assert not django_user_model.objects.filter(pk=reporter.pk).exists()


# Tampered posts -----------------------------------------------------------------------------


def test_an_added_account_posted_as_superuser_with_permissions_gets_neither(
    managing_editor, django_user_model
):
    permission = Permission.objects.get(codename="change_group")
    response = post_add_form(
        managing_editor,
        username="sneaky",
        password1=PASSWORD,
        password2=PASSWORD,
        groups=group_ids("Reporter"),
        is_superuser="on",
        is_staff="on",
        user_permissions=[str(permission.pk)],
    )
    assert response.status_code == 302
    user = django_user_model.objects.get(username="sneaky")
    assert user.is_superuser is False
    assert not user.user_permissions.exists()
    assert not user.has_perm("auth.change_group")


def test_a_changed_account_posted_as_superuser_with_permissions_gets_neither(
    managing_editor, people
):
    permission = Permission.objects.get(codename="change_group")
    reporter = people["reporter"]
    response = post_change_form(
        managing_editor,
        reporter,
        is_superuser="on",
        user_permissions=[str(permission.pk)],
    )
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert reporter.is_superuser is False
    assert not reporter.user_permissions.exists()


def test_a_managing_editor_cannot_make_themselves_superuser(managing_editor, people):
    me = people["managing_editor"]
    assert post_change_form(managing_editor, me, is_superuser="on").status_code == 302
    me.refresh_from_db()
    assert me.is_superuser is False


def test_a_group_outside_the_newsroom_roles_is_refused(managing_editor, people):
    admins = Group.objects.create(name="Administrators")
    admins.permissions.add(Permission.objects.get(codename="change_group"))
    reporter = people["reporter"]
    response = post_change_form(managing_editor, reporter, groups=[str(admins.pk)])
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert list(reporter.groups.values_list("name", flat=True)) == ["Reporter"]
    response = post_add_form(
        managing_editor,
        username="admin2",
        password1=PASSWORD,
        password2=PASSWORD,
        groups=[str(admins.pk)],
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_a_superusers_account_cannot_be_changed_by_a_managing_editor(managing_editor, people):
    root = people["superuser"]
    page = managing_editor.get(user_url("change", root.pk))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    response = managing_editor.post(
        user_url("change", root.pk),
        {"username": "root", "email": "taken@example.org", "is_active": ""},
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert (root.email, root.is_active) == ("", True)


def test_a_superusers_password_cannot_be_changed_by_a_managing_editor(managing_editor, people):
    root = people["superuser"]
    response = managing_editor.post(
        user_url("password_change", root.pk),
        {"password1": "hijacked-passphrase-99", "password2": "hijacked-passphrase-99"},
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password(PASSWORD)


def test_a_superuser_cannot_be_deleted_by_a_managing_editor(
    managing_editor, people, django_user_model
):
    root = people["superuser"]
    assert managing_editor.post(user_url("delete", root.pk), {"post": "yes"}).status_code == 403
    response = managing_editor.post(
        user_url("changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [root.pk, people["reporter"].pk],
            "post": "yes",
        },
    )
    assert response.status_code == 403
    assert django_user_model.objects.filter(pk__in=[root.pk, people["reporter"].pk]).count() == 2


def test_an_account_with_its_own_permissions_is_read_only_to_a_managing_editor(
    managing_editor, django_user_model
):
    developer = account(django_user_model, "dev")
    developer.user_permissions.add(Permission.objects.get(codename="change_group"))
    response = managing_editor.post(
        user_url("password_change", developer.pk),
        {"password1": "hijacked-passphrase-99", "password2": "hijacked-passphrase-99"},
    )
    assert response.status_code == 403
    developer.refresh_from_db()
    assert developer.check_password(PASSWORD)


def test_a_managing_editor_cannot_reach_the_groups_admin(managing_editor):
    assert managing_editor.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_a_superuser_still_gets_djangos_full_form(people):
    page = signed_in(people["superuser"]).get(user_url("change", people["reporter"].pk))
    form = page.context["adminform"].form
    assert {"is_superuser", "is_staff", "user_permissions"} <= set(form.fields)
