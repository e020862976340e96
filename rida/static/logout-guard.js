/* rida — « Se déconnecter » with edits not yet sent: ask first.
 *
 * The edits waiting to be sent are this page's queues (autosave.js, in memory) and the
 * entries this account's other pages left in localStorage (named with the account's tag,
 * `n` ops each). With any, the logout form opens a dialog saying how many, and what
 * becomes of them: kept encrypted in this browser for this account only, sent at its next
 * login (or, without WebCrypto, lost with the page). « Rester » stays, « Se déconnecter
 * quand même » logs out.
 */
(function () {
  'use strict';

  const form = document.getElementById('logout-form');
  if (!form) return;

  function count() {
    const queues = window.Rida?.Queue?.instances || [];
    const own = new Set(queues.map((q) => q.key));
    let stored = 0;
    let lost = 0;
    for (const q of queues) {
      if (q.frozen) continue;
      if (q.memoryOnly) lost += q.ops.length;
      else stored += q.ops.length;
    }
    const prefix = `rida:q:${form.dataset.localTag}:`;
    try {
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i);
        if (!form.dataset.localTag || !key || !key.startsWith(prefix) || own.has(key)) continue;
        stored += Number(JSON.parse(localStorage.getItem(key))?.n) || 0;
      }
    } catch (e) { /* storage disabled: nothing there */ }
    return { stored, lost };
  }

  function message({ stored, lost }) {
    const n = stored + lost;
    const s = n > 1 ? 's' : '';
    const parts = [`${n} modification${s} ${n > 1 ? 'ne sont' : 'n\'est'} pas encore `
      + `enregistrée${s} sur le serveur.`];
    if (stored) {
      parts.push(`${stored > 1 ? 'Elles restent' : 'Elle reste'} dans ce navigateur, `
        + 'chiffrée' + (stored > 1 ? 's' : '') + ' pour votre compte seul : '
        + `${stored > 1 ? 'elles seront envoyées' : 'elle sera envoyée'} quand vous vous `
        + 'reconnecterez ici avec ce compte. Un autre compte ne peut ni les lire ni les envoyer.');
    }
    if (lost) {
      parts.push(`${lost} modification${lost > 1 ? 's' : ''}, gardée${lost > 1 ? 's' : ''} `
        + 'dans cette page seulement (connexion non sécurisée), '
        + `${lost > 1 ? 'seront perdues' : 'sera perdue'}.`);
    }
    return parts.join(' ');
  }

  function dialog() {
    let box = document.getElementById('logout-dialog');
    if (box) return box;
    box = document.createElement('dialog');
    box.id = 'logout-dialog';
    box.className = 'confirm';
    box.setAttribute('aria-labelledby', 'logout-dialog-title');
    box.setAttribute('aria-describedby', 'logout-dialog-text');
    box.innerHTML = '<form method="dialog"><h2 id="logout-dialog-title">Modifications en '
      + 'attente d\'envoi</h2><p id="logout-dialog-text"></p><p class="dialog-buttons">'
      + '<button type="submit" value="stay" class="secondary" autofocus>Rester</button> '
      + '<button type="submit" value="leave" class="danger">Se déconnecter quand même</button>'
      + '</p></form>';
    document.body.append(box);
    return box;
  }

  async function leave() {
    const queues = window.Rida?.Queue?.instances || [];
    for (const q of queues) q.leavingOnPurpose = true;   // no second question on leaving
    await Promise.all(queues.map((q) => (q.written ? q.written() : null)));
    form.submit();
  }

  form.addEventListener('submit', (e) => {
    const pending = count();
    if (!pending.stored && !pending.lost) return;
    e.preventDefault();
    const box = dialog();
    box.querySelector('#logout-dialog-text').textContent = message(pending);
    box.returnValue = '';
    box.addEventListener('close', () => { if (box.returnValue === 'leave') leave(); },
      { once: true });
    box.showModal();
  });
})();
