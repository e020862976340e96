"""The audit trail and the login lockout under attack: no route changes or deletes an
entry, the attacks' own entries keep the hash chain whole, hostile values in the journal
are escaped on its page and neutralised in its CSV; repeated wrong passwords lock one
login (the same answer whether it exists or not), and only that login."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

from sqlalchemy import select

from rida import db
from rida.audit import chain
from rida.models import AuditEntry
from tests.conftest import PASSWORD
from tests.security.attempts import Actor, check, record
from tests.security.test_security_xss import FORMULAS, HOSTILE, hostile_document, page_is_safe
from tests.security.world import World

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.7"}  # failed logins that lock no test's address


def entries(app) -> list[tuple]:  # type: ignore[no-untyped-def]
    with app.app_context(), db.engine().connect() as conn:
        return [tuple(row) for row in conn.execute(select(AuditEntry.__table__))]


def chain_is_whole(app, what: str) -> None:  # type: ignore[no-untyped-def]
    with app.app_context(), db.engine().connect() as conn:
        verdict = chain.verify(conn)
    check(
        f"audit chain whole {what}",
        verdict.intact and verdict.count > 0,
        f"{verdict.count} entries, broken at {verdict.broken}: {verdict.reason}",
    )


def test_no_route_changes_or_deletes_an_audit_entry(world_app, world: World, actors):
    admin = actors["admin"]
    before = entries(world_app)
    check("the attacks were journaled", len(before) > 0, str(len(before)))
    for url in (
        "/admin/journal",
        "/admin/journal.csv",
        "/admin/journal/1",
        "/admin/journal/1/delete",
        "/admin/journal?id=1",
        "/api/audit",
        "/api/audit/1",
        "/api/journal",
        f"/reunions/{world.meetings['qzpubval'].id}/historique",
    ):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            admin.attack(method, url, expect=(404, 405), payload={"id": 1, "hash": "0"})
            admin.attack(method, url, expect=(404, 405), form={"id": "1", "action": "x"})
    after = entries(world_app)
    check("earlier entries untouched", after[: len(before)] == before)
    chain_is_whole(world_app, "after the attacks of the suite")


def test_the_attacks_own_entries_keep_the_chain_whole(world_app, world: World, actors):
    for login in ("admin", "ghost", HOSTILE[:100], FORMULAS[0], "' OR 1=1 --"):
        Actor.log_in("anonymous", world_app.test_client()).attack(
            "POST",
            "/connexion",
            expect=(401, 429),
            environ_base=ELSEWHERE,
            form={"login": login, "password": "wrong"},
            what=f"(wrong password, {login!r})",
        )
    reader, target = actors["reader"], world.meetings["qzpubdft"]
    reader.attack(
        "PATCH",
        f"/api/meetings/{target.id}",
        expect=(403,),
        payload={"fields": {"title": "piraté"}},
    )
    reader.attack(
        "POST", f"/api/actions/{target.action_id}/status", expect=(403,), payload={"status": "done"}
    )
    failures = [e for e in entries(world_app) if "login.failure" in e]
    check("failed logins journaled", len(failures) >= 5, str(len(failures)))
    chain_is_whole(world_app, "after failed logins and refused writes")


def test_the_journal_shows_hostile_values_safely(app):
    for login in (HOSTILE[:100], FORMULAS[0], FORMULAS[4]):
        Actor.log_in("anonymous", app.test_client()).send(
            "POST", "/connexion", form={"login": login, "password": "x"}
        )
    admin = Actor.log_in("admin", app.test_client())
    created = admin.send("POST", "/api/meetings", payload=hostile_document(HOSTILE))
    meeting_id = created.get_json()["id"]
    admin.send(
        "PATCH",
        f"/api/meetings/{meeting_id}",
        payload={"fields": {"location": FORMULAS[0], "title": f"{FORMULAS[1]} {HOSTILE}"}},
    )
    for name in (HOSTILE, FORMULAS[0]):
        page_is_safe(
            "POST /compte/jetons (token name)",
            admin.send("POST", "/compte/jetons", form={"name": name}),
        )
    quoted = quote(HOSTILE)
    for url in (
        "/admin/journal",
        f"/admin/journal?login={quoted}",
        "/admin/comptes",
        f"/admin/journal?action={quoted}&start={quoted}",
        "/compte/jetons",
        f"/reunions/{meeting_id}/historique",
    ):
        page_is_safe(f"GET {url}", admin.send("GET", url))
    response = admin.send("GET", "/admin/journal.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    check("journal CSV holds the formulas as text", any("HYPERLINK" in c for c in cells))
    for cell in cells:
        record(
            f"journal CSV cell « {cell[:40]} »",
            ["may run as a formula"] if cell.startswith(DANGEROUS) else [],
        )


def _message(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(
        re.findall(r'<p class="flash[^"]*">([^<]*)</p>', response.get_data(as_text=True))
    )


def test_repeated_failures_lock_one_login_alike_whether_it_exists(app):
    answers = {}
    for login in ("reader", "ghost"):
        client = Actor.log_in("anonymous", app.test_client())
        first = client.send("POST", "/connexion", form={"login": login, "password": "wrong"})
        for _ in range(5):
            client.send("POST", "/connexion", form={"login": login, "password": "wrong"})
        locked = client.attack(
            "POST",
            "/connexion",
            expect=(429,),
            form={"login": login, "password": PASSWORD},
            what=f"(right password after 6 wrong, {login})",
        )
        answers[login] = (
            (first.status_code, _message(first)),
            (locked.status_code, _message(locked)),
        )
    check(
        "the lockout says the same for a login that exists and one that does not",
        answers["reader"] == answers["ghost"],
        str(answers),
    )
    member = Actor.log_in("anonymous", app.test_client())
    member.attack(
        "POST",
        "/connexion",
        expect=(302,),
        form={"login": "member", "password": PASSWORD},
        what="(another login, same address)",
    )
