"""Checking a ``rida/1`` document: every error collected with its field path, the
document normalised (strings trimmed, defaults filled in, empty optional values as
``null``, rows in number order, each person spelt as at its first mention)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rida import fields
from rida.fields import FieldError, ValidationError
from rida.meetings import people
from rida.meetings.people import person_key
from rida.models import (
    ACTION_KINDS,
    ACTION_STATUSES,
    ATTENDANCES,
    CLASSIFICATIONS,
    NATURES,
    STATUSES,
    WORDING_KEY,
    WORDING_NAMES,
)

FORMAT = "rida/1"
TOP_KEYS = (
    "format",
    "id",
    "series",
    "title",
    "subject",
    "meeting_type",
    "date",
    "start_time",
    "end_time",
    "location",
    "status",
    "classification",
    "version",
    "organiser",
    "rapporteur",
    "reference_documents",
    "participants",
    "objectives",
    "summary",
    "rida",
    "comments",
    "results",
    "actions",
)
PERSON_KEYS = ("last_name", "first_name", "entity", "function")
ROW_KEYS = ("number", "nature", "subject", "question", "answer")
ACTION_KEYS = ("title", "kind", "owner", "due_date", "status", "rida", "notes")


class _Collector:
    """Runs checks, keeping every error instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def __call__(self, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except FieldError as error:
            self.errors.append(error)
            return None

    def add(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def obj(
        self, value: Any, path: str, known: tuple[str, ...], *, extensions: bool
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.add(path, f"objet attendu, reçu {fields.type_name(value)}")
            return {}
        prefix = f"{path}." if path else ""
        for key in value:
            if key in known or (extensions and isinstance(key, str) and key.startswith("x-")):
                continue
            self.add(f"{prefix}{key}", "clé inconnue")
        return value

    def items(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, f"liste attendue, reçu {fields.type_name(value)}")
            return []
        if len(value) > fields.MAX_ITEMS:
            self.add(path, f"trop d'éléments ({len(value)}, {fields.MAX_ITEMS} au plus)")
            return []
        return value


def optional(value: str) -> str | None:
    return value or None


def extensions(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if isinstance(k, str) and k.startswith("x-")}


def _check_wording(c: _Collector, value: Any) -> None:
    """A meeting's own wording (:data:`~rida.models.WORDING_KEY`): an object of texts,
    kept verbatim once checked."""
    if not isinstance(value, dict):
        c.add(WORDING_KEY, f"objet attendu, reçu {fields.type_name(value)}")
        return
    for name in WORDING_NAMES:
        if value.get(name) is not None:
            c(fields.text, value[name], f"{WORDING_KEY}.{name}")


def _checked_extensions(c: _Collector, data: dict[str, Any], path: str) -> dict[str, Any]:
    """The ``x-…`` keys of ``data``, verbatim, once checked to be plain JSON."""
    prefix = f"{path}." if path else ""
    found = extensions(data)
    for key, value in found.items():
        key_path = f"{prefix}{key}"
        c(fields.json_key, key, key_path)
        c(fields.json_value, value, key_path)
    return found


def _person(
    c: _Collector, value: Any, path: str, *, entity_only: bool = False, extra: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    if value is None:
        return None
    data = c.obj(value, path, PERSON_KEYS + extra, extensions=bool(extra))
    if not isinstance(value, dict):
        return None
    before = len(c.errors)
    limits = people.PERSON_LIMITS
    person = {
        k: optional(c(fields.text, data.get(k), f"{path}.{k}", limit=limits[k]) or "")
        for k in PERSON_KEYS
    }
    reported = {e.path for e in c.errors[before:]}
    # An organisation alone (`{"entity": "ANS"}`) may own an action; a first name may not.
    if (
        not person["last_name"]
        and f"{path}.last_name" not in reported
        and not (entity_only and person["entity"] and not person["first_name"])
    ):
        message = (
            "ne peut pas être vide"
            if data.get("last_name") is not None
            else "champ obligatoire manquant"
        )
        hint = " (ou entity seule, sans first_name, pour un porteur)" if entity_only else ""
        c.add(f"{path}.last_name", message + hint)
    return person


def validate(doc: Any) -> dict[str, Any]:
    """Check a whole rida/1 document; return it normalised or raise ValidationError."""
    c = _Collector()
    if not isinstance(doc, dict):
        raise ValidationError([FieldError("$", f"objet attendu, reçu {fields.type_name(doc)}")])
    data = c.obj(doc, "", TOP_KEYS, extensions=True)
    if "format" not in data:
        c.add("format", f'champ obligatoire manquant ("{FORMAT}")')
    elif data["format"] != FORMAT:
        c.add("format", f'"{FORMAT}" attendu, reçu {data.get("format")!r}')
    if "id" in data and not (
        data["id"] is None or isinstance(data["id"], str) or type(data["id"]) is int
    ):
        c.add("id", "texte ou entier attendu")
    for key in ("series", "title", "date"):
        if key not in data:
            c.add(key, "champ obligatoire manquant")
    out: dict[str, Any] = {"format": FORMAT}
    out["series"] = (
        c(fields.text, data.get("series"), "series", required=True, nonempty=True, limit=200)
        if "series" in data
        else None
    )
    out["title"] = (
        c(fields.text, data.get("title"), "title", required=True, nonempty=True)
        if "title" in data
        else None
    )
    for key in ("subject", "meeting_type"):
        out[key] = optional(c(fields.text, data.get(key), key) or "")
    d = c(fields.date, data.get("date"), "date", required=True) if "date" in data else None
    out["date"] = d.isoformat() if d else None
    out["start_time"] = optional(c(fields.time, data.get("start_time"), "start_time") or "")
    out["end_time"] = optional(c(fields.time, data.get("end_time"), "end_time") or "")
    out["location"] = optional(c(fields.text, data.get("location"), "location") or "")
    out["status"] = c(fields.choice, data.get("status"), "status", STATUSES, "draft")
    out["classification"] = c(
        fields.choice, data.get("classification"), "classification", CLASSIFICATIONS, "public"
    )
    out["version"] = c(fields.version, data.get("version"), "version")
    out["organiser"] = _person(c, data.get("organiser"), "organiser")
    out["rapporteur"] = _person(c, data.get("rapporteur"), "rapporteur")
    out["reference_documents"] = (
        c(fields.text_list, data.get("reference_documents"), "reference_documents") or []
    )
    out["participants"] = _participants(c, data.get("participants"))
    out["objectives"] = c(fields.text_list, data.get("objectives"), "objectives") or []
    out["summary"] = optional(c(fields.markdown, data.get("summary"), "summary") or "")
    out["rida"] = _rows(c, data.get("rida"))
    out["comments"] = (
        c(fields.text_list, data.get("comments"), "comments", limit=fields.LONG_TEXT) or []
    )
    out["results"] = optional(c(fields.markdown, data.get("results"), "results") or "")
    numbers = {row["number"] for row in out["rida"]}
    out["actions"] = _actions(c, data.get("actions"), numbers)
    out.update(_checked_extensions(c, data, ""))
    if WORDING_KEY in out:
        _check_wording(c, out[WORDING_KEY])
    if c.errors:
        raise ValidationError(c.errors)
    out["rida"].sort(key=lambda row: row["number"])  # the order export gives them back in
    people.merge_spellings(
        [
            out["organiser"],
            out["rapporteur"],
            *out["participants"],
            *(a["owner"] for a in out["actions"]),
        ]
    )
    return out


def _participants(c: _Collector, value: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(c.items(value, "participants")):
        path = f"participants[{i}]"
        if item is None:
            c.add(path, "objet attendu, reçu null")
            continue
        person = _person(c, item, path, extra=("attendance",))
        if person is None:
            continue
        attendance = c(
            fields.choice, item.get("attendance"), f"{path}.attendance", ATTENDANCES, "present"
        )
        key = person_key(
            person["last_name"] or "", person["first_name"] or "", person["entity"] or ""
        )
        if key in seen:
            c.add(path, f"même personne que participants[{seen[key]}]")
        seen[key] = i
        result.append({**person, "attendance": attendance, **_checked_extensions(c, item, path)})
    return result


def _rows(c: _Collector, value: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    seen: dict[int, int] = {}
    for i, item in enumerate(c.items(value, "rida")):
        path = f"rida[{i}]"
        data = c.obj(item, path, ROW_KEYS, extensions=True)
        if not isinstance(item, dict):
            continue
        for key in ("number", "nature", "subject"):
            if key not in data:
                c.add(f"{path}.{key}", "champ obligatoire manquant")
        number = (
            c(fields.integer, data.get("number"), f"{path}.number") if "number" in data else None
        )
        if number is not None:
            if number in seen:
                c.add(f"{path}.number", f"numéro {number} déjà utilisé par rida[{seen[number]}]")
            seen[number] = i
        result.append(
            {
                "number": number,
                "nature": c(fields.choice, data.get("nature"), f"{path}.nature", (*NATURES, None)),
                "subject": c(
                    fields.text, data.get("subject"), f"{path}.subject", required="subject" in data
                )
                or "",
                "question": optional(
                    c(fields.markdown, data.get("question"), f"{path}.question") or ""
                ),
                "answer": optional(c(fields.markdown, data.get("answer"), f"{path}.answer") or ""),
                **_checked_extensions(c, data, path),
            }
        )
    return result


def _actions(c: _Collector, value: Any, numbers: set[int]) -> list[dict[str, Any]]:
    result = []
    for i, item in enumerate(c.items(value, "actions")):
        path = f"actions[{i}]"
        data = c.obj(item, path, ACTION_KEYS, extensions=True)
        if not isinstance(item, dict):
            continue
        if "title" not in data:
            c.add(f"{path}.title", "champ obligatoire manquant")
        rida = data.get("rida")
        if rida is not None:
            rida = c(fields.integer, rida, f"{path}.rida")
            if rida is not None and rida not in numbers:
                c.add(f"{path}.rida", f"aucune ligne RIDA numéro {rida}")
        due = c(fields.date, data.get("due_date"), f"{path}.due_date")
        result.append(
            {
                "title": c(
                    fields.text, data.get("title"), f"{path}.title", required=True, nonempty=True
                )
                if "title" in data
                else None,
                "kind": c(fields.choice, data.get("kind"), f"{path}.kind", ACTION_KINDS, "other"),
                "owner": _person(c, data.get("owner"), f"{path}.owner", entity_only=True),
                "due_date": due.isoformat() if due else None,
                "status": c(
                    fields.choice, data.get("status"), f"{path}.status", ACTION_STATUSES, "open"
                ),
                "rida": rida,
                "notes": optional(c(fields.markdown, data.get("notes"), f"{path}.notes") or ""),
                **_checked_extensions(c, data, path),
            }
        )
    return result


def loads(text: str | bytes) -> Any:
    """Parse JSON text (bytes must be UTF-8, a BOM is tolerated); malformed JSON is a
    ValidationError on the path ``$``."""
    try:
        # json.loads would guess UTF-16 or UTF-32 from the bytes: the format is UTF-8.
        return json.loads(text.decode("utf-8-sig") if isinstance(text, bytes) else text)
    except UnicodeDecodeError:
        raise ValidationError([FieldError("$", "le document n'est pas en UTF-8")]) from None
    except json.JSONDecodeError as e:
        raise ValidationError(
            [FieldError("$", f"JSON mal formé (ligne {e.lineno}, colonne {e.colno}) : {e.msg}")]
        ) from None
    except RecursionError:
        raise ValidationError([FieldError("$", "JSON trop profondément imbriqué")]) from None
