/* rida editor — speaker-prefix suggestions in question and answer fields.
 *
 * Typing capitals at the start of a line (optionally after "- ") offers the speakers
 * already used in the series ("LIFEN : "). The list follows the ARIA "list autocomplete"
 * pattern without automatic selection: ArrowDown/ArrowUp choose an option, Enter inserts
 * the chosen option, Tab inserts the chosen (or first) option, Escape closes. When the list
 * is closed, no key is intercepted: Tab moves to the next cell as usual.
 */
(function () {
  'use strict';

  const MAX_OPTIONS = 8;
  const MIN_TYPED = 2;
  const CARET_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown']);
  // Text before the caret: line start, optional list marker, then the typed capitals.
  const FRAGMENT = /(?:^|\n)[ \t]*(?:[-*][ \t]+)?([A-ZÀ-Ý][A-ZÀ-Ý0-9 '&./-]*)$/;

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
      this.speakers = speakers;
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
      const key = fold(typed);
      const matches = this.speakers.filter((s) => fold(s).startsWith(key)).slice(0, MAX_OPTIONS);
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

  window.Rida = Object.assign(window.Rida || {}, { Speakers });
})();
