"""Staff preview of unpublished stories and records at their real URL.

Staff with the model's view permission see an unpublished story or a not-public record where
readers will later see it, with a banner saying it is not public, `noindex`, and headers that
keep every cache from storing it. Everyone else gets the same 404 as for a page that does not
exist: a 403 would tell them that it does. That includes staff signed in without the
authenticator code that NEWSROOM_REQUIRE_2FA demands (the admin refuses them too). A public page
stays an ordinary, cacheable page whoever looks at it.
"""

from django.http import Http404
from django.utils.cache import add_never_cache_headers

from newsroom.admin_site import passes_two_factor


def can_preview(user, model):
    opts = model._meta
    return (
        user.is_active
        and user.is_staff
        and passes_two_factor(user)
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )


class StaffPreviewMixin:
    """For a DetailView whose get_queryset() returns what readers may see.

    When the public queryset has no such object and the user may preview, the object comes from
    get_preview_queryset() instead (every row of the model; override it to add the same
    select_related/prefetch_related as the public page), and the page is marked as a preview:
    `preview` is true in the context (base.html then shows the banner and `noindex`), and the
    response carries `X-Robots-Tag: noindex` and never-cache headers.
    """

    is_preview = False

    def get_preview_queryset(self):
        return self.get_queryset().model._default_manager.all()

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            if queryset is not None or not can_preview(
                self.request.user, self.get_queryset().model
            ):
                raise
        obj = super().get_object(self.get_preview_queryset())
        self.is_preview = True
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = self.is_preview
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.is_preview:
            response["X-Robots-Tag"] = "noindex"
            add_never_cache_headers(response)
        return response
