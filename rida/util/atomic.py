"""Writing a file or a directory whole or not at all (no database)."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path


def write_file(path: Path, data: bytes, *, mode: int = 0o666, replace: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same directory (created
    with ``mode``), flushed to disk, then renamed: readers see the old file or the new one,
    never half of it. With ``replace=False`` an existing ``path`` is kept as it is (two
    processes creating it at once agree on the first one)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


@contextlib.contextmanager
def new_directory(target: Path) -> Iterator[Path]:
    """A directory written whole or not at all: the block writes into a private directory
    beside ``target`` (yielded), renamed to ``target`` (absent, or empty: the caller checks)
    when the block ends, removed if it raises. A directory named ``target`` is always whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.partial-{secrets.token_hex(4)}")
    staging.mkdir(mode=0o700)
    try:
        yield staging
        if target.exists():
            target.rmdir()  # empty, checked by the caller
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
