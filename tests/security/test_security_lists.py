"""Lists, search, dashboards, exports and feeds show each role only what it may read:
no hidden title, row, action, series or person in any body, and counts (facets, totals)
that match the readable objects exactly."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import quote, quote_plus, unquote

from tests.security.attempts import Actor, check, record
from tests.security.world import EDITORS, SERIES_B, World

LISTS = (
    "/",
    "/api/meetings",
    "/agenda",
    "/actions",
    "/actions?overdue=1",
    "/actions?status=open&status=in_progress&status=done&status=cancelled",
    "/actions?sort=owner&order=desc&per_page=100",
    "/actions.csv",
    "/actions.xlsx",
    "/recherche?q=qz*",
    "/recherche?q=financement&per_page=100",
    "/recherche?q=financement&sort=date&classification=confidential",
    "/api/search?q=qz*&per_page=100",
    "/api/search?q=Xena",
    "/recherche?q=Org",
    "/actions?mine=1",
    "/actions.csv?mine=1",
)


def _names(world: World) -> list[str]:
    """Filters naming things the role may not see: answered like unknown names."""
    return [
        f"/actions?series={quote(SERIES_B)}",
        f"/actions?owner={world.person_x}",
        f"/actions?organisation={quote('Org qzorgx')}",
        f"/actions.csv?organisation={quote('Org qzorgx')}",
        f"/actions.xlsx?series={quote(SERIES_B)}",
        f"/recherche?q=financement&series={quote(SERIES_B)}",
        f"/api/search?q=financement&organisation={quote('Org qzorgx')}",
    ]


def test_lists_exports_and_search_hide_what_a_role_may_not_read(world, actors):
    for role, actor in actors.items():
        if role == "anonymous":
            continue
        hidden = world.markers_hidden_from(role)
        urls = LISTS + (("/personnes",) if role in EDITORS else ())
        for url in urls:
            actor.attack("GET", url, expect=(200,), hidden=hidden)
        for url in _names(world):  # the name typed in the filter may be echoed
            actor.attack(
                "GET", url, expect=(200,), hidden=[m for m in hidden if m not in unquote(url)]
            )
        for marker in hidden:  # a near miss must not suggest a hidden word
            near = marker[:2] + "w" + marker[3:]  # one letter off, no other marker
            for url in (f"/recherche?q={near}", f"/api/search?q={near}"):
                actor.attack("GET", url, expect=(200,), hidden=hidden)


def _hits(actor: Actor, query: str) -> dict:
    response = actor.send("GET", f"/api/search?{query}&per_page=100")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_search_counts_match_the_readable_meetings(world, actors):
    everything = _hits(actors["admin"], "q=financement")
    assert everything["total"] < 100 and everything["total_is_exact"]
    for role, actor in actors.items():
        if role in ("anonymous", "admin"):
            continue
        readable = {t.id for t in world.readable(role)}
        expected = [h for h in everything["hits"] if h["meeting"] in readable]
        got = _hits(actor, "q=financement")
        key = lambda h: (h["meeting"], h["kind"], h["row"], h["action"])  # noqa: E731
        check(
            f"{role} search hits",
            sorted(map(key, got["hits"])) == sorted(map(key, expected)),
            "hits differ from the readable ones",
        )
        check(f"{role} search total", got["total"] == len(expected), str(got["total"]))
        series = Counter(h["series"] for h in expected)
        facet = {f["value"]: f["count"] for f in got["facets"].get("series", [])}
        check(f"{role} series facet counts", facet == dict(series), f"{facet} != {series}")
        for marker in world.markers_hidden_from(role):
            found = _hits(actor, f"q={marker}")
            check(
                f"{role} searches « {marker} »",
                found["total"] == 0 and not found["hits"],
                f"{found['total']} hit(s)",
            )


def test_a_hidden_name_in_a_filter_answers_like_an_unknown_one(world, actors):
    for role, actor in actors.items():
        if role in ("anonymous", "admin"):
            continue
        pairs = []
        if role != "rapporteur_b":
            pairs.append((f"series={quote(SERIES_B)}", "series=" + quote("Task Force qzinconnue")))
        if role != "member":
            pairs += [
                (f"owner={world.person_x}", "owner=987654"),
                ("organisation=" + quote("Org qzorgx"), "organisation=" + quote("Org qzinconnue")),
            ]
        for hidden_filter, unknown_filter in pairs:
            for path in ("/actions", "/actions.csv"):
                one = actor.send("GET", f"{path}?{hidden_filter}")
                other = actor.send("GET", f"{path}?{unknown_filter}")
                same = one.status_code == other.status_code and _without_names(
                    one, world
                ) == _without_names(other, world)
                record(
                    f"{role} GET {path}?{hidden_filter}",
                    [] if same else ["differs from an unknown name: existence leak"],
                )


# The page's CSRF token: signed with the current second, so two requests a second boundary
# apart differ there (more often on a loaded machine), whatever the filter.
CSRF_TOKEN = re.compile(r'(name="csrf-token" content|name="csrf_token" value)="[^"]*"')


def _without_names(response, world: World) -> str:  # type: ignore[no-untyped-def]
    """The body with the names a filter named (hidden or unknown) blanked out, and the CSRF
    token (which changes with the clock, not with the filter)."""
    text = CSRF_TOKEN.sub(r'\1="TOKEN"', response.get_data(as_text=True))
    for name in (SERIES_B, "Task Force qzinconnue", "Org qzorgx", "Org qzinconnue"):
        for form in (quote_plus(name), quote(name), name):
            text = text.replace(form, "NAME")
    for number in (world.person_x, 987654):
        text = re.sub(rf"(?<!\d){number}(?!\d)", "NAME", text)
    return text


def test_feeds_follow_their_account_and_die_when_revoked(world_app, world, actors):
    anonymous = world_app.test_client()
    caller = Actor("feed", anonymous, "")
    readers = {
        "rapporteur_a": "rapporteur",
        "rapporteur_b": "rapporteur_b",
        "member_mine": "member",
    }
    for name, role in readers.items():
        token = world.feeds[name][1]
        caller.attack(
            "GET",
            f"/feeds/{token}.ics",
            expect=(200,),
            hidden=world.markers_hidden_from(role),
            what=f"({name})",
        )
    everything = world.markers_hidden_from("anonymous")
    for token in (
        world.feeds["revoked"][1],
        world.feeds["departed"][1],
        world.feeds["rapporteur_a"][1][:-1],
        world.feeds["rapporteur_a"][1] + "x",
        world.feeds["rapporteur_a"][1].upper(),
        "x" * 43,
        "",
        "..%2F..%2Fetc%2Fpasswd",
        "%00",
        quote("' OR 1=1 --", safe=""),
    ):
        caller.attack("GET", f"/feeds/{token}.ics", expect=(404,), hidden=everything)
