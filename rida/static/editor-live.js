/* rida editor — the live workshop: the others' changes as they are committed, and who
 * else is in the editor, on which RIDA row.
 *
 * The meeting's change stream (GET …/events, Server-Sent Events) is followed from the
 * change the page was read at (`?since=`); EventSource reconnects by itself and gets
 * what it missed (Last-Event-ID). Each change is applied like the answer to a save
 * (editor-known.js): new, moved and deleted rows, participants and actions; new values
 * in the fields nobody is on here. A field being typed into is never replaced: its next
 * save carries the text it started from, and the server merges. Echoes of this page's own
 * saves are older than (or as old as) what their answers told: nothing changes. `closed`
 * (access ended) says why and makes the page read-only.
 *
 * Presence: POST …/presence (a plain request, not the durable queue: losing one is
 * harmless) when the focused RIDA row changes, every 20 s while the page is visible, and
 * « leave » when it goes away. Others' presence shows next to their row (« Marie est sur
 * cette ligne ») and in the save bar; it fades after 45 s without news.
 */
(function () {
  'use strict';

  const { Dom, ActionDom, Known, Conflicts, editor } = window.Rida;
  const { root, data } = Dom;
  const eventsUrl = root.dataset.events;
  const presenceUrl = root.dataset.presence;
  if (!eventsUrl || !window.EventSource) return;

  const KINDS = { row: 'row', participant: 'part', action: 'action', meeting: 'meeting' };
  const CONTAINERS = { row: Dom.grid, part: Dom.people, action: ActionDom.list };
  const PRESENCE_EVERY_MS = 20000;
  const PRESENCE_FADES_MS = 45000;
  const RETRY_MS = 10000;
  const me = data.me?.login;
  const statusEl = document.getElementById('live-status');
  const presenceEl = document.getElementById('live-presence');
  const STATES = {
    open: 'En direct : les modifications des autres s\'affichent ici.',
    reconnecting: 'Direct interrompu : reconnexion…',
    down: 'Direct interrompu : nouvel essai dans un instant.',
  };

  let source = null;
  let last = Number.isInteger(data.seq) ? data.seq : null;
  let open = false;
  let ended = false;
  let retry = null;

  function safely(callback) {
    try {
      callback();
    } catch (e) {
      console.error(e);
    }
  }

  function say(state, text) {
    statusEl.dataset.state = state;
    statusEl.textContent = text ?? STATES[state] ?? '';
  }

  const nameOf = (by) => by?.name || by?.login || 'Un autre rapporteur';
  const isMe = (by) => Boolean(me) && by?.login === me;

  // --- The stream ----------------------------------------------------------------------

  function connect() {
    clearTimeout(retry);
    source = new EventSource(last === null ? eventsUrl : `${eventsUrl}?since=${last}`);
    source.addEventListener('open', () => {
      open = true;
      say('open');
    });
    source.addEventListener('hello', (e) => seen(e));
    source.addEventListener('change', (e) => {
      seen(e);
      safely(() => apply(JSON.parse(e.data)));
    });
    source.addEventListener('closed', (e) => {
      let reason = '';
      safely(() => { reason = JSON.parse(e.data).reason; });
      end(reason || 'Le direct est fermé.');
    });
    source.addEventListener('error', () => {
      open = false;
      if (ended) return;
      if (source.readyState === EventSource.CLOSED) {
        // Refused (session expired, server down): EventSource gives up, this page does not.
        say('down');
        retry = setTimeout(connect, RETRY_MS);
      } else {
        say('reconnecting');
      }
    });
  }

  function seen(e) {
    const seq = Number(e.lastEventId);
    if (e.lastEventId && Number.isInteger(seq)) last = seq;
  }

  /** Access ended (logout, session, rights): no more stream, a read-only page. */
  function end(reason) {
    ended = true;
    open = false;
    source?.close();
    clearTimeout(retry);
    say('closed', reason);
    editor.freeze(`${reason} La page est en lecture seule ; les modifications non `
      + 'enregistrées restent conservées dans ce navigateur : rechargez la page pour '
      + 'reprendre, une fois reconnecté.');
  }

  // --- Changes -------------------------------------------------------------------------

  function apply(change) {
    const { kind, op } = change;
    if (kind === 'presence') { presence(change); return; }
    if (kind === 'notice') { notice(change); return; }
    const family = KINDS[kind];
    if (!family) return;
    if (family === 'meeting') { header(change); return; }
    if (op === 'order') editor.syncOrder(family, change.data?.order || []);
    else if (op === 'delete') removed(family, change.uid, change.by);
    else if (op === 'create') created(family, change.data, change.by);
    else updated(family, change.uid, change.data, change.fields || [], change.by);
  }

  function updated(family, uid, record, fields, by) {
    if (!record || !Dom.find(CONTAINERS[family], uid)) return;   // gone here, or not yet
    if (!isMe(by)) Conflicts.changedBy(family, uid, fields, by);
    if (family === 'action' && record.owner) ActionDom.addOwner(record.owner);
    Known.receive(family, uid, record);   // false: an echo of a save answered already
  }

  function created(family, record, by) {
    const uid = record?.uid;
    if (!uid) return;
    const container = CONTAINERS[family];
    if (Dom.find(container, uid)) {   // this page's own (its answer may come later)
      updated(family, uid, record, [], by);
      return;
    }
    const { queue } = editor;
    if (queue.ops.some((o) => o.uid === uid && o.kind === `${family}-delete`)) return;
    let what;
    if (family === 'row') {
      const items = Dom.rowItems();
      const tb = Dom.createRow(uid, items[record.number - 2] || null);
      if (record.number <= 1 && items[0]) items[0].before(tb);
      Dom.renumberRows();
      what = `la ligne ${Dom.rowNumber(tb)}`;
    } else if (family === 'part') {
      Dom.createParticipant(uid, record);
      Dom.addPersonOption(record);
      what = `${Dom.displayName(record)} aux intervenants`;
    } else {
      ActionDom.create(uid, record);
      what = `l'action ${ActionDom.number(Dom.find(container, uid))}`;
    }
    Known.receive(family, uid, record);
    editor.announce(`${nameOf(by)} a ajouté ${what}.`);
    showPresence();
  }

  function removed(family, uid, by) {
    const container = CONTAINERS[family];
    const tb = Dom.find(container, uid);
    if (!tb) return;
    const { queue } = editor;
    const busy = queue.ops.some((o) => o.uid === uid) || tb.contains(document.activeElement);
    const what = family === 'row' ? `la ligne ${Dom.rowNumber(tb)}`
      : family === 'part' ? `${tb.dataset.name || 'un intervenant'} des intervenants`
        : `l'action ${ActionDom.number(tb)}`;
    if (busy) {
      keepDeleted(family, tb, by);   // the user is on it: their text stays in sight
      return;
    }
    tb.remove();
    Known.forget(family, uid);
    Conflicts.forget(family, uid);
    Dom.renumberRows();
    ActionDom.renumber();
    ActionDom.showLinked();
    editor.announce(`${nameOf(by)} a supprimé ${what}.`);
  }

  /** Deleted by someone else while this page edits it: say so, keep it until taken away. */
  function keepDeleted(family, tb, by) {
    if (tb.querySelector('.deleted-notice')) return;
    const box = document.createElement('div');
    box.className = 'conflict deleted-notice';
    box.setAttribute('role', 'alert');
    const p = document.createElement('p');
    const noun = { row: 'cette ligne', part: 'ce participant', action: 'cette action' }[family];
    p.textContent = `${nameOf(by)} a supprimé ${noun} : vos modifications en attente ne `
      + 'seront pas enregistrées. Le texte reste affiché ici pour que vous puissiez le copier. ';
    const take = document.createElement('button');
    take.type = 'button';
    take.className = 'secondary';
    take.textContent = 'Retirer de la page';
    take.addEventListener('click', () => {
      editor.forget(family, tb.dataset.uid);   // its edits, conflicts, known values
      tb.remove();
      Dom.renumberRows();
      ActionDom.renumber();
      ActionDom.showLinked();
      document.getElementById(family === 'row' ? 'add-row' : family === 'part'
        ? 'np-last_name' : 'add-action')?.focus();
    });
    p.append(take);
    box.append(p);
    const tr = document.createElement('tr');
    tr.className = 'notice-row';
    const td = document.createElement('td');
    td.colSpan = tb.rows[0].cells.length;
    td.append(box);
    tr.append(td);
    tb.rows[0].after(tr);
    tb.classList.add('deleted');
  }

  function header(change) {
    if (change.op === 'delete') return;   // the stream closes: access is checked again
    if (!isMe(change.by)) Conflicts.changedBy('meeting', undefined, change.fields || [], change.by);
    if (change.data) Known.receive('meeting', undefined, change.data);
  }

  /** Someone's save overlapped this page's on a field: they choose, this page is told. */
  function notice(change) {
    const d = change.data || {};
    const family = KINDS[d.kind];
    if (!family || change.op !== 'conflict') return;
    const uid = family === 'meeting' ? undefined : d.uid ?? change.uid;
    const { queue } = editor;
    for (const field of d.fields || change.fields || []) {
      // This page's own save, whose 409 is on its way: it is the one choosing.
      const mine = (o) => o.kind === family && (family === 'meeting' || o.uid === uid)
        && Known.fieldOf(o) === field && (o === queue.inflight || o.held);
      if (!queue.ops.some(mine)) Conflicts.otherChoosing(family, uid, field, change.by);
    }
  }

  // --- Presence ------------------------------------------------------------------------

  const here = new Map();   // login -> {name, row, at}

  function presence(change) {
    const user = change.data?.user;
    if (!user?.login || user.login === me) return;
    if (change.op === 'leave') here.delete(user.login);
    else here.set(user.login, { name: nameOf(user), row: change.data.row ?? null, at: Date.now() });
    showPresence();
  }

  function names(list) {
    return list.length > 1 ? `${list.slice(0, -1).join(', ')} et ${list[list.length - 1]}`
      : list[0];
  }

  function showPresence() {
    const now = Date.now();
    for (const [login, p] of here) if (now - p.at > PRESENCE_FADES_MS) here.delete(login);
    const everyone = [...here.values()];
    const text = everyone.length ? `Aussi dans l'éditeur : ${names(everyone.map((p) => p.name))}`
      : '';
    if (presenceEl.textContent !== text) presenceEl.textContent = text;
    const byRow = new Map();
    for (const p of everyone) if (p.row) byRow.set(p.row, [...(byRow.get(p.row) || []), p.name]);
    for (const tb of Dom.rowItems()) {
      const list = byRow.get(tb.dataset.uid) || [];
      let note = tb.querySelector('.row-presence');
      if (!list.length) {
        note?.closest('tr').remove();
        continue;
      }
      if (!note) {
        const tr = document.createElement('tr');
        tr.className = 'presence-row';
        const td = document.createElement('td');
        td.colSpan = tb.rows[0].cells.length;
        note = document.createElement('p');
        note.className = 'row-presence';
        td.append(note);
        tr.append(td);
        tb.rows[0].after(tr);
      }
      const line = `${names(list)} ${list.length > 1 ? 'sont' : 'est'} sur cette ligne`;
      if (note.textContent !== line) note.textContent = line;
    }
  }

  let focusedRow = null;
  let toldRow;

  function rowOf(el) {
    const uid = el?.closest?.('tbody.rida-item')?.dataset.uid;
    return uid && Known.records.row.has(uid) ? uid : null;
  }

  function tell(state, keepalive = false) {
    if (ended || !presenceUrl || root.classList.contains('frozen')) return;
    const meta = document.querySelector('meta[name="csrf-token"]');
    toldRow = state === 'here' ? focusedRow : undefined;
    fetch(presenceUrl, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      keepalive,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json',
        'X-CSRFToken': meta ? meta.content : '' },
      body: JSON.stringify({ row: state === 'here' ? focusedRow : null, state }),
    }).catch(() => { /* presence is best effort */ });
  }

  root.addEventListener('focusin', (e) => {
    focusedRow = rowOf(e.target);
    if (focusedRow !== toldRow) tell('here');
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') tell('here');
  });
  window.addEventListener('pagehide', () => tell('leave', true));
  window.addEventListener('pageshow', (e) => {
    if (!e.persisted) return;
    if (!ended && source?.readyState === EventSource.CLOSED) connect();   // back from cache
    tell('here');
  });
  setInterval(() => { if (document.visibilityState === 'visible') tell('here'); },
    PRESENCE_EVERY_MS);
  setInterval(showPresence, 5000);

  window.Rida.live = { connected: () => open, here };
  connect();
  tell('here');
})();
