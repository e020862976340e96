"""Every setting of rida, declared once as data.

Each setting is read from the environment variable of the same name. The manual's page
"Configuration" (``docs/configuration.md``) renders its table from this list when the site
is built (``docs/hooks/rida_docs.py``), so the two cannot drift.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rida.util import atomic


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "RIDA_DATA_DIR",
        "./instance",
        "Dossier des données : base SQLite, index de recherche, clé secrète (créé en mode 0700).",
    ),
    Setting(
        "RIDA_DATABASE_URL",
        "sqlite:///<RIDA_DATA_DIR>/rida.sqlite3",
        "URL SQLAlchemy de la base ; PostgreSQL : "
        "`postgresql+psycopg://utilisateur:mdp@hôte/base` (installer l'extra "
        "`.[postgresql]`).",
    ),
    Setting(
        "RIDA_EXPORT_DIR",
        "./exports",
        "Dossier des documents générés.",
    ),
    Setting(
        "RIDA_SOFFICE",
        "<soffice trouvé dans le PATH>",
        "Chemin du programme `soffice` de LibreOffice, qui convertit le DOCX en PDF ; sans "
        "LibreOffice, le PDF est refusé avec un message clair (les autres formats restent "
        "disponibles).",
    ),
    Setting(
        "RIDA_SECRET_KEY",
        "<généré dans RIDA_DATA_DIR/secret_key>",
        "Clé de signature des sessions ; générée (mode 0600) et conservée dans le dossier des"
        " données si absente. Jamais dans le dépôt.",
    ),
    Setting(
        "RIDA_AUDIT_KEY",
        "<généré dans RIDA_DATA_DIR/audit_key>",
        "Clé des ancres du journal d'audit (HMAC), hors de la base ; générée (mode 0600) si "
        "absente. Pour que l'ancrage tienne face à qui a accès aux données, fournissez-la "
        "par l'environnement et gardez-la ailleurs que le dossier des données.",
    ),
    Setting(
        "RIDA_AUDIT_ANCHOR_FILE",
        "<RIDA_DATA_DIR>/audit-anchors.jsonl",
        "Fichier où chaque transaction journalisée ajoute une ancre (numéro, empreinte, "
        "HMAC) ; à placer de préférence sur un support en ajout seul (`chattr +a`) ou à "
        "recopier vers syslog. `rida audit verify` le contrôle.",
    ),
    Setting(
        "RIDA_AUTO_MIGRATE",
        "1",
        "Applique les migrations de schéma au démarrage ; `0` pour le faire à la main avec "
        "`rida init`.",
    ),
    Setting(
        "RIDA_DOCX_TEMPLATE",
        "<templates/compte-rendu.docx livré>",
        "Document DOCX de référence des comptes-rendus (styles, marges, numérotation des listes).",
    ),
    Setting(
        "RIDA_MAX_REQUEST_BYTES",
        "5000000",
        "Taille maximale d'une requête (octets ; champs de formulaire et fichiers envoyés "
        "compris) ; au-delà, réponse 413 « Requête trop volumineuse : 5 Mo au plus. » (la "
        "limite en vigueur).",
    ),
    Setting(
        "RIDA_SEARCH_BACKEND",
        "<postgresql sur PostgreSQL, whoosh sinon>",
        "Moteur de la recherche plein texte : `postgresql` (l'index est une table de la "
        "base, écrite dans la transaction de chaque modification ; PostgreSQL seulement) "
        "ou `whoosh` (embarqué, fichiers dans `RIDA_SEARCH_DIR`, tenu à jour par le fil "
        "d'indexation). Les vues n'en dépendent pas (`rida/search/__init__.py`).",
    ),
    Setting(
        "RIDA_SEARCH_DIR",
        "<RIDA_DATA_DIR>/search",
        "Dossier de l'index de recherche (mode 0700 : il contient des pickles). Absent ou "
        "illisible, il est reconstruit depuis la base au démarrage, avec une ligne de "
        "journal.",
    ),
    Setting(
        "RIDA_SEARCH_CONCURRENCY",
        "auto",
        "Recherches menées en même temps par processus serveur ; les suivantes attendent "
        "leur tour sans prendre de calcul, si bien que les enregistrements ne passent "
        "jamais derrière elles. `auto` : les cœurs de la machine partagés entre les "
        "processus serveurs (`rida serve --workers`), un au moins chacun.",
    ),
    Setting(
        "RIDA_SEARCH_PROCESSES",
        "auto",
        "Sous `rida serve`, processus de recherche par processus serveur : les recherches "
        "y calculent à une priorité moindre (`RIDA_SEARCH_NICE`), les enregistrements "
        "gardent le processeur. `auto` : comme `RIDA_SEARCH_CONCURRENCY`.",
    ),
    Setting(
        "RIDA_SEARCH_NICE",
        "5",
        "Priorité abaissée (nice, 0 à 19) des processus de recherche.",
    ),
    Setting(
        "RIDA_SEARCH_QUEUE",
        "64",
        "Recherches qui peuvent attendre leur tour par processus ; au-delà, ou après "
        "`RIDA_SEARCH_WAIT_SECONDS`, la réponse est « réessayez dans un instant » (503). "
        "`rida serve` ajoute autant de fils à `--threads`.",
    ),
    Setting(
        "RIDA_SEARCH_WAIT_SECONDS",
        "10",
        "Attente au plus d'une recherche avant son tour (décimales acceptées).",
    ),
    Setting(
        "RIDA_BASE_URL",
        "http://127.0.0.1:5000",
        "Adresse publique de rida, pour les liens des rappels (`rida remind`). Les "
        "calendriers, eux, reprennent l'adresse par laquelle ils sont lus.",
    ),
    Setting(
        "RIDA_SMTP_URL",
        "<aucun>",
        "Serveur d'envoi des rappels : `smtp://utilisateur:mdp@hôte:port`, "
        "`smtp+starttls://…` ou `smtps://…` ; sans lui, `rida remind` refuse d'envoyer (sauf "
        "`--dry-run`).",
    ),
    Setting(
        "RIDA_MAIL_FROM",
        "rida@localhost",
        "Expéditeur des rappels.",
    ),
    Setting(
        "RIDA_REMIND_DAYS",
        "7",
        "Horizon des rappels : actions en retard et à échéance dans ce nombre de jours.",
    ),
    Setting(
        "RIDA_PUBLIC_READ",
        "0",
        "`1` : les visiteurs non connectés lisent les comptes-rendus **validés** et "
        "**publics** (page, exports, versions figées), rien d'autre (ni liste, ni recherche, "
        "ni API de lecture).",
    ),
    Setting(
        "RIDA_COMPRESSION",
        "1",
        "`1` : les pages, le JSON, les scripts et les feuilles de style partent compressés "
        "(brotli ou gzip, selon le navigateur) ; `0` quand le mandataire inverse compresse "
        "déjà. Jamais les flux en direct ni les fichiers déjà compressés (DOCX, ZIP, PDF).",
    ),
    Setting(
        "RIDA_SECURE_COOKIES",
        "0",
        "`1` quand rida est servi derrière HTTPS (mandataire inverse) : le cookie de session "
        "porte `Secure` et n'est jamais envoyé en clair. Il est toujours `HttpOnly` et "
        "`SameSite=Lax`.",
    ),
    Setting(
        "RIDA_SESSION_IDLE_MINUTES",
        "60",
        "Une session sans aucune requête pendant ce temps expire (décimales acceptées : `0.5`).",
    ),
    Setting(
        "RIDA_SESSION_MAX_HOURS",
        "12",
        "Durée maximale d'une session depuis la connexion, même active.",
    ),
    Setting(
        "RIDA_SESSION_WARNING_MINUTES",
        "5",
        "L'éditeur affiche l'avertissement (« Rester connecté ») ce temps avant la fin de la "
        "session.",
    ),
    Setting(
        "RIDA_LIVE_MAX_STREAMS",
        "250",
        "Flux en direct (`GET /api/meetings/<id>/events`) ouverts au plus en même temps par "
        "processus serveur ; au-delà, réponse 429. Chaque flux occupe un fil : `rida serve` "
        "en ajoute autant à `--threads`, qui restent libres pour les enregistrements.",
    ),
    Setting(
        "RIDA_LIVE_MAX_STREAMS_PER_ACCOUNT",
        "8",
        "Flux en direct ouverts au plus par un même compte (onglets, jetons d'API).",
    ),
    Setting(
        "RIDA_LIVE_MAX_STREAMS_PER_MEETING",
        "300",
        "Flux en direct ouverts au plus sur une même réunion.",
    ),
    Setting(
        "RIDA_LIVE_HEARTBEAT_SECONDS",
        "15",
        "Un flux en direct sans changement envoie un commentaire `: ping` à cet intervalle "
        "(il garde la connexion ouverte à travers les mandataires et détecte les départs).",
    ),
    Setting(
        "RIDA_LIVE_RETENTION_HOURS",
        "48",
        "Le journal des changements garde ses entrées ce temps (décimales acceptées) : un flux "
        "en direct coupé plus longtemps recharge la réunion au lieu de rattraper. Les plus "
        "anciennes sont supprimées au plus une fois par heure.",
    ),
    Setting(
        "RIDA_LOGIN_MAX_FAILURES",
        "5",
        "Échecs de connexion d'un même identifiant, dans la fenêtre, qui le bloquent.",
    ),
    Setting(
        "RIDA_LOGIN_MAX_FAILURES_PER_IP",
        "20",
        "Échecs de connexion depuis une même adresse IP, dans la fenêtre, qui la bloquent.",
    ),
    Setting(
        "RIDA_LOGIN_WINDOW_MINUTES",
        "15",
        "Fenêtre de décompte des échecs de connexion.",
    ),
    Setting(
        "RIDA_LOGIN_LOCKOUT_MINUTES",
        "15",
        "Durée du blocage d'un identifiant ou d'une adresse.",
    ),
    Setting(
        "RIDA_OIDC_PROVIDERS",
        "<RIDA_DATA_DIR>/oidc.toml",
        "Fichier TOML des fournisseurs OpenID Connect (ProConnect, Pro Santé Connect…), "
        "une section par fournisseur ; absent : pas de connexion par fournisseur. Voir "
        "[Connexion par ProConnect et Pro Santé Connect](connexion-oidc.md).",
    ),
    Setting(
        "RIDA_OIDC_<NOM>_CLIENT_SECRET",
        "<RIDA_DATA_DIR>/oidc-<nom>.secret>",
        "Secret client du fournisseur `<nom>` (en majuscules dans le nom de la variable) ; "
        "sinon lu dans ce fichier du dossier des données. Jamais dans le dépôt ni dans le "
        "fichier des fournisseurs.",
    ),
    Setting(
        "RIDA_PASSWORD_LOGIN",
        "1",
        "`0` : la connexion par mot de passe est fermée pour toute l'instance (seuls les "
        "fournisseurs OpenID Connect restent), sauf pour l'administrateur de secours.",
    ),
    Setting(
        "RIDA_BREAK_GLASS_ADMIN",
        "<aucun>",
        "Identifiant d'un compte administrateur qui garde la connexion par mot de passe "
        "quand `RIDA_PASSWORD_LOGIN=0` (accès de secours si les fournisseurs sont "
        "indisponibles).",
    ),
)

_DEFAULTS = {s.name: s.default for s in SETTINGS}


def number(env: Mapping[str, str], name: str) -> float:
    """A positive number setting (its default when unset); a clear error otherwise."""
    raw = env.get(name) or _DEFAULTS[name]
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{name} : nombre positif attendu, reçu « {raw} »")
    return value


def count_or_auto(env: Mapping[str, str], name: str) -> int | None:
    """A positive whole number, or None for ``auto`` (see :func:`rida.util.cores.host_share`)."""
    raw = (env.get(name) or _DEFAULTS[name]).strip()
    if raw == "auto":
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name} : nombre entier positif ou « auto » attendu, reçu « {raw} »")
    return int(raw)


def flag(env: Mapping[str, str], name: str) -> bool:
    return (env.get(name) or _DEFAULTS[name]).strip().lower() in ("1", "true", "yes", "oui")


def load(environ: dict[str, str] | None = None) -> dict[str, object]:
    """Read the settings from the environment and return Flask config keys."""
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("RIDA_DATA_DIR") or "./instance").resolve()
    export_dir = Path(env.get("RIDA_EXPORT_DIR") or "./exports").resolve()
    database_url = env.get("RIDA_DATABASE_URL") or f"sqlite:///{data_dir / 'rida.sqlite3'}"
    return {
        "DATA_DIR": data_dir,
        "EXPORT_DIR": export_dir,
        "DATABASE_URL": database_url,
        "SOFFICE": env.get("RIDA_SOFFICE") or None,
        "SECRET_KEY": env.get("RIDA_SECRET_KEY") or None,
        # None: generated in the data dir (rida.audit.anchor).
        "AUDIT_KEY": env.get("RIDA_AUDIT_KEY") or None,
        "AUDIT_ANCHOR_FILE": Path(env["RIDA_AUDIT_ANCHOR_FILE"]).resolve()
        if env.get("RIDA_AUDIT_ANCHOR_FILE")
        else None,
        "AUTO_MIGRATE": (env.get("RIDA_AUTO_MIGRATE") or "1") not in ("0", "false", "no"),
        # None: postgresql on a PostgreSQL database, whoosh otherwise (rida.search).
        "SEARCH_BACKEND": env.get("RIDA_SEARCH_BACKEND") or None,
        # None: RIDA_DATA_DIR/search, resolved once the data dir is known (rida.search).
        "SEARCH_DIR": Path(env["RIDA_SEARCH_DIR"]).resolve()
        if env.get("RIDA_SEARCH_DIR")
        else None,
        "MAX_CONTENT_LENGTH": int(env.get("RIDA_MAX_REQUEST_BYTES") or 5_000_000),
        # None: the reference document shipped with rida (rida.compte_rendu.docx).
        "DOCX_TEMPLATE": Path(env["RIDA_DOCX_TEMPLATE"]).resolve()
        if env.get("RIDA_DOCX_TEMPLATE")
        else None,
        # Reminders (rida remind); checked by the command, not at start-up.
        "BASE_URL": env.get("RIDA_BASE_URL") or "http://127.0.0.1:5000",
        "SMTP_URL": env.get("RIDA_SMTP_URL") or "",
        "MAIL_FROM": env.get("RIDA_MAIL_FROM") or "rida@localhost",
        "REMIND_DAYS": env.get("RIDA_REMIND_DAYS") or "7",
        # Accounts and sessions (rida.views.auth, rida.accounts: session_clock, login_guard).
        "PUBLIC_READ": flag(env, "RIDA_PUBLIC_READ"),
        "SESSION_COOKIE_SECURE": flag(env, "RIDA_SECURE_COOKIES"),
        "COMPRESSION": flag(env, "RIDA_COMPRESSION"),
        "SESSION_IDLE_SECONDS": number(env, "RIDA_SESSION_IDLE_MINUTES") * 60,
        "SESSION_MAX_SECONDS": number(env, "RIDA_SESSION_MAX_HOURS") * 3600,
        "SESSION_WARNING_SECONDS": number(env, "RIDA_SESSION_WARNING_MINUTES") * 60,
        # Searches take turns (rida.views.search_gate).
        "SEARCH_CONCURRENCY": count_or_auto(env, "RIDA_SEARCH_CONCURRENCY"),
        "SEARCH_QUEUE": int(number(env, "RIDA_SEARCH_QUEUE")),
        "SEARCH_PROCESSES": count_or_auto(env, "RIDA_SEARCH_PROCESSES"),
        "SEARCH_NICE": int(number(env, "RIDA_SEARCH_NICE")),
        "SEARCH_WAIT_SECONDS": number(env, "RIDA_SEARCH_WAIT_SECONDS"),
        # Live streams (rida.live).
        "LIVE_MAX_STREAMS": int(number(env, "RIDA_LIVE_MAX_STREAMS")),
        "LIVE_MAX_STREAMS_PER_ACCOUNT": int(number(env, "RIDA_LIVE_MAX_STREAMS_PER_ACCOUNT")),
        "LIVE_MAX_STREAMS_PER_MEETING": int(number(env, "RIDA_LIVE_MAX_STREAMS_PER_MEETING")),
        "LIVE_HEARTBEAT_SECONDS": number(env, "RIDA_LIVE_HEARTBEAT_SECONDS"),
        "LIVE_RETENTION_HOURS": number(env, "RIDA_LIVE_RETENTION_HOURS"),
        "LOGIN_MAX_FAILURES": int(number(env, "RIDA_LOGIN_MAX_FAILURES")),
        "LOGIN_MAX_FAILURES_PER_IP": int(number(env, "RIDA_LOGIN_MAX_FAILURES_PER_IP")),
        "LOGIN_WINDOW_SECONDS": number(env, "RIDA_LOGIN_WINDOW_MINUTES") * 60,
        "LOGIN_LOCKOUT_SECONDS": number(env, "RIDA_LOGIN_LOCKOUT_MINUTES") * 60,
        # OpenID Connect (rida.accounts.oidc): the providers' file, read at start-up.
        "OIDC_PROVIDERS_FILE": Path(env["RIDA_OIDC_PROVIDERS"]).resolve()
        if env.get("RIDA_OIDC_PROVIDERS")
        else data_dir / "oidc.toml",
        "PASSWORD_LOGIN": flag(env, "RIDA_PASSWORD_LOGIN"),
        "BREAK_GLASS_ADMIN": env.get("RIDA_BREAK_GLASS_ADMIN") or "",
    }


MIN_SECRET_LENGTH = 32


class SecretKeyError(RuntimeError):
    """The secret key file cannot be used; the message is French and says why."""


def secret_key(data_dir: Path, name: str = "secret_key") -> str:
    """The secret key kept in ``data_dir/name``, created (random, mode 0600) on first
    use. Never a default: a key file that is empty or too short is refused, and one
    readable by others is made private again."""
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic.write_file(path, secrets.token_hex(32).encode(), mode=0o600, replace=False)
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    key = path.read_text().strip()
    if len(key) < MIN_SECRET_LENGTH:
        raise SecretKeyError(
            f"{path} : clé secrète vide ou trop courte (au moins "
            f"{MIN_SECRET_LENGTH} caractères) ; supprimez le fichier pour "
            "qu'une nouvelle clé soit générée."
        )
    return key
