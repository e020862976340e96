"""The Whoosh index on disk: written durably, and checked block for block.

Whoosh writes its files without ``fsync``: after a power cut, the table of contents
could name segments whose data never reached the disk. :class:`DurableStorage` syncs
every file it closes (segments, then the table of contents written after them) and the
directory after each rename, so a commit is on disk when ``commit()`` returns.

Whoosh does not notice a damaged segment either: a corrupted 4 KiB block in the middle
of one dropped ``inducteurs`` from 13 hits to 1 without an error, while the stored
fields (what ``rida search-check`` compared) still read fine. After each commit, the
SHA-256 of every segment file of the index is written to :data:`MANIFEST` (segment
files never change once written, only disappear after a merge); :func:`damaged` reads
them again and names the ones that differ or were never sealed. The manifest also
records the version of the analysis that built the index
(:data:`rida.search.analysis.VERSION`): an index built by another one is rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.filedb.filestore import FileStorage

from rida.util import atomic

MANIFEST = "rida-checksums.json"


def fsync_directory(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _synced(sfile: Any) -> None:
    sfile.file.flush()
    os.fsync(sfile.file.fileno())


class DurableStorage(FileStorage):
    """A Whoosh file storage that syncs what it writes."""

    def create_file(self, name: str, excl: bool = False, mode: str = "wb", **kwargs: Any) -> Any:
        kwargs.setdefault("onclose", _synced)
        return super().create_file(name, excl=excl, mode=mode, **kwargs)

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        super().rename_file(oldname, newname, safe=safe)
        fsync_directory(self.folder)


def segment_files(ix: index.Index) -> list[str]:
    """The files of the index's current segments (compound ``.seg`` files)."""
    storage = ix.storage
    names = set(storage.list())
    found = []
    for segment in ix._segments():
        prefix = segment.segment_id()  # "<index name>_<id>"
        found += sorted(n for n in names if n.startswith(prefix + ".") or n == prefix)
    return found


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def read_manifest(directory: Path) -> dict[str, Any]:
    try:
        found: dict[str, Any] = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def seal(ix: index.Index, directory: Path, version: int) -> None:
    """Record the checksums of the current segment files (under Whoosh's write lock, so
    that another process's commit does not interleave)."""
    lock = ix.lock("WRITELOCK")
    lock.acquire(blocking=True)
    try:
        known = read_manifest(directory).get("files", {})
        files = {name: known.get(name) or digest(directory / name) for name in segment_files(ix)}
        data = json.dumps({"analysis": version, "files": files}, indent=1).encode()
        atomic.write_file(directory / MANIFEST, data, mode=0o600)
        fsync_directory(directory)
    finally:
        with contextlib.suppress(Exception):
            lock.release()


def damaged(ix: index.Index, directory: Path) -> list[str]:
    """The segment files whose content differs from their recorded checksum (or has
    none)."""
    known = read_manifest(directory).get("files", {})
    found = []
    for name in segment_files(ix):
        try:
            ok = known.get(name) == digest(directory / name)
        except OSError:
            ok = False
        if not ok:
            found.append(name)
    return found


def analysis_version(directory: Path) -> int | None:
    version = read_manifest(directory).get("analysis")
    return version if isinstance(version, int) else None
