"""The host's cores, and a server process's share of them (the ``auto`` value of the
search settings, :func:`rida.settings.count_or_auto`)."""

from __future__ import annotations

import os
from collections.abc import Mapping


def host_share(config: Mapping[str, object], key: str) -> int:
    """The value of a ``count_or_auto`` setting; ``auto`` (None or absent): the host's
    cores shared among its server processes (``SERVER_WORKERS``), at least one each, so
    that the searches of all the processes never take more cores than the host has."""
    value = config.get(key)
    if value is not None:
        return int(str(value))
    workers = int(str(config.get("SERVER_WORKERS") or 1))
    return max(1, cores() // max(1, workers))


def cores() -> int:
    """The cores this process may run on (its CPU affinity, else the machine's), at most 64."""
    try:
        found = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        found = os.cpu_count() or 1
    return max(1, min(found, 64))
