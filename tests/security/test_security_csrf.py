"""Every state-changing route refuses a request without the CSRF token, or with a forged
one, as a form and as JSON: 400, and nothing changes."""

from __future__ import annotations

from tests.security import routes as r
from tests.security.conftest import snapshot
from tests.security.world import World

FORGED = "IjEyMzQ1Njc4OTAi.forged.signature"


def refused(response) -> bool:  # type: ignore[no-untyped-def]
    if response.status_code != 400:
        return False
    if response.is_json:
        return response.get_json().get("error") == "csrf"
    return "Jeton CSRF" in response.get_data(as_text=True)


def test_writes_without_a_valid_csrf_token_are_refused(world_app, world: World, actors):
    before = snapshot(world_app)
    target = world.meetings["qzpubdft"]
    values = world.values(target)
    writes = [route for route in r.routes(world_app) if route.writes]
    assert writes
    for role in ("admin", "rapporteur", "anonymous"):
        actor = actors[role]
        for route in writes:
            url = route.object_url(target) if "<uid>" in route.rule else route.url(**values)
            actor.attack(
                route.method,
                url,
                expect=refused,
                payload=r.PAYLOAD,
                csrf=False,
                what="(JSON, no token)",
            )
            actor.attack(
                route.method, url, expect=refused, form=r.FORM, csrf=False, what="(form, no token)"
            )
            actor.attack(
                route.method,
                url,
                expect=refused,
                payload=r.PAYLOAD,
                token=FORGED,
                what="(JSON, forged token)",
            )
            actor.attack(
                route.method,
                url,
                expect=refused,
                form=r.FORM,
                token=FORGED,
                what="(form, forged token)",
            )
            other = actors["reader"].token  # a real token, of another session
            actor.attack(
                route.method,
                url,
                expect=refused,
                payload=r.PAYLOAD,
                token=other,
                what="(JSON, another session's token)",
            )
    assert snapshot(world_app) == before
