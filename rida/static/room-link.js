/* rida — the « Diffusion en salle » panel of the read view: « Copier le lien » copies the
 * room link just made (shown once). Without JavaScript the field is there to select and
 * copy by hand; the button stays hidden. */
(function () {
  'use strict';

  const button = document.getElementById('room-link-copy');
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  const said = document.getElementById('room-link-copied');
  if (!field) return;
  button.hidden = false;

  button.addEventListener('click', async () => {
    field.focus();
    field.select();
    let done = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(field.value);
        done = true;
      } else {
        done = document.execCommand('copy');
      }
    } catch (e) {
      done = false;
    }
    said.textContent = done ? 'Lien copié.' : 'Copie impossible : le lien est sélectionné, copiez-le (Ctrl+C).';
  });
})();
