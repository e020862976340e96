"""No stack trace or exception text ever reaches a user; the secret key comes from the
environment or the data dir, never from the code; the repository holds no secret."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from rida import db, settings
from tests.conftest import make_app

ROOT = Path(__file__).parents[1]
LEAK = "donnée-confidentielle-4242"


@pytest.fixture
def crashing_app(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = make_app(tmp_path / "data")

    def crash():  # type: ignore[no-untyped-def]
        raise RuntimeError(f"SELECT * FROM secrets WHERE value = '{LEAK}'")

    # Test-only routes, registered before the first request.
    app.add_url_rule("/test-crash", "test_crash", crash)
    app.add_url_rule("/api/test-crash", "api_test_crash", crash)
    yield app
    with app.app_context():
        db.engine().dispose()


def test_a_500_shows_no_trace_nor_exception_text(crashing_app, caplog):
    client = crashing_app.test_client()
    page = client.get("/test-crash")
    assert page.status_code == 500 and page.content_type.startswith("text/html")
    text = page.get_data(as_text=True)
    assert "Erreur interne du serveur" in text
    for leak in (LEAK, "Traceback", "RuntimeError", "SELECT", 'File "'):
        assert leak not in text
    api = client.get("/api/test-crash")
    assert api.status_code == 500
    assert api.get_json() == {
        "error": "500",
        "message": "Erreur interne du serveur. L'incident a été consigné.",
    }
    assert LEAK in caplog.text  # the operator's log has it


def test_debug_mode_shows_no_trace_either(crashing_app):
    crashing_app.debug = True
    text = crashing_app.test_client().get("/test-crash").get_data(as_text=True)
    assert LEAK not in text and "Traceback" not in text


def test_secret_key_generated_once_private_and_reused(tmp_path):
    data = tmp_path / "data"
    app = make_app(data, SECRET_KEY=None)
    key = app.config["SECRET_KEY"]
    path = data / "secret_key"
    assert len(key) >= 32 and path.read_text().strip() == key
    assert path.stat().st_mode & 0o777 == 0o600
    again = make_app(data, SECRET_KEY=None)
    assert again.config["SECRET_KEY"] == key
    assert not list(data.glob(".secret_key*"))  # no temporary file left
    for a in (app, again):
        with a.app_context():
            db.engine().dispose()


def test_secret_key_from_environment_wins(tmp_path):
    config = settings.load({"RIDA_SECRET_KEY": "k" * 40, "RIDA_DATA_DIR": str(tmp_path)})
    assert config["SECRET_KEY"] == "k" * 40
    assert settings.load({"RIDA_DATA_DIR": str(tmp_path)})["SECRET_KEY"] is None


def test_a_readable_or_short_key_file(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("x" * 64)
    path.chmod(0o644)
    assert settings.secret_key(tmp_path) == "x" * 64
    assert path.stat().st_mode & 0o777 == 0o600
    path.write_text("court")
    with pytest.raises(settings.SecretKeyError, match="trop courte"):
        settings.secret_key(tmp_path)


def test_no_secret_key_default_in_the_code():
    for path in (ROOT / "rida").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"SECRET_KEY['\"]?\]?\s*[:=]\s*['\"][^'\"<]", text), path


# Things that look like credentials. Test fixtures use obviously fake values.
SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    # user:password@host, but for a placeholder password or a loopback or example host
    "password in a URL": re.compile(
        r"[a-z+]+://[^\s:/@\"'`]+:(?!(password|secret|motdepasse)@)"
        r"[^\s@/\"'`{]{6,}@(?!127\.0\.0\.1|"
        r"localhost|\[::1\]|[^\s/:]*\bexemple\.|"
        r"[^\s/:]*\bexample\.)"
    ),
    "assigned secret": re.compile(
        r"(?i)\b(secret_key|api_key|apikey|access_token|auth_token|password)\b\s*[:=]\s*"
        r"['\"](?=[A-Za-z0-9+/=_-]{24,}['\"])(?=[^'\"]*\d)(?=[^'\"]*[A-Za-z])"
    ),
}


def test_the_repository_holds_no_secret():
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    found = []
    for name in filter(None, tracked):
        path = ROOT / name
        if not path.is_file() or path.suffix in (".docx", ".png", ".pdf", ".xlsx"):
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        found += [(name, kind) for kind, pattern in SECRET_PATTERNS.items() if pattern.search(text)]
        if path.name in ("secret_key", ".env") or path.suffix in (".pem", ".key"):
            found.append((name, "secret file"))
    assert found == []
    assert os.path.exists(ROOT / ".gitignore")
