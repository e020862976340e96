"""`rida action set-status ID STATUS [--comment TEXT] [--user LOGIN]`."""

from __future__ import annotations

import json

import click
import pytest
from sqlmodel import select

from rida import db
from rida.actions import action_status
from rida.cli.action_status import action
from rida.models import Action, Meeting, OrganisationMember, Person, User
from tests.conftest import Browser, join_series


@pytest.fixture
def rida(rida):  # type: ignore[no-untyped-def]
    """rida(*args, code=0): ``rida action set-status *args`` (the shared fixture of conftest)."""
    return lambda *args, code=0: rida("action", "set-status", *args, code=code)


def first_action(app) -> tuple[int, str]:
    with app.app_context(), db.write_session(db.engine()) as s:
        action = s.exec(select(Action).order_by(Action.id)).first()
        return action.id, action.title


def named(app, ident: int) -> str:
    """« Action 1 de « Atelier … » du 07/01/2022 (3/1) »: as the compte-rendu numbers it."""
    with app.app_context(), db.write_session(db.engine()) as s:
        action = s.get(Action, ident)
        meeting = s.get(Meeting, action.meeting_id)
        n = action.position + 1
        return f"Action {n} de « {meeting.title} » du {meeting.date:%d/%m/%Y} ({meeting.id}/{n})"


def events(app, action_id: int) -> list[tuple]:
    with app.app_context(), db.write_session(db.engine()) as s:
        return [
            (e.old_status, e.new_status, e.comment, e.user_name, e.meeting_id)
            for e in action_status.history(s, action_id)
        ]


def test_every_option_has_help():
    command = action.commands["set-status"]
    assert command.help and action.help
    options = [p for p in command.params if isinstance(p, click.Option)]
    assert {o.name for o in options} == {"comment", "login"}
    assert all(o.help for o in options)


def test_sets_the_status_with_history(app, rida, demo_meeting):
    ident, title = first_action(app)
    join_series(app, "rapporteur", demo_meeting)  # who edits the meeting, as on the web
    out = rida(str(ident), "in_progress", "--comment", "Planifié", "--user", "rapporteur")
    assert out.stdout == f"{named(app, ident)} « {title} » : À faire → En cours.\n"
    rida(str(ident), "done")
    assert events(app, ident) == [
        ("open", "in_progress", "Planifié", "rapporteur", None),
        ("in_progress", "done", "", "cli", None),
    ]


def test_closing_a_closed_action_changes_nothing(app, rida, demo_meeting):
    ident, title = first_action(app)
    rida(str(ident), "done")
    again = rida(str(ident), "done")
    assert again.stdout == f"{named(app, ident)} « {title} » : déjà « Fait », rien n'a changé.\n"
    assert len(events(app, ident)) == 1
    # A comment is never dropped: it is kept as a progress note.
    noted = rida(str(ident), "done", "--comment", "encore")
    assert (
        noted.stdout == f"{named(app, ident)} « {title} » : déjà « Fait », note de suivi ajoutée.\n"
    )
    assert len(events(app, ident)) == 2


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (("1", "finished"), "status"),
        (("9999", "done"), "id"),
        (("1", "done", "--user", "nobody"), "--user"),
        (("1", "done", "--comment", "x" * 2001), "comment"),
    ],
)
def test_bad_input_is_a_json_error_with_the_field(app, rida, demo_meeting, args, path):
    result = rida(*args, code=1)
    error = json.loads(result.stderr)
    assert error["error"] == "invalid" and error["errors"][0]["path"] == path
    assert error["errors"][0]["message"] and result.stdout == ""
    assert events(app, 1) == []


def test_user_is_bound_by_the_rights_of_the_web(app, rida, client, demo_meeting):
    """``--user``: refused (JSON error, exit 1, nothing recorded) exactly when the web
    refuses that account; the owner, a member of the owning organisation and an editor
    of the meeting may."""
    with app.app_context(), db.write_session(db.engine()) as s:
        ans_action = s.exec(
            select(Action)
            .join(Person, Action.owner_id == Person.id)
            .where(Person.last_name == "", Person.entity == "ANS")
        ).first()
        ident = ans_action.id
    for login in ("rapporteur", "member", "reader"):
        refused = rida(str(ident), "done", "--user", login, code=1)
        error = json.loads(refused.stderr)["errors"][0]
        assert error["path"] == "--user"
        assert f"le compte « {login} » ne peut pas changer le statut" in error["message"]
        web = Browser(app.test_client()).login(login)
        assert (
            web.json("POST", f"/api/actions/{ident}/status", {"status": "done"}).status_code == 403
        )
    assert events(app, ident) == []
    # Made a member of the ANS (as an admin would, on the organisation's page): allowed.
    with app.app_context(), db.write_session(db.engine()) as s:
        member = s.exec(select(User).where(User.login == "reader")).one()
        s.add(OrganisationMember(user_id=member.id, organisation_id=ans_action.owner_id))
        s.commit()
    rida(str(ident), "in_progress", "--user", "reader")
    assert events(app, ident)[-1][3] == "reader"
    # A deactivated account may do nothing.
    with app.app_context(), db.write_session(db.engine()) as s:
        s.exec(select(User).where(User.login == "reader")).one().active = False
        s.commit()
    off = rida(str(ident), "done", "--user", "reader", code=1)
    assert "désactivé" in json.loads(off.stderr)["errors"][0]["message"]


def test_the_action_is_named_by_its_meeting_and_number(app, rida, demo_meeting):
    """« 3/2 » is action 2 of meeting 3's compte-rendu, as `rida actions` shows it."""
    with app.app_context(), db.write_session(db.engine()) as s:
        second = s.exec(
            select(Action).where(Action.meeting_id == demo_meeting, Action.position == 1)
        ).one()
        ident, title = second.id, second.title
    out = rida(f"{demo_meeting}/2", "in_progress")
    assert out.stdout == f"{named(app, ident)} « {title} » : À faire → En cours.\n"
    assert [e[1] for e in events(app, ident)] == ["in_progress"]
    assert "action 99/1 introuvable" in rida("99/1", "done", code=1).stderr
    assert "RÉUNION/N" in rida("deux", "done", code=1).stderr
