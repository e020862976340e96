"""User accounts: creation, password hashing and checking (no Flask request code)."""

from __future__ import annotations

import re
import secrets

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from rida.fields import FieldError
from rida.models import ROLES, User

LOGIN = re.compile(r"[A-Za-z0-9._@-]{2,100}")
MIN_PASSWORD = 8


def create_user(session: Session, login: str, password: str, role: str,
                person_id: int | None = None) -> User:
    if not LOGIN.fullmatch(login or ""):
        raise FieldError("login", "identifiant de 2 à 100 caractères parmi A-Z a-z 0-9 . _ @ -")
    if role not in ROLES:
        raise FieldError("role", f"rôle attendu parmi {', '.join(ROLES)}")
    if len(password or "") < MIN_PASSWORD:
        raise FieldError("password", f"mot de passe de {MIN_PASSWORD} caractères au moins")
    if session.exec(select(User).where(User.login == login)).first():
        raise FieldError("login", f"l'identifiant « {login} » existe déjà")
    user = User(login=login, password_hash=generate_password_hash(password), role=role,
                person_id=person_id)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, login: str, password: str) -> User | None:
    user = session.exec(select(User).where(User.login == login)).first()
    if user is None or not user.active:
        # Spend the same time as a real check so that logins cannot be enumerated.
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def new_password() -> str:
    return secrets.token_urlsafe(12)


_DUMMY_HASH = generate_password_hash("not a password")


CLI_ADMIN = "cli"


def cli_account(session: Session, login: str | None, *, admin: bool = False) -> User | None:
    """The account a command acts as (its ``--user LOGIN`` option); without one, an
    unsaved ``cli`` administrator when ``admin`` (listing commands read everything), else
    None (history then records « cli »)."""
    if login is None:
        return User(login=CLI_ADMIN, password_hash="", role="admin") if admin else None
    user = session.exec(select(User).where(User.login == login)).first()
    if user is None:
        raise FieldError("--user", f"compte « {login} » inconnu")
    return user
