from django.apps import AppConfig

# The module, not the class: AdminConfig imported here would be taken as the app's config.
from django.contrib.admin import apps as admin_apps


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin app with the newsroom's admin site (sign-in with optional 2FA codes)."""

    # Not the configuration of the "newsroom" app itself, even though it lives in its apps.py.
    default = False
    default_site = "newsroom.admin_site.NewsroomAdminSite"


class NewsroomConfig(AppConfig):
    name = "newsroom"

    def ready(self):
        # Any change readers may see makes the shared page cache fresh, from the admin, a
        # management command or a shell alike.
        from newsroom import page_cache

        page_cache.connect_signals()
