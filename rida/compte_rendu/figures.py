"""The figures of a compte-rendu, read from its ``rida/1`` document (``x-rida-figures``,
see :mod:`rida.meetings.figures`) for the writers: a Markdown image whose target is
``figure:N`` shows figure N, at the width of the page."""

from __future__ import annotations

import base64
import binascii
import html
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DOC_KEY = "x-rida-figures"
SCHEME = "figure:"
# `![alt](figure:3)` as typed in a Markdown field.
REFERENCE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?figure:(\d{1,6})>?\s*\)")
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}


@dataclass(frozen=True)
class Picture:
    number: int
    media_type: str
    width: int
    height: int
    data: bytes

    @property
    def file_name(self) -> str:
        return f"figure-{self.number}.{EXTENSIONS.get(self.media_type, 'bin')}"

    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


def pictures(doc: dict[str, Any]) -> dict[int, Picture]:
    """The figures of ``doc`` by number (an item that cannot be read is left out)."""
    found: dict[int, Picture] = {}
    items = doc.get(DOC_KEY)
    for item in items if isinstance(items, list) else []:
        try:
            picture = Picture(
                int(item["number"]),
                str(item["media_type"]),
                int(item["width"]),
                int(item["height"]),
                base64.b64decode(item["data"], validate=True),
            )
        except (KeyError, TypeError, ValueError, binascii.Error):
            continue
        if picture.media_type in EXTENSIONS:
            found[picture.number] = picture
    return found


def number(src: str | None) -> int | None:
    """N for a target ``figure:N``, else None."""
    if src and src.strip().startswith(SCHEME):
        digits = src.strip()[len(SCHEME) :]
        if digits.isdigit() and len(digits) <= 6:
            return int(digits)
    return None


def with_html_images(
    text: str | None,
    known: dict[int, Picture],
    render: Callable[[str], str],
    src_of: Callable[[Picture], str],
) -> str:
    """``render(text)`` (Markdown to sanitised HTML) with each ``![alt](figure:N)`` of a
    known figure shown as an ``<img>`` whose source is ``src_of(figure)``: the
    references are set aside as plain words before rendering (the sanitiser allows no
    image), then replaced in the result."""
    if not text:
        return ""
    images: list[str] = []
    mark = f"RIDAFIGURE{secrets.token_hex(8)}N"  # a word the text cannot already hold

    def aside(match: re.Match[str]) -> str:
        picture = known.get(int(match.group(2)))
        if picture is None:
            return match.group(0)
        alt = html.escape(match.group(1).strip(), quote=True)
        images.append(
            f'<img class="figure" src="{html.escape(src_of(picture), quote=True)}" alt="{alt}"'
            f' width="{picture.width}" height="{picture.height}">'
        )
        return f"{mark}{len(images) - 1}X"

    rendered = render(REFERENCE.sub(aside, text))
    return re.sub(
        re.escape(mark) + r"(\d+)X",
        lambda m: images[int(m.group(1))] if int(m.group(1)) < len(images) else "",
        rendered,
    )
