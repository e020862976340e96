"""The figures of a meeting: PNG or JPEG images uploaded in the editor, kept in the
database with the meeting, referenced from its Markdown (*Résultats*, comments…) as
``![texte alternatif](figure:N)``.

An upload is checked before it is kept (:func:`check`): its real format (read from the
bytes, not from the name), its size (:data:`MAX_BYTES`), its pixels (:data:`MAX_PIXELS`,
read from the header before any decoding: a decompression bomb is refused without being
expanded), then the whole image is decoded once (a truncated or corrupt file is
refused). Every refusal is a :class:`FigureError` in French.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError
from sqlalchemy import func
from sqlmodel import Session, col, select

from rida.fields import FieldError, ValidationError
from rida.models import Figure, Meeting, User

MAX_BYTES = 2_000_000
MAX_PIXELS = 16_000_000  # 4000 × 4000
MAX_SIDE = 10_000
MAX_PER_MEETING = 30
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}
DOC_KEY = "x-rida-figures"


class FigureError(ValueError):
    """A figure refused; ``message`` says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Checked:
    media_type: str
    width: int
    height: int


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} Mo".replace(".", ",")


def check(data: bytes) -> Checked:
    """The format and dimensions of an image, or :class:`FigureError`."""
    if not data:
        raise FigureError("Le fichier est vide.")
    if len(data) > MAX_BYTES:
        raise FigureError(f"Image trop lourde ({_size(len(data))}) : {_size(MAX_BYTES)} au plus.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=tuple(MEDIA_TYPES)) as image:
                width, height = image.size
                if width < 1 or height < 1 or max(width, height) > MAX_SIDE:
                    raise FigureError(
                        f"Dimensions refusées ({width} × {height} pixels) : "
                        f"{MAX_SIDE} pixels de côté au plus."
                    )
                if width * height > MAX_PIXELS:
                    raise FigureError(
                        f"Image trop grande ({width} × {height} pixels) : "
                        f"{MAX_PIXELS // 1_000_000} millions de pixels au plus."
                    )
                media_type = MEDIA_TYPES[str(image.format)]
                image.load()  # decodes it all: a truncated or corrupt file fails here
        except FigureError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise FigureError(
                f"Image refusée : trop de pixels ({MAX_PIXELS // 1_000_000} millions au plus)."
            ) from None
        except UnidentifiedImageError:
            raise FigureError(
                "Format non reconnu : seules les images PNG et JPEG sont acceptées."
            ) from None
        except (OSError, SyntaxError, ValueError) as e:
            raise FigureError(f"Image illisible ou incomplète ({e}).") from None
    return Checked(media_type, width, height)


def for_meeting(session: Session, meeting_id: int | None) -> list[Figure]:
    return list(
        session.exec(
            select(Figure).where(Figure.meeting_id == meeting_id).order_by(col(Figure.number))
        ).all()
    )


@dataclass(frozen=True)
class Listed:
    """A figure without its bytes: what a page needs to point at it."""

    number: int
    media_type: str
    width: int
    height: int


def listed(session: Session, meeting_id: int | None) -> list[Listed]:
    """The figures of a meeting by number, their bytes left in the database."""
    rows = session.exec(
        select(Figure.number, Figure.media_type, Figure.width, Figure.height)
        .where(Figure.meeting_id == meeting_id)
        .order_by(col(Figure.number))
    ).all()
    return [Listed(*row) for row in rows]


def find(session: Session, meeting_id: int, number: int) -> Figure | None:
    return session.exec(
        select(Figure).where(Figure.meeting_id == meeting_id, Figure.number == number)
    ).first()


def add(
    session: Session,
    meeting: Meeting,
    data: bytes,
    user: User | None,
    *,
    number: int | None = None,
) -> Figure:
    """Keep ``data`` (checked) as the next figure of ``meeting`` (or as ``number``)."""
    found = check(data)
    count = session.exec(select(func.count()).where(Figure.meeting_id == meeting.id)).one()
    if count >= MAX_PER_MEETING:
        raise FigureError(f"Cette réunion a déjà {MAX_PER_MEETING} figures, le maximum.")
    if number is None:
        last = session.exec(
            select(func.max(Figure.number)).where(Figure.meeting_id == meeting.id)
        ).one()
        number = (last or 0) + 1
    assert meeting.id is not None
    figure = Figure(
        meeting_id=meeting.id,
        number=number,
        media_type=found.media_type,
        width=found.width,
        height=found.height,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=user.id if user is not None else None,
    )
    session.add(figure)
    session.flush()
    return figure


def remove(session: Session, meeting: Meeting, number: int) -> bool:
    """Delete figure ``number`` of ``meeting`` (audited as any deletion); False: none.
    The Markdown that pointed at it is left as typed (the editor takes it out)."""
    assert meeting.id is not None
    found = find(session, meeting.id, number)
    if found is None:
        return False
    session.delete(found)
    session.flush()
    return True


def reference(figure: Figure, alt: str = "") -> str:
    """The Markdown that shows ``figure``."""
    text = " ".join(alt.replace("[", "(").replace("]", ")").split())
    return f"![{text}](figure:{figure.number})"


def document_items(figures: list[Figure]) -> list[dict[str, Any]]:
    """The ``x-rida-figures`` value of a rida/1 document."""
    return [
        {
            "number": f.number,
            "media_type": f.media_type,
            "width": f.width,
            "height": f.height,
            "sha256": f.sha256,
            "data": base64.b64encode(f.data).decode("ascii"),
        }
        for f in figures
    ]


def parse_items(value: Any) -> list[tuple[int, bytes]]:
    """``x-rida-figures`` of an imported document: (number, image bytes) checked, or a
    :class:`rida.fields.ValidationError` with each error's path."""
    errors: list[FieldError] = []
    found: list[tuple[int, bytes]] = []
    if not isinstance(value, list):
        raise ValidationError([FieldError(DOC_KEY, "liste attendue")])
    if len(value) > MAX_PER_MEETING:
        raise ValidationError(
            [FieldError(DOC_KEY, f"trop de figures ({len(value)}, {MAX_PER_MEETING} au plus)")]
        )
    numbers: set[int] = set()
    for i, item in enumerate(value):
        path = f"{DOC_KEY}[{i}]"
        if not isinstance(item, dict):
            errors.append(FieldError(path, "objet attendu"))
            continue
        number = item.get("number")
        if type(number) is not int or not 1 <= number <= 100_000 or number in numbers:
            errors.append(FieldError(f"{path}.number", "entier positif unique attendu"))
            continue
        numbers.add(number)
        raw = item.get("data")
        try:
            data = base64.b64decode(raw if isinstance(raw, str) else "", validate=True)
        except (binascii.Error, ValueError):
            errors.append(FieldError(f"{path}.data", "image en base64 attendue"))
            continue
        try:
            check(data)
        except FigureError as e:
            errors.append(FieldError(f"{path}.data", e.message))
            continue
        found.append((number, data))
    if errors:
        raise ValidationError(errors)
    return found
