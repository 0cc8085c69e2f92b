"""The newsroom's two roles. Editors may do everything to stories and records, including
publishing; reporters may write and edit but neither publish nor delete."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NEWSROOM_APPS = ["newsroom", "people", "cases"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    newsroom_permissions = Permission.objects.filter(content_type__app_label__in=NEWSROOM_APPS)

    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.add(*newsroom_permissions)

    reporter, _ = Group.objects.get_or_create(name="Reporter")
    reporter.permissions.add(
        *newsroom_permissions.exclude(codename__startswith="delete_").exclude(
            codename__startswith="publish_"
        )
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Reporter"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_initial"),
        ("people", "0001_initial"),
        ("cases", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
