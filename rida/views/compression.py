"""Compressed responses (Flask-Compress): brotli or gzip, as the browser asks.

Only text that compresses well is compressed: pages, JSON, scripts, style sheets, SVG,
plain text and calendars. Never a live stream (``text/event-stream``: each event must
leave at once, not wait in a compressor's buffer) nor a download that is already
compressed (DOCX, XLSX, ZIP, PDF), nor a CSV export: their media types are not listed.
A compressed response's strong ETag gets the encoding appended (``"…:br"``) and the
conditional request is evaluated again on it, so that ``If-None-Match`` still answers
304. ``RIDA_COMPRESSION=0`` turns it off (a reverse proxy that compresses already).
"""

from __future__ import annotations

from flask import Flask, Response
from flask_compress import Compress

MEDIA_TYPES = (
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "text/plain",
    "text/calendar",
)
# Never compressed, whatever the list above becomes (checked by the tests).
NEVER = ("text/event-stream",)
ALGORITHMS = ["br", "gzip"]


def init_app(app: Flask) -> None:
    """Register the compressor; call it before any other ``after_request`` hook, so that
    it runs last and compresses the final response."""
    if not app.config.get("COMPRESSION", True):
        return
    app.config.update(
        COMPRESS_MIMETYPES=list(MEDIA_TYPES),
        COMPRESS_ALGORITHM=ALGORITHMS,
        # Static files are streamed by Flask: compressed chunk by chunk, never buffered.
        COMPRESS_STREAMS=True,
        COMPRESS_ALGORITHM_STREAMING=ALGORITHMS,
        COMPRESS_EVALUATE_CONDITIONAL_REQUEST=True,
        COMPRESS_STREAMING_ENDPOINT_CONDITIONAL=["static"],
        COMPRESS_LEVEL=6,
        COMPRESS_BR_LEVEL=4,
    )
    Compress(app)

    @app.after_request  # registered after the compressor: runs before it
    def close_the_original(response: Response) -> Response:
        """A streamed response (a static file) compressed chunk by chunk has its body
        replaced by the compressor's generator: the file it read from must still be
        closed when the response is (closing twice is harmless)."""
        if response.is_streamed:
            close = getattr(response.response, "close", None)
            if close is not None:
                response.call_on_close(close)
        return response
