/* rida editor — speaker-prefix suggestions in question and answer fields.
 *
 * Typing capitals, or a capitalised word, at the start of a line (optionally after "- ")
 * offers the speakers already used in the series ("LIFEN : ") that any word of which starts
 * so, case and accents ignored (the matcher of every person picker, people-match.js); the
 * organisation of a participant added during the session is offered at once (`offer`). The list follows the ARIA "list autocomplete"
 * pattern without automatic selection: ArrowDown/ArrowUp choose an option, Enter inserts
 * the chosen option, Tab inserts the chosen (or first) option, Escape closes. When the list
 * is closed, no key is intercepted: Tab moves to the next cell as usual.
 *
 * What counts as a speaker prefix is the rule of rida/meetings/speakers.py (described
 * there), rebuilt here from the same pieces: `names(text)` reads like the Python `names`,
 * and the editor offers only suggestions the rule reads as one speaker. The search facet
 * uses the same rule, so a prefix inserted here is an organisation there.
 * tests/test_speaker_prefixes.py checks that both build the same expression and runs
 * both on tests/fixtures/speaker_prefixes.json.
 *
 * A browser script (window.Rida.Speakers, window.Rida.speakerRule); under Node
 * (tests) the same objects are module.exports.
 */
(function (root) {
  'use strict';

  // The matcher of every person picker (rida/static/people-match.js).
  const PeopleMatch = typeof module !== 'undefined' && module.exports
    ? require('./people-match.js') : root.Rida.PeopleMatch;

  // --- The rule (same pieces and same text as rida/meetings/speakers.py) ---------------
  const UP = String.raw`A-Z\u00c0-\u00d6\u00d8-\u00de\u0152`;  // capitals, accented ones, Œ
  const LO = String.raw`a-z\u00df-\u00f6\u00f8-\u00ff\u0153`;
  const JOIN = String.raw`&.'\u2019\-`;
  const HEAD = String.raw`[${UP}](?:[${JOIN}]?[0-9${UP}]|[${LO}](?=[${UP}]))+\.?`;
  const CAPS = String.raw`[0-9${UP}](?:[${JOIN}]?[0-9${UP}])*\.?`;
  const CAPITALISED = String.raw`[${UP}][${LO}]+(?:-[${UP}]?[${LO}]+)*`;
  const PARTICLE = String.raw`(?:(?:de|du|des|la|le|les|en|sur)[ \u00a0]|[dl]['\u2019])`;
  const NAME = String.raw`${HEAD}(?:[ \u00a0](?:&[ \u00a0])?${PARTICLE}?(?:${CAPS}|${
    CAPITALISED})){0,4}`;
  const NOTE_PATTERN = String.raw`[ \u00a0\u202f]*\((?:[^()\n]|\([^()\n]*\)){1,200}\)`;
  const BETWEEN_PATTERN = String.raw`(?:[ \u00a0]?/[ \u00a0]?|,[ \u00a0]|[ \u00a0]et[ \u00a0])`;
  const SPEAKER = `${NAME}(?:${NOTE_PATTERN})?`;
  const PATTERN = String.raw`^[ \t]*(?:(?:[-\u2013\u2022*]|[0-9]{1,3}[.)])[ \t]+)?(?:\*\*)?`
    + `(${SPEAKER}(?:${BETWEEN_PATTERN}${SPEAKER})*)`
    + String.raw`(?:\*\*)?[ \t\u00a0\u202f]*:(?:\*\*)?(?![/0-9])`;
  // Labels written in capitals that are not speakers, without accents.
  const NOT_SPEAKERS = new Set([
    'ACTION', 'ATTENTION', 'CONCLUSION', 'DECISION', 'EXEMPLE', 'IMPORTANT', 'INFO',
    'INFORMATION', 'N.B.', 'NB', 'NOTA', 'NOTE', 'OBJET', 'OK', 'P.S.', 'PS', 'QUESTION',
    'RAPPEL', 'RDV', 'REMARQUE', 'REPONSE', 'TODO', 'URGENT',
  ]);
  // PATTERN after a literal newline, as in Python: over "\n" + text, "^" is exactly a line
  // start after "\n" (JavaScript's multi-line "^" would also match after "\r").
  const AFTER_NEWLINE = new RegExp(`\n${PATTERN.slice(1)}`, 'g');
  const NOTE = new RegExp(NOTE_PATTERN, 'g');
  const BETWEEN = new RegExp(BETWEEN_PATTERN);

  /** The speakers named at the start of the lines of `text`, in order (repeats kept). */
  function names(text) {
    const found = [];
    for (const m of `\n${text}`.matchAll(AFTER_NEWLINE)) {
      for (const part of m[1].replace(NOTE, '').split(BETWEEN)) {
        const name = part.trim().split(/\s+/).join(' ');
        if (name && !NOT_SPEAKERS.has(fold(name))) found.push(name);
      }
    }
    return found;
  }

  /** True when `name` alone is one speaker name by the rule. */
  function isSpeaker(name) {
    const cleaned = name.trim().split(/\s+/).join(' ');
    const found = names(`${cleaned} :`);
    return found.length === 1 && found[0] === cleaned;
  }

  const speakerRule = { PATTERN, NOTE_PATTERN, BETWEEN_PATTERN, NOT_SPEAKERS, names, isSpeaker };

  // --- The suggestion list ---------------------------------------------------------------
  const MAX_OPTIONS = 8;
  const MIN_TYPED = 2;
  const CARET_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown']);
  // Text before the caret: line start, optional list marker (as in the rule), then what the
  // suggestions are filtered by: two capitals or more, or a capitalised word of three
  // letters or more ("Nouv"), then possibly more words ("ESEA Nou"). Matched like every
  // person picker: any word of the prefix, from its start, case and accents ignored.
  const FRAGMENT = new RegExp(String.raw`(?:^|\n)[ \t]*(?:(?:[-\u2013\u2022*]|[0-9]{1,3}[.)])`
    + String.raw`[ \t]+)?((?:[${UP}][0-9${UP}${JOIN}]*[0-9${UP}]|[${UP}][${LO}]{2,})`
    + String.raw`(?:[ \u00a0][^\n:()]*)?)$`);

  /** Upper case without accents: how typed text and suggestions are compared. */
  function fold(text) {
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase();
  }

  class Speakers {
    /**
     * @param {HTMLElement} list   the <ul role="listbox"> shown under the field
     * @param {string[]} speakers  prefixes, most used first ("LIFEN : ")
     * @param {(message: string) => void} announce  polite announcement
     */
    constructor(list, speakers, announce) {
      this.list = list;
      // Only what the rule reads as one speaker: what the search facet will recognise.
      this.speakers = speakers.filter((s) => names(s).length === 1);
      this.announce = announce;
      this.field = null;       // the textarea the list is open for
      this.matches = [];
      this.active = -1;
      this.start = 0;          // where the typed fragment starts in the field
      list.addEventListener('mousedown', (e) => {
        const option = e.target.closest('[role="option"]');
        if (!option) return;
        e.preventDefault();    // keep the focus in the field
        this.accept(Number(option.dataset.index));
      });
    }

    /** The capitals typed at the start of the caret's line ('' if none, or a selection). */
    static typed(field) {
      const caret = field.selectionStart;
      if (caret !== field.selectionEnd) return '';
      const found = FRAGMENT.exec(field.value.slice(0, caret));
      return found ? found[1] : '';
    }

    /** Recompute the list after the field changed (call on every input event). */
    update(field) {
      const caret = field.selectionStart;
      const typed = Speakers.typed(field);
      if (typed.length < MIN_TYPED) { this.close(); return; }
      const matches = PeopleMatch.filter(this.speakers, typed).slice(0, MAX_OPTIONS);
      if (!matches.length) { this.close(); return; }
      const changed = this.field !== field || matches.join('|') !== this.matches.join('|');
      this.field = field;
      this.start = caret - typed.length;
      if (!changed) return;
      this.matches = matches;
      this.active = -1;
      this.render();
      this.announce(`${matches.length} intervenant${matches.length > 1 ? 's' : ''} suggéré${
        matches.length > 1 ? 's' : ''} : flèche bas pour choisir, Entrée ou Tab pour insérer, `
        + 'Échap pour fermer.');
    }

    render() {
      const { list, field } = this;
      list.replaceChildren(...this.matches.map((text, i) => {
        const li = document.createElement('li');
        li.id = `speaker-option-${i}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', String(i === this.active));
        li.dataset.index = String(i);
        li.textContent = text.trim();
        return li;
      }));
      field.after(list);       // right under the field, in its cell
      list.hidden = false;
      field.setAttribute('aria-controls', list.id);
      if (this.active >= 0) {
        field.setAttribute('aria-activedescendant', `speaker-option-${this.active}`);
      } else {
        field.removeAttribute('aria-activedescendant');
      }
    }

    /** Offer `name` too (a participant's organisation added during the session), if the
     *  rule reads it as one speaker and it is not offered yet. */
    offer(name) {
      const cleaned = (name || '').trim().split(/\s+/).join(' ');
      if (!cleaned || !isSpeaker(cleaned)) return false;
      const prefix = `${cleaned} : `;
      if (this.speakers.some((s) => fold(s) === fold(prefix))) return false;
      this.speakers.push(prefix);
      return true;
    }

    get isOpen() {
      return this.field !== null && !this.list.hidden;
    }

    close() {
      if (this.field) {
        this.field.removeAttribute('aria-activedescendant');
        this.field.removeAttribute('aria-controls');
      }
      this.field = null;
      this.matches = [];
      this.active = -1;
      this.list.hidden = true;
    }

    /** Handle a keydown in `field`; returns true when the key was used by the list. */
    keydown(e) {
      if (!this.isOpen || e.target !== this.field || e.altKey || e.ctrlKey || e.metaKey) {
        return false;
      }
      const caret = this.field.selectionStart;
      if (CARET_KEYS.has(e.key) || this.start + Speakers.typed(this.field).length !== caret) {
        this.close();          // the caret moves away from the typed capitals
        return false;
      }
      const count = this.matches.length;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        const step = e.key === 'ArrowDown' ? 1 : -1;
        this.active = this.active < 0 ? (step > 0 ? 0 : count - 1)
          : (this.active + step + count) % count;
        this.render();
      } else if (e.key === 'Enter' && this.active >= 0 && !e.shiftKey) {
        this.accept(this.active);
      } else if (e.key === 'Tab' && !e.shiftKey) {
        this.accept(Math.max(this.active, 0));
      } else if (e.key === 'Escape') {
        this.close();
      } else {
        return false;
      }
      e.preventDefault();
      return true;
    }

    /** Replace the typed capitals with the chosen prefix; the editor saves it as typing. */
    accept(index) {
      const field = this.field;
      const text = this.matches[index];
      if (!field || text === undefined) return;
      field.setRangeText(text, this.start, field.selectionStart, 'end');
      this.close();
      this.announce(`« ${text.trim()} » inséré.`);
      field.dispatchEvent(new Event('input', { bubbles: true }));
    }
  }

  if (typeof module !== 'undefined' && module.exports) {
    module.exports = { Speakers, speakerRule };
  }
  if (root) root.Rida = Object.assign(root.Rida || {}, { Speakers, speakerRule });
})(typeof window !== 'undefined' ? window : null);
