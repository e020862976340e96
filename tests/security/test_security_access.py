"""Every route, as every role, on every object of the fixture world: a route is classified
or the suite fails; whoever may not read an object gets 404 (never 403 or 200) and never
its name; anonymous visitors get the login page (or 401 in the API)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlmodel import select

from rida import db
from rida.models import Participation, Person
from rida.views import moved
from tests.conftest import PASSWORD
from tests.security import routes as r
from tests.security.attempts import Actor, check
from tests.security.conftest import snapshot
from tests.security.world import EDITORS, EDITS, READS, SEES_PERSON_X, SEES_SERIES_B, World

MISSING = 987654


def test_every_route_is_classified(world_app):
    found = set(r.discovered(world_app))
    for key in sorted(found):
        check(
            f"route {key[0]} {key[1]} classified",
            key in r.ROUTES,
            "add it to tests/security/routes.py ROUTES (and so to the attacks)",
        )
    for key in sorted(set(r.ROUTES) - found):
        check(f"route {key[0]} {key[1]} exists", False, "listed in ROUTES but gone: remove it")


def to_login(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response.headers["Location"].startswith("/connexion")


def test_anonymous_visitors_get_the_login_page(world_app, world: World, actors):
    anonymous = actors["anonymous"]
    hidden = world.markers_hidden_from("anonymous")
    before = snapshot(world_app)
    for route in r.routes(world_app):
        if route.kind in (r.PUBLIC, r.TOKEN, r.MOVED):  # MOVED: test_old_urls_redirect_blindly
            continue
        for target in (world.meetings["qzpubval"], world.meetings["qzconfdft"]):
            url = route.url(**world.values(target))
            anonymous.attack(
                route.method,
                url,
                expect=(401,) if route.api else to_login,
                hidden=hidden,
                **route.body(),
            )
    assert snapshot(world_app) == before


@pytest.mark.slow
def test_forbidden_meetings_answer_404_on_every_url(world_app, world: World, actors):
    _forbidden_meetings(world_app, world, actors)


@pytest.mark.slow
def test_a_token_reaches_no_more_than_its_account(world_app, world: World, scripts):
    """The same attacks as an API token of each role: 404 beyond its account's reach."""
    _forbidden_meetings(world_app, world, scripts)
    _read_but_not_write(world_app, world, scripts)


def _forbidden_meetings(world_app, world: World, actors: dict[str, Actor]) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(world_app)
    kinds = (r.MEETING_READ, r.MEETING_STREAM, r.MEETING_WRITE, r.ACTION_READ, r.ACTION_STATUS)
    for role, actor in actors.items():
        if role == "anonymous":
            continue
        hidden = world.markers_hidden_from(role)
        for route in r.routes(world_app, *kinds):
            for target in world.forbidden(role):
                actor.attack(
                    route.method,
                    route.object_url(target),
                    expect=(404,),
                    hidden=hidden,
                    **route.body(),
                )
                if route.rule.endswith("compte-rendu.<fmt>"):
                    for fmt in ("json", "html", "md", "pdf"):
                        actor.attack(
                            "GET",
                            route.url(meeting_id=target.id, fmt=fmt),
                            expect=(404,),
                            hidden=hidden,
                        )
            if "<uid>" in route.rule:  # a readable meeting, another meeting's row or action
                mine = world.meetings["qzpubdft"]
                # as for a made-up uid: 404 for editors; 403 (the role) or 404 for others
                unknown = actor.send(
                    route.method, route.url(meeting_id=mine.id, uid="nope"), **route.body()
                ).status_code
                check(
                    f"{actor.role} {route.method} {route.rule} made-up uid",
                    unknown in ((404,) if mine.key in EDITS[role] else (403, 404)),
                    str(unknown),
                )
                for target in world.forbidden(role) or [world.meetings["qzconfdft"]]:
                    actor.attack(
                        route.method,
                        route.object_url(mine, uid_of=target),
                        expect=(unknown,),
                        hidden=hidden,
                        **route.body(),
                    )
            if route.params:
                missing = route.url(
                    meeting_id=MISSING,
                    uid="nope",
                    action_id=MISSING,
                    name="1.0",
                    fmt="docx",
                    number=1,
                )
                actor.attack(route.method, missing, expect=(404,), hidden=hidden, **route.body())
    assert snapshot(world_app) == before


@pytest.mark.slow
def test_readers_read_and_only_editors_write(world_app, world: World, actors):
    """The other side of the boundary: what one may read answers, and a role without the
    right to change it gets 403 (the object's existence is no secret to them)."""
    _read_but_not_write(world_app, world, actors)


def _read_but_not_write(world_app, world: World, actors: dict[str, Actor]) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(world_app)
    for role, actor in actors.items():
        if role == "anonymous":
            continue
        hidden = world.markers_hidden_from(role)
        for target in world.readable(role):
            for route in r.routes(world_app, r.MEETING_READ, r.ACTION_READ):
                if "<name>" in route.rule and not target.validated:
                    continue
                actor.attack(route.method, route.object_url(target), expect=(200,), hidden=hidden)
            for route in r.routes(world_app, r.MEETING_STREAM):
                actor.watch(route.object_url(target), hidden=hidden)
            if target.key in EDITS[role]:
                continue
            for route in r.routes(world_app, r.MEETING_WRITE):
                actor.attack(
                    route.method,
                    route.object_url(target),
                    expect=(403,),
                    hidden=hidden,
                    **route.body(),
                )
            owner = role == "member" and target.key.startswith("qzconf")
            for route in r.routes(world_app, r.ACTION_STATUS):
                if not owner:
                    actor.attack(
                        route.method,
                        route.object_url(target),
                        expect=(403,),
                        hidden=hidden,
                        **route.body(),
                    )
    assert snapshot(world_app) == before


def public_person(app, world: World) -> int:  # type: ignore[no-untyped-def]
    """A person named in a public meeting (everyone sees them), nobody's account."""
    with app.app_context():
        return (
            db.session()
            .exec(
                select(Person.id)
                .join(Participation)
                .where(
                    Participation.meeting_id == world.meetings["qzpubval"].id,
                    Person.last_name != "",
                    Person.id != world.person_x,
                )
            )
            .first()
        )


def test_series_people_and_feeds_of_others_answer_404(world_app, world: World, actors):
    before = snapshot(world_app)
    series_b = world.series["Task Force qzseriesb"]
    for role, actor in actors.items():
        if role == "anonymous":
            continue
        hidden = world.markers_hidden_from(role)
        for route in r.routes(world_app, r.SERIES_READ, r.SERIES_WRITE):
            if role not in SEES_SERIES_B:
                actor.attack(
                    route.method,
                    route.url(series_id=series_b),
                    expect=(404,),
                    hidden=hidden,
                    **route.body(),
                )
            actor.attack(
                route.method,
                route.url(series_id=MISSING),
                expect=(404,),
                hidden=hidden,
                **route.body(),
            )
        for route in r.routes(world_app, r.PERSON_WRITE):
            # a person one may not see answers like an unknown id, whatever the role; one
            # seen but neither one's own nor an admin's to change: 403
            for person in ([world.person_x] if role not in SEES_PERSON_X else []) + [MISSING]:
                actor.attack(
                    route.method,
                    route.url(person_id=person),
                    expect=(404,),
                    hidden=hidden,
                    **route.body(),
                )
            if role != "admin":
                actor.attack(
                    route.method,
                    route.url(person_id=public_person(world_app, world)),
                    expect=(403,),
                    hidden=hidden,
                    **route.body(),
                )
        for route in r.routes(world_app, r.PERSON_EDIT):
            # readers and members: 403 whatever the person (it tells nothing); editors: a
            # person they may not see answers like an unknown id
            if role not in EDITORS:
                for person in (world.person_x, MISSING, public_person(world_app, world)):
                    actor.attack(
                        route.method,
                        route.url(person_id=person),
                        expect=(403,),
                        hidden=hidden,
                        **route.body(),
                    )
                continue
            for person in ([world.person_x] if role not in SEES_PERSON_X else []) + [MISSING]:
                actor.attack(
                    route.method,
                    route.url(person_id=person),
                    expect=(404,),
                    hidden=hidden,
                    **route.body(),
                )
        for route in r.routes(world_app, r.FEED_OWNER):
            for name, (feed_id, _) in world.feeds.items():
                mine = (role, name) in {
                    ("rapporteur", "rapporteur_a"),
                    ("rapporteur", "revoked"),
                    ("rapporteur_b", "rapporteur_b"),
                    ("member", "member_mine"),
                }
                if not mine:
                    actor.attack(
                        route.method,
                        route.url(feed_id=feed_id),
                        expect=(404,),
                        hidden=hidden,
                        **route.body(),
                    )
    assert snapshot(world_app) == before


def test_old_urls_redirect_blindly(world_app, world: World, actors, scripts):
    """An old English page URL answers the same permanent redirect to its French URL
    (301 for GET, 308 otherwise: same method, same body) whoever asks (anonymous, each
    role, each role's API token) and whatever the id (readable, forbidden, missing): it
    tells nothing; the French URL applies the access rule (the attacks above). It changes
    nothing either (and refuses a write without the CSRF token: test_security_csrf)."""
    rules = {rule.endpoint: rule.rule for rule in world_app.url_map.iter_rules()}
    french = {old: rules[endpoint] for old, _, endpoint in moved.MOVED}
    missing = {
        "meeting_id": MISSING,
        "action_id": MISSING,
        "feed_id": MISSING,
        "uid": "nope",
        "prefix": "00000000",
    }
    before = snapshot(world_app)
    old_routes = r.routes(world_app, r.MOVED)
    check("every moved URL is classified MOVED", len(old_routes) == 18, str(len(old_routes)))
    for route in old_routes:
        new = r.Route(route.method, french[route.rule], r.MOVED)
        code = 301 if route.method == "GET" else 308
        for actor in (*actors.values(), *scripts.values()):
            hidden = world.markers_hidden_from(actor.role.removesuffix(" (jeton)"))
            for values in [world.values(t) for t in world.meetings.values()] + [
                world.values(world.meetings["qzpubdft"]) | missing
            ]:
                expected = new.url(**values)
                actor.attack(
                    route.method,
                    route.url(**values),
                    expect=lambda response, url=expected, code=code: (
                        response.status_code == code and response.headers["Location"] == url
                    ),
                    hidden=hidden,
                    what="(old URL)",
                    **route.body(),
                )
    assert snapshot(world_app) == before


def test_reading_roles_match_the_world(world: World):
    """The world covers every boundary: each role reads something another may not."""
    readers = {role: frozenset(keys) for role, keys in READS.items()}
    check("roles read distinct sets", len(set(readers.values())) == len(readers))
    check(
        "confidential needs participation",
        "qzconfdft" not in READS["rapporteur"] and "qzconfdft" in READS["member"],
    )


def test_session_cookie_and_login_redirects(world_app):
    client = world_app.test_client()
    actor = Actor.log_in("anonymous", client)
    response = actor.send("POST", "/connexion", form={"login": "reader", "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie", "")
    check("session cookie HttpOnly", "HttpOnly" in cookie, cookie)
    check("session cookie SameSite=Lax", "SameSite=Lax" in cookie, cookie)
    for target in (
        "//evil.example/x",
        "/\\evil.example/x",
        "/\\/evil.example",
        "http://evil.example/",
        "https:evil.example",
        "/%5Cevil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
    ):
        client = world_app.test_client()
        actor = Actor.log_in("anonymous", client)
        response = actor.send(
            "POST",
            f"/connexion?next={quote(target, safe='')}",
            form={"login": "reader", "password": PASSWORD},
        )
        location = response.headers.get("Location", "")
        check(
            f"login next={target!r} stays on the site",
            response.status_code == 302
            and location.startswith("/")
            and not location.startswith(("//", "/\\"))
            and "\t" not in location,
            location,
        )
