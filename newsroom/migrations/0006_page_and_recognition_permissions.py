"""The permissions of pages (newsroom.Page) and recognitions (people.Recognition) for the
editorial groups, as 0002 and 0004 gave those of the models that existed then: Editor and
Managing editor get them all, Reporter all but delete and publish."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NEW_MODELS = [("newsroom", "page"), ("people", "recognition")]


def grant_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    new_permissions = Permission.objects.none()
    for app_label, model in NEW_MODELS:
        new_permissions |= Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model
        )
    for group in Group.objects.filter(name__in=["Editor", "Managing editor"]):
        group.permissions.add(*new_permissions)
    for group in Group.objects.filter(name="Reporter"):
        group.permissions.add(
            *new_permissions.exclude(codename__startswith="delete_").exclude(
                codename__startswith="publish_"
            )
        )


def revoke_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for app_label, model in NEW_MODELS:
        permissions = Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model
        )
        for group in apps.get_model("auth", "Group").objects.all():
            group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0005_page"),
        ("newsroom", "0004_managing_editor_group"),
        ("people", "0004_person_sort_name_and_recognition"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, revoke_permissions)]
