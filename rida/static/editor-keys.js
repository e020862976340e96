/* rida editor — moving around by keyboard: where the focus lands when the page opens (and
 * comes back after a reload), the shortcuts that reach the grid, a row, an action, the help
 * dialog (« ? ») generated from SHORTCUTS, and the preview of the focused cell.
 *
 * No chord uses Alt+Shift (Windows switches the keyboard layout with it) nor Ctrl+Alt (the
 * AltGr key of French keyboards on Windows); the Alt letters are none of the browsers' own
 * (Chrome, Edge: Alt+D, E, F; Firefox's menus: A, B, D, E, F, H, M, O, S, T, V).
 * docs/guide/rapporteur.md lists the same table (a test checks it).
 */
(function () {
  'use strict';

  const { Dom, ActionDom, editor } = window.Rida;
  const { root, grid } = Dom;
  const meetingId = root.dataset.meetingId;
  const FOCUS_KEY = `rida:focus:${meetingId}`;

  /** Every shortcut of the editor: keys as shown (and as written in the docs), what it does. */
  const SHORTCUTS = [
    { keys: '?', does: 'cette aide (hors d\'un champ de saisie)' },
    { keys: 'Alt+K', does: 'cette aide, depuis n\'importe quel champ' },
    { keys: 'Alt+G', does: 'aller à la grille RIDA : dernière ligne, premier champ vide' },
    { keys: 'Alt+L', does: 'aller à la ligne n° : tapez son numéro (Entrée seule : dernière ligne ; Échap : retour)' },
    { keys: 'Ctrl+↑ / Ctrl+↓', does: 'ligne (ou action, ou intervenant) précédente / suivante, même colonne' },
    { keys: 'Tab / Maj+Tab', does: 'champ suivant / précédent (nature, objet, question, réponse)' },
    { keys: 'Ctrl+Entrée', does: 'nouvelle ligne sous la ligne courante' },
    { keys: 'I, D, A ou N', does: 'dans la case Nature : Information, Décision, Action ou aucune' },
    { keys: 'Alt+↑ / Alt+↓', does: 'monter / descendre la ligne, l\'intervenant ou l\'action' },
    { keys: 'Alt+Suppr', does: 'supprimer la ligne ou l\'action, retirer l\'intervenant (après confirmation)' },
    { keys: 'Alt+N', does: 'nouvelle action reliée à la ligne, et aller à son intitulé' },
    { keys: 'Alt+J', does: 'de la ligne à son action ; de l\'action à sa ligne' },
    { keys: 'Alt+P', does: 'aperçu de la cellule (question, réponse, notes…) telle qu\'elle sera lue ; Échap le ferme' },
    { keys: 'Échap', does: 'fermer l\'aide, l\'aperçu ou la liste des intervenants suggérés' },
  ];

  const isTextField = (el) => el instanceof Element
    && (el.matches('textarea, [contenteditable]:not([contenteditable="false"])')
      || (el.matches('input') && !['checkbox', 'radio', 'button', 'submit', 'reset']
        .includes(el.type)));

  /** Focus `el` with the caret at the end of its text. */
  function focusEnd(el) {
    if (!el) return;
    el.focus();
    if (isTextField(el) && typeof el.value === 'string') {
      try { el.setSelectionRange(el.value.length, el.value.length); } catch (e) { /* date */ }
    }
  }

  const rowField = (tb, field) => tb?.querySelector(`[data-field="${field}"]`);
  const firstEmpty = (tb) => Dom.ROW_FIELDS.map((f) => rowField(tb, f)).find((el) => !el.value);

  /** Where to type next in `tb`: its first empty field, else the end of its answer. */
  function rowTarget(tb) {
    return firstEmpty(tb) || rowField(tb, 'answer');
  }

  /** Where the page starts: without rows, the first empty header field (else the new
   * participant's name, else « Ajouter une ligne ») ; with rows, the last row's first empty
   * field (else the end of its answer): the rapporteur goes on where the minutes stop. */
  function startTarget() {
    const rows = Dom.rowItems();
    if (rows.length) return rowTarget(rows[rows.length - 1]);
    const header = ['title', 'subject', 'meeting_type', 'location']
      .map((f) => Dom.meetingInput(f)).find((el) => el && !el.value);
    if (header) return header;
    return Dom.partItems().length ? document.getElementById('add-row')
      : document.getElementById('np-last_name');
  }

  // --- The last edited field, across reloads (its id: record uid + field, no text) ---------

  const remembered = /^(f|row|p|action)-/;
  function remember(el) {
    if (!el?.id || !remembered.test(el.id) || !root.contains(el)) return;
    try { sessionStorage.setItem(FOCUS_KEY, el.id); } catch (e) { /* storage off */ }
  }
  function recalled() {
    try {
      const id = sessionStorage.getItem(FOCUS_KEY);
      const el = id && document.getElementById(id);
      return el && root.contains(el) && !el.disabled ? el : null;
    } catch (e) {
      return null;
    }
  }
  root.addEventListener('input', (e) => remember(e.target));
  root.addEventListener('change', (e) => remember(e.target));

  // --- Moving ------------------------------------------------------------------------

  /** The column a row was left from, to come back to it (Alt+J). */
  const columnOf = new Map();
  grid.addEventListener('focusin', (e) => {
    const tb = e.target.closest('tbody.rida-item');
    if (tb && e.target.dataset.field) columnOf.set(tb.dataset.uid, e.target.dataset.field);
  });

  function goToRow(tb, field) {
    if (!tb) return;
    focusEnd((field && rowField(tb, field)) || rowTarget(tb));
    editor.announce(`Ligne ${Dom.rowNumber(tb)}.`);
  }

  function goToGrid() {
    const rows = Dom.rowItems();
    if (!rows.length) {
      document.getElementById('add-row').focus();
      editor.announce('Aucune ligne : « Ajouter une ligne » ou Ctrl+Entrée.');
      return;
    }
    goToRow(rows[rows.length - 1]);
  }

  /** Ctrl+↑/↓: the same field in the record above or below (rows, actions, participants). */
  function sibling(el, direction) {
    const tb = el.closest('tbody[data-uid]');
    const field = el.dataset.field;
    if (!tb || !field) return false;
    const items = [...tb.parentElement.querySelectorAll(`:scope > tbody.${tb.classList[0]}`)];
    const other = items[items.indexOf(tb) + (direction === 'up' ? -1 : 1)];
    if (!other) {
      editor.announce(direction === 'up' ? 'Première.' : 'Dernière.');
      return true;
    }
    focusEnd(other.querySelector(`[data-field="${field}"]`));
    return true;
  }

  /** Alt+J: from a row to its first action; from an action to its row. */
  function jump(el) {
    const rowTb = el.closest('tbody.rida-item');
    if (rowTb) {
      const action = ActionDom.items()
        .find((tb) => ActionDom.field(tb, 'row').value === rowTb.dataset.uid);
      if (!action) {
        editor.announce(`Aucune action reliée à la ligne ${Dom.rowNumber(rowTb)} : Alt+N en crée une.`);
        return;
      }
      focusEnd(ActionDom.field(action, 'title'));
      editor.announce(`Action ${ActionDom.number(action)}.`);
      return;
    }
    const actionTb = el.closest('tbody.action-item');
    if (actionTb) {
      const uid = ActionDom.field(actionTb, 'row').value;
      const row = uid && Dom.find(grid, uid);
      if (!row) {
        editor.announce('Cette action n\'est reliée à aucune ligne.');
        return;
      }
      goToRow(row, columnOf.get(uid) || 'question');
      return;
    }
    editor.announce('Alt+J : depuis une ligne du RIDA ou une action.');
  }

  // --- « Aller à la ligne n° » (Alt+L) ------------------------------------------------

  const gotoBox = document.getElementById('goto-row');
  const gotoInput = document.getElementById('goto-row-number');
  let gotoFrom = null;

  function openGoto(from) {
    gotoFrom = from;
    gotoInput.value = '';
    gotoBox.hidden = false;
    gotoInput.focus();
  }
  function closeGoto(back) {
    gotoBox.hidden = true;
    if (back) (gotoFrom && gotoFrom.isConnected ? gotoFrom : startTarget())?.focus();
  }
  function gotoNumber(n) {
    const rows = Dom.rowItems();
    const tb = rows[n - 1];
    if (!tb) {
      editor.announce(`Pas de ligne ${n} : le relevé a ${rows.length} ligne(s).`);
      return;
    }
    const field = gotoFrom?.closest('tbody.rida-item') ? gotoFrom.dataset.field : null;
    closeGoto(false);
    goToRow(tb, field);
  }
  gotoInput.addEventListener('input', () => {
    gotoInput.value = gotoInput.value.replace(/\D/g, '');
    const n = Number(gotoInput.value);
    // As soon as no other row number starts with these digits: no Enter needed.
    if (n && n * 10 > Dom.rowItems().length) gotoNumber(n);
  });
  gotoInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (gotoInput.value) gotoNumber(Number(gotoInput.value));
      else { closeGoto(false); goToGrid(); }
    } else if (e.key === 'Escape') {
      e.preventDefault();
      closeGoto(true);
    }
  });
  gotoInput.addEventListener('blur', () => { gotoBox.hidden = true; });

  // --- Help dialog (« ? », Alt+K) ------------------------------------------------------

  const dialog = document.getElementById('keys-dialog');
  const keysList = document.getElementById('keys-list');
  for (const s of SHORTCUTS) {
    const tr = document.createElement('tr');
    const keys = document.createElement('td');
    s.keys.split(/(\s\/\s|,\s|\sou\s)/).forEach((part) => {
      if (/^(\s\/\s|,\s|\sou\s)$/.test(part)) { keys.append(part); return; }
      part.split('+').forEach((k, i) => {
        if (i) keys.append('+');
        const kbd = document.createElement('kbd');
        kbd.textContent = k;
        keys.append(kbd);
      });
    });
    const does = document.createElement('td');
    does.textContent = s.does;
    tr.append(keys, does);
    keysList.append(tr);
  }
  let helpFrom = null;
  function openHelp(from) {
    if (dialog.open) return;
    helpFrom = from;
    dialog.showModal();
    document.getElementById('keys-close').focus();
  }
  document.getElementById('keys-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    if (helpFrom?.isConnected) helpFrom.focus();
  });
  // Focus stays in the dialog: Tab and Maj+Tab cycle over its controls.
  dialog.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    const stops = [...dialog.querySelectorAll('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])')];
    const i = stops.indexOf(document.activeElement);
    const next = e.shiftKey ? (i <= 0 ? stops.length - 1 : i - 1) : (i + 1) % stops.length;
    e.preventDefault();
    stops[next]?.focus();
  });
  document.getElementById('keys-help').addEventListener('click', (e) => openHelp(e.currentTarget));

  // --- Preview of the focused cell (Alt+P) --------------------------------------------

  const preview = document.getElementById('cell-preview');
  const previewBody = preview.querySelector('.cell-preview-body');
  const previewTitle = document.getElementById('cell-preview-title');
  const previewable = (el) => el instanceof Element && el.matches('textarea')
    && root.contains(el) && !el.closest('.conflict, .new-owner');
  let lastText = null;
  let previewOf = null;
  root.addEventListener('focusin', (e) => { if (previewable(e.target)) lastText = e.target; });

  function labelOf(el) {
    const label = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    return (label?.textContent || '').replace(/\s+/g, ' ').trim();
  }

  async function showPreview(el) {
    if (!el || !el.isConnected) {
      editor.announce('Aperçu : placez-vous d\'abord dans une question, une réponse ou des notes.');
      return;
    }
    previewOf = el;
    previewTitle.textContent = `Aperçu : ${labelOf(el)}`;
    el.parentElement.append(preview);
    preview.hidden = false;
    previewBody.textContent = 'Mise en forme…';
    const token = document.querySelector('meta[name="csrf-token"]')?.content || '';
    try {
      const response = await fetch(`${root.dataset.api}/preview`, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
        body: JSON.stringify({ text: el.value }),
      });
      const answer = await response.json().catch(() => ({}));
      if (previewOf !== el) return;
      if (!response.ok) {
        const why = (answer.errors || []).map((x) => x.message).join(' ; ') || answer.message;
        previewBody.textContent = `Aperçu indisponible${why ? ` : ${why}` : ` (erreur ${response.status})`}.`;
        return;
      }
      // Sanitised by the server (the read view's Markdown, rida/render.py).
      previewBody.innerHTML = answer.html || '<p><em>(vide)</em></p>';
    } catch (e) {
      if (previewOf === el) previewBody.textContent = 'Aperçu indisponible hors ligne.';
    }
  }

  function closePreview() {
    if (preview.hidden) return false;
    preview.hidden = true;
    previewBody.textContent = '';
    const back = previewOf;
    previewOf = null;
    if (back?.isConnected && (preview.contains(document.activeElement)
      || document.activeElement === document.body)) back.focus();
    return true;
  }
  document.getElementById('preview-cell').addEventListener('click', () => {
    showPreview(lastText);
    lastText?.focus();
  });
  // Typing on: the preview is of the text as it was, close it.
  root.addEventListener('input', (e) => { if (e.target === previewOf) closePreview(); });

  // --- The keys --------------------------------------------------------------------

  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.metaKey) return;
    const el = e.target instanceof Element ? e.target : document.body;
    if (e.key === 'Escape' && !e.altKey && !e.ctrlKey && closePreview()) {
      e.preventDefault();
      return;
    }
    if (dialog.open) return;
    if (e.key === '?' && !e.ctrlKey && !e.altKey && !isTextField(el)) {
      e.preventDefault();
      openHelp(el);
      return;
    }
    if (e.ctrlKey && !e.altKey && !e.shiftKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      if (root.contains(el) && sibling(el, e.key === 'ArrowUp' ? 'up' : 'down')) e.preventDefault();
      return;
    }
    if (!e.altKey || e.ctrlKey || e.shiftKey) return;
    const act = { K: () => openHelp(el), G: goToGrid, L: () => openGoto(el), J: () => jump(el),
      P: () => showPreview(previewable(el) ? el : lastText) }[editor.shortcutLetter(e)];
    if (!act) return;
    e.preventDefault();
    act();
  });

  // --- Where the page starts ------------------------------------------------------------

  /** The field of the last unsent edit restored from this browser (another tab's, after a
   *  closed page: this tab's sessionStorage does not have it). */
  function restoredField() {
    const prefix = { meeting: 'f', row: 'row', part: 'p', action: 'action' };
    for (const op of [...editor.queue.ops].reverse()) {
      const [kind, what] = op.kind.split('-');
      const field = op.kind === 'row-add' ? 'nature' : !what ? op.field : null;
      const id = kind === 'meeting' ? `f-${field}` : `${prefix[kind]}-${op.uid}-${field}`;
      const el = field && prefix[kind] && document.getElementById(id);
      if (el && root.contains(el)) return el;
    }
    return null;
  }

  const active = document.activeElement;
  if (!active || active === document.body) {
    focusEnd(recalled() || restoredField() || startTarget());
  }

  window.Rida.keys = { SHORTCUTS, startTarget, goToGrid, showPreview, closePreview };
})();
