"""``rida import --all``, first step: read an archive and check it whole (its manifest, the
size and SHA-256 of every file, that none was added, every document) before anything is
written."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rida.exchange.archive.layout import (
    ACTIONS,
    DOCUMENT,
    FORMAT,
    MANIFEST,
    MEETINGS,
    SIDE,
    ArchiveError,
    check_sha256,
    sha256,
)
from rida.exchange.validation import loads, validate
from rida.fields import FieldError, ValidationError


@dataclass
class Loaded:
    """An archive read and checked, not yet written."""

    manifest: dict[str, Any]
    manifest_sha256: str
    files: dict[str, bytes]
    meetings: list[tuple[int, dict[str, Any], dict[str, Any], list[dict[str, Any]]]]

    def read(self, name: str) -> bytes:
        if name not in self.files:
            raise ArchiveError(f"{name} : fichier absent du manifeste.", "invalid")
        return self.files[name]

    def json(self, name: str) -> Any:
        try:
            return loads(self.read(name))
        except ValidationError as e:
            raise ValidationError(
                [FieldError(f"{name}:{x.path}", x.message) for x in e.errors]
            ) from None


def read_archive(directory: Path) -> Loaded:
    """Read the archive in ``directory``, checked whole: the manifest, the size and
    SHA-256 of every file it lists (and that no other file is there), every document."""
    if not (directory / MANIFEST).is_file():
        raise ArchiveError(
            f"{directory} : pas de {MANIFEST}, ce n'est pas une archive rida.", "invalid"
        )
    raw = (directory / MANIFEST).read_bytes()
    try:
        manifest = json.loads(raw)
        if manifest.get("format") != FORMAT:
            raise ArchiveError(
                f"{MANIFEST} : format {FORMAT!r} attendu, reçu {manifest.get('format')!r}.",
                "invalid",
            )
        listed = {
            name: (int(v["bytes"]), str(v["sha256"])) for name, v in manifest["files"].items()
        }
        ids = [int(i) for i in manifest["meetings"]]
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise ArchiveError(f"{MANIFEST} illisible : {e}", "invalid") from None
    present = {
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if p.is_file() or p.is_symlink()
    } - {MANIFEST}
    if present - set(listed):
        extra = sorted(present - set(listed))[0]
        raise ArchiveError(f"{extra} : fichier absent du manifeste (ajouté ?).", "tampered")
    files = {}
    for name, (size, digest) in sorted(listed.items()):
        path = directory / name
        if name not in present or path.is_symlink() or ".." in Path(name).parts:
            raise ArchiveError(f"{name} : fichier du manifeste introuvable.", "tampered")
        files[name] = check_sha256(
            path.read_bytes(),
            digest,
            f"{name} : taille ou empreinte SHA-256 différente de celle du manifeste "
            "(fichier altéré).",
            size,
        )
    loaded = Loaded(manifest, sha256(raw), files, [])
    errors: list[FieldError] = []
    for ident in ids:
        base = f"{MEETINGS}/{ident}"
        try:
            doc = validate(loaded.json(f"{base}/{DOCUMENT}"))
        except ValidationError as e:
            errors += [FieldError(f"{base}/{DOCUMENT}:{x.path}", x.message) for x in e.errors]
            continue
        loaded.meetings.append(
            (ident, doc, loaded.json(f"{base}/{SIDE}"), loaded.json(f"{base}/{ACTIONS}"))
        )
    if errors:
        raise ValidationError(errors)
    return loaded
