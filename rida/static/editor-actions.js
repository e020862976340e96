/* rida editor — structural actions and the keyboard: add, move and delete RIDA rows and
 * participants, the "add a participant" form, comments. Each action changes the page at
 * once (so it works offline) and queues the matching operation; new rows and participants
 * get their uid here, so later edits can target them before the server has seen them.
 */
(function () {
  'use strict';

  const { Dom, newId, editor, Known, Conflicts } = window.Rida;
  const { grid, people, comments, data } = Dom;
  const { queue, edit, announce, moveItem } = editor;
  const addRowButton = document.getElementById('add-row');
  const PERSON_FIELDS = ['last_name', 'first_name', 'entity', 'function'];

  /** Forget a removed record's unsent field edits, its conflicts and what is known of it. */
  function forget(kind, uid) {
    queue.drop((o) => o.kind === kind && o.uid === uid);
    Conflicts.forget(kind, uid);
    Known.forget(kind, uid);
  }

  // --- RIDA rows ------------------------------------------------------------------

  function addRow(afterTb) {
    const uid = newId();
    const tb = Dom.createRow(uid, afterTb);
    queue.put({ kind: 'row-add', uid, after: afterTb ? afterTb.dataset.uid : null });
    tb.querySelector('[data-field="nature"]').focus();
    announce(`Ligne ${Dom.rowNumber(tb)} ajoutée.`);
  }

  function moveRow(tb, direction) {
    if (!moveItem(tb, direction)) {
      announce(`C'est déjà la ${direction === 'up' ? 'première' : 'dernière'} ligne.`);
      return;
    }
    Dom.renumberRows();
    const to = Dom.rowNumber(tb);
    queue.put({ kind: 'row-move', uid: tb.dataset.uid, direction, to });
    announce(`Ligne déplacée en position ${to}.`);
  }

  async function deleteRow(tb, from) {
    const n = Dom.rowNumber(tb);
    const ok = await Dom.confirmDialog(`Supprimer la ligne ${n} ?`,
      'La ligne et son contenu seront retirés du relevé.', 'Supprimer');
    if (!ok || !tb.isConnected) { from?.focus(); return; }
    const items = Dom.rowItems();
    const i = items.indexOf(tb);
    const next = items[i + 1] || items[i - 1];
    tb.remove();
    Dom.renumberRows();
    forget('row', tb.dataset.uid);
    queue.put({ kind: 'row-delete', uid: tb.dataset.uid });
    focusSame(next, from, addRowButton);
    announce(`Ligne ${n} supprimée.`);
  }

  /** Focus, in `tb`, the control matching `from` (same field or same button). */
  function focusSame(tb, from, fallback) {
    let target = null;
    const { field, action } = from?.dataset || {};
    if (tb && field) target = tb.querySelector(`[data-field="${field}"]`);
    else if (tb && action) target = tb.querySelector(`[data-action="${action}"]`);
    (target || tb?.querySelector('input, select, textarea') || fallback).focus();
  }

  function setNature(tb, nature) {
    const select = tb.querySelector('[data-field="nature"]');
    select.value = nature;
    edit(select, 0);
    announce(`Ligne ${Dom.rowNumber(tb)} : nature ${Dom.NATURES[nature] || 'aucune'}.`);
  }

  /** The letter of an Alt shortcut: the typed letter, or the key's position when the
   * layout gives no letter with Alt (macOS Option). */
  function shortcutLetter(e) {
    if (/^[a-z]$/i.test(e.key)) return e.key.toUpperCase();
    return /^Key[A-Z]$/.test(e.code) ? e.code.slice(3) : '';
  }

  /** Shortcuts shared by RIDA rows, participants and actions: move (Alt+↑/↓), delete
   * (Alt+Suppr). No Alt+Shift: on Windows it switches the keyboard layout. */
  function itemShortcut(e, move, remove) {
    if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null;
    if (e.key === 'ArrowUp') return (tb) => move(tb, 'up');
    if (e.key === 'ArrowDown') return (tb) => move(tb, 'down');
    if (e.key === 'Delete') return remove;
    return null;
  }

  /** In the nature select, I, D or A chooses it and N, Suppr or Retour arrière clears it
   * (the same in every browser, and saved at once). */
  function natureKey(e) {
    if (!e.target.matches('[data-field="nature"]') || e.altKey || e.ctrlKey || e.metaKey) {
      return null;
    }
    const nature = e.key === 'Delete' || e.key === 'Backspace' ? ''
      : { I: 'I', D: 'D', A: 'A', N: '' }[e.key.length === 1 ? e.key.toUpperCase() : ''];
    return nature === undefined ? null : (tb) => setNature(tb, nature);
  }

  function rowShortcut(e) {
    if (e.ctrlKey && e.key === 'Enter' && !e.altKey && !e.shiftKey && !e.metaKey) return addRow;
    return itemShortcut(e, moveRow, deleteRow) || natureKey(e);
  }

  grid.addEventListener('keydown', (e) => {
    const tb = e.target.closest('tbody.rida-item');
    if (!tb || e.target.closest('.notice-row')) return;
    if (editor.speakers.keydown(e)) return;
    const action = rowShortcut(e);
    if (!action) return;
    e.preventDefault();
    action(tb, e.target);
  });

  grid.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action]');
    const tb = b?.closest('tbody.rida-item');
    if (!tb) return;
    if (b.dataset.action === 'delete') deleteRow(tb, b);
    else moveRow(tb, b.dataset.action);
  });

  addRowButton.addEventListener('click', () => addRow(null));

  // --- Participants ---------------------------------------------------------------

  const nameOf = (tb) => tb.dataset.name || '';

  function moveParticipant(tb, direction) {
    if (!moveItem(tb, direction)) return;
    const to = Dom.partItems().indexOf(tb);
    queue.put({ kind: 'part-move', uid: tb.dataset.uid, direction, to });
    announce(`${nameOf(tb)} déplacé en position ${to + 1}.`);
  }

  async function removeParticipant(tb, from) {
    const name = nameOf(tb);
    const ok = await Dom.confirmDialog(`Retirer ${name} ?`,
      `${name} ne figurera plus parmi les intervenants de cette réunion.`, 'Retirer');
    if (!ok || !tb.isConnected) { from?.focus(); return; }
    const items = Dom.partItems();
    const next = items[items.indexOf(tb) + 1] || items[items.indexOf(tb) - 1];
    tb.remove();
    forget('part', tb.dataset.uid);
    queue.put({ kind: 'part-delete', uid: tb.dataset.uid });
    focusSame(next, from, document.getElementById('np-last_name'));
    announce(`${name} retiré des intervenants.`);
  }

  people.addEventListener('keydown', (e) => {
    const tb = e.target.closest('tbody.participant-item');
    const action = tb && !e.target.closest('.notice-row')
      && itemShortcut(e, moveParticipant, removeParticipant);
    if (!action) return;
    e.preventDefault();
    action(tb, e.target);
  });

  people.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action]');
    const tb = b?.closest('tbody.participant-item');
    if (!tb) return;
    if (b.dataset.action === 'delete') removeParticipant(tb, b);
    else moveParticipant(tb, b.dataset.action);
  });

  /** A participant's names corrected in place: once left, the three names are
   *  saved as one field, `person`, through the queue like any field; the server makes the
   *  participant the person so named (known or new). An empty name is refused here. */
  function savePerson(tb) {
    const value = (f) => tb.querySelector(`[data-person-field="${f}"]`).value.trim();
    const names = { last_name: value('last_name'), first_name: value('first_name'),
      entity: value('entity') };
    const known = Known.recordOf('part', tb.dataset.uid)?.server.person;
    const last = tb.querySelector('[data-person-field="last_name"]');
    Dom.clearError(last);
    if (!names.last_name) {
      Dom.showError(last, 'Le nom est obligatoire.');
      return;
    }
    if (known && ['last_name', 'first_name', 'entity'].every((f) => (known[f] || '') === names[f])) {
      return;
    }
    const op = editor.recordOp('part', tb.dataset.uid, 'person', names);
    if (Conflicts.has('part', tb.dataset.uid, 'person')) op.held = true;
    queue.put(op);
    Dom.showPerson(tb, { ...names, person_id: tb.dataset.person });
    announce(`Participant renommé pour cette réunion : ${Dom.displayName(names)}.`);
  }

  // Saved once the three names are left (or on Enter), not field by field: correcting the
  // last name then the first name must not make a person of the half-corrected names.
  people.addEventListener('focusout', (e) => {
    const tb = e.target.closest('tbody.participant-item');
    if (!tb || !e.target.dataset.personField) return;
    const next = e.relatedTarget;
    if (next?.dataset?.personField && tb.contains(next)) return;
    savePerson(tb);
  });
  people.addEventListener('keydown', (e) => {
    const tb = e.target.closest('tbody.participant-item');
    if (!tb || !e.target.dataset.personField || e.key !== 'Enter' || e.altKey || e.ctrlKey
      || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    savePerson(tb);
  });

  /** "Ajouter un participant": an existing person (picked in the name's suggestions, by
   *  any word of the name) or a new one. Enter in the name's suggestions picks the
   *  highlighted person, never submits the typed text: a new person is the list's last
   *  option, or typed when no known person matches. */
  function participantForm() {
    const form = document.getElementById('add-participant');
    const input = (name) => form.elements.namedItem(name);
    const message = document.getElementById('np-message');
    let chosen = null;

    function choose(person) {
      chosen = person;
      for (const f of PERSON_FIELDS) input(f).value = person[f] || '';
      message.textContent = `Personne existante choisie : ${person.label}.`;
    }

    const names = new window.Rida.Combobox(input('last_name'), {
      items: () => data.people,
      label: (p) => p.label,
      pick(person) {
        choose(person);
        input('function').focus();
      },
      extra: (typed) => `Nouvelle personne : ${typed}`,
      pickTyped() {
        chosen = null;
        message.textContent = `Nouvelle personne « ${input('last_name').value.trim()} » : `
          + 'complétez le prénom et l\'entité, puis Ajouter.';
        input('first_name').focus();
      },
      announce,
    });

    form.addEventListener('input', (e) => {
      if (e.target.name === 'last_name') {
        const exact = data.people.find((p) => p.label === e.target.value);
        chosen = null;
        if (exact) {
          choose(exact);
          names.close();
        } else {
          message.textContent = '';
        }
      } else if (e.target.name === 'first_name' || e.target.name === 'entity') {
        chosen = null;
      }
    });

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const values = {};
      for (const f of PERSON_FIELDS) values[f] = input(f).value.trim();
      if (!values.last_name) {
        message.textContent = 'Le nom est obligatoire.';
        input('last_name').focus();
        return;
      }
      if (chosen && Dom.partItems().some((tb) => tb.dataset.person === String(chosen.id))) {
        message.textContent = `${chosen.label} participe déjà à la réunion.`;
        return;
      }
      const uid = newId();
      const body = chosen
        ? { uid, person_id: chosen.id, function: values.function, attendance: 'present' }
        : { uid, ...values, attendance: 'present' };
      const shown = { ...values, person_id: chosen ? chosen.id : null, attendance: 'present' };
      Dom.createParticipant(uid, shown);
      queue.put({ kind: 'part-add', uid, body });
      form.reset();
      names.close();
      chosen = null;
      message.textContent = `${Dom.displayName(shown)} ajouté aux intervenants.`;
      input('last_name').focus();
    });

    return {
      /** The server refused the participant: give the typed values back. */
      refill(body, text) {
        const person = data.people.find((p) => p.id === body.person_id);
        if (!input('last_name').value) {
          for (const f of PERSON_FIELDS) {
            input(f).value = (person && f !== 'function' ? person[f] : body[f]) || '';
          }
        }
        message.textContent = text;
      },
    };
  }

  editor.participantForm = participantForm();

  // A person the server named for a participant (added here, by another editor, or
  // renamed in place) is suggested from now on, as the people known at load are.
  const addPersonOption = Dom.addPersonOption;
  Dom.addPersonOption = (p) => {
    addPersonOption(p);
    if (!p.person_id || !p.last_name || data.people.some((x) => x.id === p.person_id)) return;
    data.people.push({ id: p.person_id, label: Dom.personLabel(p), last_name: p.last_name,
      first_name: p.first_name || '', entity: p.entity || '', function: p.function || '' });
  };

  // A participant added here or by another editor: their organisation is a speaker prefix
  // at once (the server's suggestions have it only from the next page load).
  const createParticipant = Dom.createParticipant;
  Dom.createParticipant = (uid, p) => {
    const tb = createParticipant(uid, p);
    editor.speakers.offer(p.entity);
    return tb;
  };
  Object.assign(editor, { shortcutLetter, itemShortcut, focusSame, forget });

  // --- Comments -------------------------------------------------------------------

  document.getElementById('add-comment').addEventListener('click', () => {
    Dom.addComment('').querySelector('textarea').focus();
  });

  comments.addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-action="remove-comment"]');
    if (!b) return;
    const item = b.closest('.comment-item');
    const items = Dom.commentItems();
    const n = items.indexOf(item) + 1;
    const text = item.querySelector('textarea');
    if (text.value.trim() && !await Dom.confirmDialog(`Supprimer le commentaire ${n} ?`,
      'Le texte du commentaire sera retiré du compte-rendu.', 'Supprimer')) {
      b.focus();
      return;
    }
    const next = items[n] || items[n - 2];
    item.remove();
    Dom.renumberComments();
    edit(comments.querySelector('textarea') || Dom.meetingInput('comments'), 0);
    (next?.querySelector('textarea') || document.getElementById('add-comment')).focus();
    announce(`Commentaire ${n} supprimé.`);
  });
})();
