# The module, not the class: a class imported here would be taken as the "newsroom" app's config.
from django.contrib.admin import apps as admin_apps


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin app with the newsroom's admin site (sign-in with optional 2FA codes)."""

    # Not the configuration of the "newsroom" app itself, even though it lives in its apps.py.
    default = False
    default_site = "newsroom.admin_site.NewsroomAdminSite"
