"""Sending e-mail through the SMTP server of the setting ``RIDA_SMTP_URL``.

``smtp://user:password@host:port`` (plain, port 25 by default), ``smtp+starttls://…``
(upgraded with STARTTLS, port 587) or ``smtps://…`` (TLS from the start, port 465). User and
password are optional and percent-encoded in the URL (``%40`` for ``@``).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from rida.fields import FieldError

SETTING = "RIDA_SMTP_URL"
PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT = 30


@dataclass(frozen=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    username: str = ""
    password: str = ""

    def __str__(self) -> str:  # never the password
        return f"{self.scheme}://{self.host}:{self.port}"


def parse_url(url: str) -> SmtpServer:
    """The server of an ``RIDA_SMTP_URL`` value; a :class:`FieldError` on the setting."""
    if not url:
        raise FieldError(
            SETTING,
            "réglage absent : indiquez le serveur d'envoi, par "
            "exemple smtp+starttls://utilisateur:mdp@smtp.exemple.fr:587",
        )
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in PORTS:
        raise FieldError(
            SETTING, f"schéma « {parts.scheme} » inconnu (attendu : smtp, smtp+starttls ou smtps)"
        )
    try:
        port = parts.port or PORTS[scheme]
    except ValueError:
        raise FieldError(SETTING, "port invalide") from None
    if not parts.hostname:
        raise FieldError(SETTING, "nom du serveur manquant")
    return SmtpServer(
        scheme, parts.hostname, port, unquote(parts.username or ""), unquote(parts.password or "")
    )


def connect(server: SmtpServer, timeout: float = TIMEOUT) -> smtplib.SMTP:
    """An open, authenticated connection (raises ``OSError`` or ``smtplib.SMTPException``)."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if server.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=timeout)
    try:
        if server.scheme == "smtp+starttls":
            smtp.starttls(context=context)
        if server.username:
            smtp.login(server.username, server.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def send(server: SmtpServer, message: EmailMessage, timeout: float = TIMEOUT) -> None:
    """Send one message on its own connection, so that one failure spares the others."""
    with connect(server, timeout) as smtp:
        smtp.send_message(message)


def failure(error: BaseException) -> str:
    """A French one-line reason for an SMTP or network error."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = ", ".join(
            f"{code} {text.decode(errors='replace')}" for code, text in error.recipients.values()
        )
        return f"destinataire refusé par le serveur ({codes})"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "authentification refusée par le serveur"
    if isinstance(error, smtplib.SMTPResponseException):
        detail = error.smtp_error
        shown = detail.decode(errors="replace") if isinstance(detail, bytes) else detail
        return f"refus du serveur ({error.smtp_code} {shown})"
    if isinstance(error, smtplib.SMTPException):
        return f"erreur SMTP ({error})"
    return (
        f"serveur injoignable ({error.strerror or error})"
        if isinstance(error, OSError)
        else str(error)
    )
