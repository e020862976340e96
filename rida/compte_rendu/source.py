"""What every compte-rendu writer takes: the meeting as a ``rida/1`` document plus the
follow-up, frozen with a validated version."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Source:
    """What a compte-rendu is made from (JSON-serialisable, frozen with a version)."""

    doc: dict[str, Any]
    follow_up: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(
            {"doc": self.doc, "follow_up": self.follow_up}, ensure_ascii=False, sort_keys=True
        )

    @classmethod
    def from_json(cls, text: str) -> Source:
        data = json.loads(text)
        return cls(doc=data["doc"], follow_up=data.get("follow_up", []))
