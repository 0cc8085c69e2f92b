"""The Managing editor role: everything an editor may do, plus adding, changing and removing the
accounts of reporters, editors and other managing editors (newsroom/accounts_admin.py keeps them
to those three groups: no superuser, staff-only or arbitrary permissions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGING_EDITOR = "Managing editor"
USER_PERMISSIONS = ["view_user", "add_user", "change_user", "delete_user"]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    managing_editor, _ = Group.objects.get_or_create(name=MANAGING_EDITOR)
    editor = Group.objects.filter(name="Editor").first()
    if editor is not None:
        managing_editor.permissions.add(*editor.permissions.all())
    managing_editor.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="auth",
            content_type__model="user",
            codename__in=USER_PERMISSIONS,
        )
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MANAGING_EDITOR).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0003_lead_image_checks"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
