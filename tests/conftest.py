import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command


@pytest.fixture
def demo(db):
    """The demo story and its records, as `manage.py load_demo` records them."""
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="not-used", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def reporter(django_user_model):
    user = django_user_model.objects.create_user("reporter", password="not-used", is_staff=True)
    user.groups.add(Group.objects.get(name="Reporter"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
