"""The charts computed lately, per process: a chart reads every filtered action and its
closing day (tens of milliseconds for 10,000 actions), while its key, which changes with
any change of those actions (see :func:`rida.action_board.query.cached_chart`), costs one
aggregate the counts compute anyway."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from rida.action_board.chart import Chart

SIZE = 64
_charts: OrderedDict[Hashable, Chart] = OrderedDict()
_lock = threading.Lock()


def get(key: Hashable, compute: Callable[[], Chart]) -> Chart:
    with _lock:
        found = _charts.get(key)
        if found is not None:
            _charts.move_to_end(key)
            return found
    made = compute()
    with _lock:
        _charts[key] = made
        while len(_charts) > SIZE:
            _charts.popitem(last=False)
    return made


def clear() -> None:
    with _lock:
        _charts.clear()
