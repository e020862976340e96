"""MkDocs hook of the rida manual: the tables that come from the code or from measurements.

A page asks for a generated table with an HTML comment on a line of its own:

- ``<!-- rida:settings -->``: every setting of ``rida/settings.py`` (name, default, role);
- ``<!-- rida:bench NAME -->``: the figures of ``benchmarks/results/NAME.json``, written by
  ``benchmarks/<script>.py``, with when, where and how they were measured. A missing file
  gives « pas encore mesuré » and the command that measures it; a file the renderer does
  not understand fails the build (the renderer must follow the script).

Nothing here is typed by hand: re-running a benchmark and rebuilding the site updates the
page. Configured in ``mkdocs.yml`` (``hooks:``); also used by ``tests/test_docs.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
MARKER = re.compile(r"^<!-- rida:(?P<kind>[a-z]+)(?: (?P<arg>[a-z_]+))? -->$", re.M)

# The script that writes each results file.
SCRIPTS = {
    "autosave": "benchmarks/autosave.py",
    "page_render": "benchmarks/page_render.py",
    "docx": "benchmarks/docx_render.py",
    "search": "benchmarks/search.py",
    "search_quality": "benchmarks/search_quality.py",
    "search_postgresql": (
        "benchmarks/search.py --engines postgresql --rows 100000 --results-name search_postgresql"
    ),
    "actions": "benchmarks/actions.py",
    "load": "benchmarks/load.py",
    "live": "benchmarks/live.py",
    "page_weight": "benchmarks/page_weight.py",
}


# --- MkDocs events --------------------------------------------------------------------


def on_page_markdown(markdown: str, page: Any = None, **_: Any) -> str:
    return expand(markdown)


def on_serve(server: Any, **_: Any) -> Any:
    if RESULTS.is_dir():
        server.watch(str(RESULTS))
    server.watch(str(ROOT / "rida" / "settings.py"))
    return server


def expand(markdown: str, results: Path | None = None) -> str:
    """``markdown`` with every ``rida:`` marker replaced by its table."""

    def replace(match: re.Match[str]) -> str:
        kind, arg = match["kind"], match["arg"]
        if kind == "settings" and arg is None:
            return settings_table()
        if kind == "bench" and arg in RENDERERS:
            return bench(arg, results or RESULTS)
        raise PluginError(f"Marqueur inconnu : {match[0]}")

    return MARKER.sub(replace, markdown)


# --- Settings ---------------------------------------------------------------------------


def settings_table() -> str:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from rida import settings

    lines = ["| variable | défaut | rôle |", "|---|---|---|"]
    for s in settings.SETTINGS:
        lines.append(f"| `{s.name}` | `{s.default}` | {cell(s.help)} |")
    return "\n".join(lines)


# --- Formatting -------------------------------------------------------------------------


def cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def number(value: float | None, digits: int = 1) -> str:
    """French notation: ``1 234,5`` (narrow no-break space between thousands)."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    return text


def ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{number(value, 1 if value < 100 else 0)} ms"


def yes_no(value: bool | None) -> str:
    return {True: "tenu", False: "**manqué**", None: "—"}[value]


def table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def options(params: dict[str, Any]) -> str:
    """The run's parameters, as they were given (scalars and lists of scalars only)."""
    parts = []
    for key, value in params.items():
        if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
            value = " ".join(str(v) for v in value)
        if isinstance(value, dict | list) or key == "results_name":
            continue
        parts.append(f"`{key}` = {value}")
    return ", ".join(parts)


def provenance(data: dict[str, Any], params: dict[str, Any]) -> str:
    machine = data.get("machine", {})
    when = dt.datetime.fromisoformat(data["timestamp"]).strftime("%d/%m/%Y à %H:%M UTC")
    load = data.get("load_average_at_start")
    load_text = f" ; charge au départ {number(load[0], 2)}" if load else ""
    return (
        f"*Mesuré le {when}, commit `{machine.get('git_commit', '?')}`, "
        f"{machine.get('cpu_count', '?')} cœurs ({machine.get('cpu_model', '?')}), "
        f"Python {machine.get('python_version', '?')}, "
        f"SQLite {machine.get('sqlite_version', '?')}{load_text}. "
        f"Paramètres : {options(params) or 'par défaut'}.*"
    )


def bench(name: str, results: Path) -> str:
    path = results / f"{name}.json"
    command = f"`.venv/bin/python {SCRIPTS[name]}` (ou `make bench`)"
    if not path.exists():
        return (
            f'!!! note "Pas encore mesuré"\n\n'
            f"    `benchmarks/results/{name}.json` : pas encore mesuré. Lancer {command}, "
            f"puis reconstruire ce manuel.\n"
        )
    data = json.loads(path.read_text(encoding="utf-8"))
    try:
        body = RENDERERS[name](data)
        params = data.get("settings") or data.get("config") or {}
        return f"{provenance(data, params)}\n\n{body}\n"
    except (KeyError, TypeError, ValueError, IndexError) as e:
        raise PluginError(
            f"{path.relative_to(ROOT)} : forme inattendue ({e!r}) ; adapter "
            f"docs/hooks/rida_docs.py au script {SCRIPTS[name]}"
        ) from e


def french(text: str, words: dict[str, str]) -> str:
    for pattern, replacement in words.items():
        text = re.sub(pattern, replacement, text)
    return re.sub(r"(\d)\.(\d)", r"\1,\2", text)  # 0.25 s -> 0,25 s


# --- One renderer per results file ------------------------------------------------------


def render_autosave(data: dict[str, Any]) -> str:
    names = {
        r"^1 client$": "1 client, sans pause",
        r"^(\d+) concurrent clients$": r"\1 clients simultanés, sans pause (saturation)",
        r"^(\d+) clients, paced ([\d.]+) s$": r"\1 clients, un envoi toutes les \2 s chacun",
    }
    rows = [
        [
            french(s["name"], names),
            f"{number(s['saves_ok'], 0)} / {number(s['saves_planned'], 0)}",
            s["errors"],
            ms(s["p50_ms"]),
            ms(s["p95_ms"]),
            ms(s["p99_ms"]),
            ms(s["max_ms"]),
            f"{number(s['throughput_saves_per_s'])}/s",
            ms(s["server_cpu_ms_per_save"]),
        ]
        for s in data["scenarios"]
    ]
    target = data["target"]
    durability = data["durability"]
    return (
        table(
            [
                "scénario",
                "acquittés",
                "erreurs",
                "p50",
                "p95",
                "p99",
                "max",
                "débit",
                "CPU serveur par enr.",
            ],
            rows,
        )
        + f"\n\nObjectif p95 < {ms(target['p95_ms'])} "
        f"({' ; '.join(french(a, names) for a in target['applies_to'])}) : "
        f"{yes_no(target['met'])}. Relecture de contrôle : "
        f"{'aucune sauvegarde perdue' if durability['ok'] else '**sauvegardes perdues**'} "
        f"({durability['rows_checked']} lignes relues)."
    )


def render_page_render(data: dict[str, Any]) -> str:
    names = {
        r"^read view$": "lecture du compte-rendu",
        r"^editor$": "éditeur",
        r"^editor, \+(\d+) earlier meetings in the series$": (
            r"éditeur, série de \1 réunions antérieures (suggestions)"
        ),
        r"^read view, (\d+) concurrent readers$": r"lecture, \1 lecteurs simultanés",
    }
    rows = []
    for p in data["pages"]:
        if p.get("state") != "ok":
            rows.append([french(p["name"], names), f"`{p['path']}`", p.get("state")] + [""] * 4)
            continue
        rows.append(
            [
                french(p["name"], names),
                f"`{p['path']}`",
                f"{number(p['size_kb'], 0)} Ko",
                ms(p.get("cold_ms")),
                ms(p["p50_ms"]),
                ms(p["p95_ms"]),
                ms(p["max_ms"]),
            ]
        )
    c = data.get("concurrent_read_view")
    if c:
        rows.append(
            [french(c["name"], names), f"`{c['path']}`", "", "", ms(c["p50_ms"]), ms(c["p95_ms"])]
            + [ms(c["max_ms"])]
        )
    targets = [p for p in data["pages"] if "target_p95_ms" in p]
    met = all(p.get("target_met") for p in targets) if targets else None
    summary = ""
    if targets:
        summary = f"\n\nObjectif p95 < {ms(targets[0]['target_p95_ms'])} : {yes_no(met)}."
        if c is not None:
            ok = c.get("errors") == 0 and c.get("state") == "ok"
            summary += " Lecteurs simultanés : " + (
                "tableau RIDA identique pour chacun." if ok else "**pages différentes**."
            )
    headers = ["page", "adresse", "taille", "1re requête", "p50", "p95", "max"]
    return table(headers, rows) + summary


def render_docx(data: dict[str, Any]) -> str:
    rows = []
    for r in data["results"]:
        imported = r.get("import")
        rows.append(
            [
                r["rows"],
                ms(r["generate"]["median_ms"]),
                f"{ms(r['generate']['min_ms'])} – {ms(r['generate']['max_ms'])}",
                ms(imported["median_ms"]) if imported else "n/a",
                f"{number(r['size_kb'], 0)} Ko",
            ]
        )
    target = data.get("target_100_rows_ms")
    hundred = [r for r in data["results"] if r["rows"] == 100]
    verdict = ""
    if target and hundred:
        verdict = f" : {yes_no(hundred[0]['generate']['median_ms'] < target)}"
    return (
        table(
            ["lignes RIDA", "génération (médiane)", "min – max", "relecture (import)", "taille"],
            rows,
        )
        + f"\n\nObjectif : 100 lignes en moins de {ms(target)}{verdict}."
    )


def render_actions(data: dict[str, Any]) -> str:
    users = {"member": "membre", "admin": "administrateur"}
    names = {
        r"^none$": "aucun",
        r"^series$": "série",
        r"^owner$": "porteur",
        r"^status open$": "statut à faire",
        r"^overdue$": "en retard",
        r"^mine$": "mes actions",
        r"^sort by due date desc$": "tri par échéance décroissante",
    }
    rows = [
        [
            users.get(r["user"], r["user"]),
            french(r["scenario"], names),
            number(r["total"], 0),
            ms(r["query"]["p50_ms"]),
            ms(r["query"]["p95_ms"]),
            ms(r["page"]["p50_ms"]),
            ms(r["page"]["p95_ms"]),
            ms(r["query_cold_chart"]["p50_ms"]),
        ]
        for r in data["results"]
    ]
    headers = [
        "compte",
        "filtre",
        "actions",
        "requête p50",
        "requête p95",
        "page p50",
        "page p95",
        "graphique à froid p50",
    ]
    return table(headers, rows) + f"\n\nObjectif p95 < {ms(data['target_ms'])}."


SEARCH_ENGINES = {
    "rida": "rida (Whoosh)",
    "rida (reader)": "rida, compte lecteur",
    "whoosh": "rida, Whoosh",
    "whoosh (reader)": "rida, Whoosh, compte lecteur",
    "postgresql": "rida, PostgreSQL",
    "postgresql (reader)": "rida, PostgreSQL, compte lecteur",
}


def render_search(data: dict[str, Any]) -> str:
    parts = []
    for size in data["sizes"]:
        rows = []
        for key, e in size["engines"].items():
            updates = [u * 1000 for u in e.get("update") or []]
            cpu = e.get("cpu") or {}
            rows.append(
                [
                    SEARCH_ENGINES.get(key, key),
                    f"{number(e['index_s'])} s" if e.get("index_s") is not None else "",
                    f"{number(e['rows_per_s'], 0)}/s" if e.get("rows_per_s") else "",
                    f"{ms(statistics.median(updates))} / {ms(max(updates))}" if updates else "",
                    ms(e["query"]["p50_ms"]),
                    ms(e["query"]["p95_ms"]),
                    f"{ms(cpu['p50_ms'])} / {ms(cpu['p95_ms'])}" if cpu else "",
                ]
            )
        headers = [
            "moteur",
            "indexation",
            "lignes/s",
            "modification visible p50 / max",
            "requête p50",
            "requête p95",
            "CPU p50 / p95",
        ]
        differ = len(size.get("disagreements") or [])
        corpus = size["corpus"]
        filled = ""
        fills = [f"{number(corpus['db_fill_s'])} s dans SQLite"] if "db_fill_s" in corpus else []
        if corpus.get("db_fill_postgresql_s"):
            fills.append(
                f"{number(corpus['db_fill_postgresql_s'])} s dans PostgreSQL, index compris"
            )
            filled = " ; import : " + ", ".join(fills)
        parts.append(
            f"**{number(size['rows'], 0)} lignes RIDA** ({corpus['meetings']} réunions, "
            f"{corpus['actions']} actions ; {number(corpus['documents'], 0)} documents "
            f"indexés{filled})\n\n"
            + table(headers, rows)
            + f"\n\nRequêtes dont les totaux diffèrent entre moteurs : {differ}."
        )
    target = data["target"]
    parts.append(
        f"Objectifs : requête p95 < {ms(target['p95_ms'])} à "
        f"{number(target['rows'], 0)} lignes, modification visible en moins de "
        f"{number(target['update_s'], 0)} s. Le temps CPU compte ce processus et, pour "
        "PostgreSQL, les processus du serveur qui servent ses requêtes."
    )
    return "\n\n".join(parts)


QUALITY_MEASURES = {
    "top3": "réponse pertinente dans les 3 premières lignes",
    "p5_capped": "P@5 plafonnée (pertinentes dans les 5 premières / min(5, pertinentes))",
    "p5": "P@5 (pertinentes dans les 5 premières / 5)",
    "rr": "MRR (inverse du rang de la première pertinente)",
    "recall20": "rappel à 20 (pertinentes trouvées parmi les 20 premières)",
}
QUALITY_KINDS = {
    "word": "mot seul",
    "inflection": "flexion (pluriel, participe)",
    "acronym": "sigle",
    "name": "nom, organisation",
    "topic": "sujet en plusieurs mots",
    "date": "date",
    "misspelling": "faute, accents absents",
    "phrase": "expression entre guillemets",
    "or": "OR",
    "seed": "thème des textes sources",
    "demo": "réponses dans les réunions de la démo",
    "seeds": "réponses dans les réunions tirées des textes",
    "both": "réponses dans les deux",
}


def render_search_quality(data: dict[str, Any]) -> str:
    engines = data["engines"]
    names = list(engines)
    labels = [SEARCH_ENGINES.get(n, n) for n in names]
    overall = [
        [label, *(number(engines[n]["summary"]["overall"][key], 2) for n in names)]
        for key, label in QUALITY_MEASURES.items()
    ]
    parts = [
        f"{data['config']['queries']} requêtes, {data['config']['corpus']['rows']} lignes "
        f"de RIDA dans {data['config']['corpus']['meetings']} réunions ; seules les lignes "
        "des résultats sont classées. Chiffre principal : la P@5 plafonnée.",
        table(["mesure", *labels], overall),
    ]
    for group in ("by_kind", "by_source"):
        rows = []
        for key, values in engines[names[0]]["summary"][group].items():
            cells = []
            for n in names:
                v = engines[n]["summary"][group][key]
                cells.append(f"{number(v['top3'], 2)} / {number(v['p5_capped'], 2)}")
            rows.append([QUALITY_KINDS.get(key, key), values["queries"], *cells])
        head = "type de requête" if group == "by_kind" else "où sont les réponses"
        parts.append(
            table([head, "requêtes", *(f"{label} : top 3 / P@5 plaf." for label in labels)], rows)
        )
    texts = {q["id"]: q["text"] for q in data["queries"]}
    for n, label in zip(names, labels, strict=True):
        misses = engines[n]["summary"]["top3_misses"]
        shown = ", ".join(f"`{texts[m]}`" for m in misses) or "aucune"
        parts.append(f"{label} : sans ligne pertinente dans les 3 premières : {shown}.")
    return "\n\n".join(parts)


def render_load(data: dict[str, Any]) -> str:
    runs = data.get("runs") or []
    if len(runs) > 1:
        return render_load_runs(data, runs)
    return render_load_run(data)


def render_load_runs(data: dict[str, Any], runs: list[dict[str, Any]]) -> str:
    """Several runs side by side (databases × server processes), then the first in full."""
    engines = {"sqlite": "SQLite + Whoosh", "postgresql": "PostgreSQL (recherche incluse)"}
    rows = []
    for run in runs:
        k = run["kinds"]
        database = run.get("database_cpu_utilisation")
        rows.append(
            [
                engines.get(run["database"], run["database"]),
                str(run["workers"]),
                ms(k["autosave"]["p50_ms"]),
                ms(k["autosave"]["p95_ms"]),
                ms(k["search API"]["p95_ms"]),
                ms(k["search page"]["p95_ms"]),
                f"{run['errors']} / {run['lost_edits']}",
                f"{number(run['server_cpu_utilisation'] * 100, 0)} %",
                ms(run["server_cpu_ms_per_request"]),
                "—" if database is None else f"{number(database * 100, 0)} %",
            ]
        )
    config = data["config"]
    return (
        f"{config['rapporteurs']} rapporteurs, {config['readers']} lecteurs, "
        f"{number(config['seconds'], 0)} s par essai, une archive de "
        f"{number(config['rows'], 0)} lignes, les essais l'un après l'autre :\n\n"
        + table(
            [
                "base",
                "processus",
                "enregistrement p50",
                "enregistrement p95",
                "API de recherche p95",
                "page de recherche p95",
                "erreurs / pertes",
                "CPU de rida",
                "CPU par requête",
                "CPU de PostgreSQL",
            ],
            rows,
        )
    )


def render_load_run(data: dict[str, Any]) -> str:
    kinds = {
        "autosave": "enregistrement automatique",
        "search page": "page de recherche",
        "search API": "API de recherche",
        "login": "connexion (avant la mesure)",
        "editor page": "page de l'éditeur (avant la mesure)",
    }
    rows = []
    for key, k in data["kinds"].items():
        conflicts = k.get("statuses", {}).get("409")
        count = number(k["requests"], 0) + (f" (dont {conflicts} × 409)" if conflicts else "")
        rate = f"{number(k['per_s'])}/s" if k.get("per_s") is not None else ""
        rows.append(
            [
                kinds.get(key, key),
                count,
                ms(k["p50_ms"]),
                ms(k["p95_ms"]),
                ms(k["p99_ms"]),
                ms(k["max_ms"]),
                rate,
            ]
        )
    durability = data["durability"]
    return (
        table(["requêtes", "nombre", "p50", "p95", "p99", "max", "débit"], rows)
        + f"\n\n{number(data['requests'], 0)} requêtes en {number(data['wall_s'])} s ; "
        f"erreurs : {data['errors']} ; modifications perdues : {data['lost_edits']} "
        f"({data['edits_acknowledged']} acquittées sur {data['edits_sent']} envoyées, "
        f"relues dans la base ; `integrity_check` : {durability['integrity_check']}) ; "
        f"conflits résolus par un nouvel envoi : {data['conflicts_resolved']} sur "
        f"{data['conflicts']} ; CPU du serveur : {ms(data['server_cpu_ms_per_request'])} "
        f"par requête ({number(data['server_cpu_utilisation'] * 100, 0)} % d'un cœur)."
    )


def render_live(data: dict[str, Any]) -> str:
    def latency(s: dict[str, Any], name: str, key: str) -> str:
        return ms(s[name][key]) if s[name] else "—"

    rows = [
        [
            f"{s['viewers']} lecteur{'s' if s['viewers'] > 1 else ''}",
            f"{number(s['events_expected'] - s['events_lost'], 0)} / "
            f"{number(s['events_expected'], 0)}",
            latency(s, "ack_to_event", "p50_ms"),
            latency(s, "ack_to_event", "p95_ms"),
            latency(s, "ack_to_event", "max_ms"),
            latency(s, "send_to_event", "p95_ms"),
            ms(s["autosave"]["p50_ms"]),
            ms(s["autosave"]["p95_ms"]),
            ms(s["editing_server_cpu_ms_per_save"]),
            "—"
            if s["idle_cpu_ms_per_s_per_viewer"] is None
            else ms(s["idle_cpu_ms_per_s_per_viewer"]) + "/s",
        ]
        for s in data["scenarios"]
    ]
    target = data["target"]
    return (
        table(
            [
                "lecteurs",
                "événements reçus",
                "acquittement → événement p50",
                "p95",
                "max",
                "envoi → événement p95",
                "enregistrement p50",
                "p95",
                "CPU serveur par enregistrement",
                "CPU serveur par lecteur inactif",
            ],
            rows,
        )
        + f"\n\nObjectif : p95 acquittement → événement < {ms(target['ack_to_event_p95_ms'])}"
        f" ({yes_no(target['met'])}) ; CPU du serveur sans lecteur : "
        f"{ms(data['server_background_cpu_ms_per_s'])}/s ; doublons : "
        f"{sum(s['events_duplicated'] for s in data['scenarios'])}." + render_workshops(data)
    )


def render_workshops(data: dict[str, Any]) -> str:
    """The workshops: rapporteurs saving once a second beside the open streams."""
    found = data.get("workshops") or []
    if not found:
        return ""
    rows = [
        [
            str(w["workers"]),
            str(w["meetings"]),
            str(w["rapporteurs"]),
            str(w["viewers"]),
            f"{number(w['events_expected'] - w['events_lost'], 0)} / "
            f"{number(w['events_expected'], 0)}",
            ms(w["autosave"]["p50_ms"]),
            ms(w["autosave"]["p95_ms"]),
            ms(w["autosave"]["max_ms"]),
            ms(w["ack_to_event"]["p95_ms"]) if w["ack_to_event"] else "—",
            f"{number(w['server_cpu_share'] * 100, 0)} %",
        ]
        for w in found
    ]
    target = data["target"]
    return (
        "\n\n"
        + table(
            [
                "processus",
                "réunions",
                "rapporteurs",
                "lecteurs",
                "événements reçus",
                "enregistrement p50",
                "p95",
                "max",
                "acquittement → événement p95",
                "CPU serveur (cœurs)",
            ],
            rows,
        )
        + f"\n\nObjectif : enregistrement p95 ≤ {ms(target['workshop_autosave_p95_ms'])} "
        f"({yes_no(target['workshop_met'])})."
    )


def render_page_weight(data: dict[str, Any]) -> str:
    def kb(value: float) -> str:
        return f"{number(value, 1)} Ko"

    rows = []
    for r in data["runs"]:
        label = r["label"].replace("before", "avant").replace("after (this tree)", "après")
        rows.append(
            [
                label,
                kb(r["page_identity_kb"]),
                kb(r["page_gzip_kb"]),
                kb(r["page_br_kb"]),
                kb(r["state_kb"]),
                r["copies_of_a_row_text"],
                f"{kb(r['assets_identity_kb'])} / {kb(r['assets_br_kb'])}",
            ]
        )
    headers = [
        "version",
        "page",
        "page gzip",
        "page br",
        "état JSON",
        "copies du texte d'une ligne",
        "scripts et styles (brut / br)",
    ]
    target = data["settings"]["target_kb"]
    return (
        table(headers, rows)
        + f"\n\nObjectif : page compressée < {number(target, 0)} Ko ({yes_no(data['target_met'])})."
    )


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "autosave": render_autosave,
    "page_render": render_page_render,
    "docx": render_docx,
    "search": render_search,
    "search_quality": render_search_quality,
    "search_postgresql": render_search,
    "actions": render_actions,
    "load": render_load,
    "live": render_live,
    "page_weight": render_page_weight,
}
