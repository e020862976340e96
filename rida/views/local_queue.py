"""The key that binds the unsent edits a browser keeps (localStorage) to one account.

The autosave queue (rida/static/autosave.js) encrypts what it stores with AES-GCM under a
key of the logged-in account, delivered only in the pages that keep such edits (the
editor, the actions dashboard) and only to that account; its entries are named with the
account's tag. After a logout, another account on the same browser neither reads them
(no key) nor replays them (another tag); the same account, logged in again, gets them
back. The key is derived, not stored: HMAC-SHA256 of the app's secret key over the
account's id, login and creation time (an id reused after a deletion gives another key).
Changing ``RIDA_SECRET_KEY`` makes the entries left in browsers unreadable: dropped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app

from rida.models import User

KEY_LABEL = b"rida/local-queue/key\x00"
TAG_LABEL = b"rida/local-queue/tag\x00"


def _mac(label: bytes, account: User) -> bytes:
    material = f"{account.id}\x00{account.login}\x00{account.created_at}".encode()
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, label + material, hashlib.sha256).digest()


def tag(account: User | None) -> str:
    """The account's name in the entries' keys (``rida:q:<tag>:…``): no secret, no login."""
    return _mac(TAG_LABEL, account).hex()[:16] if account is not None else ""


def key(account: User) -> str:
    """The account's AES-256 key, base64: for that account's own pages only."""
    return base64.b64encode(_mac(KEY_LABEL, account)).decode()
