"""Give a staff member the one-time code they need to add their first authenticator app.

With DJANGO_REQUIRE_2FA=1 a password alone cannot add an authenticator app (whoever learnt a
password could otherwise add their own). An administrator runs this command, passes the printed
code to the staff member by another channel than their e-mail, and they enter it at
/admin/two-factor/. The code works once, for 24 hours; issuing a new one cancels the old one.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_otp import user_has_device

from newsroom.admin_site import ENROLMENT_CODE_LIFETIME, issue_enrolment_code


class Command(BaseCommand):
    help = "Print a one-time code with which a staff member can add a first authenticator app."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"There is no user {username!r}.") from None
        if not (user.is_active and user.is_staff):
            raise CommandError(f"{username!r} is not an active staff account.")
        if user_has_device(user):
            self.stderr.write(
                f"{username!r} already has an authenticator app; the code only adds a first one. "
                "To replace a lost phone, delete the old device in the admin "
                "(OTP_TOTP, TOTP devices) first."
            )
        code = issue_enrolment_code(user)
        expires = timezone.localtime(timezone.now() + ENROLMENT_CODE_LIFETIME)
        self.stdout.write(code)
        self.stdout.write(
            f"Valid once, until {expires:%Y-%m-%d %H:%M %Z}, "
            f"for {username!r} at /admin/two-factor/."
        )
