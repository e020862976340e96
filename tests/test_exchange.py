"""The rida/1 format: validate, import and export on the real database."""

from __future__ import annotations

import copy

import pytest
from sqlmodel import select

from rida import db, exchange, fields
from rida.fields import ValidationError
from rida.models import Person
from tests.conftest import counts, demo_document, export_doc, import_doc


def errors_of(doc) -> dict[str, str]:
    with pytest.raises(ValidationError) as e:
        exchange.validate(doc)
    return {x.path: x.message for x in e.value.errors}


def minimal(**extra) -> dict:
    return {"format": "rida/1", "series": "S", "title": "T", "date": "2022-01-07", **extra}


# --- The demo ----------------------------------------------------------------------


def test_demo_holds_the_real_minutes():
    doc = exchange.validate(demo_document())
    assert len(doc["participants"]) == 4
    assert len(doc["objectives"]) == 4
    assert [r["nature"] for r in doc["rida"]] == ["I", "I", "I", "I", None, "I", "A", "A", "I"]
    assert [r["number"] for r in doc["rida"]] == list(range(1, 10))
    assert len(doc["comments"]) == 2
    assert len(doc["actions"]) == 3
    assert doc["status"] == "validated" and doc["version"] == "1.0"


def test_demo_round_trip(app):
    doc = demo_document()
    meeting_id = import_doc(app, doc)
    exported = export_doc(app, meeting_id)
    assert exported == {**exchange.validate(doc), "id": meeting_id}
    assert exported["actions"][0]["rida"] == 8
    assert exported["actions"][1]["owner"] == {
        "last_name": None,
        "first_name": None,
        "entity": "ANS",
        "function": None,
    }


def test_validate_is_idempotent_and_does_not_touch_its_input():
    doc = demo_document()
    before = copy.deepcopy(doc)
    once = exchange.validate(doc)
    assert doc == before
    assert exchange.validate(once) == once


def test_import_ignores_the_id_and_always_creates(app):
    first = import_doc(app, demo_document() | {"id": 4242})
    second = import_doc(app, demo_document() | {"id": "ailleurs-7"})
    assert first != second and 4242 not in (first, second)
    assert counts(app)["Meeting"] == 2
    assert counts(app)["Series"] == 1  # same series name: same series


# --- Normalisation -----------------------------------------------------------------


def test_minimal_document_gets_defaults(app):
    doc = exchange.validate(minimal())
    assert doc == {
        "format": "rida/1",
        "series": "S",
        "title": "T",
        "subject": None,
        "meeting_type": None,
        "date": "2022-01-07",
        "start_time": None,
        "end_time": None,
        "location": None,
        "status": "draft",
        "classification": "public",
        "version": "0.1",
        "organiser": None,
        "rapporteur": None,
        "reference_documents": [],
        "participants": [],
        "objectives": [],
        "summary": None,
        "rida": [],
        "comments": [],
        "results": None,
        "actions": [],
    }
    meeting_id = import_doc(app, minimal())
    assert export_doc(app, meeting_id) == {**doc, "id": meeting_id}


def test_strings_trimmed_empty_values_null_defaults_filled(app):
    doc = minimal(
        title="  Atelier\u00a0 ",
        subject="",
        location="   ",
        start_time="",
        summary=" \n ",
        organiser={"last_name": " SLOSAR ", "first_name": "", "entity": None},
        participants=[{"last_name": "BRIS", "function": "  Régulation  "}],
        objectives=["  un  ", ""],
        rida=[
            {"number": 2, "nature": "D", "subject": "  b "},
            {"number": 1, "nature": None, "subject": "", "question": "  q  ", "answer": ""},
        ],
        actions=[{"title": " Faire ", "owner": {"entity": " ANS "}, "rida": 2}],
    )
    out = exchange.validate(doc)
    assert out["title"] == "Atelier"
    assert out["subject"] is None and out["location"] is None and out["start_time"] is None
    assert out["summary"] is None
    assert out["organiser"] == {
        "last_name": "SLOSAR",
        "first_name": None,
        "entity": None,
        "function": None,
    }
    assert out["participants"] == [
        {
            "last_name": "BRIS",
            "first_name": None,
            "entity": None,
            "function": "Régulation",
            "attendance": "present",
        }
    ]
    assert out["objectives"] == ["un", ""]
    assert out["rida"] == [  # in number order, as export gives them back
        {"number": 1, "nature": None, "subject": "", "question": "q", "answer": None},
        {"number": 2, "nature": "D", "subject": "b", "question": None, "answer": None},
    ]
    assert out["actions"] == [
        {
            "title": "Faire",
            "kind": "other",
            "due_date": None,
            "status": "open",
            "rida": 2,
            "notes": None,
            "owner": {"last_name": None, "first_name": None, "entity": "ANS", "function": None},
        }
    ]
    meeting_id = import_doc(app, doc)
    assert export_doc(app, meeting_id) == {**out, "id": meeting_id}


# --- Persons -----------------------------------------------------------------------


def test_same_person_across_documents_is_one_person(app):
    import_doc(app, demo_document())
    persons = counts(app)["Person"]
    other = minimal(
        title="Atelier #2",
        participants=[
            {
                "last_name": "bris",
                "first_name": "ÉDOUARD",
                "entity": "ans",
                "function": "Autre fonction",
            },
            {"last_name": "Nouveau", "first_name": "Né", "entity": "ANS"},
        ],
        actions=[{"title": "a", "owner": {"entity": "Ans"}}],
    )
    meeting_id = import_doc(app, other)
    assert counts(app)["Person"] == persons + 1  # only « Nouveau » is new
    exported = export_doc(app, meeting_id)
    # The project keeps the first spelling; the function belongs to the meeting.
    assert exported["participants"][0] == {
        "last_name": "BRIS",
        "first_name": "Edouard",
        "entity": "ANS",
        "function": "Autre fonction",
        "attendance": "present",
    }
    assert exported["actions"][0]["owner"]["entity"] == "ANS"
    with app.app_context(), db.write_session(db.engine()) as s:
        assert len(s.exec(select(Person).where(Person.key == "bris|edouard|ans")).all()) == 1


def test_different_entity_is_a_different_person(app):
    import_doc(
        app,
        minimal(
            participants=[
                {"last_name": "Martin", "entity": "ANS"},
                {"last_name": "Martin", "entity": "DNS"},
            ]
        ),
    )
    assert counts(app)["Person"] == 2


def test_mentions_of_one_person_in_a_document_share_the_first_spelling(app):
    doc = minimal(
        organiser={
            "last_name": "Bris",
            "first_name": "Édouard",
            "entity": "ANS",
            "function": "Animateur",
        },
        participants=[{"last_name": "BRIS", "first_name": "edouard", "entity": "Ans"}],
        actions=[
            {"title": "a", "owner": {"last_name": "bris", "first_name": "Edouard", "entity": "ANS"}}
        ],
    )
    out = exchange.validate(doc)
    for person in (out["participants"][0], out["actions"][0]["owner"]):
        assert (person["last_name"], person["first_name"], person["entity"]) == (
            "Bris",
            "Édouard",
            "ANS",
        )
    assert out["organiser"]["function"] == "Animateur"
    assert out["participants"][0]["function"] is None
    meeting_id = import_doc(app, doc)
    assert export_doc(app, meeting_id) == {**out, "id": meeting_id}
    assert counts(app)["Person"] == 1


def test_same_participant_twice_is_refused():
    errors = errors_of(
        minimal(
            participants=[
                {"last_name": "Bris", "first_name": "Édouard"},
                {"last_name": "BRIS", "first_name": "edouard"},
            ]
        )
    )
    assert "même personne que participants[0]" in errors["participants[1]"]


# --- Extensions ----------------------------------------------------------------------


def test_x_keys_kept_verbatim(app):
    nested = {"Unknown": [1, 2.5, None, True, {"deep": {"x": "  pas trimé  "}}], "n": -3}
    doc = demo_document() | {"x-source": nested, "x-empty": None}
    doc["rida"][0]["x-speaker"] = "  LIFEN  "
    doc["participants"][1]["x-email"] = {"addr": "m@example.org"}
    doc["actions"][2]["x-ticket"] = 1234
    out = exchange.validate(doc)
    assert out["x-source"] == nested and out["x-empty"] is None
    assert out["rida"][0]["x-speaker"] == "  LIFEN  "  # verbatim: not trimmed
    meeting_id = import_doc(app, doc)
    exported = export_doc(app, meeting_id)
    assert exported == {**out, "id": meeting_id}
    assert exported["participants"][1]["x-email"] == {"addr": "m@example.org"}
    assert exported["actions"][2]["x-ticket"] == 1234


@pytest.mark.parametrize(
    ("where", "path"),
    [
        (lambda d: d["organiser"], "organiser.x-note"),
        (lambda d: d["actions"][0]["owner"], "actions[0].owner.x-note"),
    ],
)
def test_x_keys_refused_in_persons(where, path):
    doc = demo_document()
    where(doc)["x-note"] = 1
    assert errors_of(doc)[path] == "clé inconnue"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (float("nan"), "non fini"),
        ([float("inf")], "non fini"),
        ({"a": "\ud800"}, "UTF-8"),
        ({1, 2}, "valeur JSON attendue"),
    ],
)
def test_x_values_must_be_plain_json(value, fragment):
    errors = errors_of(minimal(**{"x-bad": value}))
    assert any(p.startswith("x-bad") and fragment in m for p, m in errors.items()), errors


def test_x_values_nested_too_deep():
    value: object = "fond"
    for _ in range(100):
        value = [value]
    assert "imbriquée" in errors_of(minimal(**{"x-deep": value}))["x-deep" + "[0]" * 65]


# --- Errors ------------------------------------------------------------------------


def _mutate(**changes):
    def apply(doc):
        for dotted, value in changes.items():
            target, *path = dotted.split("/")
            obj = doc
            for part in [target, *path][:-1]:
                obj = obj[int(part)] if isinstance(obj, list) else obj[part]
            last = [target, *path][-1]
            if isinstance(obj, list):
                obj[int(last)] = value
            elif value is KeyError:
                del obj[last]
            else:
                obj[last] = value
        return doc

    return apply


@pytest.mark.parametrize(
    ("mutation", "path", "fragment"),
    [
        (_mutate(format="rida/2"), "format", '"rida/1" attendu'),
        (_mutate(format=KeyError), "format", "champ obligatoire manquant"),
        (_mutate(title=KeyError), "title", "champ obligatoire manquant"),
        (_mutate(title="   "), "title", "ne peut pas être vide"),
        (_mutate(series=12), "series", "texte attendu, reçu entier"),
        (_mutate(date="2022-02-30"), "date", "date inexistante"),
        (_mutate(date="07/01/2022"), "date", "AAAA-MM-JJ"),
        (_mutate(start_time="9h00"), "start_time", "HH:MM"),
        (_mutate(end_time="24:00"), "end_time", "HH:MM"),
        (_mutate(version="1"), "version", "MAJEUR.MINEUR"),
        (_mutate(status="final"), "status", "draft, review, validated"),
        (_mutate(classification="secret"), "classification", "public, restricted, confidential"),
        (_mutate(titel="x"), "titel", "clé inconnue"),
        (_mutate(**{"rida/3/nature": "X"}), "rida[3].nature", "I, D, A, null"),
        (_mutate(**{"rida/3/nature": "i"}), "rida[3].nature", "I, D, A, null"),
        (_mutate(**{"rida/3/nature": KeyError}), "rida[3].nature", "champ obligatoire manquant"),
        (_mutate(**{"rida/4/number": 1}), "rida[4].number", "déjà utilisé par rida[0]"),
        (_mutate(**{"rida/4/number": 0}), "rida[4].number", "entre 1 et"),
        (_mutate(**{"rida/4/number": True}), "rida[4].number", "entier attendu, reçu booléen"),
        (_mutate(**{"rida/4/number": "5"}), "rida[4].number", "entier attendu, reçu texte"),
        (_mutate(**{"rida/4/subject": None}), "rida[4].subject", "texte attendu, reçu null"),
        (_mutate(**{"rida/4/answer": "a\x00b"}), "rida[4].answer", "U+0000"),
        (_mutate(**{"rida/4/question": "x" * 100_001}), "rida[4].question", "trop long"),
        (_mutate(**{"rida/4/uid": "abc"}), "rida[4].uid", "clé inconnue"),
        (_mutate(**{"rida/2": "ligne"}), "rida[2]", "objet attendu, reçu texte"),
        (_mutate(rida={}), "rida", "liste attendue, reçu objet"),
        (
            _mutate(**{"participants/1/attendance": "late"}),
            "participants[1].attendance",
            "present, excused, absent",
        ),
        (
            _mutate(**{"participants/1/last_name": KeyError}),
            "participants[1].last_name",
            "champ obligatoire manquant",
        ),
        (
            _mutate(**{"participants/1/last_name": " "}),
            "participants[1].last_name",
            "ne peut pas être vide",
        ),
        (_mutate(**{"participants/1/email": "a@b"}), "participants[1].email", "clé inconnue"),
        (_mutate(**{"participants/1": None}), "participants[1]", "objet attendu, reçu null"),
        (_mutate(**{"participants/1/entity": "x" * 201}), "participants[1].entity", "trop long"),
        (_mutate(**{"organiser/last_name": None}), "organiser.last_name", "obligatoire"),
        (_mutate(**{"rapporteur/first_name": ["Samy"]}), "rapporteur.first_name", "reçu liste"),
        (_mutate(**{"objectives/2": None}), "objectives[2]", "texte attendu, reçu null"),
        (_mutate(**{"comments/0": "\x1b[31m"}), "comments[0]", "U+001B"),
        (_mutate(**{"actions/0/rida": 99}), "actions[0].rida", "aucune ligne RIDA numéro 99"),
        (_mutate(**{"actions/0/rida": "8"}), "actions[0].rida", "entier attendu"),
        (_mutate(**{"actions/0/kind": "meeting"}), "actions[0].kind", "bilateral_interview"),
        (_mutate(**{"actions/0/status": "closed"}), "actions[0].status", "in_progress"),
        (
            _mutate(**{"actions/0/due_date": "2022-13-01"}),
            "actions[0].due_date",
            "date inexistante",
        ),
        (_mutate(**{"actions/0/title": KeyError}), "actions[0].title", "champ obligatoire"),
        (
            _mutate(**{"actions/0/owner": {"first_name": "Jean", "entity": "ANS"}}),
            "actions[0].owner.last_name",
            "champ obligatoire manquant",
        ),
        (_mutate(**{"actions/0/owner": {}}), "actions[0].owner.last_name", "entity seule"),
        (_mutate(id=1.5), "id", "texte ou entier"),
        (_mutate(reference_documents="doc"), "reference_documents", "liste attendue"),
    ],
)
def test_errors_name_the_field_path(mutation, path, fragment):
    errors = errors_of(mutation(demo_document()))
    assert path in errors, errors
    assert fragment in errors[path]


@pytest.mark.parametrize("value", ["1٣:00", "０９:００", "٠٩:٣٠"])
def test_times_need_ascii_digits(value):
    assert "HH:MM" in errors_of(minimal(start_time=value))["start_time"]


def test_every_error_is_reported_at_once():
    doc = demo_document() | {"status": "x", "date": "hier", "oops": 1}
    doc["rida"][8]["nature"] = "Z"
    doc["actions"][2]["rida"] = 42
    assert set(errors_of(doc)) == {"status", "date", "oops", "rida[8].nature", "actions[2].rida"}


def test_one_error_per_bad_field():
    with pytest.raises(ValidationError) as e:
        exchange.validate(
            minimal(organiser={"last_name": 3}, participants=[{"last_name": "x" * 201}])
        )
    assert [(x.path, x.message[:12]) for x in e.value.errors] == [
        ("organiser.last_name", "texte attend"),
        ("participants[0].last_name", "texte trop l"),
    ]


def test_error_message_mentions_path_and_counts():
    with pytest.raises(ValidationError) as e:
        exchange.validate(minimal(rida=[{"number": 1, "nature": "Q", "subject": "s"}]))
    assert str(e.value).startswith("rida[0].nature : valeur attendue parmi I, D, A, null")
    payload = e.value.as_dict()
    assert payload["error"] == "invalid"
    assert payload["message"] == "Données refusées : 1 erreur."
    assert payload["errors"] == [
        {"path": "rida[0].nature", "message": "valeur attendue parmi I, D, A, null ; reçu 'Q'"}
    ]


@pytest.mark.parametrize("doc", [None, [], "rida/1", 3])
def test_document_must_be_an_object(doc):
    assert errors_of(doc) == {"$": f"objet attendu, reçu {fields.type_name(doc)}"}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (b'{"format": "rida/1",', "JSON mal formé (ligne 1"),
        (b"\xff\xfe{}", "UTF-8"),
        (b'{"title": "caf\xe9"}', "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "imbriqué"),
        (b"", "JSON mal formé"),
        ('{"title": "x"}'.encode("utf-16"), "UTF-8"),
    ],
)
def test_loads_reports_bad_json_on_the_root(text, fragment):
    with pytest.raises(ValidationError) as e:
        exchange.loads(text)
    assert [x.path for x in e.value.errors] == ["$"]
    assert fragment in e.value.errors[0].message


def test_loads_accepts_utf8_with_or_without_bom():
    text = '{"title": "Atelier modèle économique"}'
    assert (
        exchange.loads(text.encode())
        == exchange.loads(b"\xef\xbb\xbf" + text.encode())
        == exchange.loads(text)
        == {"title": "Atelier modèle économique"}
    )


def test_refused_document_writes_nothing(app):
    import_doc(app, demo_document())
    before = counts(app)
    doc = demo_document() | {"series": "Nouvelle série", "title": "Autre"}
    doc["participants"].append({"last_name": "Inconnu", "entity": "Ailleurs"})
    doc["actions"][1]["rida"] = 10  # refused only after rows and persons were read
    with pytest.raises(ValidationError):
        import_doc(app, doc)
    assert counts(app) == before
