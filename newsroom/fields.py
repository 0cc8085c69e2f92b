from django.db import models


class HttpsURLField(models.URLField):
    """A URL field whose form assumes https:// when an editor leaves out the scheme."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
