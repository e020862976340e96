"""Hostile input that is not script: SQL-ish strings, oversized and malformed bodies,
path traversal in names and URL segments. Never a server error, never a half-write."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from urllib.parse import quote

from rida import db
from rida.models import Meeting
from tests.conftest import counts, demo_document, multipart
from tests.security import routes as r
from tests.security.attempts import Actor, check, record
from tests.security.conftest import snapshot
from tests.security.world import target_of as world_target

SQLISH = (
    "' OR 1=1 --",
    '"; DROP TABLE meeting; --',
    "1; DELETE FROM rida_row",
    "%' OR '%'='",
    "\\'; --",
    "1) UNION SELECT login, password_hash FROM user --",
)


def clean(response) -> bool:  # type: ignore[no-untyped-def]
    """A 4xx or 2xx/3xx, never 5xx; a 400 of the API says what is wrong."""
    if response.status_code >= 500:
        return False
    if response.status_code == 400 and response.is_json:
        return bool(response.get_json().get("message"))
    return True


def test_sql_ish_strings_are_stored_literally(app):
    admin = Actor.log_in("admin", app.test_client())
    for text in SQLISH:
        doc = copy.deepcopy(demo_document()) | {
            "title": text,
            "series": f"S {text}",
            "status": "draft",
            "version": "0.1",
        }
        doc["rida"][0]["subject"] = text
        doc["participants"][0]["last_name"] = text
        created = admin.attack("POST", "/api/meetings", expect=(201,), payload=doc)
        meeting_id = created.get_json()["id"]
        got = admin.send("GET", f"/api/meetings/{meeting_id}").get_json()
        check(
            f"« {text} » stored literally",
            got["title"] == text
            and got["rida"][0]["subject"] == text
            and got["participants"][0]["last_name"] == text,
            got["title"],
        )
        q = quote(text, safe="")
        for url in (
            f"/recherche?q={q}",
            f"/api/search?q={q}",
            f"/api/search?series={q}",
            f"/recherche?q=x&organisation={q}&type={q}&status={q}",
            f"/actions?series={q}&owner={q}&organisation={q}&kind={q}",
            f"/actions.csv?sort={q}",
            f"/actions.xlsx?status={q}",
            f"/reunions/{meeting_id}/comparaison?from={q}&to={q}",
            f"/api/meetings/{meeting_id}/versions/{q}",
            f"/feeds/{q}.ics",
        ):
            admin.attack("GET", url, expect=clean)
        admin.attack(
            "PATCH",
            f"/api/meetings/{meeting_id}",
            expect=(200,),
            payload={"fields": {"location": text}},
        )
        # 429 once a lockout counts these failures
        admin.attack(
            "POST", "/connexion", expect=(401, 429), form={"login": text, "password": text}
        )
    after = counts(app)
    check("tables intact", after["Meeting"] == len(SQLISH) and after["RidaRow"] > 0, str(after))


def test_oversized_bodies_get_413(app):
    admin = Actor.log_in("admin", app.test_client())
    limit = app.config["MAX_CONTENT_LENGTH"]
    before = counts(app)
    big = b" " * (limit + 1)
    for url, method in (
        ("/api/meetings", "POST"),
        ("/api/meetings/1", "PATCH"),
        ("/api/actions/1/status", "POST"),
    ):
        response = admin.attack(method, url, expect=(413,), raw=big, what="(JSON)")
        check(
            f"413 of {url} says why",
            response.is_json and "volumineuse" in response.get_json().get("message", ""),
        )
    upload, multipart_type = multipart({"file": ("big.docx", big)})
    for url in ("/import", "/series", "/connexion"):
        for content_type, raw in (
            (multipart_type, upload),
            ("application/x-www-form-urlencoded", b"name=" + big),
        ):
            response = admin.attack(
                "POST",
                url,
                expect=(413,),
                raw=raw,
                content_type=content_type,
                what=f"({content_type})",
            )
            check(f"413 of {url} says why", "volumineuse" in response.get_data(as_text=True))
    check("nothing written by oversized bodies", counts(app) == before)


MALFORMED: tuple[tuple[str, bytes | str], ...] = (
    ("invalid JSON", b"{"),
    ("empty", b""),
    ("a list", b"[]"),
    ("a string", b'"x"'),
    ("null", b"null"),
    ("not UTF-8", b"\xff\xfe{\x00}"),
    ("deep", b"[" * 100_000),
    ("deep object", b'{"a":' * 50_000),
    ("huge number", b'{"revision": 1e999}'),
    ("huge integer", json.dumps({"revision": 10**400, "fields": {}, "to": 10**400})),
    ("NaN", b'{"revision": NaN, "to": Infinity}'),
    (
        "wrong types",
        json.dumps(
            {
                "fields": [],
                "revision": "1",
                "direction": 3,
                "to": "x",
                "status": 4,
                "deadline": [],
                "uid": {},
                "after": [],
            }
        ),
    ),
    (
        "wrong field types",
        json.dumps(
            {
                "fields": {
                    "title": 3,
                    "nature": [],
                    "subject": {},
                    "due_date": 20220107,
                    "owner": "x",
                }
            }
        ),
    ),
    (
        "unknown fields",
        json.dumps({"fields": {"password_hash": "x", "id": 1, "meeting_id": 1, "surprise": "x"}}),
    ),
    ("control characters", json.dumps({"fields": {"title": "a\x00b\x1b"}})),
    ("huge string", json.dumps({"fields": {"title": "é" * 200_000}})),
    ("huge list", json.dumps({"fields": {"objectives": ["x"] * 100_000}})),
)


BODILESS = ("/amend", "/draft", "/validate")  # transitions that read no body


def _send_malformed(
    world_app,
    target,
    admin: Actor,  # type: ignore[no-untyped-def]
    skip: tuple[str, ...] = (),
) -> None:
    for route in r.routes(world_app):
        if (
            not (route.api and route.writes)
            or route.method == "DELETE"
            or route.rule.endswith(skip)
        ):
            continue
        url = route.object_url(target)
        for name, raw in MALFORMED:
            admin.attack(route.method, url, expect=clean, raw=raw, what=f"({name})")
        admin.attack(
            route.method,
            url,
            expect=clean,
            raw=b"{}",
            content_type="text/plain",
            what="(text/plain)",
        )


def test_malformed_bodies_get_a_clear_4xx(world_app, world, actors):
    """On a validated meeting (read-only: a body that happens to be well-formed changes
    nothing either), the transitions that read no body aside."""
    before = snapshot(world_app)
    _send_malformed(world_app, world.meetings["qzpubval"], actors["admin"], BODILESS)
    assert snapshot(world_app) == before


def test_malformed_bodies_on_a_draft_get_a_clear_4xx(app, demo_meeting):
    """On a draft, where the fields are read: clear 4xx (a body that happens to be
    acceptable may change the draft)."""
    with app.app_context(), db.write_session(db.engine()) as s:
        target = world_target(s, "draft", s.get(Meeting, demo_meeting))
    _send_malformed(app, target, Actor.log_in("admin", app.test_client()))


def test_rida_documents_with_unknown_fields_are_refused_by_path(app):
    admin = Actor.log_in("admin", app.test_client())
    before = counts(app)
    for path, change in (
        ("surprise", lambda d: d.__setitem__("surprise", 1)),
        ("rida[0].surprise", lambda d: d["rida"][0].__setitem__("surprise", 1)),
        (
            "actions[0].owner.surprise",
            lambda d: d["actions"][0]["owner"].__setitem__("surprise", 1),
        ),
        ("date", lambda d: d.__setitem__("date", 10**400)),
        ("rida[0].number", lambda d: d["rida"][0].__setitem__("number", 2**70)),
        ("rida", lambda d: d.__setitem__("rida", {"0": {}})),
    ):
        doc = copy.deepcopy(demo_document())
        change(doc)
        response = admin.attack(
            "POST", "/api/meetings", expect=(400,), payload=doc, what=f"({path})"
        )
        errors = {e["path"] for e in (response.get_json() or {}).get("errors", [])}
        check(f"refusal names {path}", path in errors, str(errors))
    check("nothing written by refused documents", counts(app) == before)


def test_path_traversal_in_names_and_segments(app):
    admin = Actor.log_in("admin", app.test_client())
    doc = copy.deepcopy(demo_document()) | {
        "title": "../../../../tmp/evil/..\\..\\x",
        "series": "..%2F..%2Fetc/passwd",
        "status": "draft",
        "version": "0.1",
    }
    meeting_id = admin.send("POST", "/api/meetings", payload=doc).get_json()["id"]
    export_dir = app.config["EXPORT_DIR"]
    for fmt in ("docx", "md", "html", "json"):
        response = admin.attack("GET", f"/reunions/{meeting_id}/compte-rendu.{fmt}", expect=(200,))
        name = response.headers["Content-Disposition"].split('filename="')[1].rstrip('"')
        record(
            f"export name {name}",
            []
            if set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
            and ".." not in name
            and (export_dir / name).is_file()
            else ["unsafe name"],
        )
    strays = [
        p
        for p in export_dir.parent.rglob("*")
        if ("evil" in p.name or "passwd" in p.name) and p.parent != export_dir
    ]
    check(
        "exports stay in the export dir", not strays and not Path("/tmp/evil").exists(), str(strays)
    )
    for url in (
        f"/reunions/{meeting_id}/compte-rendu.%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        f"/reunions/{meeting_id}/compte-rendu.docx%2F..%2F..%2Frida.sqlite3",
        f"/reunions/{meeting_id}/compte-rendu.docx%00",
        f"/reunions/{meeting_id}/compte-rendu.../../x",
        f"/api/meetings/{meeting_id}/versions/..%2F..%2F..%2Fetc%2Fpasswd",
        f"/api/meetings/{meeting_id}/versions/0.1%2F..%2F..%2Fx.docx",
        "/static/../rida/__init__.py",
        "/static/%2E%2E/%2E%2E/pyproject.toml",
        "/static/..%2F..%2Frida%2F__init__.py",
        "/static/%2e%2e%5c%2e%2e%5cREADME.md",
        "/actions.csv/../../etc/passwd",
        "/feeds/..%2F..%2Fsecret_key.ics",
        "/reunions/..%2F1",
        f"/reunions/{meeting_id}/%2E%2E/modifier",
    ):
        response = admin.attack(
            "GET",
            url,
            expect=lambda resp: (
                resp.status_code in (404, 405, 308)
                or (resp.status_code == 302 and "/connexion" in resp.headers["Location"])
            ),
        )
        record(
            f"no file content from {url}",
            ["leaks a file"]
            if any(
                s in response.data
                for s in (b"root:", b"[project]", b"SQLite format", b"def create_app")
            )
            else [],
        )
