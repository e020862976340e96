"""The OpenID Connect providers declared for the instance (``RIDA_OIDC_PROVIDERS``, a TOML
file with one table per provider), and their client secrets (environment or data dir).

A missing file means no provider: the login page then shows the password form alone.
A file that cannot be used stops the start with a French message saying why.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rida.models import ROLES

NAME = re.compile(r"[a-z][a-z0-9_]{0,30}")
DEFAULT_SCOPES = "openid email"


class ConfigError(RuntimeError):
    """The providers' file cannot be used; the message is French and says why."""


@dataclass(frozen=True)
class Provider:
    name: str  # in the URLs (/connexion/oidc/<name>) and the secret's variable
    label: str  # on the button: « Se connecter avec <label> »
    discovery_url: str
    client_id: str
    client_secret: str = field(repr=False)
    scopes: str = DEFAULT_SCOPES
    acr_values: str = ""
    # Accounts: made at a first sign-in (else refused), with this role; waiting for an
    # administrator unless the e-mail's domain or the SIRET is allowed.
    provisioning: bool = False
    default_role: str = "reader"
    allowed_email_domains: tuple[str, ...] = ()
    allowed_sirets: tuple[str, ...] = ()
    # A first sign-in links to the account whose login is the e-mail, only if the provider
    # vouches for the address (email_verified, or trust_email for ProConnect).
    link_by_verified_email: bool = False
    trust_email: bool = False
    professional_id_claim: str = ""  # Pro Santé Connect: SubjectNameID (RPPS/ADELI)
    token_endpoint_auth_method: str = "client_secret_basic"
    leeway_seconds: int = 120
    timeout_seconds: float = 10.0


def _secret(name: str, data_dir: Path, env: Mapping[str, str]) -> str:
    value = env.get(f"RIDA_OIDC_{name.upper()}_CLIENT_SECRET")
    if value:
        return value
    path = data_dir / f"oidc-{name}.secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    raise ConfigError(
        f"fournisseur « {name} » : secret client absent (variable "
        f"RIDA_OIDC_{name.upper()}_CLIENT_SECRET ou fichier {path})"
    )


def _provider(name: str, raw: Any, data_dir: Path, env: Mapping[str, str]) -> Provider:
    if not NAME.fullmatch(name) or not isinstance(raw, dict):
        raise ConfigError(f"fournisseur « {name} » : nom en minuscules a-z 0-9 _ et une table")
    if "client_secret" in raw:
        raise ConfigError(f"fournisseur « {name} » : le secret client n'a rien à faire ici")
    for key in ("discovery_url", "client_id"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise ConfigError(f"fournisseur « {name} » : « {key} » manquant")
    known = set(Provider.__dataclass_fields__) - {"name", "client_secret"}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"fournisseur « {name} » : clé inconnue {', '.join(sorted(unknown))}")
    values = dict(raw)
    for key in ("allowed_email_domains", "allowed_sirets"):
        values[key] = tuple(str(v).lower() for v in values.get(key, ()))
    if values.get("default_role", "reader") not in ROLES:
        raise ConfigError(f"fournisseur « {name} » : rôle attendu parmi {', '.join(ROLES)}")
    if "openid" not in str(values.get("scopes", DEFAULT_SCOPES)).split():
        raise ConfigError(f"fournisseur « {name} » : la portée « openid » est requise")
    values.setdefault("label", name)
    try:
        return Provider(name=name, client_secret=_secret(name, data_dir, env), **values)
    except TypeError as error:
        raise ConfigError(f"fournisseur « {name} » : {error}") from error


def load(path: Path, data_dir: Path, env: Mapping[str, str] | None = None) -> dict[str, Provider]:
    """The providers of ``path`` by name ({} when the file does not exist)."""
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path} : fichier des fournisseurs illisible ({error})") from error
    environ = os.environ if env is None else env
    return {name: _provider(name, value, data_dir, environ) for name, value in raw.items()}
