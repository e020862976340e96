/* rida — person pickers, all matching typed text with window.Rida.PeopleMatch (any word
 * of the name, from its start, case and accents ignored).
 *
 * - Person selects (`select[data-person-picker]`: owner of an action, organiser,
 *   rapporteur, an account's person): typing letters on the closed select chooses the
 *   first option the typed text finds, instead of the browser's own type-ahead (which
 *   reads labels « NOM Prénom » from their start only: « Mathieu » chose MARTIN). Letters
 *   typed within a second add up, as in the browser's type-ahead.
 * - `Combobox`: a text field with a list of suggestions (ARIA combobox, list
 *   autocomplete without automatic selection). ArrowDown/ArrowUp highlight an option,
 *   Enter or a click picks the highlighted option and never submits the form; Escape
 *   closes the list.
 */
(function () {
  'use strict';

  const { PeopleMatch } = window.Rida;

  // --- Person selects: type-ahead by any word --------------------------------------

  const typing = new WeakMap();   // select -> { text, at }
  const PAUSE_MS = 1000;          // a longer pause starts a new search, as in browsers

  document.addEventListener('keydown', (e) => {
    const select = e.target;
    if (!(select instanceof HTMLSelectElement) || !select.matches('[data-person-picker]')
      || e.altKey || e.ctrlKey || e.metaKey || e.key.length !== 1) return;
    const last = typing.get(select);
    const going = last && e.timeStamp - last.at < PAUSE_MS;
    if (e.key === ' ' && !going) return;   // Space alone opens the list
    e.preventDefault();
    const text = (going ? last.text : '') + e.key;
    typing.set(select, { text, at: e.timeStamp });
    const options = [...select.options].filter((o) => o.value && !o.disabled);
    const found = PeopleMatch.filter(options, text, (o) => o.textContent)[0];
    if (!found || found.value === select.value) return;
    select.value = found.value;
    select.dispatchEvent(new Event('input', { bubbles: true }));
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });

  // Leaving the select ends its search: coming back starts a new one.
  document.addEventListener('focusout', (e) => typing.delete(e.target));

  // --- Combobox ----------------------------------------------------------------------

  const MAX_OPTIONS = 8;
  let count = 0;

  class Combobox {
    /**
     * @param {HTMLInputElement} input  the text field (gets role="combobox")
     * @param {object} options
     * @param {() => object[]} options.items      what may be suggested
     * @param {(item) => string} options.label    an item's text (what is matched)
     * @param {(item) => void} options.pick       an item was picked
     * @param {(typed: string) => string} [options.extra]  text of a last option that
     *   picks the typed text itself (« Nouvelle personne : ABD »), none if omitted
     * @param {() => void} [options.pickTyped]    that last option was picked
     * @param {(message: string) => void} options.announce
     */
    constructor(input, options) {
      this.input = input;
      this.o = options;
      this.shown = [];        // items shown; null stands for the typed-text option
      this.active = -1;
      count += 1;
      this.list = document.createElement('ul');
      this.list.id = `${input.id || `combobox-${count}`}-options`;
      this.list.className = 'speaker-list person-suggestions';
      this.list.setAttribute('role', 'listbox');
      this.list.setAttribute('aria-label', 'Suggestions');
      this.list.hidden = true;
      input.after(this.list);
      input.setAttribute('role', 'combobox');
      input.setAttribute('aria-autocomplete', 'list');
      input.setAttribute('aria-expanded', 'false');
      input.setAttribute('aria-controls', this.list.id);
      input.addEventListener('input', () => this.update());
      input.addEventListener('keydown', (e) => this.keydown(e));
      input.addEventListener('blur', () => this.close());
      this.list.addEventListener('mousedown', (e) => {
        const li = e.target.closest('[role="option"]');
        if (!li) return;
        e.preventDefault();   // keep the focus in the field
        this.choose(Number(li.dataset.index));
      });
    }

    get isOpen() {
      return !this.list.hidden;
    }

    /** Recompute the suggestions for the typed text (on every input). */
    update() {
      const typed = this.input.value.trim();
      const found = typed ? PeopleMatch.filter(this.o.items(), typed, this.o.label) : [];
      if (!found.length) { this.close(); return; }
      this.shown = found.slice(0, MAX_OPTIONS);
      if (this.o.extra) this.shown.push(null);
      this.active = -1;
      this.render();
      const n = found.length;
      this.o.announce(`${n} personne${n > 1 ? 's' : ''} proposée${n > 1 ? 's' : ''} : `
        + 'flèche bas pour choisir, Entrée pour retenir, Échap pour fermer.');
    }

    render() {
      const typed = this.input.value.trim();
      this.list.replaceChildren(...this.shown.map((item, i) => {
        const li = document.createElement('li');
        li.id = `${this.list.id}-${i}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', String(i === this.active));
        li.dataset.index = String(i);
        li.textContent = item === null ? this.o.extra(typed) : this.o.label(item);
        if (item === null) li.className = 'suggestion-new';
        return li;
      }));
      this.list.hidden = false;
      this.input.setAttribute('aria-expanded', 'true');
      if (this.active >= 0) {
        this.input.setAttribute('aria-activedescendant', `${this.list.id}-${this.active}`);
        this.list.children[this.active].scrollIntoView({ block: 'nearest' });
      } else {
        this.input.removeAttribute('aria-activedescendant');
      }
    }

    close() {
      this.list.hidden = true;
      this.shown = [];
      this.active = -1;
      this.input.setAttribute('aria-expanded', 'false');
      this.input.removeAttribute('aria-activedescendant');
    }

    keydown(e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (!this.isOpen) {
        if (e.key === 'ArrowDown' && this.input.value.trim()) {
          this.update();
          if (this.isOpen) e.preventDefault();
        }
        return;
      }
      const n = this.shown.length;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        const step = e.key === 'ArrowDown' ? 1 : -1;
        this.active = this.active < 0 ? (step > 0 ? 0 : n - 1) : (this.active + step + n) % n;
        this.render();
      } else if (e.key === 'Enter') {
        // Never the form's submission: a highlighted option is picked; none, the list
        // asks for a choice (creating a person from the typed text is its last option).
        if (this.active >= 0) this.choose(this.active);
        else {
          this.o.announce('Choisissez une personne proposée (flèche bas puis Entrée)'
            + `${this.o.extra ? ', ou la dernière option pour une nouvelle personne' : ''}.`);
        }
      } else if (e.key === 'Escape') {
        this.close();
      } else {
        return;
      }
      e.preventDefault();
      e.stopPropagation();
    }

    choose(index) {
      const item = this.shown[index];
      if (item === undefined) return;
      this.close();
      if (item === null) this.o.pickTyped?.();
      else this.o.pick(item);
    }
  }

  window.Rida.Combobox = Combobox;
})();
