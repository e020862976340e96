/* rida editor — DOM helpers of the "Prochaines actions" section: build action items from
 * their <template>, fill the owner and RIDA row selects, number the actions, and show under
 * each RIDA row the actions linked to it. Nothing here talks to the server.
 *
 * An action is a <tbody class="action-item"> like a RIDA row. Its RIDA row select holds row
 * uids: the link follows the row when rows move, and is emptied when the row goes away.
 */
(function () {
  'use strict';

  const { Dom } = window.Rida;
  const { grid, data } = Dom;
  const list = document.getElementById('actions-grid');
  const NEW_OWNER = { 'new-person': 'Nouvelle personne…', 'new-org': 'Nouvelle organisation…' };

  const items = () => [...list.querySelectorAll('tbody.action-item')];
  const number = (tb) => items().indexOf(tb) + 1;
  const field = (tb, name) => tb.querySelector(`[data-field="${name}"]`);

  // Known owners: people, then organisations (an entity alone), then those added here.
  const owners = new Map();
  for (const p of [...data.people, ...data.organisations]) owners.set(p.id, p);

  function renumber() {
    items().forEach((tb, i) => {
      tb.querySelector('.num').textContent = String(i + 1);
      Dom.fillLabels(tb, { n: i + 1 });
    });
  }

  /** A new action item (at the end), showing `values` (title, kind, …, row uid). */
  function create(uid, values) {
    const tb = Dom.fromTemplate('action-template', uid);
    list.append(tb);
    fillOwners(field(tb, 'owner_id'), '');
    fillRows(field(tb, 'row'), '');
    setValues(tb, values);
    renumber();
    showLinked();
    return tb;
  }

  function setValues(tb, a) {
    if (!tb) return;
    for (const name of ['title', 'notes', 'kind', 'status']) {
      if (name in a) field(tb, name).value = a[name] ?? '';
    }
    if ('due_date' in a) window.Rida.dates.put(field(tb, 'due_date'), a.due_date);
    if ('row' in a) fillRows(field(tb, 'row'), a.row || '');
    if ('owner' in a) {
      if (a.owner) addOwner(a.owner);
      showOwner(tb, a.owner ? String(a.owner.id) : '');
    }
  }

  // --- Owners ---------------------------------------------------------------------

  function option(value, text, selected) {
    const o = new Option(text, value);
    o.selected = value === selected;
    return o;
  }

  function fillOwners(select, value) {
    const group = (label, people) => {
      const g = document.createElement('optgroup');
      g.label = label;
      for (const p of people) g.append(option(String(p.id), p.label, value));
      return g;
    };
    const all = [...owners.values()];
    select.replaceChildren(option('', '— aucun —', value),
      group('Personnes', all.filter((p) => p.last_name)),
      group('Organisations', all.filter((p) => !p.last_name)),
      ...Object.entries(NEW_OWNER).map(([v, text]) => option(v, text, value)));
    if (value.startsWith('pending') && select.dataset.pending) {
      select.prepend(option(value, select.dataset.pending, value));
    }
  }

  /** Select `value` in the owner select (the last saved choice, kept to cancel a form). */
  function showOwner(tb, value) {
    if (!tb) return;
    const select = field(tb, 'owner_id');
    select.value = value;
    if (select.value !== value) fillOwners(select, value);
    tb.dataset.owner = value;
  }

  /** Offer a new owner (from the server's answer) in every owner select. */
  function addOwner(owner) {
    if (owners.has(owner.id)) return;
    owners.set(owner.id, owner);
    for (const tb of items()) fillOwners(field(tb, 'owner_id'), field(tb, 'owner_id').value);
  }

  /** An owner typed in this page and not yet saved: shown as chosen, pending. */
  function showPendingOwner(tb, values) {
    if (!tb) return;
    const select = field(tb, 'owner_id');
    select.dataset.pending = `${Dom.personLabel(values)} (en attente d'enregistrement)`;
    fillOwners(select, 'pending');
    tb.dataset.owner = 'pending';
  }

  function ownerText(tb) {
    const select = field(tb, 'owner_id');
    const value = select.value;
    if (!value || NEW_OWNER[value]) return 'sans porteur';
    return select.selectedOptions[0]?.textContent.replace(/ \(en attente.*$/, '') || '';
  }

  // --- RIDA rows ------------------------------------------------------------------

  function rowText(tb) {
    const subject = tb.querySelector('[data-field="subject"]').value.trim();
    return `Ligne ${Dom.rowNumber(tb)}${subject ? ` — ${Dom.shorten(subject, 50)}` : ''}`;
  }

  function fillRows(select, value) {
    const rows = Dom.rowItems();
    const kept = rows.some((tb) => tb.dataset.uid === value) ? value : '';
    select.replaceChildren(option('', '— aucune —', kept),
      ...rows.map((tb) => option(tb.dataset.uid, rowText(tb), kept)));
  }

  /** Rows were added, moved, deleted or renamed: every row select follows. */
  function refreshRows() {
    for (const tb of items()) fillRows(field(tb, 'row'), field(tb, 'row').value);
    showLinked();
  }

  function dueText(value) {
    if (!value) return 'sans échéance';
    const [y, m, d] = value.split('-');
    return `échéance ${d}/${m}/${y}`;
  }

  /** Under each RIDA row, the actions linked to it: « Action : … — porteur — échéance ». */
  function showLinked() {
    const byRow = new Map();
    for (const tb of items()) {
      const row = field(tb, 'row').value;
      if (!row) continue;
      const title = field(tb, 'title').value.trim() || 'sans intitulé';
      const text = `Action ${number(tb)} : ${Dom.shorten(title, 120)} — ${ownerText(tb)} — `
        + dueText(window.Rida.dates.value(field(tb, 'due_date')));
      byRow.set(row, [...(byRow.get(row) || []), text]);
    }
    for (const tb of Dom.rowItems()) {
      const tr = tb.querySelector('tr.row-actions');
      if (!tr) continue;
      const texts = byRow.get(tb.dataset.uid) || [];
      const ul = tr.querySelector('ul');
      if (ul.textContent === texts.join('')) continue;
      ul.replaceChildren(...texts.map((text) => {
        const li = document.createElement('li');
        li.textContent = text;
        return li;
      }));
      tr.hidden = !texts.length;
    }
  }

  // Row changes made through Dom (add, move, delete) refresh the row selects.
  for (const name of ['renumberRows', 'createRow']) {
    const original = Dom[name];
    Dom[name] = (...args) => {
      const result = original(...args);
      refreshRows();
      return result;
    };
  }

  for (const tb of items()) {
    fillOwners(field(tb, 'owner_id'), '');
    fillRows(field(tb, 'row'), '');
  }

  window.Rida.ActionDom = {
    list, NEW_OWNER, items, number, field, renumber, create, setValues, addOwner, showOwner,
    showPendingOwner, refreshRows, showLinked,
  };
})();
