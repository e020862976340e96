"""User accounts: creation, password hashing and checking.

New passwords are hashed with argon2id (``argon2-cffi``). Hashes made by earlier versions
(werkzeug's ``scrypt:``/``pbkdf2:``) still verify, and are replaced by an argon2 hash at
the account's next successful login.
"""

from __future__ import annotations

import re
import secrets
from functools import cache
from typing import TYPE_CHECKING

from sqlmodel import Session, select
from werkzeug.security import check_password_hash

from rida.fields import FieldError
from rida.models import ROLES, User

LOGIN = re.compile(r"[A-Za-z0-9._@-]{2,100}")
MIN_PASSWORD = 8
MAX_PASSWORD = 1000

if TYPE_CHECKING:
    from argon2 import PasswordHasher


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher  # only where passwords are checked or set

    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (argon2, or an older werkzeug hash)."""
    if stored.startswith("$argon2"):
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return _hasher().verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        return bool(stored) and check_password_hash(stored, password)
    except ValueError:  # an unknown hash format
        return False


def needs_rehash(stored: str) -> bool:
    return not stored.startswith("$argon2") or _hasher().check_needs_rehash(stored)


def valid_password(password: str, path: str = "password") -> str:
    if len(password or "") < MIN_PASSWORD:
        raise FieldError(path, f"mot de passe de {MIN_PASSWORD} caractères au moins")
    if len(password) > MAX_PASSWORD:
        raise FieldError(path, f"mot de passe de {MAX_PASSWORD} caractères au plus")
    return password


def valid_role(role: str) -> str:
    if role not in ROLES:
        raise FieldError("role", f"rôle attendu parmi {', '.join(ROLES)}")
    return role


def create_user(
    session: Session, login: str, password: str, role: str, person_id: int | None = None
) -> User:
    if not LOGIN.fullmatch(login or ""):
        raise FieldError("login", "identifiant de 2 à 100 caractères parmi A-Z a-z 0-9 . _ @ -")
    valid_role(role)
    valid_password(password)
    if session.exec(select(User).where(User.login == login)).first():
        raise FieldError("login", f"l'identifiant « {login} » existe déjà")
    user = User(login=login, password_hash=hash_password(password), role=role, person_id=person_id)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, login: str, password: str) -> User | None:
    """The active account ``login`` if ``password`` is its own (see :func:`upgraded_hash`
    for what to store after a success)."""
    user = session.exec(select(User).where(User.login == login)).first()
    if user is None or not user.active:
        # Spend the same time as a real check so that logins cannot be enumerated.
        check_password(_DUMMY_HASH, password)
        return None
    return user if check_password(user.password_hash, password) else None


def upgraded_hash(user: User, password: str) -> str | None:
    """After a successful login: the argon2 hash to store instead of an older one, or
    None if the stored hash is current."""
    return hash_password(password) if needs_rehash(user.password_hash) else None


def new_password() -> str:
    return secrets.token_urlsafe(12)


# Checked against when the account does not exist: hash_password("not a password"), made
# once with argon2's current parameters (a test checks they are still current), so that
# importing this module does not spend a third of a second hashing.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$g7NWW5lKvkuK9SQsomMGyQ"
    "$5ZhRYXbAhBVQqCJg9875brOZlLP4mDdEn4IkmMzSejs"
)


CLI_ADMIN = "cli"


def cli_account(session: Session, login: str | None, *, admin: bool = False) -> User | None:
    """The account a command acts as (its ``--user LOGIN`` option); without one, an
    unsaved ``cli`` administrator when ``admin`` (listing commands read everything), else
    None (history then records « cli »)."""
    if login is None:
        return User(login=CLI_ADMIN, password_hash="", role="admin") if admin else None
    return by_login(session, login, "--user")


def by_login(session: Session, login: str, path: str = "login") -> User:
    user = session.exec(select(User).where(User.login == login)).first()
    if user is None:
        raise FieldError(path, f"compte « {login} » inconnu")
    return user
