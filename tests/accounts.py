"""The editorial groups, as the migrations make them, for tests that sign people in.

A transactional test (the browser tests' live server, a mail sent on commit) empties every table
when it ends, the groups that migrations created included. Tests that run after it on the same
worker find the groups gone; `editorial_group()` makes them again with the migrations' own code.
"""

import importlib

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client

GROUP_MIGRATIONS = [
    ("newsroom.migrations.0002_editorial_groups", "create_groups"),
    ("newsroom.migrations.0004_managing_editor_group", "create_group"),
]


def editorial_group(name):
    """The group named `name` (Editor, Reporter, Managing editor), made again if missing."""
    if not Group.objects.filter(name=name).exists():
        apps = MigrationLoader(connection).project_state().apps
        for module, function in GROUP_MIGRATIONS:
            getattr(importlib.import_module(module), function)(apps, None)
    return Group.objects.get(name=name)


def signed_in_editor(django_user_model, username):
    """A test client signed in as a new editor called `username`."""
    user = django_user_model.objects.create_user(username, password="not-used", is_staff=True)
    user.groups.add(editorial_group("Editor"))
    client = Client()
    client.force_login(user)
    return client
