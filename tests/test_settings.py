"""Settings are declared once (rida/settings.py); the manual's configuration page renders
its table from them (tests/test_docs.py checks it)."""

from pathlib import Path

from rida import settings


def test_defaults_and_environment(tmp_path):
    config = settings.load({})
    assert config["DATA_DIR"] == Path("./instance").resolve()
    assert config["DATABASE_URL"].endswith("instance/rida.sqlite3")
    config = settings.load(
        {
            "RIDA_DATA_DIR": str(tmp_path),
            "RIDA_AUTO_MIGRATE": "0",
            "RIDA_DATABASE_URL": "postgresql+psycopg://u@h/db",
        }
    )
    assert config["DATA_DIR"] == tmp_path
    assert config["AUTO_MIGRATE"] is False
    assert config["DATABASE_URL"] == "postgresql+psycopg://u@h/db"


def test_secret_key_generated_once_and_private(tmp_path):
    key = settings.secret_key(tmp_path / "data")
    assert len(key) == 64
    assert settings.secret_key(tmp_path / "data") == key
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
