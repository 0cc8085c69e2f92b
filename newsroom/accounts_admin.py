"""The Users admin: managing editors add and remove the newsroom's reporters and editors.

Django's UserAdmin would let anyone who may change users make an account superuser, give it any
permission or change a superuser's password. For everyone but superusers this subclass offers
only what a newsroom role needs (username, names, email, active, password, and groups limited
to NEWSROOM_GROUPS), sets `is_staff` from those groups, and leaves read-only every account with
more rights than that (superusers, accounts with their own permissions or other groups).
Superusers keep Django's full form.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

User = get_user_model()

# The groups a managing editor may give (newsroom/migrations/0002 and 0004 create them).
NEWSROOM_GROUPS = ["Reporter", "Editor", "Managing editor"]

# An account's own sign-in devices go with it; deleting it needs no permission on them.
OWN_DEVICE_MODELS = [TOTPDevice, StaticDevice, StaticToken]


class NewsroomUserAdmin(UserAdmin):
    newsroom_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (gettext_lazy("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (
            gettext_lazy("Newsroom role"),
            {
                "fields": ("is_active", "groups"),
                "description": gettext_lazy(
                    "Reporters write and submit stories; editors also publish; managing editors "
                    "also manage these accounts. An account with a role may sign in to the admin."
                ),
            },
        ),
        (gettext_lazy("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    newsroom_add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (gettext_lazy("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (gettext_lazy("Newsroom role"), {"fields": ("groups",)}),
    )
    list_display = ("username", "email", "first_name", "last_name", "roles", "is_active")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=gettext_lazy("roles"))
    def roles(self, user):
        names = sorted(group.name for group in user.groups.all())
        if user.is_superuser:
            names.insert(0, gettext("superuser"))
        return ", ".join(names) or "—"

    @staticmethod
    def may_manage(request, account):
        """Whether the user may change or delete `account`: superusers any; everyone else only
        accounts whose rights they could give themselves (newsroom groups, nothing more)."""
        if request.user.is_superuser:
            return True
        return not (
            account.is_superuser
            or account.user_permissions.exists()
            or account.groups.exclude(name__in=NEWSROOM_GROUPS).exists()
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self.may_manage(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not self.may_manage(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.newsroom_fieldsets if obj is not None else self.newsroom_add_fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["last_login", "date_joined"]
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=NEWSROOM_GROUPS).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            # The form has no such field; this holds whatever else changed the object.
            if obj.is_superuser:
                raise PermissionDenied
            # Staff (may sign in to the admin) exactly when the account has a newsroom role.
            obj.is_staff = bool(form.cleaned_data.get("groups"))
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed -= {model._meta.verbose_name for model in OWN_DEVICE_MODELS}
        # The bulk "delete selected" action checks no single account: refuse here.
        if any(not self.may_manage(request, account) for account in objs):
            perms_needed.add(gettext("accounts with more rights than a newsroom role"))
        return deleted, model_count, perms_needed, protected


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, NewsroomUserAdmin)
