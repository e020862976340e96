"""The JSON API through the real HTTP app: bad input, HTML as data, conflicts, rows, people."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import select

from rida import db, exchange
from rida.meetings import editing
from rida.models import Meeting, Person
from tests.conftest import Browser, demo_document, draft_document, join_series

HOSTILE = '<script>alert("{0}")</script><img src=x onerror=alert(1)> [lien](javascript:alert(1))'


def create(browser: Browser, doc) -> int:
    response = browser.json("POST", "/api/meetings", doc)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def refused(response, *paths: str) -> dict[str, str]:
    """Assert a 400 naming ``paths``; return the errors by path."""
    assert response.status_code == 400, response.get_data(as_text=True)
    payload = response.get_json()
    assert payload["error"] == "invalid" and payload["message"].startswith("Données refusées")
    errors = {e["path"]: e["message"] for e in payload["errors"]}
    assert set(paths) <= set(errors), errors
    return errors


def as_user(app, login: str) -> Browser:
    return Browser(app.test_client()).login(login)


def rows(app, meeting_id: int) -> list[dict]:
    with app.app_context(), db.write_session(db.engine()) as s:
        return [editing.row_dict(r) for r in editing.rows_of(s, meeting_id)]


def meeting_count(app) -> int:
    with app.app_context(), db.write_session(db.engine()) as s:
        return len(s.exec(select(Meeting.id)).all())


# --- Reading and creating ------------------------------------------------------------


def test_list_and_get(browser, validated_meeting):
    demo_meeting = validated_meeting
    listed = browser.client.get("/api/meetings").get_json()["meetings"]
    assert listed == [
        {
            "id": demo_meeting,
            "series": "Task Force MSSanté",
            "title": "Atelier modèle économique #1",
            "date": "2022-01-07",
            "status": "validated",
            "classification": "public",
            "version": "1.0",
        }
    ]
    got = browser.client.get(f"/api/meetings/{demo_meeting}")
    assert got.status_code == 200
    assert got.headers["Cache-Control"] == "private, no-store"
    assert got.get_json() == {**exchange.validate(demo_document()), "id": demo_meeting}


def test_create_returns_201_with_id_and_round_trips(browser):
    response = browser.json("POST", "/api/meetings", demo_document())
    assert response.status_code == 201
    body = response.get_json()
    assert body["url"] == f"/reunions/{body['id']}"
    got = browser.client.get(f"/api/meetings/{body['id']}").get_json()
    # The demo is marked validated but fails 2 blocking checks: it comes in as a draft.
    assert got == {**exchange.validate(demo_document()), "id": body["id"], "status": "draft"}
    assert body["import"]["demoted"] and body["import"]["status"] == "draft"
    assert [c["code"] for c in body["import"]["failed_checks"]] == ["rows", "action_rows"]
    kept = browser.json("POST", "/api/meetings?keep_validated=true", demo_document())
    assert kept.status_code == 201
    assert kept.get_json()["import"]["kept_validated_despite_checks"] == 2
    got = browser.client.get(f"/api/meetings/{kept.get_json()['id']}").get_json()
    assert got == {**exchange.validate(demo_document()), "id": kept.get_json()["id"]}
    refused = browser.json("POST", "/api/meetings?keep_validated=oui", demo_document())
    assert refused.status_code == 400
    assert refused.get_json()["errors"][0]["path"] == "keep_validated"


# --- Bad input: nothing is written, the error names the field --------------------------


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ('{"format": "rida/1", "title": ', "JSON mal formé (ligne 1"),
        ("{'format': 'rida/1'}", "JSON mal formé"),
        ("", "JSON mal formé"),
        ("[]", "objet attendu, reçu liste"),
        ("null", "objet attendu, reçu null"),
        (b'{"title": "caf\xe9"}', "UTF-8"),
        ("[" * 50_000, "imbriqué"),
    ],
)
def test_malformed_json(browser, data, fragment):
    errors = refused(browser.json("POST", "/api/meetings", data), "$")
    assert fragment in errors["$"]


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        ("application/x-www-form-urlencoded", 400),
        ("multipart/form-data; boundary=x", 400),
        ("text/plain", 201),
        (None, 201),
    ],
)
def test_content_type(browser, content_type, status):
    headers = {"X-CSRFToken": browser.token}
    if content_type:
        headers["Content-Type"] = content_type
    response = browser.client.post(
        "/api/meetings", data=json.dumps(demo_document()), headers=headers
    )
    if status == 400:  # `curl -d`: the body was parsed as a form, say so
        assert "Content-Type: application/json" in refused(response, "$")["$"]
    assert response.status_code == status


@pytest.mark.parametrize("value", ["rida/2", "RIDA/1", "", None, 1])
def test_wrong_format(browser, value):
    errors = refused(
        browser.json("POST", "/api/meetings", demo_document() | {"format": value}), "format"
    )
    assert '"rida/1" attendu' in errors["format"]


def test_missing_required_fields(browser):
    doc = {
        "format": "rida/1",
        "rida": [{"subject": "s"}],
        "actions": [{"kind": "other"}],
        "participants": [{"first_name": "Jean"}],
    }
    errors = refused(
        browser.json("POST", "/api/meetings", doc),
        "series",
        "title",
        "date",
        "rida[0].number",
        "rida[0].nature",
        "participants[0].last_name",
        "actions[0].title",
    )
    assert all(m.startswith("champ obligatoire manquant") for m in errors.values())
    assert "rida[0].subject" not in errors


def test_unknown_keys(browser):
    doc = demo_document() | {"titre": "x", "x-ok": {"anything": ["goes"]}}
    doc["rida"][0]["uid"] = "abc"
    doc["participants"][0]["email"] = "a@b.c"
    doc["organiser"]["x-note"] = "refused in persons"
    doc["actions"][0]["owner"]["age"] = 3
    errors = refused(
        browser.json("POST", "/api/meetings", doc),
        "titre",
        "rida[0].uid",
        "participants[0].email",
        "organiser.x-note",
        "actions[0].owner.age",
    )
    assert set(errors.values()) == {"clé inconnue"}


@pytest.mark.parametrize(
    ("where", "value", "fragment"),
    [
        ("date", "2022-02-30", "date inexistante"),
        ("date", "07/01/2022", "AAAA-MM-JJ"),
        ("date", "2022-1-7", "AAAA-MM-JJ"),
        ("date", "2022-01-07T09:00:00", "AAAA-MM-JJ"),
        ("date", 20220107, "AAAA-MM-JJ"),
        ("date", None, "AAAA-MM-JJ"),
        ("actions[0].due_date", "2021-02-29", "date inexistante"),
        ("actions[0].due_date", "demain", "AAAA-MM-JJ"),
    ],
)
def test_bad_dates(browser, where, value, fragment):
    doc = demo_document()
    if where == "date":
        doc["date"] = value
    else:
        doc["actions"][0]["due_date"] = value
    assert fragment in refused(browser.json("POST", "/api/meetings", doc), where)[where]


@pytest.mark.parametrize("nature", ["X", "i", "", "Information", 1, True, ["I"]])
def test_nature_outside_i_d_a_null(browser, nature):
    doc = demo_document()
    doc["rida"][3]["nature"] = nature
    errors = refused(browser.json("POST", "/api/meetings", doc), "rida[3].nature")
    assert errors["rida[3].nature"].startswith("valeur attendue parmi I, D, A, null")


def test_duplicate_row_numbers(browser):
    doc = demo_document()
    doc["rida"][5]["number"] = 2
    errors = refused(browser.json("POST", "/api/meetings", doc), "rida[5].number")
    assert errors["rida[5].number"] == "numéro 2 déjà utilisé par rida[1]"


def test_action_must_point_at_an_existing_row(browser):
    doc = demo_document()
    doc["actions"][1]["rida"] = 10
    errors = refused(browser.json("POST", "/api/meetings", doc), "actions[1].rida")
    assert errors["actions[1].rida"] == "aucune ligne RIDA numéro 10"


@pytest.mark.parametrize(
    ("where", "limit"),
    [
        ("title", 1000),
        ("summary", 100_000),
        ("rida[0].answer", 100_000),
        ("participants[0].function", 300),
        ("x-note", None),
    ],
)
def test_one_megabyte_strings_are_refused_clearly(browser, app, where, limit):
    big = "a" * 1_048_576
    doc = demo_document()
    if where.startswith("rida"):
        doc["rida"][0]["answer"] = big
    elif where.startswith("participants"):
        doc["participants"][0]["function"] = big
    else:
        doc[where] = big
    response = browser.json("POST", "/api/meetings", doc)
    if limit is None:  # extensions are kept verbatim, within the request size limit
        assert response.status_code == 201
        return
    errors = refused(response, where)
    assert errors[where] == f"texte trop long (1048576 caractères, {limit} au plus)"
    assert meeting_count(app) == 0


def test_request_over_five_megabytes_is_413(browser, app):
    doc = demo_document() | {"x-padding": "a" * 5_000_001}
    response = browser.json("POST", "/api/meetings", doc)
    assert response.status_code == 413
    assert response.get_json() == {
        "error": "413",
        "message": "Requête trop volumineuse : 5 Mo au plus.",
    }
    assert meeting_count(app) == 0


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f"])
def test_control_characters_and_nul_bytes(browser, app, char):
    doc = demo_document() | {"title": f"Ate{char}lier"}
    doc["rida"][2]["question"] = f"LIFEN{char} : oui"
    doc["participants"][0]["last_name"] = f"BRIS{char}"
    doc["objectives"][1] = char
    errors = refused(
        browser.json("POST", "/api/meetings", doc),
        "title",
        "rida[2].question",
        "participants[0].last_name",
        "objectives[1]",
    )
    assert errors["title"] == f"caractère de contrôle interdit (U+{ord(char):04X})"
    assert meeting_count(app) == 0


def test_tabs_and_newlines_are_text(browser):
    doc = demo_document()
    doc["rida"][0]["question"] = "- LIFEN : un\r\n- MIPIH :\tdeux"
    meeting_id = create(browser, doc)
    got = browser.client.get(f"/api/meetings/{meeting_id}").get_json()
    assert got["rida"][0]["question"] == "- LIFEN : un\r\n- MIPIH :\tdeux"


def test_invalid_edits_are_refused_with_their_path(browser, app, demo_meeting):
    url = f"/api/meetings/{demo_meeting}"
    row = rows(app, demo_meeting)[3]
    errors = refused(
        browser.json(
            "PATCH",
            f"{url}/rows/{row['uid']}",
            {"revision": row["revision"], "fields": {"nature": "Q"}},
        ),
        "rida[3].nature",
    )
    assert errors["rida[3].nature"].startswith("valeur attendue parmi I, D, A, null")
    refused(
        browser.json(
            "PATCH",
            f"{url}/rows/{row['uid']}",
            {"revision": row["revision"], "fields": {"answer": "a\x00"}},
        ),
        "rida[3].answer",
    )
    refused(browser.json("PATCH", url, {"fields": {"date": "2022-02-30"}}), "date")
    refused(browser.json("PATCH", url, {"fields": {"title": "x" * 1001}}), "title")
    refused(browser.json("PATCH", url, {"fields": {"status": "validated"}}), "status")
    refused(browser.json("PATCH", url, {"fields": {}}), "fields")
    for bad in ([], "title", 3):
        refused(browser.json("PATCH", url, {"fields": bad}), "fields")
        refused(browser.json("PATCH", url, {"fields": {"title": "x"}, "base": bad}), "base")
        refused(
            browser.json(
                "PATCH", f"{url}/rows/{row['uid']}", {"revision": row["revision"], "fields": bad}
            ),
            "rida[3].fields",
        )
        refused(browser.json("POST", f"{url}/rows", {"fields": bad}), "rida[new].fields")
    refused(
        browser.json("POST", f"{url}/rows/{row['uid']}/move", {"direction": "left"}), "direction"
    )
    refused(browser.json("POST", f"{url}/rows", [1, 2]), "$")
    refused(browser.json("POST", f"{url}/rows", "{"), "$")
    assert rows(app, demo_meeting)[3] == row


# --- HTML is data -------------------------------------------------------------------


def hostile_document() -> dict:
    def person(role: str) -> dict:
        return {k: HOSTILE.format(f"{role}.{k}")[:200] for k in exchange.PERSON_KEYS}

    doc = draft_document()
    for key in ("series", "subject", "meeting_type", "location"):
        doc[key] = HOSTILE.format(key)[:200]
    for key in ("title", "summary", "results"):
        doc[key] = HOSTILE.format(key)
    doc["organiser"], doc["rapporteur"] = person("organiser"), person("rapporteur")
    doc["participants"] = [person("participant") | {"attendance": "excused"}]
    for key in ("reference_documents", "objectives", "comments"):
        doc[key] = [HOSTILE.format(key)]
    for row in doc["rida"]:
        for key in ("subject", "question", "answer"):
            row[key] = HOSTILE.format(f"rida.{key}")
    for action in doc["actions"]:
        action.update(
            title=HOSTILE.format("action.title"),
            notes=HOSTILE.format("notes"),
            owner=person("owner"),
        )
    return doc


def test_html_in_every_text_field_is_stored_as_typed_and_shown_escaped(browser):
    doc = hostile_document()
    meeting_id = create(browser, doc)
    got = browser.client.get(f"/api/meetings/{meeting_id}").get_json()
    assert got == {**exchange.validate(doc), "id": meeting_id}
    assert got["rida"][0]["question"] == HOSTILE.format("rida.question")
    for url in (f"/reunions/{meeting_id}", f"/reunions/{meeting_id}/modifier", "/"):
        page = browser.client.get(url)
        assert page.status_code == 200, url
        html = page.get_data(as_text=True)
        assert "&lt;script&gt;alert(" in html, url
        assert "<script>alert" not in html, url
        assert not re.search(r"<img[^>]*onerror", html), url
        assert not re.search(r"href=[\"']?javascript:", html, re.I), url
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]


# --- Unknown ids, conflicts ----------------------------------------------------------


def test_unknown_ids_are_404(browser, demo_meeting):
    for method, url in (
        ("GET", "/api/meetings/999"),
        ("PATCH", "/api/meetings/999"),
        ("POST", "/api/meetings/999/rows"),
        ("PATCH", f"/api/meetings/{demo_meeting}/rows/{'f' * 32}"),
        ("DELETE", f"/api/meetings/{demo_meeting}/rows/nope"),
        ("POST", f"/api/meetings/{demo_meeting}/rows/{'f' * 32}/move"),
        ("PATCH", f"/api/meetings/{demo_meeting}/participants/{'f' * 32}"),
    ):
        response = browser.json(
            method, url, {"revision": 1, "fields": {"subject": "x"}, "direction": "up"}
        )
        assert response.status_code == 404, (method, url)
        assert response.get_json() == {"error": "404", "message": "Page introuvable."}
    assert browser.client.get("/reunions/999").status_code == 404


def test_stale_row_revision_is_409_with_current_unless_replayed(browser, app, demo_meeting):
    row = rows(app, demo_meeting)[0]
    url = f"/api/meetings/{demo_meeting}/rows/{row['uid']}"
    first = browser.json(
        "PATCH", url, {"revision": row["revision"], "fields": {"subject": "  Nouveau  "}}
    )
    assert first.status_code == 200
    saved = first.get_json()["row"]
    assert saved["subject"] == "Nouveau" and saved["revision"] == row["revision"] + 1
    stale = browser.json("PATCH", url, {"revision": row["revision"], "fields": {"subject": "B"}})
    assert stale.status_code == 409
    assert stale.get_json()["error"] == "conflict"
    assert stale.get_json()["current"] == saved
    assert "modifiée par quelqu'un d'autre" in stale.get_json()["message"]
    replay = browser.json(
        "PATCH", url, {"revision": row["revision"], "fields": {"subject": "Nouveau"}}
    )
    assert replay.status_code == 200
    assert replay.get_json()["row"] == saved
    assert rows(app, demo_meeting)[0] == saved


def test_header_patch_conflicts_per_field(browser, app, demo_meeting):
    url = f"/api/meetings/{demo_meeting}"
    join_series(app, "rapporteur", demo_meeting)
    rapporteur = as_user(app, "rapporteur")
    base = {"title": "Atelier modèle économique #1", "location": ""}
    one = browser.json("PATCH", url, {"fields": {"title": "Titre A"}, "base": base})
    two = rapporteur.json("PATCH", url, {"fields": {"location": "Salle 3"}, "base": base})
    assert (one.status_code, two.status_code) == (200, 200)
    assert two.get_json()["meeting"]["title"] == "Titre A"
    late = rapporteur.json("PATCH", url, {"fields": {"title": "Titre B"}, "base": base})
    assert late.status_code == 409
    assert late.get_json()["current"]["title"] == "Titre A"
    assert late.get_json()["current"]["location"] == "Salle 3"
    same = rapporteur.json("PATCH", url, {"fields": {"title": "Titre A"}, "base": base})
    assert same.status_code == 200
    got = browser.client.get(url).get_json()
    assert (got["title"], got["location"]) == ("Titre A", "Salle 3")


def test_rows_add_move_delete_keep_numbers_consecutive(browser, app, demo_meeting):
    url = f"/api/meetings/{demo_meeting}/rows"
    before = rows(app, demo_meeting)
    added = browser.json(
        "POST",
        url,
        {
            "uid": "n" * 32,
            "after": before[2]["uid"],
            "fields": {"nature": "D", "subject": " Décision "},
        },
    )
    assert added.status_code == 201
    assert added.get_json()["row"]["number"] == 4
    assert [r["number"] for r in added.get_json()["order"]] == list(range(1, 11))
    again = browser.json("POST", url, {"uid": "n" * 32, "fields": {"subject": "Décision"}})
    assert again.status_code == 201 and len(again.get_json()["order"]) == 10
    moved = browser.json("POST", f"{url}/{'n' * 32}/move", {"direction": "up"})
    assert [r["uid"] for r in moved.get_json()["order"]][2] == "n" * 32
    gone = browser.json("DELETE", f"{url}/{before[0]['uid']}")
    assert gone.status_code == 200
    assert [r["number"] for r in gone.get_json()["order"]] == list(range(1, 10))
    exported = browser.client.get(f"/api/meetings/{demo_meeting}").get_json()
    assert [r["number"] for r in exported["rida"]] == list(range(1, 10))
    assert exported["rida"][1] == {
        "number": 2,
        "nature": "D",
        "subject": "Décision",
        "question": None,
        "answer": None,
    }
    assert exported["actions"][2]["rida"] == 1  # followed its row (was 2)


def test_participants_add_by_id_or_new_person_and_only_once(browser, app, demo_meeting):
    url = f"/api/meetings/{demo_meeting}/participants"
    with app.app_context(), db.write_session(db.engine()) as s:
        samy = s.exec(select(Person).where(Person.last_name == "ABDICHE")).one().id
    by_id = browser.json("POST", url, {"person_id": samy, "attendance": "excused"})
    assert by_id.status_code == 201
    assert by_id.get_json()["participant"]["attendance"] == "excused"
    new = browser.json(
        "POST",
        url,
        {"last_name": " Durand ", "first_name": "Zoé", "entity": "DNS", "function": "Cheffe"},
    )
    assert new.status_code == 201
    assert [p["last_name"] for p in new.get_json()["participants"]][-2:] == ["ABDICHE", "Durand"]
    for again in (
        {"person_id": samy},
        {"last_name": "durand", "first_name": "ZOE", "entity": "dns"},
    ):
        refused(browser.json("POST", url, again), "participants[new].person_id")
    refused(browser.json("POST", url, {"first_name": "Sans nom"}), "participants[new].last_name")
    refused(browser.json("POST", url, {"person_id": 9999}), "participants[new].person_id")
    exported = browser.client.get(f"/api/meetings/{demo_meeting}").get_json()
    assert len(exported["participants"]) == 6


def test_an_organisation_alone_is_neither_participant_nor_organiser(browser, app):
    doc = draft_document()
    doc["actions"][0]["owner"] = {"entity": "Opérateurs MSS"}
    meeting_id = create(browser, doc)
    with app.app_context(), db.write_session(db.engine()) as s:
        org = (
            s.exec(select(Person).where(Person.entity == "Opérateurs MSS", Person.last_name == ""))
            .one()
            .id
        )
    url = f"/api/meetings/{meeting_id}"
    refused(
        browser.json("POST", f"{url}/participants", {"person_id": org}),
        "participants[new].person_id",
    )
    for field in ("organiser_id", "rapporteur_id"):
        refused(browser.json("PATCH", url, {"fields": {field: org}}), field)
    for key, limit in (("last_name", 200), ("function", 300)):
        errors = refused(
            browser.json("POST", f"{url}/participants", {"last_name": "N", key: "x" * (limit + 1)}),
            f"participants[new].{key}",
        )
        assert f"{limit} au plus" in errors[f"participants[new].{key}"]
