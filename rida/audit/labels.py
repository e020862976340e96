"""The audit log in French: what each action, object and field is called, and what an
entry changed, readable."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rida.models import AuditEntry
from rida.render import (
    ACTION_KIND_LABELS,
    ACTION_STATUS_LABELS,
    ATTENDANCE_LABELS,
    CLASSIFICATION_LABELS,
    NATURE_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
)

ACTIONS = {
    "create": "Création",
    "update": "Modification",
    "delete": "Suppression",
    "status.change": "Changement de statut",
    "validation": "Validation",
    "export": "Export",
    "import": "Import",
    "download": "Téléchargement",
    "login.success": "Connexion",
    "login.failure": "Échec de connexion",
    "login.locked": "Compte verrouillé",
    "logout": "Déconnexion",
    "permission.change": "Changement de droits",
    "token.create": "Création de jeton",
    "token.revoke": "Révocation de jeton",
    "room_link.create": "Création de lien pour la salle",
    "room_link.revoke": "Révocation de lien pour la salle",
    "room_link.use": "Première ouverture du lien pour la salle",
    "person.rename": "Personne renommée",
    "person.merge": "Personnes fusionnées",
    "sso.link": "Identité de fournisseur liée",
    "sso.unlink": "Identité de fournisseur retirée",
    "sso.refusal": "Connexion par fournisseur refusée",
    "account.approve": "Compte approuvé",
    "account.sso_only": "Connexion par fournisseur uniquement (changée)",
}
OBJECTS = {
    "meeting": "Réunion",
    "rida_row": "Ligne RIDA",
    "action": "Action",
    "participation": "Participant",
    "person": "Personne",
    "series": "Série",
    "meeting_version": "Version figée",
    "review_round": "Envoi en relecture",
    "action_event": "Suivi d'action",
    "user": "Compte",
    "series_member": "Membre de série",
    "feed_token": "Adresse d'agenda",
    "series_glossary": "Glossaire de série",
    "api_token": "Jeton d'API",
    "actions": "Tableau des actions",
    "audit_entry": "Journal d'audit",
    "room_link": "Lien pour la salle",
    "person_alias": "Ancien nom de personne",
    "archive": "Archive complète de l'instance",
    "oidc_identity": "Identité de fournisseur",
    "organisation_member": "Membre d'organisation",
}
FIELDS = {
    "title": "titre",
    "subject": "sujet",
    "question": "question",
    "answer": "réponse",
    "nature": "nature",
    "number": "numéro",
    "status": "statut",
    "notes": "notes",
    "kind": "type",
    "owner_id": "porteur",
    "owner_function": "fonction du porteur",
    "due_date": "échéance",
    "position": "rang",
    "attendance": "présence",
    "function": "fonction",
    "person_id": "personne",
    "date": "date",
    "start_time": "début",
    "end_time": "fin",
    "location": "lieu",
    "classification": "classification",
    "version": "version",
    "review_deadline": "date limite de relecture",
    "summary": "synthèse",
    "results": "résultats",
    "objectives": "objectifs",
    "comments": "commentaires",
    "reference_documents": "documents de référence",
    "meeting_type": "type de réunion",
    "organiser_id": "organisateur",
    "rapporteur_id": "rapporteur",
    "role": "rôle",
    "active": "actif",
    "login": "identifiant",
    "password_hash": "mot de passe",
    "token_hash": "jeton",
    "comment": "commentaire",
    "old_status": "ancien statut",
    "new_status": "nouveau statut",
    "format": "format",
    "file": "fichier",
    "sha256": "SHA-256",
    "last_name": "nom",
    "first_name": "prénom",
    "entity": "organisation",
    "email": "courriel",
    "name": "nom",
    "terms": "termes",
    "deadline": "date limite",
    "row_id": "ligne RIDA",
    "extensions": "extensions",
    "day": "jour",
    "created_by": "créé par",
    "revoked_at": "révoqué le",
    "first_used_at": "première ouverture",
    "revoked": "révoqué",
    "organisation": "organisation",
    "organisation_id": "organisation",
    "member": "membre",
}
# Columns holding a person's id: shown with the person's name when it is known.
PERSON_FIELDS = {"owner_id", "person_id", "organiser_id", "rapporteur_id", "organisation_id"}
# Bookkeeping columns, not worth a line in the history.
HIDDEN = {"id", "uid", "revision", "updated_at", "created_at", "meeting_id"}
VALUE_LABELS = {
    "status": STATUS_LABELS | ACTION_STATUS_LABELS,
    "new_status": ACTION_STATUS_LABELS,
    "old_status": ACTION_STATUS_LABELS,
    "classification": CLASSIFICATION_LABELS,
    "nature": NATURE_LABELS,
    "attendance": ATTENDANCE_LABELS,
    "kind": ACTION_KIND_LABELS,
    "role": ROLE_LABELS,
}
EMPTY = "(vide)"


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def object_label(object_type: str | None) -> str:
    return OBJECTS.get(object_type or "", object_type or "")


def field_label(name: str) -> str:
    return FIELDS.get(name, name)


def value_text(
    name: str,
    value: Any,
    people: dict[int, str] | None = None,
    rows: dict[int, int] | None = None,
) -> str:
    """A logged value as a reader wants to see it (``people``: names by person id;
    ``rows``: when given, RIDA rows are named by their number in the meeting)."""
    if value is None or value in ("", [], {}):
        return EMPTY
    if isinstance(value, bool):
        return "oui" if value else "non"
    if name == "row_id" and isinstance(value, int) and rows is not None:
        return row_name(value, rows)
    if name in PERSON_FIELDS and isinstance(value, int) and (people or {}).get(value):
        return f"{(people or {})[value]} (n° {value})"
    if name.endswith("_id") and isinstance(value, int):
        return f"n° {value}"
    if isinstance(value, str):
        return VALUE_LABELS.get(name, {}).get(value, value)
    if isinstance(value, list):
        return " ; ".join(value_text(name, v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: nothing before (creation, event)
    after: str | None  # None: nothing after (deletion)


def row_name(row_id: int, rows: dict[int, int]) -> str:
    """A RIDA row as its meeting numbers it (``rows``: number by row id), never by its
    database id: « ligne 11 », or « ligne supprimée » when it is gone."""
    number = rows.get(row_id)
    return f"ligne {number}" if number is not None else DELETED_ROW


DELETED_ROW = "ligne supprimée"


def object_name(entry: AuditEntry, rows: dict[int, int] | None = None) -> str:
    """What the entry is about: « Ligne RIDA 11 » (``rows`` given), else the object's
    label and its id."""
    label = object_label(entry.object_type)
    object_id = entry.object_id or ""
    if entry.object_type == "rida_row" and rows is not None and object_id.isdigit():
        number = rows.get(int(object_id))
        return f"{label} {number}" if number is not None else f"{label} ({DELETED_ROW})"
    return f"{label} {object_id}" if object_id else label


def changes(
    entry: AuditEntry,
    people: dict[int, str] | None = None,
    rows: dict[int, int] | None = None,
) -> list[Change]:
    """What the entry changed, field by field, in French (bookkeeping columns hidden)."""
    before, after = entry.before or {}, entry.after or {}
    names = [n for n in dict.fromkeys([*after, *before]) if n not in HIDDEN]
    return [
        Change(
            field_label(n),
            value_text(n, before[n], people, rows) if n in before else None,
            value_text(n, after[n], people, rows) if n in after else None,
        )
        for n in names
    ]


def person_ids(entries: list[AuditEntry]) -> set[int]:
    """The people the entries name (to look their names up once)."""
    return {
        value
        for e in entries
        for values in (e.before or {}, e.after or {})
        for name, value in values.items()
        if name in PERSON_FIELDS and isinstance(value, int)
    }
