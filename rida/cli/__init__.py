"""The ``rida`` command: the root group and the table of every command.

Each command lives in a module of this package as a plain click command or group, which
imports what it shares with the others from :mod:`rida.cli.common` (never from here).
:data:`COMMANDS` names them all; a command's module is imported only when the command is
run (or its own help shown), so that ``rida --help`` starts without Flask or SQLAlchemy.
"""

from __future__ import annotations

import importlib
from gettext import gettext as _
from typing import NamedTuple

import click


class Entry(NamedTuple):
    where: str  # "module:attribute"
    help: str  # the command's short help, shown by ``rida --help`` (checked by a test)


COMMANDS: dict[str, Entry] = {
    "action": Entry(
        "rida.cli.action_status:action",
        "Suit une action (changement de statut, note de suivi, avec historique).",
    ),
    "actions": Entry(
        "rida.cli.actions:actions",
        "Liste les actions de toutes les séries, filtrées et triées comme le tableau de bord "
        "/actions.",
    ),
    "audit": Entry(
        "rida.cli.audit:audit",
        "Journal d'audit : vérification de la chaîne d'empreintes, export.",
    ),
    "backup": Entry(
        "rida.cli.backup:backup",
        "Sauvegarde la base (à chaud, cohérente) et le dossier des exports dans le nouveau "
        "dossier PATH, avec un manifeste (manifest.json : empreintes SHA-256).",
    ),
    "demo": Entry(
        "rida.cli.meetings:demo",
        "Charge le compte-rendu de démonstration et un brouillon, et crée le compte « demo ».",
    ),
    "export": Entry(
        "rida.cli.meetings:export",
        "Exporte le compte-rendu d'une réunion (rida/1, DOCX, Markdown, HTML ou PDF), ou "
        "toute l'instance (--all DIR).",
    ),
    "glossary": Entry(
        "rida.cli.glossary:glossary_cmd",
        "Afficher ou remplacer le glossaire de recherche de la série SERIES (nom ou "
        "identifiant), ou sans SERIES le glossaire commun à toutes les séries.",
    ),
    "import": Entry(
        "rida.cli.meetings:import_files",
        "Importe des comptes-rendus DOCX ou des documents rida/1 (JSON) ; affiche l'id de "
        "chaque nouvelle réunion.",
    ),
    "init": Entry(
        "rida.cli.meetings:init", "Crée la base de données ou la met à jour (migrations)."
    ),
    "list": Entry(
        "rida.cli.catalogue:list_meetings",
        "Liste les réunions : id, série, titre, date, statut, classification, version.",
    ),
    "person": Entry(
        "rida.cli.people:person",
        "Gère les personnes (adresse e-mail des rappels, nom, fusion des doublons).",
    ),
    "reindex": Entry(
        "rida.cli.index:reindex",
        "Reconstruit tout l'index de recherche à partir de la base de données.",
    ),
    "remind": Entry(
        "rida.cli.remind:remind",
        "Envoie à chaque porteur d'actions qui a une adresse e-mail un récapitulatif de ses "
        "actions en retard et de celles qui arrivent à échéance (RIDA_SMTP_URL).",
    ),
    "restore": Entry(
        "rida.cli.backup:restore_command",
        "Restaure une sauvegarde de « rida backup » : vérifie ses empreintes et l'intégrité "
        "de la base, puis remplace la base et le dossier des exports (serveur arrêté).",
    ),
    "search": Entry(
        "rida.cli.search:search",
        "Cherche QUERY dans les relevés, les actions et les en-têtes des réunions.",
    ),
    "search-check": Entry(
        "rida.cli.index:search_check",
        "Compare l'index de recherche et la base ; code de sortie 1 s'ils diffèrent.",
    ),
    "serve": Entry(
        "rida.cli.server:serve",
        "Sert l'application (waitress ; gunicorn avec plusieurs processus).",
    ),
    "token": Entry("rida.cli.users:token", "Gère les jetons d'API (Authorization: Bearer …)."),
    "user": Entry(
        "rida.cli.users:user",
        "Gère les comptes : création, rôle, activation, mot de passe, personne, séries, "
        "organisations, connexion par fournisseur d'identité.",
    ),
    "validate": Entry(
        "rida.cli.meetings:validate_meeting",
        "Contrôle une réunion et la valide (depuis brouillon ou relecture) si aucun contrôle "
        "bloquant n'échoue ; sort avec le code 1 sinon.",
    ),
}


def load(name: str) -> click.Command:
    """The command ``name`` of :data:`COMMANDS`, its module imported."""
    module, attribute = COMMANDS[name].where.split(":")
    command = getattr(importlib.import_module(module), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{COMMANDS[name].where} n'est pas une commande click.")
    return command


class LazyGroup(click.Group):
    """A group whose commands are :data:`COMMANDS`, imported when used (click's "lazy
    loading" pattern); its help lists them from the table, without importing them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            return load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in COMMANDS:  # shortened exactly as click shortens the command's own
                short = click.Command(name, help=COMMANDS[name].help).get_short_help_str(limit)
            else:
                command = super().get_command(ctx, name)
                if command is None:  # as click's own format_commands
                    continue
                short = command.get_short_help_str(limit)
            rows.append((name, short))
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rida")
def main() -> None:
    """rida : comptes-rendus d'ateliers et relevés RIDA des Task Forces.

    La configuration se lit dans l'environnement (RIDA_DATA_DIR, RIDA_DATABASE_URL,
    RIDA_EXPORT_DIR, RIDA_SOFFICE, RIDA_SECRET_KEY, RIDA_SMTP_URL…) : voir le README.
    """
