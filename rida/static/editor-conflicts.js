/* rida editor — conflicts per field: two people changed the same words of a field at once.
 *
 * The server merges edits of different fields, and edits of different words of one text
 * (docs/api.md, « Conflits par champ »). When both changed the same words, it saves
 * nothing and answers 409 with both versions: the second editor sees them here, with a
 * proposal to edit, and chooses — « Enregistrer cette version » (sent on top of the other's
 * text, which the server merges again if it changed meanwhile) or « Garder la version de
 * l'autre ». Until then the edits of that field are held in the queue (kept in the browser)
 * and the field is read-only; the record's other fields keep saving. Nobody's words are
 * discarded without being shown.
 *
 * The first editor is told by the live stream (editor-live.js calls `told`): a short notice
 * next to the field says who is choosing.
 *
 * Loaded before editor.js: the editor is looked up when a conflict comes.
 */
(function () {
  'use strict';

  const { Dom, Known } = window.Rida;
  const editor = () => window.Rida.editor;
  const OTHER = 'l\'autre rapporteur';
  const TOLD_FADES_MS = 120000;

  const conflicts = new Map();   // field key -> the open conflict
  const told = new Map();        // field key -> the notice of someone else's conflict
  const authors = new Map();     // field key -> who last changed it (live stream)
  let count = 0;

  const fieldKey = (kind, uid, field) => `${kind}:${uid ?? ''}:${field}`;
  const keyOf = (op) => fieldKey(Known.familyOf(op), op.uid, Known.fieldOf(op));
  const isFieldOp = (op) => !op.kind.includes('-') && Boolean(Known.FAMILIES[op.kind]);

  function elementOf(kind, uid, field) {
    return Known.FAMILIES[kind]?.element(uid, field) || null;
  }

  /** The field's accessible name, as its label says (« Réponse de la ligne 3 »). */
  function labelOf(el, field) {
    if (!el) return field;
    if (el.id === 'comments') return 'Commentaires';
    const label = document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    return (label?.textContent || field).replace(/\s+/g, ' ').trim();
  }

  function multiline(kind, field, el) {
    return Known.FAMILIES[kind].lines?.has(field) || el?.tagName === 'TEXTAREA';
  }

  function editable(kind, field) {
    return Known.isText(kind, field) || Boolean(Known.FAMILIES[kind].lines?.has(field));
  }

  function asText(value) {
    if (Array.isArray(value)) return value.join('\n');
    return value === null || value === undefined ? '' : String(value);
  }

  /** How a value of a non-text field reads (the option's text for a list). */
  function describe(kind, field, el, value) {
    if (Array.isArray(value)) return value.join(' ; ') || '(vide)';
    if (value && typeof value === 'object') {
      return value.label || Dom.personLabel(value) || '(vide)';
    }
    const select = el?.tagName === 'SELECT' ? el : null;
    const option = select && [...select.options].find((o) => o.value === String(value ?? ''));
    if (option) return option.textContent.replace(/ \(en attente.*$/, '');
    if (field === 'due_date' || field === 'date') {
      const [y, m, d] = String(value || '').split('-');
      return value ? `${d}/${m}/${y}` : 'aucune';
    }
    return asText(value) || '(vide)';
  }

  /** A first proposal to edit: the other's text, then what only mine has (by line for
   *  multi-line fields). The server merged what could be merged: this is for the rest. */
  function proposal(theirs, mine, lines) {
    if (theirs.trim() === mine.trim() || !mine.trim()) return theirs;
    if (!theirs.trim()) return mine;
    if (!lines) return `${theirs.trim()} / ${mine.trim()}`;
    const seen = new Set(theirs.split('\n').map((l) => l.trim()));
    const extra = mine.split('\n').filter((l) => l.trim() && !seen.has(l.trim()));
    return [theirs.replace(/\s+$/, ''), ...extra].join('\n');
  }

  function button(text, onClick, secondary) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    if (secondary) b.classList.add('secondary');
    b.addEventListener('click', onClick);
    return b;
  }

  function version(title, text) {
    const div = document.createElement('div');
    div.className = 'version';
    const head = document.createElement('p');
    const strong = document.createElement('strong');
    strong.textContent = title;
    head.append(strong);
    const body = document.createElement('p');
    body.className = 'version-text';
    body.textContent = text;
    div.append(head, body);
    return div;
  }

  /** Rows, participants and actions get a notice row in their <tbody>; header fields a
   *  box after them. */
  function place(kind, uid, el, box) {
    if (kind === 'meeting') {
      (el?.closest('.field') || el)?.after(box);
      return;
    }
    const container = { row: Dom.grid, part: Dom.people, action: window.Rida.ActionDom.list }[kind];
    const tb = Dom.find(container, uid);
    if (!tb) return;
    const tr = document.createElement('tr');
    tr.className = 'notice-row';
    const td = document.createElement('td');
    td.colSpan = tb.rows[0].cells.length;
    td.append(box);
    tr.append(td);
    const last = [...tb.rows].reverse().find((r) => !r.hidden) || tb.rows[0];
    last.after(tr);
  }

  /** Add or remove `id` among the element's descriptions (a field error may be one). */
  function describedBy(el, id, on) {
    const ids = new Set((el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
    if (on) ids.add(id);
    else ids.delete(id);
    if (ids.size) el.setAttribute('aria-describedby', [...ids].join(' '));
    else el.removeAttribute('aria-describedby');
  }

  function removeBox(box) {
    (box?.closest('.notice-row') || box)?.remove();
  }

  // --- A conflict of this page -----------------------------------------------------

  /** 409 on a field op: hold the field's edits and show both versions. */
  function onConflict(op, answer) {
    const { queue } = editor();
    const kind = Known.familyOf(op);
    const field = Known.fieldOf(op);
    const key = keyOf(op);
    const held = [];
    for (const o of queue.ops) {
      if (o !== queue.inflight && isFieldOp(o) && keyOf(o) === key) {
        o.held = true;
        held.push(o);
      }
    }
    const current = answer.current || {};
    if (Object.keys(current).length) Known.receive(kind, op.uid, current);
    const names = { owner: 'owner_id', row: 'row_id' };
    const fields = answer.fields || {};
    const sent = fields[field] || fields[names[field]] || {};
    const theirs = field in current ? current[field] : sent.theirs;
    const mine = (held[held.length - 1] || op).value;
    const el = elementOf(kind, op.uid, field);
    const who = answer.by?.name || authors.get(key) || OTHER;
    close(key);
    removeBox(told.get(key));   // the stream's word of this very conflict came first
    told.delete(key);
    const conflict = { key, kind, uid: op.uid, field, el, who, theirs, mine,
      revision: current.revision, text: editable(kind, field) };
    conflict.box = notice(conflict);
    place(kind, op.uid, el, conflict.box);
    conflicts.set(key, conflict);
    if (conflict.text && el && 'readOnly' in el) {
      el.readOnly = true;
      describedBy(el, `${conflict.box.id}-title`, true);
    }
    queue.persist();
  }

  function notice(c) {
    count += 1;
    const id = `conflict-${count}`;
    const box = document.createElement('div');
    box.className = 'conflict';
    box.id = id;
    box.setAttribute('role', 'alert');
    box.setAttribute('aria-labelledby', `${id}-title`);
    const title = document.createElement('p');
    title.id = `${id}-title`;
    const strong = document.createElement('strong');
    strong.textContent = `« ${labelOf(c.el, c.field)} » : ${c.who === OTHER ? 'l\'autre '
      + 'rapporteur' : c.who} et vous avez modifié le même passage en même temps.`;
    title.append(strong);
    const help = document.createElement('p');
    help.textContent = c.text
      ? 'Rien n\'est perdu : voici les deux versions. Corrigez la proposition ci-dessous '
        + 'puis enregistrez-la, ou gardez la version de l\'autre.'
      : 'Rien n\'est perdu : voici les deux valeurs. Choisissez celle à garder.';
    const versions = document.createElement('div');
    versions.className = 'versions';
    const show = (v) => (c.text ? asText(v) || '(vide)' : describe(c.kind, c.field, c.el, v));
    versions.append(version(`Version de ${c.who}`, show(c.theirs)),
      version('Votre version', show(c.mine)));
    box.append(title, help, versions);
    if (c.text) {
      const label = document.createElement('label');
      label.htmlFor = `${id}-merge`;
      label.textContent = 'Proposition (modifiable) : la version à enregistrer';
      const area = document.createElement('textarea');
      area.id = `${id}-merge`;
      area.rows = 4;
      area.value = proposal(asText(c.theirs), asText(c.mine), multiline(c.kind, c.field, c.el));
      c.area = area;
      box.append(label, area);
    }
    const buttons = document.createElement('p');
    buttons.className = 'conflict-buttons';
    buttons.append(
      button(c.text ? 'Enregistrer cette version' : 'Enregistrer votre version',
        () => resolve(c.key, true)),
      ' ',
      button('Garder la version de l\'autre', () => resolve(c.key, false), true),
    );
    box.append(buttons);
    return box;
  }

  /** The value to save from the proposal's text, as the field takes it. */
  function valueOf(c, text) {
    if (Known.FAMILIES[c.kind].lines?.has(c.field)) {
      return text.split('\n').map((s) => s.trim()).filter(Boolean);
    }
    return multiline(c.kind, c.field, c.el) ? text : text.replace(/\s*\n+\s*/g, ' ');
  }

  /** The rapporteur's choice: save the (edited) proposal on top of the other's version, or
   *  keep the other's version. */
  function resolve(key, keepMine) {
    const c = conflicts.get(key);
    if (!c) return;
    const { queue, announce } = editor();
    const held = queue.ops.filter((o) => o !== queue.inflight && isFieldOp(o)
      && keyOf(o) === key);
    const last = held[held.length - 1];
    close(key);
    queue.drop((o) => held.includes(o));
    if (keepMine) {
      const value = c.text ? valueOf(c, c.area.value) : last ? last.value : c.mine;
      Known.repin(c.kind, c.uid, c.field, c.theirs, c.revision);
      if (c.text) Known.FAMILIES[c.kind].show(c.uid, { [c.field]: value });
      const shape = last || { kind: c.kind, key: c.kind === 'meeting' ? `meeting::${c.field}`
        : `${c.kind}:${c.uid}:${c.field}`, uid: c.uid, field: c.field };
      const op = { kind: shape.kind, key: shape.key, field: shape.field, value, base: c.theirs };
      if (c.kind !== 'meeting') Object.assign(op, { uid: c.uid, revision: c.revision });
      queue.put(op, 0);
      announce('Votre version est envoyée au serveur.');
    } else {
      const rec = Known.recordOf(c.kind, c.uid);
      Known.settle(c.kind, c.uid, c.field);
      if (rec) Known.FAMILIES[c.kind].show(c.uid, { [c.field]: rec.server[c.field] });
      announce(`La version de ${c.who} est affichée.`);
    }
    const target = c.el?.matches('input, select, textarea') ? c.el : c.el?.querySelector('textarea');
    target?.focus();
  }

  /** Take a conflict's notice away (resolved, or its record deleted). */
  function close(key) {
    const c = conflicts.get(key);
    if (!c) return;
    conflicts.delete(key);
    removeBox(c.box);
    if (c.el && c.text && 'readOnly' in c.el) {
      if (!Dom.root.classList.contains('frozen')) c.el.readOnly = false;
      describedBy(c.el, `${c.box.id}-title`, false);
    }
  }

  /** Every conflict of a record that is gone. */
  function forget(kind, uid) {
    for (const key of [...conflicts.keys(), ...told.keys()]) {
      if (key.startsWith(`${kind}:${uid}:`)) {
        close(key);
        removeBox(told.get(key));
        told.delete(key);
      }
    }
  }

  // --- Someone else's conflict, told by the live stream -------------------------------

  /** `who` (from the stream) changed a field, or is choosing between two versions of it. */
  function changedBy(kind, uid, fields, who) {
    for (const field of fields) {
      const key = fieldKey(kind, uid, field);
      if (who?.name) authors.set(key, who.name);
      removeBox(told.get(key));   // their choice is saved: the notice has done its job
      told.delete(key);
    }
  }

  /** The server says `who` got a conflict on that field with this page's save. */
  function otherChoosing(kind, uid, field, who) {
    const key = fieldKey(kind, uid, field);
    if (conflicts.has(key)) return;   // this page is the one choosing
    const el = elementOf(kind, uid, field);
    if (!el) return;
    removeBox(told.get(key));
    const name = who?.name || 'Un autre rapporteur';
    const box = document.createElement('div');
    box.className = 'conflict told';
    const text = document.createElement('p');
    text.textContent = `${name} a modifié la même phrase en même temps : il/elle choisit la `
      + 'version à garder.';
    const hide = button('Masquer ce message', () => {
      removeBox(box);
      told.delete(key);
      el.focus();
    }, true);
    text.append(' ', hide);
    box.append(text);
    place(kind, uid, el, box);
    told.set(key, box);
    // The other may keep this page's version: nothing is saved then, the word fades.
    setTimeout(() => {
      if (told.get(key) !== box) return;
      removeBox(box);
      told.delete(key);
    }, TOLD_FADES_MS);
    editor().announce(`« ${labelOf(el, field)} » : ${text.firstChild.textContent}`);
  }

  window.Rida = Object.assign(window.Rida || {}, {
    Conflicts: { conflicts, fieldKey, keyOf, onConflict, resolve, close, forget, changedBy,
      otherChoosing, has: (kind, uid, field) => conflicts.has(fieldKey(kind, uid, field)) },
  });
})();
