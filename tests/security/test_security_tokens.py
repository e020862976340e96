"""API tokens (``Authorization: Bearer``): a live token acts within its account's rights
and needs no CSRF token; a dead one (revoked, expired, unknown, malformed, of a
deactivated account) gets a JSON 401 on every request; and a bearer header never lets a
cookie session write without its CSRF token. (A token's reach across classifications:
``test_security_access.test_a_token_reaches_no_more_than_its_account``.)"""

from __future__ import annotations

from tests.security.attempts import Actor, Script, check
from tests.security.conftest import snapshot
from tests.security.world import World


def json_401(response) -> bool:  # type: ignore[no-untyped-def]
    return (
        response.status_code == 401
        and response.is_json
        and response.get_json().get("error") == "invalid_token"
    )


def _requests(world: World) -> list[tuple[str, str, dict]]:
    """Reads and writes, API and pages, that the live token of « rapporteur » may make."""
    public, restricted = world.meetings["qzpubval"], world.meetings["qzresadft"]
    return [
        ("GET", "/api/meetings", {}),
        ("GET", f"/api/meetings/{public.id}", {}),
        ("GET", f"/reunions/{public.id}", {}),
        ("GET", "/compte/jetons", {}),
        ("GET", f"/reunions/{restricted.id}/compte-rendu.docx", {}),
        (
            "PATCH",
            f"/api/meetings/{restricted.id}",
            {"payload": {"fields": {"location": "Salle qzpirate"}}},
        ),
        (
            "POST",
            f"/api/actions/{restricted.action_id}/status",
            {"payload": {"status": "cancelled"}},
        ),
        ("POST", f"/reunions/{restricted.id}/relecture", {"form": {"deadline": "2099-01-01"}}),
        ("POST", "/compte/jetons", {"form": {"name": "qzpirate"}}),
        ("POST", "/api/session", {"payload": {}}),
    ]


def test_a_live_token_reads_and_writes_without_csrf(world_app, world: World, scripts):
    rapporteur, member = scripts["rapporteur"], scripts["member"]
    target = world.meetings["qzresadft"]
    rapporteur.attack(
        "PATCH",
        f"/api/meetings/{target.id}",
        expect=(200,),
        payload={"fields": {"location": "Salle du jeton"}},
    )
    got = rapporteur.attack("GET", f"/api/meetings/{target.id}", expect=(200,))
    check("a token's change is stored", got.get_json()["location"] == "Salle du jeton")
    own = world.meetings["qzconfdft"]  # the member owns its action
    member.attack(
        "POST",
        f"/api/actions/{own.action_id}/status",
        expect=(200,),
        payload={"status": "in_progress"},
    )
    for role, script in scripts.items():
        script.attack("GET", "/api/meetings", expect=(200,), hidden=world.markers_hidden_from(role))
    # the token authenticates its request only: no login session comes out of it
    client = world_app.test_client()
    Script("rapporteur", client, world.tokens["rapporteur"][1]).attack(
        "GET", "/api/meetings", expect=(200,), what="(cookies kept)"
    )
    Actor("after a token", client, "").attack(
        "GET", "/api/meetings", expect=(401,), what="(no header)"
    )


def dead_tokens(world: World) -> dict[str, str]:
    live = world.tokens["rapporteur"][1]
    prefix, other = world.tokens["reader"][0], world.tokens["admin"][1]
    return {
        "revoked": world.tokens["revoked"][1],
        "expired": world.tokens["expired"][1],
        "deactivated account": world.tokens["departed"][1],
        "unknown": "rida_0badc0de_" + "A" * 43,
        "one letter off": live[:-1] + ("B" if live[-1] != "B" else "C"),
        "longer": live + "x",
        "another's prefix": f"rida_{prefix}_{other.split('_', 2)[2]}",
        "upper case": live.upper(),
        "no secret": f"rida_{world.tokens['rapporteur'][0]}_",
        "empty": "",
        "spaces": "   ",
        "SQL": "' OR 1=1 --",
        "huge": "rida_" + "a" * 20_000,
        "not ASCII": "rida_é" + live[6:],
        "NUL": live + "\x00",
    }


def test_dead_or_malformed_tokens_get_a_json_401(world_app, world: World):
    before = snapshot(world_app)
    client = world_app.test_client(use_cookies=False)
    headers = {name: f"Bearer {token}" for name, token in dead_tokens(world).items()}
    headers |= {
        "no scheme": "rida_x",
        "Bearer alone": "Bearer",
        "token only": world.tokens["rapporteur"][1],
    }
    for name, header in headers.items():
        script = Script(f"token {name}", client, "")
        for method, url, body in _requests(world):
            script.attack(
                method,
                url,
                expect=json_401,
                headers={"Authorization": header},
                hidden=world.markers_hidden_from("anonymous"),
                **body,
            )
    assert snapshot(world_app) == before


def test_a_bearer_header_gives_a_cookie_session_no_way_around_csrf(world_app, world: World, actors):
    """A logged-in browser's request that carries a bearer header is judged by the header
    alone: an invalid one is refused (not taken as the cookie's account without CSRF), a
    valid one acts as the token's account, never as the cookie's."""
    before = snapshot(world_app)
    session = actors["rapporteur"]
    for method, url, body in _requests(world):
        if method == "GET":
            continue
        for name, token in dead_tokens(world).items():
            for csrf in (False, True):
                session.attack(
                    method,
                    url,
                    expect=json_401,
                    csrf=csrf,
                    headers={"Authorization": f"Bearer {token}"},
                    what=f"(cookie, {'CSRF, ' if csrf else ''}token {name})",
                    **body,
                )
        if url.startswith(("/compte", "/api/session")):
            continue  # any account may: no role to borrow
        for role in ("reader", "rapporteur_b"):  # neither reads series A restricted
            session.attack(
                method,
                url,
                expect=(404,),
                csrf=False,
                headers={"Authorization": f"Bearer {world.tokens[role][1]}"},
                what=f"(cookie, {role}'s token)",
                **body,
            )
    assert snapshot(world_app) == before
