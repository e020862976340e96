"""What changed between two versions of a compte-rendu (pure: two rida/1 documents in).

Header fields are compared one by one; participants by person (name and entity, without
case or accents); RIDA rows are matched by content first, so that a renumbered row is
*changed* (its number) rather than removed and added: identical rows first, then rows with
the same subject, then rows with the same number. Actions are matched by title, then by
position. Changed texts carry a word-level diff (difflib): a list of ``(op, text)`` with
``op`` one of ``=`` (kept), ``-`` (deleted), ``+`` (inserted).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from rida.meetings.people import person_key
from rida.render import ACTION_STATUS_LABELS, CLASSIFICATION_LABELS, STATUS_LABELS

HEADER = (
    ("title", "Titre"),
    ("subject", "Objet"),
    ("meeting_type", "Type de réunion"),
    ("date", "Date"),
    ("start_time", "Heure de début"),
    ("end_time", "Heure de fin"),
    ("location", "Lieu"),
    ("status", "Statut"),
    ("classification", "Classification"),
    ("version", "Version"),
    ("organiser", "Organisateur"),
    ("rapporteur", "Rédacteur"),
    ("reference_documents", "Documents de référence"),
    ("objectives", "Objectifs"),
    ("summary", "Synthèse"),
    ("comments", "Commentaires"),
    ("results", "Résultats de l'atelier"),
)
# How two items are matched: the same value of one of these functions.
Key = Callable[[dict[str, Any]], Any]

ROW_FIELDS = (
    ("number", "#"),
    ("nature", "Nature"),
    ("subject", "Objet"),
    ("question", "Question / Remarque"),
    ("answer", "Réponse"),
)
ACTION_FIELDS = (
    ("title", "Action"),
    ("owner", "Porteur"),
    ("due_date", "Échéance"),
    ("status", "Statut"),
    ("rida", "Ligne RIDA"),
    ("notes", "Notes"),
)
TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
# Codes shown as their French label; values compared whole (a version is not a text).
VALUE_LABELS = {
    "status": {**STATUS_LABELS, **ACTION_STATUS_LABELS},
    "classification": CLASSIFICATION_LABELS,
}
ATOMIC = {
    "status",
    "classification",
    "version",
    "date",
    "start_time",
    "end_time",
    "number",
    "nature",
    "due_date",
    "rida",
}


def words(old: str, new: str) -> list[tuple[str, str]]:
    """A word-level diff of two texts."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return out


def text(value: Any) -> str:
    """A field value as one line of text, to compare and show."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(text(v) for v in value)
    if isinstance(value, dict):
        name = " ".join(v for v in (value.get("first_name"), value.get("last_name")) if v)
        entity = value.get("entity") or ""
        return f"{name} ({entity})" if name and entity else name or entity
    return str(value)


def _changes(
    old: dict[str, Any], new: dict[str, Any], fields: tuple[tuple[str, str], ...]
) -> list[dict[str, Any]]:
    out = []
    for key, label in fields:
        a, b = text(old.get(key)), text(new.get(key))
        if a == b:
            continue
        labels = VALUE_LABELS.get(key, {})
        a, b = labels.get(a, a), labels.get(b, b)
        if key == "version":
            a, b = f"v{a}" if a else a, f"v{b}" if b else b
        diff = [(op, v) for op, v in (("-", a), ("+", b)) if v] if key in ATOMIC else words(a, b)
        out.append({"field": key, "label": label, "old": a, "new": b, "words": diff})
    return out


def _key(p: dict[str, Any]) -> str:
    return person_key(p.get("last_name") or "", p.get("first_name") or "", p.get("entity") or "")


def _participants(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, list[Any]]:
    before, after = {_key(p): p for p in old}, {_key(p): p for p in new}
    fields = (("attendance", "Présence"), ("function", "Fonction"))
    return {
        "added": [text(p) for k, p in after.items() if k not in before],
        "removed": [text(p) for k, p in before.items() if k not in after],
        "changed": [
            {"name": text(p), "fields": _changes(before[k], p, fields)}
            for k, p in after.items()
            if k in before and _changes(before[k], p, fields)
        ],
    }


def _match(
    old: list[dict[str, Any]], new: list[dict[str, Any]], keys: list[Key]
) -> list[tuple[int, int]]:
    """Pairs (i, j) of matched items, trying each key function in turn on what is left."""
    pairs: list[tuple[int, int]] = []
    left_old, left_new = list(range(len(old))), list(range(len(new)))
    for key in keys:
        for j in list(left_new):
            wanted = key(new[j])
            for i in left_old:
                if key(old[i]) == wanted:
                    pairs.append((i, j))
                    left_old.remove(i)
                    left_new.remove(j)
                    break
    return sorted(pairs, key=lambda p: p[1])


def _content(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row.get(k) for k, _ in ROW_FIELDS[1:])


def _items(
    old: list[dict[str, Any]],
    new: list[dict[str, Any]],
    keys: list[Key],
    fields: tuple[tuple[str, str], ...],
    name: Callable[[dict[str, Any], int], str],
) -> dict[str, list[Any]]:
    pairs = _match(old, new, keys)
    matched_old, matched_new = {i for i, _ in pairs}, {j for _, j in pairs}
    changed: list[dict[str, Any]] = []
    for i, j in pairs:
        fields_changed = _changes(old[i], new[j], fields)
        if fields_changed:
            changed.append(
                {"old_name": name(old[i], i), "name": name(new[j], j), "fields": fields_changed}
            )
    return {
        "added": [
            {"name": name(x, j), "item": x} for j, x in enumerate(new) if j not in matched_new
        ],
        "removed": [
            {"name": name(x, i), "item": x} for i, x in enumerate(old) if i not in matched_old
        ],
        "changed": changed,
    }


def compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The differences from ``old`` to ``new`` (two normalised rida/1 documents)."""
    rows = _items(
        old.get("rida") or [],
        new.get("rida") or [],
        [_content, lambda r: r.get("subject"), lambda r: r.get("number")],
        ROW_FIELDS,
        lambda r, _i: f"Ligne {r.get('number')}",
    )
    positions = {id(a): i for i, a in enumerate(old.get("actions") or [])}
    positions.update({id(a): i for i, a in enumerate(new.get("actions") or [])})
    actions = _items(
        old.get("actions") or [],
        new.get("actions") or [],
        [lambda a: a.get("title"), lambda a: positions[id(a)]],
        ACTION_FIELDS,
        lambda a, i: f"Action {i + 1} « {a.get('title')} »",
    )
    diff: dict[str, Any] = {
        "header": _changes(old, new, HEADER),
        "participants": _participants(old.get("participants") or [], new.get("participants") or []),
        "rows": rows,
        "actions": actions,
    }
    diff["empty"] = not (
        diff["header"]
        or any(diff["participants"].values())
        or any(rows.values())
        or any(actions.values())
    )
    return diff
