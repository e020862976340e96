"""An instance open to anonymous readers (``RIDA_PUBLIC_READ=1``): they read the validated
public minutes (page, versions, exports) and nothing else; everything else answers as for
an id that does not exist. (Without the setting they read nothing:
``test_security_access.test_anonymous_visitors_get_the_login_page``.)"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from rida import db
from tests.conftest import make_app
from tests.security import routes as r
from tests.security import world as world_module
from tests.security.attempts import Actor, check
from tests.security.conftest import snapshot
from tests.security.world import World

MISSING = 987654
PUBLISHED = "qzpubval"
# GET routes an anonymous visitor may use on the published minutes.
OPEN = {
    "/reunions/<int:meeting_id>",
    "/reunions/<int:meeting_id>/versions",
    "/reunions/<int:meeting_id>/compte-rendu.<fmt>",
    "/reunions/<int:meeting_id>/figures/<int:number>",
    "/api/meetings/<int:meeting_id>/versions/<name>",
}


@pytest.fixture(scope="module")
def public_app(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Flask]:
    data_dir = tmp_path_factory.mktemp("public") / "data"
    data_dir.mkdir()
    shutil.copy(template_db, data_dir / "rida.sqlite3")
    app = make_app(data_dir, PUBLIC_READ=True)
    yield app
    with app.app_context():
        db.engine().dispose()


@pytest.fixture(scope="module")
def public_world(public_app: Flask) -> World:
    return world_module.build(public_app)


def refused(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code in (401, 404) or (
        response.status_code == 302 and response.headers["Location"].startswith("/connexion")
    )


@pytest.mark.slow
def test_anonymous_visitors_read_only_the_published_minutes(public_app, public_world):
    world = public_world
    visitor = Actor.log_in("anonymous", public_app.test_client())
    everything = world.markers_hidden_from("anonymous")
    others = tuple(m for m in everything if m != PUBLISHED)
    before = snapshot(public_app)
    for route in r.routes(public_app):
        if route.kind in (r.PUBLIC, r.TOKEN, r.MOVED):  # MOVED: blind redirects
            continue
        missing = visitor.send(
            route.method,
            route.url(
                **world.values(world.meetings[PUBLISHED])
                | {"meeting_id": MISSING, "action_id": MISSING}
            ),
            **route.body(),
        )
        check(
            f"public {route.method} {route.rule} unknown id refused",
            refused(missing),
            str(missing.status_code),
        )
        for key, target in world.meetings.items():
            url = route.url(**world.values(target))
            if route.method == "GET" and route.rule in OPEN and key == PUBLISHED:
                visitor.attack("GET", url, expect=(200,), hidden=others, what="(public)")
                continue
            visitor.attack(
                route.method,
                url,
                expect=(missing.status_code,),
                hidden=everything,
                what="(public instance)",
                **route.body(),
            )
    published, draft = world.meetings[PUBLISHED], world.meetings["qzpubdft"]
    for fmt in ("docx", "json", "html", "md", "pdf"):
        visitor.attack(
            "GET", f"/reunions/{published.id}/compte-rendu.{fmt}", expect=(200,), hidden=others
        )
        visitor.attack(
            "GET", f"/reunions/{draft.id}/compte-rendu.{fmt}", expect=refused, hidden=everything
        )
    for url in (
        "/",
        "/recherche?q=qz*",
        "/api/search?q=qz*",
        "/api/meetings",
        "/actions",
        "/actions.csv",
        "/agenda",
        "/admin/journal",
        "/admin/journal.csv",
        f"/api/meetings/{published.id}",
        f"/reunions/{published.id}/modifier",
        f"/reunions/{published.id}/historique",
    ):
        visitor.attack("GET", url, expect=refused, hidden=everything, what="(public)")
    assert snapshot(public_app) == before
