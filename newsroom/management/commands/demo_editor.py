import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create or reset the local demo editor account with a new random password."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")

    def handle(self, *args, username, **options):
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name="Editor"))
        self.stdout.write(
            self.style.SUCCESS(
                "Sign in to the admin at http://127.0.0.1:8000/admin/ as the demo editor:\n"
                f"  username: {username}\n  password: {password}\n"
                "(a new password is generated each time `make run` starts)"
            )
        )
