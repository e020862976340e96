"""Things worth recording that are not (only) a change of rows: logins, exports, downloads,
permission and token changes, validations.

The code where they happen calls :func:`emit`; the audit log subscribes to
:data:`happened` (blinker). Row changes themselves (create, update,
delete) are seen by the audit log through the write sessions, not through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from blinker import Namespace

from rida.models import User

_signals = Namespace()
happened = _signals.signal("rida.event")

# The actions emitted (the audit log's vocabulary beyond create/update/delete).
LOGIN_SUCCEEDED = "login.success"
LOGIN_FAILED = "login.failure"
LOGIN_LOCKED = "login.locked"
LOGGED_OUT = "logout"
PERMISSION_CHANGED = "permission.change"  # role, active flag, series membership
TOKEN_CREATED = "token.create"
TOKEN_REVOKED = "token.revoke"
EXPORTED = "export"  # a document generated (DOCX, PDF, CSV…), or the whole archive
IMPORTED = "import"  # an archive of a whole instance restored (rida import --all)
DOWNLOADED = "download"  # a stored document sent (frozen version)
VALIDATED = "validation"
STATUS_CHANGED = "status.change"  # an action's status
ROOM_LINK_CREATED = "room_link.create"  # a link for a room's projector (rida.live.room)
ROOM_LINK_REVOKED = "room_link.revoke"
ROOM_LINK_USED = "room_link.use"  # its first use
PERSON_RENAMED = "person.rename"  # names changed (rida.meetings.identity)
PERSON_MERGED = "person.merge"  # a duplicate merged into another person
# OpenID Connect (rida.accounts.oidc): a provider's identity linked to an account or
# unlinked, a sign-in through a provider refused, a first sign-in's account approved.
SSO_LINKED = "sso.link"
SSO_UNLINKED = "sso.unlink"
SSO_REFUSED = "sso.refusal"
ACCOUNT_APPROVED = "account.approve"
SSO_ONLY_CHANGED = "account.sso_only"  # signs in through its provider only, or not


@dataclass
class Event:
    action: str
    user_id: int | None = None  # who did it (None: anonymous, the CLI without --user)
    login: str | None = None  # the login typed or the account's (kept if deleted)
    ip: str | None = None  # where from (remote address; "cli" for commands)
    object_type: str | None = None  # "meeting", "user", "api_token", …
    object_id: str | None = None
    meeting_id: int | None = None  # the meeting concerned, for its history tab
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    details: dict[str, Any] = field(default_factory=dict)


def emit(action: str, *, session: Any = None, **fields: Any) -> Event:
    """Tell the subscribers that ``action`` happened. ``session``: the write session of
    the change, when there is one, so that the record joins its transaction."""
    event = Event(action, **fields)
    happened.send(event, session=session)
    return event


def by_account(
    action: str, user: User, ip: str | None, *, session: Any = None, **details: Any
) -> Event:
    """:func:`emit` ``action`` done by the account ``user`` itself, on itself (a sign-in,
    a link of its identity, a logout)."""
    return emit(
        action,
        session=session,
        user_id=user.id,
        login=user.login,
        ip=ip,
        object_type="user",
        object_id=str(user.id),
        details=details,
    )


def token_revoked(
    object_type: str,
    object_id: str,
    actor: User | None,
    ip: str | None,
    *,
    session: Any = None,
    **details: Any,
) -> Event:
    """:func:`emit` the revocation of a secret token (an API token, a calendar feed) by
    ``actor`` (None: the command line)."""
    return emit(
        TOKEN_REVOKED,
        session=session,
        user_id=actor.id if actor else None,
        login=actor.login if actor else None,
        ip=ip,
        object_type=object_type,
        object_id=object_id,
        before={"revoked": False},
        after={"revoked": True},
        details=details,
    )
