"""Next actions typed as lines of text (legacy minutes): what each line says.

A legacy compte-rendu lists its *Prochaines actions* as sentences, not as a table:
« Entretien bilatéral avec ENOVACOM la semaine du 10/01 (l'ANS) », « DNS : envoyer le
document de cadrage le 21/01 ». :func:`read_actions` reads from each line

- its due date (`le 21/01`, `la semaine du 10/01`, `d'ici le 3 février`, `avant le
  15/03/2022`; a day and month take the meeting's year, the next one when the date would
  fall before the meeting), removed from the title and kept, as written, in the notes;
- its owner: a prefix `DNS : …`, a final parenthesis `(l'ANS)`, `Porteur : …`, or
  `… par l'ANS` (a name known only), matched to the known people and organisations
  (the meeting's participants and their entities, the speakers of its RIDA rows, the
  people of the instance the importing user may see);
- its kind (bilateral interview, workshop, document);
- the *A* rows it comes from: a row whose *Objet* the line names, or whose question and
  answer share most of the line's words.

What stays unsure becomes a French note naming the action. Pure: no database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rida.compte_rendu.reading.text_reading import split_name
from rida.meetings import speakers
from rida.meetings.people import fold
from rida.render import MONTHS

Note = Callable[[str, str], None]
Person = dict[str, Any]

_MONTH_WORDS = {fold(m): i + 1 for i, m in enumerate(MONTHS)}
_MONTH_RE = "|".join(sorted({*MONTHS, "fevrier", "aout", "decembre"}, key=len, reverse=True))
_DATE = (
    r"(?P<d>\d{1,2})(?:er)?\s*(?:/\s*(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}|\d{2}))?"
    rf"|\s+(?P<mw>{_MONTH_RE})(?:\s+(?P<yw>\d{{4}}))?)"
)
# What introduces a due date, longest first; the whole phrase leaves the title.
_LEAD = (
    r"(?:(?:à\s+|a\s+|pour\s+|dans\s+|durant\s+|pendant\s+)?la\s+semaine\s+du"
    r"|d['’]ici(?:\s+au|\s+le)?|avant(?:\s+le)?|au\s+plus\s+tard(?:\s+le)?"
    r"|jusqu['’]au|pour\s+le|le|au|du)"
)
_DUE = re.compile(rf"(?<![\w/])(?P<lead>{_LEAD}\s+)?{_DATE}(?![\w/])", re.IGNORECASE)
_PREFIX = re.compile(speakers.PATTERN)
_FINAL_PAREN = re.compile(r"\s*\(([^()]{1,120})\)\s*$")
_OWNER_LABEL = re.compile(r"\s*[,;(–-]?\s*porteurs?\s*:\s*([^,;()]+)\)?\s*$", re.IGNORECASE)
_BY = re.compile(r"\bpar\s+((?:l['’]|les?\s+|la\s+)?[^\s,;()]+(?:\s+[^\s,;()]+){0,3})")
_ARTICLE = re.compile(r"^(?:l['’]\s*|les?\s+|la\s+|du\s+|d['’]\s*)", re.IGNORECASE)

_BILATERAL = re.compile(r"\bentretiens?\s+bilatera(?:l|ux|le|les)\b")
_DOCUMENT = re.compile(
    r"\b(?:envo[iy]\w*|transm\w*|diffus\w*|partag\w*|communiqu\w*|fourni\w*|redig\w*"
    r"|redaction)\b.*\b(?:documents?|supports?|notes?|versions?|presentations?|"
    r"comptes?[- ]rendus?|cr|fichiers?|questionnaires?|synthese)\b"
)
_WORKSHOP = re.compile(r"\bateliers?\b")
_STOP = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cet",
        "cette",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "est",
        "et",
        "il",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "mais",
        "ne",
        "ou",
        "par",
        "pas",
        "plus",
        "pour",
        "qu",
        "que",
        "qui",
        "s",
        "sa",
        "se",
        "ses",
        "son",
        "sont",
        "sur",
        "un",
        "une",
        "y",
        "etre",
        "faire",
        "afin",
        "lors",
        "entre",
        "vers",
        "tout",
        "tous",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Names:
    """The people and organisations an owner may be, each under the spellings that name
    it (folded, article dropped): `ans`, `mathieu slosar`, `slosar mathieu`, `slosar`."""

    spellings: dict[str, list[Person]]

    @classmethod
    def of(cls, people: Iterable[Person | None]) -> Names:
        spellings: dict[str, list[Person]] = {}

        def add(spelling: str, person: Person) -> None:
            key = fold(spelling)
            if key and person not in (found := spellings.setdefault(key, [])):
                found.append(person)

        organisations: set[str] = set()
        for p in people:
            if not p:
                continue
            person = {k: p.get(k) for k in ("last_name", "first_name", "entity", "function")}
            last, first, entity = (
                person.get(k) or "" for k in ("last_name", "first_name", "entity")
            )
            if entity and fold(entity) not in organisations:
                organisations.add(fold(entity))
                add(entity, _organisation(entity))
            if not last:
                continue
            add(last, person)
            if first:
                add(f"{first} {last}", person)
                add(f"{last} {first}", person)
        return cls(spellings)

    def find(self, text: str) -> list[Person]:
        return self.spellings.get(fold(_ARTICLE.sub("", text.strip())), [])


def _organisation(name: str) -> Person:
    return {"last_name": None, "first_name": None, "entity": name, "function": None}


def known_names(doc: dict[str, Any], instance: Iterable[Person] = ()) -> Names:
    """Who may own the actions of ``doc``: its participants and their entities, its
    organiser and rapporteur, the speakers of its RIDA rows (organisations), then the
    ``instance``'s people (those the importing user may see), the document's first."""
    rows = doc.get("rida") or []
    found: list[Person | None] = [*(doc.get("participants") or []), doc.get("organiser")]
    found.append(doc.get("rapporteur"))
    texts = [t for r in rows for t in (r.get("question"), r.get("answer"))]
    found += [_organisation(n) for n in speakers.names_in(texts)]
    return Names.of([*found, *instance])


# --- Due dates ------------------------------------------------------------------------------


def _due(match: re.Match[str], meeting: dt.date | None) -> dt.date | None:
    day = int(match.group("d"))
    month = int(match.group("m")) if match.group("m") else _MONTH_WORDS.get(fold(match["mw"] or ""))
    year_text = match.group("y") or match.group("yw")
    if not month:
        return None
    year = int(year_text) if year_text else (meeting.year if meeting else dt.date.today().year)
    year += 2000 if year_text and len(year_text) == 2 else 0
    try:
        found = dt.date(year, month, day)
    except ValueError:
        return None
    if not year_text and meeting and found < meeting:
        try:
            found = dt.date(year + 1, month, day)
        except ValueError:  # 29/02 of a leap year
            return None
    return found


def _cleaned(text: str) -> str:
    text = re.sub(r"\(\s*[,;]?\s*\)", "", text)
    text = re.sub(r"\s+([,;.)])", r"\1", text)
    text = re.sub(r"\(\s+", "(", text)
    text = " ".join(text.split())
    return text.strip(" ,;:–-").rstrip(".").strip()


# --- Matching rows ---------------------------------------------------------------------------


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


def _words(text: str | None) -> set[str]:
    return {_stem(w) for w in _WORD.findall(fold(text or "")) if w not in _STOP and len(w) > 1}


def _row_matches(line: str, rows: list[dict[str, Any]]) -> list[tuple[int, int, int]]:
    """(subject named: 0/1, shared words, number) of each A row the line may come from."""
    mine = _words(line)
    found = []
    for row in rows:
        if row.get("nature") != "A":
            continue
        subject = _words(row.get("subject"))
        named = int(bool(subject) and subject <= mine)
        shared = len(mine & _words(f"{row.get('question') or ''} {row.get('answer') or ''}"))
        if named or (shared >= 3 and shared * 5 >= len(mine) * 2):
            found.append((named, shared, int(row["number"])))
    return sorted(found, key=lambda m: (-m[0], -m[1], m[2]))


# --- One line ------------------------------------------------------------------------------------


class _Line:
    def __init__(self, index: int, text: str, note: Note):
        self.text = " ".join(text.split()).rstrip(". ")
        self.original = self.text
        self.path = f"actions[{index}]"
        self.note = note
        self.index = index
        self.said: list[str] = []  # what left the title, for the notes

    def where(self) -> str:
        title = self.text if len(self.text) <= 60 else self.text[:57] + "…"
        return f"Prochaines actions, action {self.index + 1} « {title} »"

    def due(self, meeting: dt.date | None) -> dt.date | None:
        matches = [m for m in _DUE.finditer(self.text) if _due(m, meeting)]
        if not matches:
            return None
        chosen = next((m for m in matches if m.group("lead")), matches[0])
        found = _due(chosen, meeting)
        self.said.append(chosen.group(0).strip())
        self.text = _cleaned(self.text[: chosen.start()] + " " + self.text[chosen.end() :])
        if len(matches) > 1:
            others = ", ".join(f"« {m.group(0).strip()} »" for m in matches if m is not chosen)
            self.note(
                f"{self.path}.due_date",
                f"{self.where()} : plusieurs dates, échéance « {chosen.group(0).strip()} » "
                f"retenue ({others} laissé dans le titre), à vérifier",
            )
        return found

    def owner_text(self, names: Names) -> tuple[str | None, bool]:
        """The owner as written and whether it was a marked place (prefix, parenthesis,
        label): such a text leaves the title; ``par X`` stays in it."""
        m = _OWNER_LABEL.search(self.text)
        if m:
            self.text = _cleaned(self.text[: m.start()])
            return m.group(1).strip(), True
        m = _PREFIX.match(self.text)
        prefixed = speakers.names(m.group(0)) if m else []
        if m and prefixed:
            self.text = _cleaned(self.text[m.end() :])
            if len(prefixed) > 1:
                self.note(
                    f"{self.path}.owner",
                    f"{self.where()} : plusieurs porteurs ({', '.join(prefixed)}), "
                    f"« {prefixed[0]} » retenu, les autres à noter",
                )
            return prefixed[0], True
        m = _FINAL_PAREN.search(self.text)
        if m and (names.find(m.group(1)) or speakers.is_speaker(_ARTICLE.sub("", m.group(1)))):
            self.text = _cleaned(self.text[: m.start()])
            return m.group(1).strip(), True
        for m in _BY.finditer(self.text):
            words = m.group(1).split()
            for n in range(len(words), 0, -1):  # the longest known name after « par »
                if names.find(" ".join(words[:n])):
                    return " ".join(words[:n]), False
        return None, False

    def owner(self, names: Names) -> Person | None:
        before = self.text
        written, marked = self.owner_text(names)
        if written is None:
            return None
        found = names.find(written)
        if len(found) == 1:
            return dict(found[0])
        bare = _ARTICLE.sub("", written).strip()
        if len(found) > 1:
            choices = ", ".join(_shown(p) for p in found)
            self.note(
                f"{self.path}.owner",
                f"{self.where()} : porteur « {written} » ambigu ({choices}), "
                f"« {_shown(found[0])} » retenu, à vérifier",
            )
            return dict(found[0])
        if speakers.is_speaker(bare):
            self.note(
                f"{self.path}.owner",
                f"{self.where()} : porteur « {bare} » inconnu, ajouté comme organisation",
            )
            return _organisation(bare)
        last, first, guessed = split_name(bare)
        if marked and first and not guessed:
            self.note(f"{self.path}.owner", f"{self.where()} : porteur « {bare} » inconnu, ajouté")
            return {"last_name": last, "first_name": first, "entity": None, "function": None}
        self.text = before  # not a name: the words stay in the title
        return None


def _owner_in_row(line: _Line, row: dict[str, Any], names: Names) -> Person | None:
    """The known owner a sentence of ``row`` gives the action (« Des entretiens
    bilatéraux sont à organiser par l'ANS »): ``par X`` in a sentence sharing two words
    or more with the line."""
    mine = _words(line.original)
    text = f"{row.get('question') or ''}\n{row.get('answer') or ''}"
    for sentence in re.split(r"[.!?\n]+|</p>", text):
        if len(mine & _words(sentence)) < 2:
            continue
        for m in _BY.finditer(sentence):
            words = m.group(1).split()
            for n in range(len(words), 0, -1):
                found = names.find(" ".join(words[:n]))
                if len(found) == 1:
                    line.note(
                        f"{line.path}.owner",
                        f"{line.where()} : porteur « {_shown(found[0])} » lu dans la "
                        f"ligne RIDA {row['number']}, à vérifier",
                    )
                    return dict(found[0])
    return None


def _shown(person: Person) -> str:
    name = " ".join(p for p in (person.get("first_name"), person.get("last_name")) if p)
    entity = person.get("entity") or ""
    return f"{name} ({entity})" if name and entity else name or entity


def kind_of(text: str) -> str:
    """bilateral_interview, document, workshop or other, from an action's words."""
    folded = fold(text)
    if _BILATERAL.search(folded):
        return "bilateral_interview"
    if _DOCUMENT.search(folded):
        return "document"
    if _WORKSHOP.search(folded):
        return "workshop"
    return "other"


def read_actions(
    lines: list[str],
    *,
    meeting: dt.date | None,
    rows: list[dict[str, Any]],
    names: Names,
    note: Note,
) -> list[dict[str, Any]]:
    """The actions ``lines`` describe (rida/1 actions), with notes for what is unsure."""
    found = []
    for i, text in enumerate(lines):
        line = _Line(i, text, note)
        due = line.due(meeting)
        owner = line.owner(names)
        line.text = line.text or line.original
        line.text = line.text[:1].upper() + line.text[1:]
        row = None
        matches = _row_matches(line.original, rows)
        if matches:
            row = matches[0][2]
            tied = [m[2] for m in matches[1:] if m[:2] == matches[0][:2]]
            if tied:
                also = ", ".join(str(n) for n in tied)
                note(
                    f"{line.path}.rida",
                    f"{line.where()} : lignes RIDA {row}, {also} possibles, "
                    f"rattachée à la ligne {row}, à vérifier",
                )
        if owner is None and row is not None:
            owner = _owner_in_row(line, next(r for r in rows if r["number"] == row), names)
        missing = [w for w, v in (("porteur", owner), ("échéance", due)) if v is None]
        if missing:
            note(
                line.path,
                f"{line.where()} : {' et '.join(missing)} introuvable"
                f"{'s' if len(missing) > 1 else ''} dans le texte, à compléter",
            )
        said = f"Échéance écrite : « {line.said[0]} »." if line.said else None
        found.append(
            {
                "title": line.text,
                "kind": kind_of(line.original),
                "owner": owner,
                "due_date": due.isoformat() if due else None,
                "status": "open",
                "rida": row,
                "notes": said,
            }
        )
    return found
