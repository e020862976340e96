"""The Task Force dashboard of actions: parameters (:mod:`.params`), the
names filters give (:mod:`.names`), the query and its counts (:mod:`.query`), the chart
(:mod:`.chart`) and the tables the exports and ``rida actions`` write (:mod:`.tables`)."""

from rida.actions.action_board.params import BoardQuery, parse, to_args
from rida.actions.action_board.query import Board, Item, all_items, board

__all__ = ["Board", "BoardQuery", "Item", "all_items", "board", "parse", "to_args"]
