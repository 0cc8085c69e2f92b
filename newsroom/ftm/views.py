from django.http import StreamingHttpResponse
from django.views.decorators.http import require_safe

from newsroom.ftm.entities import export_lines

FILE_NAME = "entities.ftm.json"


@require_safe
def ftm_export(request):
    """The public dataset as FollowTheMoney entities, one JSON object a line, streamed."""
    lines = (line.encode() for line in export_lines(request.build_absolute_uri("/")))
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{FILE_NAME}"'
    return response
