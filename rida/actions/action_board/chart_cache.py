"""The charts computed lately, per process: a chart reads every filtered action and its
closing day (tens of milliseconds for 10,000 actions), while its key, which changes with
any change of those actions (see :func:`rida.actions.action_board.query.cached_chart`), costs one
aggregate the counts compute anyway."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from rida.actions.action_board.chart import Chart
from rida.util.lru import Lru

SIZE = 64
_charts: Lru[Chart] = Lru(SIZE)


def get(key: Hashable, compute: Callable[[], Chart]) -> Chart:
    return _charts.get(key, compute)


def clear() -> None:
    _charts.clear()
