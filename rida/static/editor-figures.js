/* Figures in the editor: the upload form of the Résultats section sends the image and its
   alternative text, then inserts the Markdown that shows it at the cursor of the
   Résultats field (saved as any typing is). Errors are read out in French. */
(function () {
  'use strict';
  const form = document.getElementById('figure-upload');
  if (!form) return;
  const status = document.getElementById('figure-status');
  const results = document.getElementById('f-results');

  function token() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : '';
  }

  function say(text, error) {
    status.textContent = text;
    status.classList.toggle('error', Boolean(error));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    say('Envoi de la figure…', false);
    let answer;
    try {
      const response = await fetch(form.action, {
        method: 'POST', body: new FormData(form), credentials: 'same-origin',
        headers: { 'X-CSRFToken': token() },
      });
      answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        say(answer.message || `La figure n'a pas été ajoutée (erreur ${response.status}).`, true);
        const field = answer.path === 'alt' ? 'figure-alt' : 'figure-file';
        document.getElementById(field).focus();
        return;
      }
    } catch (e) {
      say("La figure n'a pas été envoyée : connexion au serveur impossible.", true);
      return;
    }
    const at = results.selectionStart ?? results.value.length;
    const before = results.value.slice(0, at);
    const gap = before && !before.endsWith('\n\n') ? (before.endsWith('\n') ? '\n' : '\n\n') : '';
    results.value = `${before}${gap}${answer.markdown}\n\n${results.value.slice(at)}`;
    results.dispatchEvent(new Event('input', { bubbles: true }));
    form.reset();
    say(`Figure ${answer.number} ajoutée aux Résultats : ${answer.markdown}`, false);
    results.focus();
  });
}());
