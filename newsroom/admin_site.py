"""The admin site's sign-in: throttled by django-axes, with optional TOTP two-factor codes.

`NewsroomAdminSite` replaces Django's default site (see `newsroom.apps.NewsroomAdminConfig`), so
`admin.site` and `@admin.register` keep working everywhere. Staff who have set up an authenticator
app give its code when they sign in. With NEWSROOM_REQUIRE_2FA on, every staff account (reporters
too: they read withheld names) must have done so to use the admin or a staff preview, and adding
the first app needs a one-time enrolment code from an administrator
(`manage.py issue_enrolment_code USERNAME`), not the password alone.
"""

import base64
import datetime
import math
import re
import secrets
from functools import partial

import qrcode
import qrcode.image.svg
from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# The one-time code an administrator issues so that a staff member can add a first authenticator
# app: a django-otp static device that is never confirmed, so django-otp never offers it for
# signing in, and that is deleted as soon as its code is used.
ENROLMENT_DEVICE_NAME = "Enrolment code"
ENROLMENT_CODE_LIFETIME = datetime.timedelta(hours=24)
# Set in the session once the enrolment code was accepted: the user's pk.
ENROLMENT_SESSION_KEY = "newsroom_two_factor_enrolment"


def two_factor_required(user):
    """Whether this user may use the admin and staff previews only after giving an authenticator
    code: with NEWSROOM_REQUIRE_2FA on, every staff account."""
    return bool(
        settings.NEWSROOM_REQUIRE_2FA
        and user.is_authenticated
        and (user.is_staff or user.is_superuser)
    )


def is_verified(user):
    """Whether this session's user gave an authenticator code (set by django-otp's middleware)."""
    verified = getattr(user, "is_verified", None)
    return callable(verified) and verified()


def passes_two_factor(user):
    """Whether this session may see staff-only content as far as two-factor sign-in goes."""
    return not two_factor_required(user) or is_verified(user)


def issue_enrolment_code(user):
    """A new one-time code that lets `user` add their first authenticator app, valid for
    ENROLMENT_CODE_LIFETIME; it replaces any earlier code of theirs. Returns the code."""
    StaticDevice.objects.filter(user=user, name=ENROLMENT_DEVICE_NAME).delete()
    device = StaticDevice.objects.create(user=user, name=ENROLMENT_DEVICE_NAME, confirmed=False)
    code = base64.b32encode(secrets.token_bytes(10)).decode().lower()  # 80 bits, 16 characters
    StaticToken.objects.create(device=device, token=code)
    return "-".join(code[index : index + 4] for index in range(0, len(code), 4))


def redeem_enrolment_code(user, code):
    """Whether `code` is the user's unexpired enrolment code. A matching code is used up (its
    device deleted) even when it has expired; wrong guesses are throttled by django-otp."""
    device = StaticDevice.objects.filter(
        user=user, name=ENROLMENT_DEVICE_NAME, confirmed=False
    ).first()
    if device is None or not device.verify_token(re.sub(r"[\s-]", "", code).lower()):
        return False
    device.delete()
    return device.created_at >= timezone.now() - ENROLMENT_CODE_LIFETIME


class TwoFactorAdminAuthenticationForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin sign-in form; it asks for a code only from staff who have an authenticator app."""

    otp_token = forms.CharField(
        label=gettext_lazy("Authenticator code"),
        required=False,
        max_length=16,
        help_text=gettext_lazy("Only if you have set up two-factor sign-in."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": gettext_lazy(
            "This account uses two-factor sign-in: enter the code from your authenticator app."
        ),
        "invalid_token": gettext_lazy(
            "That authenticator code is not valid. Enter the current code from your app "
            "(check that your phone's clock is right)."
        ),
    }

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        return cleaned_data

    def _verify_token(self, user, token, device=None):
        # One code field and no device picker: the code may come from any of the user's apps.
        error = forms.ValidationError(
            self.otp_error_messages["invalid_token"], code="invalid_token"
        )
        for candidate in devices_for_user(user, for_verify=True):
            try:
                return super()._verify_token(user, token, candidate)
            except forms.ValidationError as failure:
                error = failure
        raise error

    def _update_form(self, user):
        # django-otp would echo the password back into the form; staff type it again instead.
        pass


class EnrolmentCodeForm(forms.Form):
    enrolment_code = forms.CharField(
        label=gettext_lazy("Enrolment code"),
        max_length=40,
        help_text=gettext_lazy("The one-time code an administrator gave you."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def qr_code_svg(data):
    """The QR code of `data` as inline SVG markup (no style attributes, so CSP allows it)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage)
    # Safe: markup generated by qrcode from a URL it encodes as path data, not as text.
    return mark_safe(image.to_string(encoding="unicode"))


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete results labelled by the model admin's `autocomplete_label(obj)` when it has
    one: people whose name was not reported say where they appear, not only a neutral slug."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = str(label(obj))
        return result


class NewsroomAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Newsroom administration")
    site_title = gettext_lazy("Newsroom admin")
    login_form = TwoFactorAdminAuthenticationForm
    login_template = "admin/signin.html"

    def has_permission(self, request):
        user = request.user
        return super().has_permission(request) and passes_two_factor(user)

    def login(self, request, extra_context=None):
        user = request.user
        if (
            request.method == "GET"
            and user.is_active
            and user.is_staff
            and two_factor_required(user)
            and not user_has_device(user)
        ):
            # Signed in with a password, but staff must add an authenticator app first.
            return redirect("admin:two_factor_setup")
        return super().login(request, extra_context)

    # How many stories each list of the home page's review queue shows (the rest: the link).
    REVIEW_QUEUE_LENGTH = 10

    def index(self, request, extra_context=None):
        """The admin home page, led by the stories waiting for an editor and the scheduled ones
        (templates/admin/index.html)."""
        from newsroom.imports.views import may_import

        extra = {**self.review_queue(request), "may_import": may_import(request.user)}
        return super().index(request, {**extra, **(extra_context or {})})

    def review_queue(self, request):
        # Imported here: this module is loaded while the admin app starts.
        from newsroom.models import Article

        if not request.user.has_perm("newsroom.view_article"):
            return {}
        changelist = reverse("admin:newsroom_article_changelist", current_app=self.name)
        queue = {}
        for name, stories, query in [
            ("in_review", Article.objects.in_review(), "status__exact=review"),
            ("scheduled", Article.objects.scheduled(), "schedule=scheduled"),
        ]:
            shown = list(stories[: self.REVIEW_QUEUE_LENGTH])
            count = len(shown) if len(shown) < self.REVIEW_QUEUE_LENGTH else stories.count()
            queue[name] = {"stories": shown, "count": count, "url": f"{changelist}?{query}"}
        return {"review_queue": queue}

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_urls(self):
        from newsroom.imports.views import import_view

        return [
            path("two-factor/", self.two_factor_setup, name="two_factor_setup"),
            path(
                "import/",
                self.admin_view(partial(import_view, admin_site=self)),
                name="import_records",
            ),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def two_factor_setup(self, request):
        """Let a signed-in staff member add a TOTP authenticator app to their account.

        Not behind `admin_view`: staff who must use two-factor sign-in have no admin access
        until this is done. A password alone never adds a second app to an account that has one,
        nor, when two-factor sign-in is required, a first one: that needs an enrolment code.
        """
        user = request.user
        if not (user.is_active and user.is_staff):
            return redirect_to_login(
                request.get_full_path(), reverse("admin:login", current_app=self.name)
            )
        context = {
            **self.each_context(request),
            "title": gettext("Set up two-factor sign-in"),
            "required": two_factor_required(user),
        }
        if user_has_device(user) and not is_verified(user):
            context["needs_code_sign_in"] = True
            return render(request, "admin/two_factor_setup.html", context, status=403)
        if (
            context["required"]
            and not user_has_device(user)
            and request.session.get(ENROLMENT_SESSION_KEY) != user.pk
        ):
            return self.two_factor_enrolment_code(request, context)

        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name=gettext("Authenticator app"), confirmed=False
            )
        form = TokenForm(request.POST or None)
        if form.is_valid():
            if device.verify_token(form.cleaned_data["token"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                request.session.pop(ENROLMENT_SESSION_KEY, None)
                otp_login(request, device)
                messages.success(
                    request,
                    gettext("Two-factor sign-in is set up. Use a code from your app next time."),
                )
                return redirect("admin:index")
            form.add_error(
                "token", gettext("That code is not valid. Enter the current code from your app.")
            )
        context.update(
            form=form,
            secret=base64.b32encode(device.bin_key).decode(),
            qr_code=qr_code_svg(device.config_url),
        )
        return render(request, "admin/two_factor_setup.html", context)

    def two_factor_enrolment_code(self, request, context):
        """The first step of the set-up when two-factor sign-in is required: the one-time
        enrolment code, before any authenticator key is shown."""
        user = request.user
        form = EnrolmentCodeForm(request.POST or None)
        if form.is_valid():
            if redeem_enrolment_code(user, form.cleaned_data["enrolment_code"]):
                request.session[ENROLMENT_SESSION_KEY] = user.pk
                # A key made (and perhaps shown) before the code was given is never confirmed.
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                return redirect("admin:two_factor_setup")
            form.add_error(
                "enrolment_code",
                gettext(
                    "This enrolment code is not valid: it is wrong, already used or more than "
                    "%(hours)d hours old. Ask an administrator for a new one."
                )
                % {"hours": ENROLMENT_CODE_LIFETIME // datetime.timedelta(hours=1)},
            )
        context.update(enrolment_form=form)
        return render(request, "admin/two_factor_setup.html", context)


def signin_lockout_response(request, original_response=None, credentials=None):
    """The page django-axes shows after too many failed sign-ins (AXES_LOCKOUT_CALLABLE)."""
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": gettext("Sign-in locked"),
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "admin/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class SignInThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins that come with a request.

    Axes counts failures per username and client address, so it needs the request. Code that
    authenticates without one (the shell, the test client's `login()`) has no address to throttle
    and is let through to the next backend instead of failing with an error.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request):
    """The address that sign-in lockouts count against (AXES_CLIENT_IP_CALLABLE).

    Behind NEWSROOM_TRUSTED_PROXY_COUNT reverse proxies, each appends the address it received the
    request from to X-Forwarded-For, so the client is that many entries from the right; entries
    further left were written by the client and could be forged. Without proxies: REMOTE_ADDR.
    """
    proxy_count = settings.NEWSROOM_TRUSTED_PROXY_COUNT
    forwarded_for = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if proxy_count and len(forwarded_for) >= proxy_count:
        return forwarded_for[-proxy_count]
    return request.META.get("REMOTE_ADDR")
