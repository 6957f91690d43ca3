"""Serving stored files (task notes, FAQs, canned responses) the way the ticket thread serves its own."""

from __future__ import annotations

from django.http import FileResponse, Http404

from tickets.models import Attachment
from tickets.thread import is_inline_image, media_type


def serve(item: Attachment) -> FileResponse:
    """The file of an attachment the caller already checked access to; only plain raster images open inline."""
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    inline = is_inline_image(item)
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=item.safe_name,
        content_type=media_type(item) if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
