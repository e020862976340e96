/* rida editor — the autosave queue.
 *
 * Every edit becomes an operation ("op") that is written to localStorage at once, in
 * order, and removed only when the server has acknowledged it. A single sender sends the
 * ops one at a time, oldest first. Consecutive edits of the same field coalesce into one
 * op; the op being typed (the last one) waits for a pause in typing, every other op goes
 * at once. Network failures keep the queue and retry with a growing delay (1 s to 10 s),
 * and at once when the browser says it is back online.
 *
 * Each page (browser tab) keeps its queue under its own key, refreshed while it has work,
 * and marked "closed" when the page goes away. A page that opens the editor adopts the
 * queues of closed (or silent) pages of the same meeting: their edits are shown again
 * and sent. Two tabs on one meeting thus never overwrite each other's queue.
 *
 * When the page is hidden or goes away, the ops that wait for no other are sent at once
 * with `keepalive` (the requests outlive the page); they too leave localStorage only once
 * acknowledged, and a later page replays what was not (the server takes a replayed save
 * as already done). Leaving the page with edits pending asks first (`beforeunload`).
 *
 * The queue knows HTTP, not the editor: the editor turns an op into a request
 * (`request`), and is told of acknowledgements, conflicts and refusals.
 *
 * What is stored belongs to the logged-in account (docs/limites.md, « Modifications non
 * envoyées ») : each entry is named `rida:q:<account tag>:<meeting>:<page>` and holds the
 * ops encrypted with AES-GCM (WebCrypto) under the account's key, which the server puts
 * in the page (#rida-local, rida/views/local_queue.py); the entry's name is the
 * additional data (an entry cannot be moved to another meeting). Beside the ciphertext:
 * `ts`, `closed` and `n` (how many ops: the logout warning counts them), in clear. A page
 * adopts only its account's entries, and can decrypt only those. Without WebCrypto (plain
 * http on another address than localhost: no secure context), nothing is stored: the
 * edits live in the page only, and a notice says so. Entries of the former, unencrypted
 * format (`rida:queue:…`) say nothing of their account: they are dropped, never replayed.
 */
(function () {
  'use strict';

  const PREFIX = 'rida:q:';
  const LEGACY_PREFIX = 'rida:queue:';   // before encryption: no account, dropped
  const STALE_MS = 20000;       // a queue not refreshed for this long belongs to a gone page
  const HEARTBEAT_MS = 5000;
  const MAX_BACKOFF_MS = 10000;
  const TIMEOUT_MS = 20000;      // a request without an answer by then counts as offline
  const OFFLINE_STATUSES = new Set([0, 502, 503, 504]);
  // Chromium lets a page's keepalive requests carry 64 KiB of bodies at once: leave room
  // for the presence's "leave".
  const KEEPALIVE_BUDGET = 60 * 1024;
  /** What a page says in its save status for each state of the queue (pages add
   *  `conflict` and `frozen`, which point to their own messages). */
  const SAVE_STATES = {
    saved: 'Enregistré',
    saving: 'Enregistrement…',
    offline: 'Hors ligne — modifications conservées dans le navigateur',
    auth: 'Session expirée : reconnectez-vous (vos modifications sont conservées)',
    csrf: 'Session modifiée : rechargez la page (vos modifications sont conservées)',
    server: 'Erreur du serveur : nouvel essai automatique (vos modifications sont conservées)',
    storage: 'Attention : le navigateur ne peut pas conserver les modifications non '
      + 'enregistrées (stockage local plein ou désactivé)',
    memory: 'Enregistrement en attente — modifications gardées dans cette page seulement '
      + '(connexion non sécurisée)',
  };
  const MEMORY_NOTICE = 'Connexion non sécurisée (sans HTTPS) : ce navigateur ne peut pas '
    + 'chiffrer les modifications en attente d\'envoi. Elles sont gardées dans cette page '
    + 'seulement, jamais dans le navigateur : ne fermez pas la page avant « Enregistré ».';

  // --- The account's vault: AES-GCM under the key the page was given ----------------

  const encode = (text) => new TextEncoder().encode(text);
  const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
  const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  let vaultFound;

  /** `{tag, key: Promise<CryptoKey>}` of the logged-in account, or null (no key in the
   *  page, or no WebCrypto: not a secure context). */
  function vault() {
    if (vaultFound !== undefined) return vaultFound;
    vaultFound = null;
    const el = document.getElementById('rida-local');
    const subtle = window.isSecureContext && window.crypto && window.crypto.subtle;
    if (el && el.dataset.tag && el.dataset.key && subtle) {
      try {
        const key = subtle.importKey('raw', unb64(el.dataset.key), 'AES-GCM', false,
          ['encrypt', 'decrypt']);
        vaultFound = { tag: el.dataset.tag, key };
        key.catch(() => { /* reported when used */ });
      } catch (e) { /* bad key: nothing stored */ }
    }
    el?.remove();   // the key stays in this page's memory only
    return vaultFound;
  }

  async function seal(v, name, plain) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encode(name) },
      await v.key, encode(plain));
    return { iv: b64(iv), ct: b64(new Uint8Array(ct)) };
  }

  /** The ops of a stored entry, or null when it is not this account's (or damaged). */
  async function unseal(v, name, box) {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: unb64(box.iv), additionalData: encode(name) },
        await v.key, unb64(box.ct));
      const ops = JSON.parse(new TextDecoder().decode(plain));
      return Array.isArray(ops) ? ops : null;
    } catch (e) {
      return null;
    }
  }

  /** Entries of the former format (no account, in clear): removed, once per page. */
  function dropLegacy(storage) {
    const old = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key && key.startsWith(LEGACY_PREFIX)) old.push(key);
    }
    for (const key of old) storage.removeItem(key);
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replaceAll('-', '');
    // crypto.randomUUID needs a secure context; getRandomValues does not.
    return Array.from(crypto.getRandomValues(new Uint8Array(16)),
      (b) => b.toString(16).padStart(2, '0')).join('');
  }

  class Queue {
    /**
     * @param {object} o
     * @param {string} o.meetingId
     * @param {(op: object) => {method: string, url: string, body?: object}} o.request
     * @param {(op: object, data: object) => void} o.onAck       2xx
     * @param {(op: object, data: object) => void} o.onConflict  409: the op is held
     * @param {(op: object, status: number, data: object) => void} o.onReject  dropped
     * @param {(data: object, dropped: object[]) => void} o.onFrozen  409 "validated": all
     *   ops dropped, nothing sent any more
     * @param {(state: string, counts: {pending: number, held: number}) => void} o.onState
     * @param {(op: object, earlier: object) => boolean} [o.waits]  whether `op` must not be
     *   sent before `earlier` (an older op) is acknowledged; without it, every op waits
     */
    constructor(o) {
      Object.assign(this, o);
      this.vault = vault();
      this.memoryOnly = !this.vault;   // no WebCrypto: the edits live in this page only
      this.prefix = `${PREFIX}${this.vault ? this.vault.tag : 'none'}:${o.meetingId}:`;
      this.key = this.prefix + newId();
      this.generation = 0;        // of the ops being encrypted; older results are dropped
      this.sealed = null;         // the last ciphertext written, and its plain text
      this.sealedPlain = null;
      this.writing = Promise.resolve();
      Queue.instances.push(this);
      try { dropLegacy(window.localStorage); } catch (e) { /* storage disabled */ }
      if (this.memoryOnly) showMemoryNotice();
      this.ops = [];
      this.inflight = null;
      this.timer = null;          // pending debounce or retry
      this.timerKind = null;      // 'debounce' | 'retry'
      this.failures = 0;
      this.trouble = null;        // 'offline' | 'auth' | 'csrf' | 'server' while it lasts
      this.storageFailed = false;
      this.closed = false;
      this.lastState = null;
      this.leaving = new Set();   // ops sent with keepalive, answers awaited
      this.leavingOnPurpose = false;   // a link the page offers (log in again): no question
      this.waits = o.waits || (() => true);
    }

    /** Take over the queues this account's closed pages left; resolves to the adopted
     *  ops, in order. */
    async adopt() {
      if (this.memoryOnly) { this.report(); return []; }
      try {
        return await this.adoptFrom(window.localStorage);
      } catch (e) {
        this.storageFailed = true;   // storage disabled: nothing to adopt, nothing kept
        this.report();
        return [];
      }
    }

    async adoptFrom(storage) {
      const now = Date.now();
      const found = [];
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (key && key.startsWith(this.prefix) && key !== this.key) found.push(key);
      }
      const queues = [];
      const taken = [];
      for (const key of found) {
        let stored = null;
        try { stored = JSON.parse(storage.getItem(key)); } catch (e) { /* corrupt */ }
        if (stored && !stored.closed && now - stored.ts < STALE_MS) continue;  // alive
        const ops = stored && stored.ct ? await unseal(this.vault, key, stored) : null;
        taken.push(key);
        if (ops && ops.length) queues.push(ops);
      }
      queues.sort((a, b) => (a[0].t || 0) - (b[0].t || 0));
      const adopted = queues.flat();
      for (const op of adopted) {
        op.held = false;   // a conflict is asked again: the server tells what it holds now
        op.readyAt = 0;
      }
      this.ops.push(...adopted);
      this.persist();
      await this.written();   // kept under this page's key before the others go
      for (const key of taken) storage.removeItem(key);
      return adopted;
    }

    /** Resolves once what the queue holds now is written (encrypted) in localStorage. */
    async written() {
      let seen;
      do {
        seen = this.writing;
        await seen;
      } while (seen !== this.writing);
    }

    /** Start sending; `onAdopt` re-applies ops adopted later (from a page that crashed). */
    start(onAdopt) {
      window.addEventListener('online', () => this.retryNow());
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'hidden') this.sendBeforeLeaving();
      });
      window.addEventListener('pagehide', () => {
        this.sendBeforeLeaving();
        this.closed = true;
        this.persist();
      });
      window.addEventListener('beforeunload', (e) => {
        this.persist();
        if (this.ops.length && !this.frozen && !this.leavingOnPurpose) {   // ask first
          e.preventDefault();
          e.returnValue = '';
        }
      });
      window.addEventListener('pageshow', (e) => {
        if (e.persisted) { this.closed = false; this.persist(); this.retryNow(); }
      });
      setInterval(() => { if (this.ops.length) this.persist(); }, HEARTBEAT_MS);
      setTimeout(async () => {
        const late = await this.adopt();
        if (late.length) { onAdopt(late); this.pump(); }
      }, STALE_MS + 1000);
      this.pump();
    }

    /** Queue `op`, coalescing it with the same field's last op; sent after `delay` ms. */
    put(op, delay = 0) {
      op.t = op.t || Date.now();
      op.readyAt = Date.now() + delay;
      if (op.key) {
        // A field in conflict: keep the latest value in the held op.
        const held = this.ops.find((o) => o.held && o.key === op.key);
        if (held) {
          held.value = op.value;
          this.changed();
          return held;
        }
        // Never into an op already sent once: the server may hold that value already,
        // and a different value on the same old revision would look like a conflict.
        const tail = this.ops[this.ops.length - 1];
        if (tail && tail !== this.inflight && !tail.held && !tail.tried && tail.key === op.key) {
          tail.value = op.value;
          tail.readyAt = Math.max(tail.readyAt, op.readyAt);
          if (delay === 0) tail.readyAt = 0;
          this.changed();
          return tail;
        }
      }
      this.ops.push(op);
      this.changed();
      return op;
    }

    /** Send the op being typed without waiting for the pause (the field lost focus). */
    flush(key) {
      const tail = this.ops[this.ops.length - 1];
      if (tail && tail.key === key && tail.readyAt) {
        tail.readyAt = 0;
        this.changed();
      }
    }

    /** Remove the ops `test` selects (never the one on the wire). */
    drop(test) {
      this.ops = this.ops.filter((o) => o === this.inflight || !test(o));
      this.changed();
    }

    /** Call after changing ops in place: saves them, and sends what is ready. */
    changed() {
      this.persist();
      if (this.timerKind === 'debounce') this.clearTimer();
      this.pump();
    }

    /** Store the ops (encrypted: the write follows a moment later) or remove the entry;
     *  an unchanged queue only refreshes `ts` and `closed`, at once. */
    persist() {
      if (this.memoryOnly) { this.report(); return; }
      try {
        if (this.ops.length) {
          const plain = JSON.stringify(this.ops.map(({ readyAt, ...rest }) => rest));
          if (plain === this.sealedPlain) this.store(this.sealed, this.ops.length);
          else this.reseal(plain, this.ops.length);
        } else {
          this.generation += 1;   // an encryption under way must not write after this
          this.sealed = null;
          this.sealedPlain = null;
          localStorage.removeItem(this.key);
        }
        this.storageFailed = false;
      } catch (e) {
        this.storageFailed = true;   // full or disabled: edits live in this page only
      }
      this.report();
    }

    reseal(plain, n) {
      this.generation += 1;
      const generation = this.generation;
      this.writing = seal(this.vault, this.key, plain).then((box) => {
        if (generation !== this.generation) return;   // a newer state is on its way
        this.sealed = box;
        this.sealedPlain = plain;
        this.store(box, n);
      }).catch(() => {
        this.storageFailed = true;
        this.report();
      });
    }

    store(box, n) {
      localStorage.setItem(this.key, JSON.stringify({ v: 2, ts: Date.now(),
        closed: this.closed, n, ...box }));
    }

    clearTimer() {
      clearTimeout(this.timer);
      this.timer = null;
      this.timerKind = null;
    }

    retryNow() {
      if (this.timerKind === 'retry') this.clearTimer();
      this.pump();
    }

    /** The sender: one op at a time, in order, skipping held (conflicting) ops. */
    pump() {
      if (this.frozen) { this.ops = []; this.persist(); return; }
      if (this.inflight || this.timer || this.leaving.size) return;
      const op = this.ops.find((o) => !o.held);
      if (!op) { this.report(); return; }
      const isTail = op === this.ops[this.ops.length - 1];
      const wait = isTail ? op.readyAt - Date.now() : 0;
      if (wait > 0) {
        this.timerKind = 'debounce';
        this.timer = setTimeout(() => { this.timer = null; this.timerKind = null; this.pump(); },
          wait);
        this.report();
        return;
      }
      this.send(op);
    }

    async send(op) {
      this.inflight = op;
      op.tried = true;
      this.persist();
      const result = await this.fetchOp(op);
      this.inflight = null;
      try {
        await this.handle(op, result);
      } catch (e) {
        console.error(e);
      }
      this.pump();
    }

    fetchOp(op) {
      const req = this.request(op);
      return this.fetchRequest(req, req.body === undefined ? undefined : JSON.stringify(req.body));
    }

    async fetchRequest(req, body, keepalive = false) {
      const controller = new AbortController();
      const timeout = setTimeout(() => controller.abort(), TIMEOUT_MS);
      try {
        const response = await fetch(req.url, {
          method: req.method,
          credentials: 'same-origin',
          cache: 'no-store',
          keepalive,
          signal: controller.signal,
          headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken(),
            Accept: 'application/json' },
          body,
        });
        let data = null;
        try { data = await response.json(); } catch (e) { /* not JSON (proxy error page) */ }
        return { status: response.status, data: data || {} };
      } catch (e) {
        return { status: 0, data: {} };   // refused, reset, aborted: the network
      } finally {
        clearTimeout(timeout);
      }
    }

    async handle(op, { status, data }) {
      if (status >= 200 && status < 300) {
        this.failures = 0;
        this.trouble = null;
        this.ops = this.ops.filter((o) => o !== op);
        safely(() => this.onAck(op, data));
        this.persist();
      } else if (OFFLINE_STATUSES.has(status)) {
        this.retryLater('offline');
      } else if (status === 401) {
        this.retryLater('auth');
      } else if (status === 400 && data.error === 'csrf') {
        // The session changed (new login): fetch a fresh token once, then retry.
        const fresh = Date.now() - (this.tokenRefreshedAt || 0) > 30000 && await refreshToken();
        this.tokenRefreshedAt = Date.now();
        if (!fresh) this.retryLater('csrf');
      } else if (status === 409 && data.error === 'validated') {
        // The compte-rendu was validated meanwhile: every edit would be refused the same
        // way. Drop them all (never retried), stop sending; the page keeps the text shown.
        this.frozen = true;
        const dropped = this.ops;
        this.ops = [];
        safely(() => this.onFrozen(data, dropped));
        this.persist();
      } else if (status === 409) {
        op.held = true;
        safely(() => this.onConflict(op, data));
        this.persist();
      } else if (status >= 500) {
        this.retryLater('server');
      } else {
        this.trouble = null;
        this.ops = this.ops.filter((o) => o !== op);
        safely(() => this.onReject(op, status, data));
        this.persist();
      }
    }

    /**
     * The page is hidden or goes away: send at once, with `keepalive`, every op that waits
     * for no older unacknowledged op (the one on the wire is sent again: a replay), oldest
     * first, as many as the keepalive budget takes. They stay stored until acknowledged. If
     * the page lives on, it takes the acknowledgements; anything else is left to the
     * sender, which resumes once every answer is in.
     */
    sendBeforeLeaving() {
      if (this.frozen || !this.ops.length) return;
      const earlier = [];
      const sent = [];
      let used = 0;
      for (const op of this.ops) {
        if (op.held) continue;   // held ops wait for a choice, not the ops after them
        const blocked = earlier.some((e) => this.waits(op, e));
        earlier.push(op);
        if (blocked || this.leaving.has(op)) continue;
        let req;
        try {
          req = this.request(op);
        } catch (e) {
          console.error(e);
          continue;
        }
        const body = req.body === undefined ? undefined : JSON.stringify(req.body);
        const size = body ? new TextEncoder().encode(body).length : 0;
        if (used + size > KEEPALIVE_BUDGET) continue;   // too big for now: the next page
        used += size;
        op.tried = true;
        this.leaving.add(op);
        sent.push(this.fetchRequest(req, body, true).then((result) => [op, result]));
      }
      if (!sent.length) return;
      if (this.timerKind === 'debounce') this.clearTimer();
      this.persist();
      Promise.all(sent).then((results) => {
        for (const [op, { status, data }] of results) {
          this.leaving.delete(op);
          if (status >= 200 && status < 300 && op !== this.inflight && this.ops.includes(op)) {
            this.failures = 0;
            this.trouble = null;
            this.ops = this.ops.filter((o) => o !== op);
            safely(() => this.onAck(op, data));
          }
        }
        this.persist();
        this.pump();
      });
    }

    retryLater(trouble) {
      this.trouble = trouble;
      this.failures += 1;
      const delay = Math.min(1000 * 2 ** (this.failures - 1), MAX_BACKOFF_MS);
      this.timerKind = 'retry';
      this.timer = setTimeout(() => { this.timer = null; this.timerKind = null; this.pump(); },
        delay);
      this.report();
    }

    /** Tell the editor the state, only when it changes (the status region is live). */
    report() {
      const held = this.ops.filter((o) => o.held).length;
      const pending = this.ops.length - held;
      let state;
      if (this.frozen) state = 'frozen';
      else if (this.storageFailed) state = 'storage';
      else if (pending && this.memoryOnly) state = 'memory';
      else if (pending && this.trouble) state = this.trouble;
      else if (pending) state = 'saving';
      else if (held) state = 'conflict';
      else state = 'saved';
      const signature = `${state}/${pending}/${held}`;
      if (signature === this.lastState) return;
      this.lastState = signature;
      this.onState(state, { pending, held });
    }
  }

  Queue.instances = [];   // this page's queues (the logout warning counts their ops)

  /** The ops this account's entries hold for `meetingId` (tests, and the curious). */
  Queue.stored = async (meetingId) => {
    const v = vault();
    if (!v) return [];
    await Promise.all(Queue.instances.map((q) => q.written()));
    const prefix = `${PREFIX}${v.tag}:${meetingId}:`;
    const found = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key && key.startsWith(prefix)) found.push(key);
    }
    const ops = [];
    for (const key of found) {
      ops.push(...(await unseal(v, key, JSON.parse(localStorage.getItem(key))) || []));
    }
    return ops;
  };

  function showMemoryNotice() {
    const status = document.getElementById('save-status');
    if (!status || document.getElementById('local-notice')) return;
    const p = document.createElement('p');
    p.id = 'local-notice';
    p.className = 'local-notice';
    p.textContent = MEMORY_NOTICE;
    status.insertAdjacentElement('afterend', p);
  }

  /** Run an editor callback; a bug there must not stop the sender. */
  function safely(callback) {
    try {
      callback();
    } catch (e) {
      console.error(e);
    }
  }

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : '';
  }

  /** Read a fresh CSRF token from this page, served again by the server. */
  async function refreshToken() {
    try {
      const response = await fetch(window.location.href, { credentials: 'same-origin',
        cache: 'no-store' });
      const html = await response.text();
      const doc = new DOMParser().parseFromString(html, 'text/html');
      const meta = doc.querySelector('meta[name="csrf-token"]');
      if (!meta || !meta.content || meta.content === csrfToken()) return false;
      document.querySelector('meta[name="csrf-token"]').content = meta.content;
      return true;
    } catch (e) {
      return false;
    }
  }

  window.Rida = Object.assign(window.Rida || {}, { Queue, newId, SAVE_STATES });
})();
