"""The lockout after repeated failed logins, stored in the database (every process of a
server, and every server on one database, sees the same failures).

A login is refused for ``lockout`` once it has had ``per_login`` failures within
``window``; an address, once ``per_ip`` failures came from it within ``window``. The
refusal does not depend on whether the login exists, and a right password does not get
through it. A successful login forgets the failures of that login (not those of the
address).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from rida.models import LoginFailure, aware, utcnow

KEEP = dt.timedelta(days=1)


@dataclass(frozen=True)
class Limits:
    per_login: int = 5
    per_ip: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)


def _locked_until(times: list[dt.datetime], threshold: int, limits: Limits) -> dt.datetime | None:
    """The end of the lockout started by the latest run of ``threshold`` failures within
    the window (``times`` ascending), or None."""
    until = None
    for i in range(threshold - 1, len(times)):
        if times[i] - times[i - threshold + 1] <= limits.window:
            until = times[i] + limits.lockout
    return until


def locked_until(
    session: Session, login: str, ip: str, limits: Limits, now: dt.datetime | None = None
) -> dt.datetime | None:
    """When the lockout of this login or address ends, if one is in force now."""
    now = now or utcnow()
    since = now - limits.window - limits.lockout
    ends = []
    for column, value, threshold in (
        (LoginFailure.login, login, limits.per_login),
        (LoginFailure.ip, ip, limits.per_ip),
    ):
        if not value:
            continue
        times = [
            aware(t)
            for t in session.exec(
                select(LoginFailure.at)
                .where(column == value, col(LoginFailure.at) > since)
                .order_by(col(LoginFailure.at))
            )
        ]
        until = _locked_until(times, threshold, limits)
        if until is not None and until > now:
            ends.append(until)
    return max(ends) if ends else None


def record_failure(session: Session, login: str, ip: str, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    session.add(LoginFailure(login=login[:100], ip=(ip or "")[:64], at=now))
    session.exec(delete(LoginFailure).where(col(LoginFailure.at) < now - KEEP))


def forget(session: Session, login: str) -> None:
    """A successful login: its earlier failures no longer count."""
    session.exec(delete(LoginFailure).where(col(LoginFailure.login) == login))


def failures(session: Session, login: str) -> int:
    return session.exec(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.login == login)
    ).one()
