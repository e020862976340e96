"""Login: argon2 hashes (older ones upgraded), lockout after repeated failures (stored in
the database), session cookie flags."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from werkzeug.security import generate_password_hash

from rida import accounts, db, settings
from rida.accounts import LOGIN, check_password, hash_password, login_guard
from rida.audit import events
from rida.models import LoginFailure, User
from rida.views.auth import LOCKED, WRONG
from tests.accounts_support import account, post_login, recorded
from tests.conftest import PASSWORD, make_app


def test_new_hashes_are_argon2_and_old_ones_upgraded_at_login(app, client):
    assert account(app, "admin").password_hash.startswith("$argon2id$")
    with app.app_context(), db.write_session(db.engine()) as s:
        s.exec(
            update(User)
            .where(User.login == "reader")
            .values(password_hash=generate_password_hash(PASSWORD))
        )
    assert account(app, "reader").password_hash.startswith("scrypt:")
    assert post_login(client, "reader", "wrong password").status_code == 401
    assert account(app, "reader").password_hash.startswith("scrypt:")  # not on a failure
    assert post_login(client, "reader", PASSWORD).status_code == 302
    upgraded = account(app, "reader").password_hash
    assert upgraded.startswith("$argon2id$") and check_password(upgraded, PASSWORD)
    assert not check_password(upgraded, "wrong") and not check_password("garbage", PASSWORD)
    assert LOGIN.fullmatch("reader") and hash_password("x") != hash_password("x")


def test_five_failures_lock_the_login_even_with_the_right_password(app, client):
    with recorded() as seen:
        for _ in range(5):
            response = post_login(client, "member", "wrong password")
            assert response.status_code == 401
            assert WRONG in response.get_data(as_text=True)
        locked = post_login(client, "member", PASSWORD)
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.get_data(as_text=True)
    actions = [e.action for e in seen]
    assert actions == [events.LOGIN_FAILED] * 5 + [events.LOGIN_LOCKED]
    assert {e.login for e in seen} == {"member"} and seen[0].ip == "127.0.0.1"
    # Another login is not locked (the address is below its own threshold).
    assert post_login(client, "reader", PASSWORD).status_code == 302


def test_an_unknown_login_is_locked_the_same_way(client):
    for _ in range(5):
        assert post_login(client, "nobody", "wrong password").status_code == 401
    response = post_login(client, "nobody", "wrong password")
    assert response.status_code == 429 and LOCKED in response.get_data(as_text=True)


def test_the_lockout_ends_after_its_duration_and_success_forgets_failures(app, client):
    for _ in range(5):
        post_login(client, "member", "wrong password")
    assert post_login(client, "member", PASSWORD).status_code == 429
    with app.app_context(), db.write_session(db.engine()) as s:  # 16 minutes later
        s.exec(update(LoginFailure).values(at=LoginFailure.at - dt.timedelta(minutes=16)))
    with recorded() as seen:
        assert post_login(client, "member", PASSWORD).status_code == 302
    assert [e.action for e in seen] == [events.LOGIN_SUCCEEDED]
    assert seen[0].user_id == account(app, "member").id
    with app.app_context(), db.write_session(db.engine()) as s:
        assert login_guard.failures(s, "member") == 0


def test_twenty_failures_from_one_address_lock_it(app, client):
    for i in range(20):
        assert post_login(client, f"guess{i}", "wrong password").status_code == 401
    assert post_login(client, "admin", PASSWORD).status_code == 429
    other = app.test_client()  # another address is free
    assert (
        post_login(other, "admin", PASSWORD, environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code
        == 302
    )


def test_lockout_lasts_its_duration_from_the_failure_that_triggered_it():
    limits = login_guard.Limits()
    t0 = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
    times = [t0 + dt.timedelta(minutes=m) for m in (0, 1, 2, 3, 14)]
    assert login_guard._locked_until(times, 5, limits) == t0 + dt.timedelta(minutes=29)
    spread = [t0 + dt.timedelta(minutes=m) for m in (0, 5, 10, 15, 20)]
    assert login_guard._locked_until(spread, 5, limits) is None


def test_thresholds_are_settings(tmp_path):
    config = settings.load({"RIDA_LOGIN_MAX_FAILURES": "2", "RIDA_LOGIN_LOCKOUT_MINUTES": "1"})
    assert config["LOGIN_MAX_FAILURES"] == 2 and config["LOGIN_LOCKOUT_SECONDS"] == 60
    app = make_app(tmp_path / "data", LOGIN_MAX_FAILURES=2)
    client = app.test_client()
    for _ in range(2):
        assert post_login(client, "x1", "wrong password").status_code == 401
    assert post_login(client, "x1", "wrong password").status_code == 429
    with app.app_context():
        db.engine().dispose()


def test_bad_setting_values_are_refused_clearly():
    for raw in ("abc", "0", "-3", "inf"):
        try:
            settings.load({"RIDA_SESSION_IDLE_MINUTES": raw})
        except ValueError as e:
            assert "RIDA_SESSION_IDLE_MINUTES" in str(e)
        else:
            raise AssertionError(raw)


def test_session_cookie_flags(app, client, tmp_path):
    response = post_login(client, "admin", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert settings.load({"RIDA_SECURE_COOKIES": "1"})["SESSION_COOKIE_SECURE"] is True
    assert settings.load({})["SESSION_COOKIE_SECURE"] is False
    secure = make_app(tmp_path / "secure", SESSION_COOKIE_SECURE=True)
    response = secure.test_client().get("/connexion")  # the session holds the CSRF token
    assert "Secure" in response.headers["Set-Cookie"]
    with secure.app_context():
        db.engine().dispose()


def test_the_dummy_hash_is_current_and_of_the_dummy_password(production_hasher):
    """Unknown logins are checked against it: it must cost what a real account's check does."""
    assert accounts.check_password(accounts._DUMMY_HASH, "not a password")
    assert not accounts.needs_rehash(accounts._DUMMY_HASH)
