"""Accounts, the audit journal and API tokens on the web: the admin pages answer 404 to
every other role, whichever account id is in the URL (IDOR); one revokes only one's own
tokens (another account's answers 404) and sees only them."""

from __future__ import annotations

import re

from tests.security import routes as r
from tests.security.attempts import Actor, check
from tests.security.conftest import snapshot
from tests.security.world import SERIES_B, World

MISSING = 987654


def _everyone(actors: dict[str, Actor], scripts: dict[str, Actor]) -> list[tuple[str, Actor]]:
    """Each role as a logged-in person and as a script with an API token."""
    people = [(role, a) for role, a in actors.items() if role != "anonymous"]
    return people + list(scripts.items())


def test_admin_pages_answer_404_to_every_other_role(world_app, world: World, actors, scripts):
    before = snapshot(world_app)
    ids = (*world.users.values(), MISSING)
    for role, actor in _everyone(actors, scripts):
        hidden = (*world.markers_hidden_from(role), "departed", "jeton ")
        for route in r.routes(world_app, r.ADMIN):
            if role == "admin":
                if route.writes and "user_id" in route.params:  # only a missing account
                    actor.attack(
                        route.method, route.url(user_id=MISSING), expect=(404,), **route.body()
                    )
                elif not route.writes:
                    actor.attack(route.method, route.url(), expect=(200,))
                continue
            for user_id in ids if "user_id" in route.params else (None,):
                url = route.url(user_id=user_id)
                actor.attack(route.method, url, expect=(404,), hidden=hidden, **route.body())
                if route.method == "GET":
                    actor.attack(
                        route.method,
                        url + "?login=admin&action=login.failure",
                        expect=(404,),
                        hidden=hidden,
                    )
    assert snapshot(world_app) == before


def test_one_revokes_and_sees_only_ones_own_tokens(world_app, world: World, actors, scripts):
    before = snapshot(world_app)
    for role, actor in _everyone(actors, scripts):
        owner = role.split(" ")[0]
        mine = {owner} | ({"revoked", "expired"} if owner == "rapporteur" else set())
        others = [prefix for name, (prefix, _) in world.tokens.items() if name not in mine]
        actor.attack(
            "GET",
            "/compte/jetons",
            expect=(200,),
            hidden=(*others, *world.markers_hidden_from(owner)),
        )
        for route in r.routes(world_app, r.OWN_TOKEN):
            for prefix in (*others, "00000000", "..%2F..%2Fx", "' OR 1=1 --"):
                actor.attack(route.method, route.url(prefix=prefix), expect=(404,), form={})
    assert snapshot(world_app) == before
    for script in scripts.values():  # every live token still works
        script.attack("GET", "/api/meetings", expect=(200,), what="(still live)")


def test_a_meeting_is_created_only_in_a_series_one_sees(world_app, world: World, actors):
    """A rapporteur who does not see series B cannot add a meeting to it, and learns no
    more than for a series that does not exist."""
    before = snapshot(world_app)
    rapporteur = actors["rapporteur"]
    answers = []
    for series_id in (world.series[SERIES_B], MISSING):
        form = r.FORM | {"series_id": str(series_id), "title": "Réunion qzintruse"}
        response = rapporteur.attack("POST", "/reunions", expect=(302,), form=form)
        page = rapporteur.send("GET", response.headers.get("Location", "/"))
        answers.append(
            re.findall(r'<p class="flash[^"]*">([^<]*)</p>', page.get_data(as_text=True))
        )
    check(
        "a hidden series answers like an unknown one", answers[0] == answers[1] != [], str(answers)
    )
    assert snapshot(world_app) == before
