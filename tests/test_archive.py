"""``rida export --all DIR`` and ``rida import --all DIR``: an instance exported, imported
into an empty one and exported again gives back the same files; a tampered archive or a
non-empty instance is refused with nothing written."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from PIL import Image
from sqlalchemy import create_engine, func, text
from sqlmodel import select

from rida import create_app, db
from rida.accounts import create_user
from rida.actions import action_status
from rida.circuit import versions
from rida.cli import main
from rida.exchange import archive
from rida.meetings import figures, identity
from rida.models import (
    Action,
    ActionEvent,
    AuditEntry,
    Figure,
    Meeting,
    MeetingVersion,
    Person,
    PersonAlias,
    RidaRow,
    Series,
    User,
)
from tests.conftest import PASSWORD, app_on_copy

PG_URL = os.environ.get("RIDA_TEST_POSTGRES_URL", "")
ENGINES = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not PG_URL, reason="RIDA_TEST_POSTGRES_URL is not set"),
    ),
]


class Instance:
    """One rida instance (its app and the environment of its commands)."""

    def __init__(self, app: Flask, env: dict[str, str | None]):
        self.app, self.env = app, env

    def rida(self, *args: str, code: int = 0) -> Result:
        result = CliRunner().invoke(main, list(args), env=self.env, prog_name="rida")
        if not isinstance(result.exception, (SystemExit, type(None))):
            raise result.exception
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    def counts(self) -> dict[str, int]:
        tables = (Series, Person, PersonAlias, Meeting, Action, ActionEvent, MeetingVersion, Figure)
        with self.app.app_context(), db.write_session(db.engine()) as s:
            return {t.__name__: s.exec(select(func.count()).select_from(t)).one() for t in tables}


@pytest.fixture
def instances(tmp_path: Path, template_db: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Makes empty instances (accounts, no content) on the engine asked for."""
    made: list[Iterator[Flask]] = []
    schemas: list[str] = []
    pg_apps: list[Flask] = []

    def make(name: str, engine: str = "sqlite") -> Instance:
        data_dir = tmp_path / name
        env: dict[str, str | None] = {
            "RIDA_DATA_DIR": str(data_dir),
            "RIDA_EXPORT_DIR": str(tmp_path / f"{name}-exports"),
            "RIDA_SECRET_KEY": "test",
            "RIDA_DATABASE_URL": None,
        }
        if engine == "sqlite":
            apps = app_on_copy(data_dir, template_db)
            made.append(apps)
            return Instance(next(apps), env)
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        schemas.append(schema)
        url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
        data_dir.mkdir()
        env["RIDA_DATABASE_URL"] = url
        config = {"TESTING": True, "DATA_DIR": data_dir, "DATABASE_URL": url, "SECRET_KEY": "t"}
        app = create_app({**config, "EXPORT_DIR": tmp_path / f"{name}-exports"})
        with app.app_context(), db.transaction() as s:
            create_user(s, "admin", PASSWORD, "admin")
            create_user(s, "reader", PASSWORD, "reader")
        pg_apps.append(app)
        return Instance(app, env)

    yield make
    for apps in made:
        next(apps, None)
    for app in pg_apps:
        with app.app_context():
            db.engine().dispose()
    if schemas:
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def build_content(instance: Instance) -> None:
    """The demo (a validated meeting, a draft, a glossary), then: the validated meeting
    amended and validated again (two frozen versions), actions with status history, the
    draft sent to review, a person with an e-mail, two persons merged."""
    instance.rida("demo")
    with instance.app.app_context(), db.transaction() as s:
        admin = s.exec(select(User).where(User.login == "admin")).one()
        validated, draft = s.exec(select(Meeting).order_by(Meeting.id)).all()
        versions.amend(s, validated)
        figure = figures.add(s, validated, png(), admin)
        validated.results = f"Résultats du sondage :\n\n{figures.reference(figure, 'Sondage')}"
        validated.summary = (validated.summary or "") + "\n\nAmendement : précision."
        for row in s.exec(select(RidaRow).where(RidaRow.meeting_id == validated.id)).all():
            if row.number in (5, 7):  # the demo's two blocking findings, settled
                row.nature = "I"
                s.add(row)
        actions = s.exec(select(Action).where(Action.meeting_id == validated.id)).all()
        action_status.set_status(s, actions[0], "in_progress", user=admin, comment="Planifié")
        action_status.set_status(
            s, actions[0], "done", user=admin, comment="Fait en séance", meeting=draft
        )
        action_status.set_status(s, actions[1], "cancelled", name="cli")
        versions.validate(s, validated, admin)
        day = max(draft.date, dt.date.today()) + dt.timedelta(days=7)
        versions.send_to_review(s, draft, day.isoformat(), admin)
        people = s.exec(select(Person).order_by(Person.id)).all()
        named = [p for p in people if p.last_name]
        named[0].email = "premiere.personne@example.org"
        twin = Person(key="abd||", last_name="ABD")
        s.add_all([named[0], twin])
        s.flush()
        identity.merge(s, twin, named[1], by="admin")


def tree(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def comparable(files: dict[str, bytes]) -> dict[str, bytes]:
    """An archive's files but what must differ: the audit log (the new instance's starts
    with the import) and, in the manifest, the date and the audit log's size and SHA-256."""
    out = {k: v for k, v in files.items() if k != archive.AUDIT}
    manifest = json.loads(out[archive.MANIFEST])
    del manifest["created_at"], manifest["files"][archive.AUDIT]
    out[archive.MANIFEST] = json.dumps(manifest, sort_keys=True).encode()
    return out


@pytest.mark.parametrize("engine", ENGINES)
def test_export_import_export_gives_back_the_same_archive(instances, tmp_path, engine):
    source = instances("source", engine)
    build_content(source)
    first, second = tmp_path / "first", tmp_path / "second"
    out = source.rida("export", "--all", str(first))
    assert "Archive écrite" in out.stdout
    before = source.counts()
    assert before["MeetingVersion"] == 2 and before["ActionEvent"] >= 3
    assert before["PersonAlias"] == 1

    target = instances("target", engine)
    with target.app.app_context(), db.transaction() as s:
        create_user(s, "demo", PASSWORD, "admin")  # the demo series' member, linked again
    done = target.rida("import", "--all", str(first), "--user", "admin")
    assert "Archive importée : 2 réunions" in done.stdout
    assert done.stderr == ""  # every series member found
    assert target.counts() == before
    target.rida("export", "--all", str(second))

    a, b = tree(first), tree(second)
    assert comparable(a) == comparable(b)
    # What the comparison covers: two frozen versions, byte for byte, and their SHA-256.
    side = json.loads(a["meetings/1/x-rida.json"])
    frozen = side["files"]["versions"]
    assert [v["version"] for v in frozen] == ["1.0", "1.1"]
    assert [v["validated_by"] for v in frozen] == ["import", "admin"]
    (figure,) = side["files"]["figures"]  # the image itself, readable without rida
    assert a[f"meetings/1/{figure['file']}"] == png() and figure["file"].endswith(".png")
    for v in frozen:
        docx = b[f"meetings/1/{v['docx']}"]
        assert hashlib.sha256(docx).hexdigest() == v["sha256"]
    history = json.loads(b["meetings/1/actions.json"])[0]["history"]
    assert [(h["new_status"], h["comment"], h["meeting_id"]) for h in history] == [
        ("in_progress", "Planifié", None),
        ("done", "Fait en séance", 2),
    ]
    assert json.loads(b[archive.SERIES])["series"][0]["members"] == ["demo"]
    assert "Fait en séance" in b["meetings/1/history.csv"].decode("utf-8-sig")

    # Audited on both sides; the import names the archive's manifest by its SHA-256.
    with target.app.app_context(), db.write_session(db.engine()) as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "import")).one()
        assert entry.login == "admin" and entry.object_type == "archive"
        assert entry.after["manifest_sha256"] == hashlib.sha256(a["manifest.json"]).hexdigest()
        # The ids were kept and new records go on after them.
        meeting = s.get(Meeting, 2)
        assert meeting is not None and meeting.status == "review"
    with source.app.app_context(), db.write_session(db.engine()) as s:
        exported = s.exec(select(AuditEntry).where(AuditEntry.action == "export")).one()
        assert exported.object_type == "archive"
    target.rida("import", str(first / "meetings" / "2" / "meeting.json"))
    assert target.counts()["Meeting"] == 3


@pytest.fixture
def exported(instances, tmp_path) -> tuple[Instance, Path]:  # type: ignore[no-untyped-def]
    source = instances("source")
    build_content(source)
    source.rida("export", "--all", str(tmp_path / "archive"))
    return source, tmp_path / "archive"


def error_of(result: Result) -> dict:
    return json.loads(result.stderr)


def reseal(directory: Path, name: str) -> None:
    """Update the manifest for a changed file (a consistent, deliberate tampering)."""
    manifest = json.loads((directory / archive.MANIFEST).read_text())
    data = (directory / name).read_bytes()
    manifest["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (directory / archive.MANIFEST).write_text(json.dumps(manifest))


EMPTY = {
    "Series": 0,
    "Person": 0,
    "PersonAlias": 0,
    "Meeting": 0,
    "Action": 0,
    "ActionEvent": 0,
    "MeetingVersion": 0,
    "Figure": 0,
}


def test_a_tampered_file_is_refused_before_anything_is_written(exported, instances):
    _, directory = exported
    target = instances("target")
    docx = directory / "meetings" / "1" / "versions" / "1.0.docx"
    data = docx.read_bytes()
    docx.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])  # one bit flipped
    error = error_of(target.rida("import", "--all", str(directory), code=1))
    assert error["error"] == "tampered"
    assert "meetings/1/versions/1.0.docx" in error["message"]
    assert target.counts() == EMPTY


def test_an_added_file_is_refused(exported, instances):
    _, directory = exported
    (directory / "meetings" / "1" / "extra.json").write_text("{}")
    target = instances("target")
    error = error_of(target.rida("import", "--all", str(directory), code=1))
    assert error["error"] == "tampered" and "extra.json" in error["message"]
    assert target.counts() == EMPTY


def test_a_frozen_docx_not_matching_its_sha256_rolls_everything_back(exported, instances):
    """The manifest resealed over a changed DOCX: caught while writing, after the persons
    and meetings were added: the one transaction leaves nothing."""
    _, directory = exported
    name = "meetings/1/versions/1.1.docx"
    (directory / name).write_bytes(b"PK not the frozen bytes")
    reseal(directory, name)
    target = instances("target")
    error = error_of(target.rida("import", "--all", str(directory), code=1))
    assert error["error"] == "tampered" and "1.1" in error["message"]
    assert target.counts() == EMPTY


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("versions/1.1.docx", "Version 1.1 de la réunion 1 : le DOCX ne correspond"),
        ("figures/figure-1.png", "Figure 1 de la réunion 1 : le fichier ne correspond"),
    ],
)
def test_each_kind_of_file_checks_its_own_sha256(exported, instances, name, message):
    """A file resealed in the manifest still differs from the SHA-256 its kind recorded in
    x-rida.json (a frozen version's, a figure's): refused, with what and whose it is."""
    _, directory = exported
    name = f"meetings/1/{name}"
    (directory / name).write_bytes(b"not the recorded bytes")
    reseal(directory, name)
    target = instances("target")
    error = error_of(target.rida("import", "--all", str(directory), code=1))
    assert error == {
        "error": "tampered",
        "message": f"{message} pas à son empreinte SHA-256.",
    }
    assert target.counts() == EMPTY


def test_an_invalid_document_is_refused_with_its_path(exported, instances):
    _, directory = exported
    name = "meetings/2/meeting.json"
    doc = json.loads((directory / name).read_text())
    doc["participants"][0]["attendance"] = "peut-être"
    (directory / name).write_text(json.dumps(doc))
    reseal(directory, name)
    target = instances("target")
    error = error_of(target.rida("import", "--all", str(directory), code=1))
    assert error["error"] == "invalid"
    assert error["errors"][0]["path"] == "meetings/2/meeting.json:participants[0].attendance"
    assert target.counts() == EMPTY


def test_a_non_empty_instance_is_refused(exported):
    source, directory = exported
    before = source.counts()
    error = error_of(source.rida("import", "--all", str(directory), code=1))
    assert error["error"] == "not_empty"
    assert "n'est pas vide" in error["message"] and "2 réunions" in error["message"]
    assert source.counts() == before


def test_admins_only_and_no_overwrite(exported, instances, tmp_path):
    source, directory = exported
    error = error_of(
        source.rida("export", "--all", str(tmp_path / "b"), "--user", "reader", code=1)
    )
    assert error["errors"][0]["path"] == "--user"
    assert not (tmp_path / "b").exists()
    error = error_of(source.rida("export", "--all", str(directory), code=1))
    assert error["error"] == "exists"
    target = instances("target")
    error = error_of(target.rida("import", "--all", str(directory), "--user", "reader", code=1))
    assert error["errors"][0]["path"] == "--user"
    assert target.counts() == EMPTY
    not_archive = error_of(target.rida("import", "--all", str(tmp_path), code=1))
    assert not_archive["error"] == "invalid"


def test_a_command_in_its_own_process_records_its_events(instances, tmp_path):
    """The events of ``rida export --all`` and ``import --all`` reach the audit log when
    the command runs alone (without the web layer, which used to hold the subscriber)."""
    import subprocess
    import sys

    source, target = instances("source"), instances("target")
    build_content(source)

    def run(instance: Instance, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RIDA_")}
        env.update({k: v for k, v in instance.env.items() if v is not None})
        done = subprocess.run(
            [sys.executable, "-m", "rida.cli", *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr

    run(source, "export", "--all", str(tmp_path / "a"))
    run(target, "import", "--all", str(tmp_path / "a"))
    for instance, action in ((source, "export"), (target, "import")):
        with instance.app.app_context(), db.write_session(db.engine()) as s:
            entry = s.exec(select(AuditEntry).where(AuditEntry.action == action)).one()
            assert entry.object_type == "archive" and entry.login == "cli"
