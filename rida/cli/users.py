"""``rida user …`` (accounts, roles, memberships) and ``rida token …`` (API tokens).

Every change is made as the command line
(``ip="cli"``, no account) and emitted like the same change in the web UI.
"""

from __future__ import annotations

import json
import sys

import click
from flask import Flask

from rida import accounts, db
from rida.accounts import account_admin, api_tokens
from rida.accounts.account_admin import Actor, PasswordRoute
from rida.accounts.oidc import admin as oidc_admin
from rida.cli.common import JSON_LIST_OPTION, with_app
from rida.fields import FieldError
from rida.meetings.people import label
from rida.models import ROLES

CLI = Actor(user=None, ip="cli")

PASSWORD_OPTION = click.option(
    "--password-stdin/--generate-password",
    default=True,
    show_default=True,
    help="Lire le mot de passe sur l'entrée standard, ou en générer un et l'afficher.",
)


def _read_password(password_stdin: bool) -> str:
    return sys.stdin.readline().rstrip("\r\n") if password_stdin else accounts.new_password()


@click.group("user")
def user() -> None:
    """Gère les comptes : création, rôle, activation, mot de passe, personne, séries,
    organisations, connexion par fournisseur d'identité."""


@user.command("add")
@click.argument("login")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="reader",
    show_default=True,
    help="Rôle du compte.",
)
@PASSWORD_OPTION
@with_app
def user_add(app: Flask, login: str, role: str, password_stdin: bool) -> None:
    """Crée un compte ; le mot de passe est lu sur l'entrée standard (première ligne)."""
    password = _read_password(password_stdin)
    with db.transaction() as s:
        accounts.create_user(s, login, password, role)
    click.echo(f"Compte « {login} » créé ({role}).")
    if not password_stdin:
        click.echo(f"Mot de passe : {password}")


@user.command("list")
@JSON_LIST_OPTION
@with_app
def user_list(app: Flask, as_json: bool) -> None:
    """Liste les comptes : identifiant, rôle, actif, personne, séries, identités liées
    (fournisseur, émetteur, sujet)."""
    session = db.session()
    linked = oidc_admin.identities(session)
    rows = [
        {k: v for k, v in row.items() if k != "user"}
        | {
            "identities": [
                {k: i[k] for k in ("provider", "issuer", "subject", "email")}
                for i in linked.get(row["id"], [])
            ]
        }
        for row in account_admin.overview(session)
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        series = ", ".join(s["name"] for s in row["series"]) or "-"
        identities = (
            "; ".join(f"{i['provider']} {i['issuer']} {i['subject']}" for i in row["identities"])
            or "-"
        )
        click.echo(
            f"{row['login']:<20} {row['role']:<11} "
            f"{'actif' if row['active'] else 'désactivé':<10} "
            f"{row['person'] or '-'}  séries : {series}  identités : {identities}"
        )


@user.command("set-role")
@click.argument("login")
@click.argument("role")
@with_app
def set_role(app: Flask, login: str, role: str) -> None:
    """Change le rôle d'un compte (admin, rapporteur, member, reader)."""
    with db.transaction() as s:
        target = accounts.by_login(s, login)
        changed = account_admin.set_role(s, target, role, CLI, PasswordRoute.of(app.config))
    click.echo(f"Compte « {login} » : rôle {role}" + ("" if changed else " (inchangé)"))


def _set_active(app: Flask, login: str, active: bool) -> None:
    with db.transaction() as s:
        target = accounts.by_login(s, login)
        changed = account_admin.set_active(s, target, active, CLI, PasswordRoute.of(app.config))
    state = "activé" if active else "désactivé"
    click.echo(f"Compte « {login} » {state}" + ("" if changed else " (déjà)"))


@user.command("disable")
@click.argument("login")
@with_app
def disable(app: Flask, login: str) -> None:
    """Désactive un compte : plus de connexion, de jeton d'API ni de calendrier."""
    _set_active(app, login, False)


@user.command("enable")
@click.argument("login")
@with_app
def enable(app: Flask, login: str) -> None:
    """Réactive un compte."""
    _set_active(app, login, True)


@user.command("password")
@click.argument("login")
@PASSWORD_OPTION
@with_app
def password(app: Flask, login: str, password_stdin: bool) -> None:
    """Change le mot de passe d'un compte (lu sur l'entrée standard, ou généré)."""
    given = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with db.transaction() as s:
        new = account_admin.set_password(s, accounts.by_login(s, login), given)
    click.echo(f"Mot de passe de « {login} » changé.")
    if not password_stdin:
        click.echo(f"Mot de passe : {new}")


@user.group("member")
def member() -> None:
    """Ajoute ou retire un compte des membres d'une série."""


def _membership(login: str, series: str, add: bool) -> None:
    with db.transaction() as s:
        target = accounts.by_login(s, login)
        found = account_admin.find_series(s, series)
        changed = account_admin.set_member(s, target, found, add, CLI)
        name = found.name
    verb = "membre de" if add else "n'est plus membre de"
    click.echo(f"« {login} » {verb} « {name} »" + ("" if changed else " (déjà)"))


@member.command("add")
@click.argument("login")
@click.argument("series")
@with_app
def member_add(app: Flask, login: str, series: str) -> None:
    """Rend LOGIN membre de la série SERIES (id ou nom exact)."""
    _membership(login, series, True)


@member.command("remove")
@click.argument("login")
@click.argument("series")
@with_app
def member_remove(app: Flask, login: str, series: str) -> None:
    """Retire LOGIN des membres de la série SERIES (id ou nom exact)."""
    _membership(login, series, False)


@click.group("token")
def token() -> None:
    """Gère les jetons d'API (Authorization: Bearer …)."""


@token.command("create")
@click.argument("login")
@click.option("--name", default="", help="Nom du jeton (à quoi il sert).")
@click.option(
    "--expires-days",
    type=int,
    default=None,
    help="Expire après ce nombre de jours (sans : n'expire pas).",
)
@with_app
def create(app: Flask, login: str, name: str, expires_days: int | None) -> None:
    """Crée un jeton pour LOGIN et l'affiche, une seule fois."""
    with db.transaction() as s:
        _, secret = api_tokens.create(
            s, accounts.by_login(s, login), name=name, expires_days=expires_days, ip="cli"
        )
    click.echo(secret)


@token.command("revoke")
@click.argument("prefix")
@with_app
def revoke(app: Flask, prefix: str) -> None:
    """Révoque le jeton de préfixe PREFIX (voir « rida token list »)."""
    with db.transaction() as s:
        api_tokens.revoke(s, prefix, ip="cli")
    click.echo(f"Jeton {prefix} révoqué.")


@token.command("list")
@click.argument("login", required=False)
@JSON_LIST_OPTION
@with_app
def list_tokens(app: Flask, login: str | None, as_json: bool) -> None:
    """Liste les jetons (de LOGIN, ou de tous) : préfixe, compte, nom, état, dates."""
    s = db.session()
    owner = accounts.by_login(s, login) if login is not None else None
    rows = [api_tokens.as_dict(t, u) for t, u in api_tokens.tokens_of(s, owner)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(
            f"{row['prefix']}  {row['login']:<20} {row['state']:<8} "
            f"créé {row['created_at']}  utilisé {row['last_used_at'] or '-'}  "
            f"expire {row['expires_at'] or '-'}  {row['name']}"
        )


@user.command("link")
@click.argument("login")
@click.argument("person")
@with_app
def link(app: Flask, login: str, person: str) -> None:
    """Relie le compte LOGIN à la personne PERSON (numéro, ou nom désignant une seule fiche :
    « SLOSAR Mathieu », « Mathieu SLOSAR (ANS) », le nom d'une organisation). Le compte lit
    alors les réunions où elle figure et suit ses actions (et celles de son organisation)."""
    with db.transaction() as s:
        target = accounts.by_login(s, login)
        found = account_admin.find_person(s, person)
        before = target.person_id
        account_admin.link_person(s, target, found.id, CLI)
        name = label(found)
    same = " (déjà)" if before == found.id else ""
    click.echo(f"Compte « {login} » relié à {name}{same}.")


@user.command("unlink")
@click.argument("login")
@with_app
def unlink(app: Flask, login: str) -> None:
    """Défait le lien entre le compte LOGIN et sa personne."""
    with db.transaction() as s:
        target = accounts.by_login(s, login)
        before = target.person_id
        account_admin.link_person(s, target, None, CLI)
    click.echo(f"Compte « {login} » " + ("délié." if before else "n'était relié à personne."))


@user.group("organisation")
def organisation() -> None:
    """Rend un compte membre d'une organisation (il suit ses actions) ou le retire."""


def _organisation(login: str, ref: str, add: bool) -> None:
    with db.transaction() as s:
        target = accounts.by_login(s, login)
        found = account_admin.find_organisation(s, ref)
        changed = account_admin.set_organisation_member(s, target, found, add, CLI)
        name = found.entity
    verb = "membre de" if add else "n'est plus membre de"
    click.echo(f"« {login} » {verb} l'organisation « {name} »" + ("" if changed else " (déjà)"))


@organisation.command("add")
@click.argument("login")
@click.argument("organisation_ref", metavar="ORGANISATION")
@with_app
def organisation_add(app: Flask, login: str, organisation_ref: str) -> None:
    """Rend LOGIN membre de l'organisation ORGANISATION (numéro ou nom) : ses actions sont
    dans « Mes actions », les rappels et le calendrier du compte (s'il lit leur réunion)."""
    _organisation(login, organisation_ref, True)


@organisation.command("remove")
@click.argument("login")
@click.argument("organisation_ref", metavar="ORGANISATION")
@with_app
def organisation_remove(app: Flask, login: str, organisation_ref: str) -> None:
    """Retire LOGIN des membres de l'organisation ORGANISATION (numéro ou nom) ; le lien
    par l'entité de sa personne, lui, reste."""
    _organisation(login, organisation_ref, False)


@user.command("approve")
@click.argument("login")
@with_app
def approve(app: Flask, login: str) -> None:
    """Approuve le compte LOGIN, créé à une première connexion par fournisseur et en
    attente : il peut alors se connecter."""
    with db.transaction() as s:
        done = oidc_admin.approve(s, accounts.by_login(s, login), CLI)
    click.echo(f"Compte « {login} » approuvé" + ("." if done else " (déjà)."))


@user.command("sso-only")
@click.argument("login")
@click.option(
    "--on/--off",
    "on",
    default=None,
    help="Connexion par fournisseur uniquement (--on), ou aussi par mot de passe (--off).",
)
@with_app
def sso_only(app: Flask, login: str, on: bool | None) -> None:
    """Réserve au compte LOGIN la connexion par fournisseur d'identité (--on : ses sessions
    se ferment, ses jetons d'API et ses adresses d'agenda sont révoqués), ou lui rend son
    mot de passe (--off) ; refusé pour l'administrateur de secours (RIDA_BREAK_GLASS_ADMIN)
    et pour le dernier administrateur actif à mot de passe."""
    if on is None:
        raise FieldError("sso_only", "--on ou --off attendu")
    route = PasswordRoute.of(app.config)
    with db.transaction() as s:
        done = oidc_admin.set_sso_only(s, accounts.by_login(s, login), on, CLI, route)
    click.echo(done.message(login, on))


@user.command("unlink-identity")
@click.argument("login")
@click.argument("provider")
@with_app
def unlink_identity(app: Flask, login: str, provider: str) -> None:
    """Retire les liens du compte LOGIN avec ses identités chez le fournisseur PROVIDER
    (son nom dans RIDA_OIDC_PROVIDERS) : elles ne le connectent plus."""
    with db.transaction() as s:
        removed = oidc_admin.unlink_provider(s, accounts.by_login(s, login), provider, CLI)
    click.echo(f"Compte « {login} » : {removed} lien(s) avec « {provider} » retiré(s).")
