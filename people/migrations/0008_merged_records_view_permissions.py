"""Editorial groups may see (not change) the addresses and records merged into a person, which
the person page shows read-only (people/admin.py): an inline needs its model's view permission."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["personredirect", "mergedperson"]
GROUPS = ["Editor", "Managing editor", "Reporter"]


def grant_view_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="people",
        content_type__model__in=MODELS,
        codename__startswith="view_",
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke_view_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="people", content_type__model__in=MODELS
    )
    for group in apps.get_model("auth", "Group").objects.all():
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_merged_person"),
        ("newsroom", "0006_page_and_recognition_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant_view_permissions, revoke_view_permissions)]
