/* rida — the live view (/reunions/<id>/direct): the meeting as the room sees it, kept up to
 * date from the change stream (Server-Sent Events at data-stream-url).
 *
 * The server renders the page; this script only applies what changes. Markdown is
 * rendered and sanitised by the server, as in the read view: a changed row is fetched
 * again as its server-rendered <tr> (data-row-url, "__uid__" replaced by the row's uid),
 * the header and the participants as the server-rendered sections (data-content-url). No
 * text of the meeting is ever given to the page as HTML by this script: the fragments are
 * parsed by DOMParser (inert: no script runs) and their nodes moved into the page.
 *
 * The stream's events:
 *   hello   {"seq"}       on a connection without Last-Event-ID: everything is fetched
 *                         again (what changed between the page load and the connection);
 *   change  {"seq", "kind", "op", "uid", "data", …}
 *                         rows: create|update (fetch the row), delete, order (the full
 *                         order, {"order": [uid, …]}); participants and the meeting: fetch the
 *                         sections again; presence: {"user", "row"}, the row the most
 *                         recent presence names is highlighted and scrolled to;
 *   closed  {"reason"}    access has ended: the reason is shown, the content hidden, and
 *                         the page stops (no reconnection).
 * EventSource reconnects by itself after a network error, sending Last-Event-ID (the
 * server replays the missed events). A stream the server refuses to reopen is opened
 * again later, from scratch, unless the page itself is refused too (access ended while
 * disconnected): then the page stops as on « closed ».
 */
(function () {
  'use strict';

  const root = document.getElementById('direct');
  if (!root || !root.dataset.streamUrl) return;
  const live = document.getElementById('direct-live');
  const stateBox = document.getElementById('direct-state');
  const closedBox = document.getElementById('direct-closed');
  const follow = document.getElementById('direct-follow');
  const followBox = document.getElementById('direct-follow-box');
  const SECTIONS = ['direct-entete', 'direct-intervenants'];
  const EVERYTHING = SECTIONS.concat(['direct-rida']);
  const reducedMotion = window.matchMedia
    ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;

  let source = null;
  let stopped = false;
  let retryMs = 2000;
  let lastSeq = -1;
  let current = null;          // {login, uid}: the row the most recent presence names
  let scrollDue = false;       // that row is not on the page yet: scroll once it is
  let refreshing = false;      // everything is being fetched again
  let pending = [];            // changes received meanwhile, applied after it
  let sectionsJob = null;      // {again}: the sections are being fetched
  const rowJobs = new Map();   // uid -> {again}: the row is being fetched
  const gone = new Set();      // deleted rows: a late answer must not bring them back

  if (followBox) followBox.hidden = false;

  function setState(name, text) {
    if (stateBox.dataset.state === name && stateBox.textContent === text) return;
    stateBox.dataset.state = name;
    stateBox.textContent = text;
  }

  function rowsBody() {
    return document.getElementById('direct-rows');
  }

  function rowOf(uid) {
    const body = rowsBody();
    if (!body) return null;
    for (const tr of body.children) {
      if (tr.dataset.uid === uid) return tr;
    }
    return null;
  }

  function rowUrl(uid) {
    return root.dataset.rowUrl.replace('__uid__', encodeURIComponent(uid));
  }

  // A server fragment as an inert document (null: gone, 404). A <tr> is parsed inside a
  // table, where the HTML parser keeps it.
  async function fragment(url, inTable) {
    const response = await fetch(url, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'text/html' },
    });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    const html = inTable ? `<table><tbody>${text}</tbody></table>` : text;
    return new DOMParser().parseFromString(html, 'text/html');
  }

  // --- Rows ---------------------------------------------------------------------------

  // Numbers are places: consecutive from 1 in the table's order, as on the server.
  function renumber() {
    const body = rowsBody();
    if (!body) return;
    const rows = Array.from(body.children);
    rows.forEach((tr, i) => {
      const n = String(i + 1);
      tr.id = `ligne-${n}`;
      tr.dataset.number = n;
      const value = tr.querySelector('.num-value');
      if (value && value.textContent !== n) value.textContent = n;
    });
    const empty = document.getElementById('direct-empty');
    if (empty) empty.hidden = rows.length > 0;
  }

  function place(tr, number) {
    const body = rowsBody();
    const rows = Array.from(body.children).filter((other) => other !== tr);
    const index = Math.min(Math.max(number - 1, 0), rows.length);
    const next = rows[index] || null;
    if (tr.parentNode !== body || tr.nextElementSibling !== next) body.insertBefore(tr, next);
  }

  function applyRow(uid, doc, number) {
    if (gone.has(uid) || !doc) return;
    const found = doc.querySelector('tr[data-uid]');
    if (!found || found.dataset.uid !== uid) return;
    const tr = document.importNode(found, true);
    const old = rowOf(uid);
    if (old) {
      if (Number(tr.dataset.revision) < Number(old.dataset.revision)) return;  // late
      old.replaceWith(tr);  // in its place: moves come with their own events
    } else {
      place(tr, number || Number(tr.dataset.number) || Infinity);
    }
    renumber();
    highlight(false);
  }

  async function fetchRow(uid, number) {
    const running = rowJobs.get(uid);
    if (running) {
      running.again = true;
      running.number = number || running.number;
      return;
    }
    const job = { again: false, number };
    rowJobs.set(uid, job);
    try {
      do {
        job.again = false;
        const doc = await fragment(rowUrl(uid), true);
        applyRow(uid, doc, job.number);
      } while (job.again && !stopped);
    } catch (e) {
      // Not fetched: the next change of this row, or a reconnection, brings it.
    } finally {
      rowJobs.delete(uid);
    }
  }

  function rowChange(change) {
    const data = change.data || {};
    const uid = change.uid || data.uid;
    if (change.op === 'order') {
      const uids = data.order;
      applyOrder(Array.isArray(uids) ? uids : []);
      return;
    }
    if (!uid) return;
    if (change.op === 'delete') {
      gone.add(uid);
      const tr = rowOf(uid);
      if (tr) tr.remove();
      renumber();
      highlight(false);
      return;
    }
    const tr = rowOf(uid);
    const number = Number(data.number) || 0;
    if (tr && number) {
      place(tr, number);  // the row's new place, if it moved
      renumber();
      highlight(false);
    }
    if (tr && typeof data.revision === 'number'
        && Number(tr.dataset.revision) >= data.revision) {
      return;  // nothing new in the row itself
    }
    fetchRow(uid, number);
  }

  function applyOrder(uids) {
    const body = rowsBody();
    if (!body) return;
    const byUid = new Map(Array.from(body.children).map((tr) => [tr.dataset.uid, tr]));
    uids.forEach((uid, i) => {
      const tr = byUid.get(uid);
      if (tr) {
        body.appendChild(tr);
        byUid.delete(uid);
      } else if (!gone.has(uid)) {
        fetchRow(uid, i + 1);
      }
    });
    for (const tr of byUid.values()) tr.remove();  // not in the full order: gone
    renumber();
    highlight(false);
  }

  // --- Header and participants --------------------------------------------------------

  // The section as the server would render it (without this page's highlight).
  function served(section) {
    const copy = section.cloneNode(true);
    copy.querySelectorAll('tr.current').forEach(unmark);
    return copy.innerHTML;
  }

  // Replace the sections that changed (an unchanged one stays: no flicker, and a screen
  // reader keeps its place).
  function swap(doc, ids) {
    for (const id of ids) {
      const fresh = doc.getElementById(id);
      const old = document.getElementById(id);
      if (fresh && old && served(old) !== fresh.innerHTML) {
        old.replaceWith(document.importNode(fresh, true));
      }
    }
  }

  async function fetchSections() {
    if (sectionsJob) {
      sectionsJob.again = true;
      return;
    }
    const job = { again: false };
    sectionsJob = job;
    try {
      do {
        job.again = false;
        const doc = await fragment(root.dataset.contentUrl, false);
        if (doc) swap(doc, SECTIONS);
      } while (job.again && !stopped);
    } catch (e) {
      // Not fetched: the next change, or a reconnection, brings them.
    } finally {
      sectionsJob = null;
    }
  }

  // Everything again (a new connection: what changed before it is not replayed). Changes
  // received meanwhile wait, then apply on top.
  async function refreshAll() {
    if (refreshing) return;
    refreshing = true;
    try {
      const doc = await fragment(root.dataset.contentUrl, false);
      if (doc && !stopped) {
        swap(doc, EVERYTHING);
        renumber();
        highlight(false);
      }
    } catch (e) {
      // Kept as it was; the changes that follow still apply.
    } finally {
      refreshing = false;
      root.dataset.synced = 'true';  // up to date with the stream (what tests wait for)
      const waiting = pending;
      pending = [];
      waiting.forEach(apply);
    }
  }

  // --- Presence: the row being typed --------------------------------------------------

  function following() {
    return !follow || follow.checked;
  }

  function mark(tr) {
    if (tr.classList.contains('current')) return;
    tr.classList.add('current');
    tr.setAttribute('aria-current', 'true');
    const marker = document.createElement('span');
    marker.className = 'current-marker';
    marker.textContent = 'En cours';
    const cell = tr.querySelector('.num') || tr.firstElementChild;
    if (cell) cell.appendChild(marker);
  }

  function unmark(tr) {
    tr.classList.remove('current');
    tr.removeAttribute('aria-current');
    tr.querySelectorAll('.current-marker').forEach((marker) => marker.remove());
  }

  function highlight(scroll) {
    document.querySelectorAll('#direct-rows tr.current').forEach((tr) => {
      if (!current || tr.dataset.uid !== current.uid) unmark(tr);
    });
    if (!current) {
      scrollDue = false;
      return;
    }
    const tr = rowOf(current.uid);
    if (!tr) {
      if (scroll) scrollDue = true;
      return;
    }
    mark(tr);
    if ((scroll || scrollDue) && following()) {
      const still = reducedMotion && reducedMotion.matches;
      tr.scrollIntoView({ block: 'center', behavior: still ? 'auto' : 'smooth' });
    }
    scrollDue = false;
  }

  function presence(change) {
    const data = change.data || {};
    const login = data.user && data.user.login;
    if (change.op === 'leave' || !data.row) {
      if (current && current.login === login) {
        current = null;
        highlight(false);
      }
      return;
    }
    const moved = !current || current.uid !== data.row;
    current = { login, uid: data.row };
    highlight(moved);
  }

  // --- The stream ---------------------------------------------------------------------

  function apply(change) {
    if (stopped || !change || typeof change !== 'object') return;
    if (refreshing) {
      pending.push(change);
      return;
    }
    switch (change.kind) {
      case 'row':
        rowChange(change);
        break;
      case 'participant':
      case 'meeting':
        fetchSections();
        break;
      case 'presence':
        presence(change);
        break;
      default:
        break;  // actions and access: not shown here (the stream closes if access ends)
    }
  }

  function parse(event) {
    try {
      return JSON.parse(event.data);
    } catch (e) {
      return null;
    }
  }

  function stop(reason) {
    stopped = true;
    if (source) source.close();
    live.hidden = true;
    closedBox.textContent = reason || 'La diffusion en direct est terminée.';
    closedBox.hidden = false;
    if (followBox) followBox.hidden = true;
    setState('closed', 'Diffusion terminée');
  }

  function connect() {
    if (stopped) return;
    const stream = new EventSource(root.dataset.streamUrl);
    source = stream;
    stream.addEventListener('open', () => {
      retryMs = 2000;
      setState('live', 'En direct');
    });
    stream.addEventListener('hello', (event) => {
      const hello = parse(event);
      if (hello && typeof hello.seq === 'number') lastSeq = hello.seq;
      setState('live', 'En direct');
      refreshAll();
    });
    stream.addEventListener('change', (event) => {
      const change = parse(event);
      if (!change) return;
      if (typeof change.seq === 'number') {
        if (change.seq <= lastSeq) return;  // already applied
        lastSeq = change.seq;
      }
      apply(change);
    });
    stream.addEventListener('closed', (event) => {
      const closed = parse(event);
      stop(closed && typeof closed.reason === 'string' ? closed.reason : '');
    });
    stream.addEventListener('error', () => {
      if (stopped || source !== stream) return;
      setState('reconnecting', 'Reconnexion…');
      if (stream.readyState === EventSource.CLOSED) {
        // Not reopened by the browser (the server refused it): is the page itself still
        // allowed? If so, open the stream again later.
        allowed().then((answer) => {
          if (answer === true) {
            setTimeout(connect, retryMs);
            retryMs = Math.min(retryMs * 2, 60000);
          } else {
            stop(answer);
          }
        });
      }
    });
  }

  // true, or why the live view may no longer be shown (access ended, session over).
  async function allowed() {
    try {
      const response = await fetch(root.dataset.contentUrl, {
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { Accept: 'text/html' },
      });
      if ([401, 403, 404].includes(response.status)) {
        return "Cette vue en direct n'est plus accessible.";
      }
      if (response.redirected && new URL(response.url).pathname.endsWith('/connexion')) {
        return 'Votre session a pris fin : rechargez la page pour vous reconnecter.';
      }
    } catch (e) {
      // Offline: try again later.
    }
    return true;
  }

  setState('connecting', 'Connexion…');
  connect();
})();
