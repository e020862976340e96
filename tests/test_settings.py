"""Settings are declared once (rida/settings.py); the manual's configuration page renders
its table from them (tests/test_docs.py checks it)."""

from pathlib import Path

from rida import settings
from rida.util import cores as host


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


def test_searches_share_the_hosts_cores_among_server_processes():
    """``auto``: as many searches at once on the host as it has cores, whatever the number
    of server processes (one at least each); a number is taken as given."""
    config = settings.load({})
    assert config["SEARCH_CONCURRENCY"] is None and config["SEARCH_PROCESSES"] is None
    cores = host.cores()
    for workers in (1, 2, cores, 2 * cores):
        share = host.host_share({**config, "SERVER_WORKERS": workers}, "SEARCH_PROCESSES")
        assert share == max(1, cores // workers)
    config = settings.load({"RIDA_SEARCH_CONCURRENCY": "3"})
    assert host.host_share({**config, "SERVER_WORKERS": 8}, "SEARCH_CONCURRENCY") == 3


def test_a_count_setting_says_what_it_expects():
    for wrong in ("0", "-1", "deux", "1.5"):
        try:
            settings.load({"RIDA_SEARCH_PROCESSES": wrong})
        except ValueError as e:
            assert "RIDA_SEARCH_PROCESSES" in str(e) and "auto" in str(e)
        else:
            raise AssertionError(wrong)
