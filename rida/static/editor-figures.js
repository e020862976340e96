/* Figures in the editor: the upload form of the Résultats section sends the image and its
   alternative text, then inserts the Markdown that shows it at the cursor of the
   Résultats field (saved as any typing is) and lists it under « Figures de la réunion ».
   Deleting a listed figure asks first, then takes its Markdown out of the editor's texts
   (saved as typing). Errors are read out in French. */
(function () {
  'use strict';
  const form = document.getElementById('figure-upload');
  if (!form) return;
  const status = document.getElementById('figure-status');
  const results = document.getElementById('f-results');
  const items = document.getElementById('figure-items');
  const empty = document.getElementById('figures-empty');
  const template = document.getElementById('figure-template');

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
    listFigure(answer, form.elements.alt.value.trim());
    const at = results.selectionStart ?? results.value.length;
    const before = results.value.slice(0, at);
    const gap = before && !before.endsWith('\n\n') ? (before.endsWith('\n') ? '\n' : '\n\n') : '';
    results.value = `${before}${gap}${answer.markdown}\n\n${results.value.slice(at)}`;
    results.dispatchEvent(new Event('input', { bubbles: true }));
    form.reset();
    say(`Figure ${answer.number} ajoutée aux Résultats : ${answer.markdown}`, false);
    results.focus();
  });

  function listFigure(answer, alt) {
    const item = template.content.firstElementChild.cloneNode(true);
    item.id = `figure-${answer.number}`;
    item.dataset.number = answer.number;
    const img = item.querySelector('img');
    img.src = answer.url;
    img.alt = alt;
    img.removeAttribute('width');
    img.removeAttribute('height');
    item.querySelector('.figure-name').textContent = `Figure ${answer.number}`;
    item.querySelector('form').action = answer.delete_url;
    item.querySelector('button').textContent = `Supprimer la figure ${answer.number}`;
    items.append(item);
    empty.hidden = true;
  }

  // The Markdown that shows figure `number` (as rida/compte_rendu/figures.py reads it).
  function references(number) {
    return new RegExp(`!\\[[^\\]\\n]*\\]\\(\\s*<?figure:${number}>?\\s*\\)`, 'g');
  }

  function forget(number) {
    document.querySelectorAll('#editor textarea').forEach((field) => {
      const pattern = references(number);
      if (!pattern.test(field.value)) return;
      field.value = field.value.replace(references(number), '').replace(/\n{3,}/g, '\n\n');
      field.dispatchEvent(new Event('input', { bubbles: true }));
      field.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }

  items.addEventListener('submit', async (event) => {
    const del = event.target.closest('form.figure-delete');
    if (!del) return;
    event.preventDefault();
    const item = del.closest('li');
    const number = item.dataset.number;
    const ok = await window.Rida.Dom.confirmDialog(`Supprimer la figure ${number} ?`,
      `L'image sera supprimée de la réunion et retirée des textes qui l'affichent. `
      + 'Les versions déjà validées la gardent.', 'Supprimer');
    if (!ok) { del.querySelector('button').focus(); return; }
    let answer;
    try {
      const response = await fetch(del.action, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'X-CSRFToken': token(), Accept: 'application/json' },
      });
      answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        say(answer.message || `La figure ${number} n'a pas été supprimée (erreur ${response.status}).`, true);
        return;
      }
    } catch (e) {
      say(`La figure ${number} n'a pas été supprimée : connexion au serveur impossible.`, true);
      return;
    }
    forget(number);
    item.remove();
    empty.hidden = items.children.length > 0;
    say(`Figure ${number} supprimée.`, false);
    document.getElementById('figure-file').focus();
  });
}());
