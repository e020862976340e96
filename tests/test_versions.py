"""Transitions, numbering, frozen snapshots (Source, DOCX, SHA-256) and the version diff."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import docx
import pytest
from sqlmodel import select

from rida import compte_rendu, db, exchange
from rida.circuit import version_diff, versions
from rida.fields import FieldError
from rida.models import Meeting, MeetingVersion, ReviewRound, RidaRow, User
from tests.conftest import demo_document, draft_document

TODAY = dt.date(2022, 1, 10)


def run(app, change):  # type: ignore[no-untyped-def]
    """``change(session, meeting_id)`` in one write transaction; its result."""
    with app.app_context(), db.write_session(db.engine()) as s:
        return change(s)


def state(app, meeting_id: int) -> tuple[str, str]:
    return run(app, lambda s: (lambda m: (m.status, m.version))(s.get(Meeting, meeting_id)))


def admin(s):  # type: ignore[no-untyped-def]
    return s.exec(select(User).where(User.login == "admin")).one()


def review(app, meeting_id: int, deadline: str = "2022-01-20") -> None:
    run(
        app,
        lambda s: versions.send_to_review(
            s, s.get(Meeting, meeting_id), deadline, admin(s), today=TODAY
        ),
    )


def validate(app, meeting_id: int) -> MeetingVersion:
    return run(app, lambda s: versions.validate(s, s.get(Meeting, meeting_id), admin(s)))


def test_numbering_through_review_rounds_validation_and_amendments(app, ready_meeting):
    m = ready_meeting
    assert state(app, m) == ("draft", "0.1")
    review(app, m)
    assert state(app, m) == ("review", "0.1")
    run(app, lambda s: versions.back_to_draft(s, s.get(Meeting, m)))
    assert state(app, m) == ("draft", "0.2")
    review(app, m, "2022-01-25")
    assert state(app, m) == ("review", "0.2")
    validate(app, m)
    assert state(app, m) == ("validated", "1.0")
    run(app, lambda s: versions.amend(s, s.get(Meeting, m)))
    assert state(app, m) == ("draft", "1.1")
    review(app, m)
    validate(app, m)  # an amendment keeps its number
    assert state(app, m) == ("validated", "1.1")
    run(app, lambda s: versions.amend(s, s.get(Meeting, m)))
    validate(app, m)  # straight from draft
    assert state(app, m) == ("validated", "1.2")
    listed = run(
        app, lambda s: [(v.version, v.validated_by_name) for v in versions.frozen_versions(s, m)]
    )
    assert listed == [("1.0", "admin"), ("1.1", "admin"), ("1.2", "admin")]
    rounds = run(
        app,
        lambda s: [
            (r.version, r.deadline.isoformat(), r.sent_by_name)
            for r in versions.review_rounds(s, m)
        ],
    )
    assert rounds == [
        ("0.1", "2022-01-20", "admin"),
        ("0.2", "2022-01-25", "admin"),
        ("1.1", "2022-01-20", "admin"),
    ]


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            lambda s, m: versions.back_to_draft(s, m),
            "Seul un compte-rendu en relecture peut revenir en brouillon.",
        ),
        (
            lambda s, m: versions.amend(s, m),
            "Seul un compte-rendu validé peut recevoir une nouvelle version.",
        ),
    ],
)
def test_transitions_refused_from_the_wrong_status(app, ready_meeting, step, message):
    with pytest.raises(versions.VersionError) as e:
        run(app, lambda s: step(s, s.get(Meeting, ready_meeting)))
    assert e.value.message == message and e.value.code == "status"
    assert state(app, ready_meeting) == ("draft", "0.1")


def test_review_twice_and_anything_but_amend_once_validated_are_refused(app, ready_meeting):
    review(app, ready_meeting)
    with pytest.raises(versions.VersionError, match="déjà en relecture"):
        review(app, ready_meeting)
    validate(app, ready_meeting)
    for step in (
        lambda s, m: versions.send_to_review(s, m, "2022-02-01", None, today=TODAY),
        versions.back_to_draft,
        lambda s, m: versions.validate(s, m, None),
    ):
        with pytest.raises(versions.Frozen) as e:
            run(app, lambda s, step=step: step(s, s.get(Meeting, ready_meeting)))
        assert e.value.message == (
            "Ce compte-rendu est validé (v1.0) : il ne peut plus être modifié. Créez une "
            "nouvelle version pour l'amender."
        )


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        (None, "date attendue au format AAAA-MM-JJ, reçu None"),
        ("20/01/2022", "date attendue au format AAAA-MM-JJ, reçu '20/01/2022'"),
        ("2022-01-06", "la date limite de relecture ne peut pas précéder la réunion"),
        ("2022-01-09", "la date limite de relecture est déjà passée"),
    ],
)
def test_review_deadline_is_checked(app, ready_meeting, deadline, message):
    with pytest.raises(FieldError) as e:
        review(app, ready_meeting, deadline)
    assert (e.value.path, e.value.message) == ("deadline", message)
    assert state(app, ready_meeting) == ("draft", "0.1")


def test_validation_is_refused_with_the_checklist_while_a_check_blocks(app, demo_meeting):
    with pytest.raises(versions.Blocked) as e:
        validate(app, demo_meeting)
    failed = {c.code for c in e.value.checks if not c.passed}
    assert failed == {"rows", "action_rows"}
    assert e.value.as_dict()["error"] == "blocked"
    assert state(app, demo_meeting) == ("draft", "0.1")
    assert run(app, lambda s: s.exec(select(MeetingVersion)).all()) == []


def test_the_snapshot_freezes_source_docx_sha_who_and_when(app, ready_meeting):
    before = dt.datetime.now(dt.UTC)
    frozen = validate(app, ready_meeting)
    assert frozen.sha256 == hashlib.sha256(frozen.docx).hexdigest()
    assert frozen.validated_by_name == "admin" and frozen.validated_by is not None
    assert versions.aware(frozen.validated_at) >= before - dt.timedelta(seconds=1)
    src = compte_rendu.Source.from_json(frozen.source)
    assert src.doc["status"] == "validated" and src.doc["version"] == "1.0"
    assert src.doc == {**exchange.validate(src.doc), "id": ready_meeting}
    paragraphs = [p.text for p in docx.Document(io.BytesIO(frozen.docx)).paragraphs]
    assert "Atelier modèle économique #1" in paragraphs
    # Later changes to the live record (a new version) leave the snapshot as it was.
    run(app, lambda s: versions.amend(s, s.get(Meeting, ready_meeting)))

    def edit(s):  # type: ignore[no-untyped-def]
        row = s.exec(
            select(RidaRow).where(RidaRow.meeting_id == ready_meeting, RidaRow.number == 1)
        ).one()
        row.subject = "Objet modifié"
        s.add(row)

    run(app, edit)
    again = run(app, lambda s: versions.find(s, ready_meeting, "1.0"))
    assert (again.docx, again.sha256, again.source) == (frozen.docx, frozen.sha256, frozen.source)
    assert json.loads(versions.frozen_json(again)) == src.doc


def test_importing_a_validated_document_freezes_it(app):
    meeting_id = run(app, lambda s: versions.import_document(s, demo_document()).id)
    frozen = run(app, lambda s: versions.frozen_versions(s, meeting_id))
    assert [(v.version, v.validated_by, v.validated_by_name) for v in frozen] == [
        ("1.0", None, "import")
    ]
    assert versions.frozen_document(frozen[0]) == {
        **exchange.validate(demo_document()),
        "id": meeting_id,
    }
    draft = run(app, lambda s: versions.import_document(s, draft_document()).id)
    assert run(app, lambda s: versions.frozen_versions(s, draft)) == []


def test_deleting_a_meeting_deletes_its_versions(app, validated_meeting):
    run(app, lambda s: s.delete(s.get(Meeting, validated_meeting)))
    assert run(app, lambda s: s.exec(select(MeetingVersion)).all()) == []
    assert run(app, lambda s: s.exec(select(ReviewRound)).all()) == []


# --- Diff ------------------------------------------------------------------------------


def test_word_diff():
    assert version_diff.words("les coûts de la MSS", "les coûts réels de la MSS") == [
        ("=", "les coûts"),
        ("+", " réels"),
        ("=", " de la MSS"),
    ]
    assert version_diff.words("a b", "a c") == [("=", "a "), ("-", "b"), ("+", "c")]


def test_diff_of_identical_documents_is_empty():
    doc = exchange.validate(demo_document())
    assert version_diff.compare(doc, doc)["empty"]


def test_diff_header_participants_rows_and_actions():
    old = exchange.validate(demo_document())
    new = json.loads(json.dumps(old))
    new["title"] = "Atelier modèle économique #1 (amendé)"
    new["participants"].pop(0)
    new["participants"].append(
        {
            "last_name": "NOUVEAU",
            "first_name": "Jean",
            "entity": "ANS",
            "function": None,
            "attendance": "present",
        }
    )
    new["rida"][1]["answer"] = "Réponse corrigée"
    removed = new["rida"].pop(3)  # row 4 goes: rows 5… keep their content, new numbers
    for row in new["rida"][3:]:
        row["number"] -= 1
    for action in new["actions"]:
        if action["rida"] and action["rida"] > 4:
            action["rida"] -= 1
    new["rida"].append(
        {
            "number": 9,
            "nature": "D",
            "subject": "Nouvelle décision",
            "question": None,
            "answer": None,
        }
    )
    new["actions"][2]["due_date"] = "2022-01-21"
    diff = version_diff.compare(old, new)
    assert [c["field"] for c in diff["header"]] == ["title"]
    assert ("+", " (amendé)") in diff["header"][0]["words"]
    assert diff["participants"]["added"] == ["Jean NOUVEAU (ANS)"]
    assert len(diff["participants"]["removed"]) == 1
    rows = diff["rows"]
    assert [x["name"] for x in rows["removed"]] == ["Ligne 4"]
    assert rows["removed"][0]["item"] == removed
    assert [x["name"] for x in rows["added"]] == ["Ligne 9"]
    changed = {x["old_name"]: [f["field"] for f in x["fields"]] for x in rows["changed"]}
    assert changed == {
        "Ligne 2": ["answer"],
        "Ligne 5": ["number"],
        "Ligne 6": ["number"],
        "Ligne 7": ["number"],
        "Ligne 8": ["number"],
        "Ligne 9": ["number"],
    }
    assert [(x["name"], [f["field"] for f in x["fields"]]) for x in diff["actions"]["changed"]] == [
        (
            "Action 1 « Entretiens bilatéraux avec les opérateurs pour obtenir les "
            "éléments de coûts nécessaires à la modélisation économique »",
            ["rida"],
        ),
        ("Action 3 « Envoi de la nouvelle version des exigences »", ["due_date"]),
    ]
    assert not diff["empty"]


def test_diff_shows_codes_as_french_labels_and_versions_whole():
    old = {"status": "validated", "version": "1.0", "classification": "public", "rida": []}
    new = {"status": "draft", "version": "1.1", "classification": "restricted", "rida": []}
    header = {c["field"]: c["words"] for c in version_diff.compare(old, new)["header"]}
    assert header["status"] == [("-", "Validé"), ("+", "Brouillon")]
    assert header["version"] == [("-", "v1.0"), ("+", "v1.1")]
    assert header["classification"] == [("-", "Publique"), ("+", "Diffusion restreinte")]
