/* rida — how every person picker matches what is typed (owner of an action, organiser and
 * rapporteur, participant name, speaker prefix, account's person).
 *
 * A name matches when every typed word starts one of its words: « mathieu », « Mathieu »
 * and « MATHIEU » find « Mathieu SLOSAR (ANS) », « slo ma » too; case and accents do not
 * count (« helene » finds « Hélène »). Words are cut at spaces, hyphens, apostrophes,
 * brackets and other punctuation, so « pierre » also finds « Jean-Pierre ».
 *
 * A browser script (window.Rida.PeopleMatch); under Node (tests/js/people-match.test.cjs)
 * the same object is module.exports.
 */
(function (root) {
  'use strict';

  /** Lower case without accents (« Hélène » → « helene », « Œ » → « oe »). */
  function fold(text) {
    return String(text ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .toLowerCase().replace(/œ/g, 'oe').replace(/æ/g, 'ae');
  }

  /** The folded words of `text`. */
  function words(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  /** Whether `typed` finds `name`: each typed word starts one of the name's words. An empty
   *  `typed` finds every name. */
  function matches(name, typed) {
    const wanted = words(typed);
    if (!wanted.length) return true;
    const have = words(name);
    return wanted.every((w) => have.some((h) => h.startsWith(w)));
  }

  /** How well `typed` finds `name` (lower is better; Infinity: not at all): a name whose
   *  first word is found comes before one found by a later word, so that « mar » lists
   *  MARTIN before « Marie DUPONT ». */
  function rank(name, typed) {
    if (!matches(name, typed)) return Infinity;
    const wanted = words(typed);
    const have = words(name);
    if (!wanted.length) return 0;
    const first = have.findIndex((h) => h.startsWith(wanted[0]));
    return first === 0 ? 0 : 1;
  }

  /** The items of `items` (`label(item)` their name) that `typed` finds, best first, in
   *  their order otherwise (a stable sort). */
  function filter(items, typed, label = (x) => x) {
    return items
      .map((item, i) => ({ item, i, r: rank(label(item), typed) }))
      .filter((x) => x.r !== Infinity)
      .sort((a, b) => a.r - b.r || a.i - b.i)
      .map((x) => x.item);
  }

  const PeopleMatch = { fold, words, matches, rank, filter };
  if (typeof module !== 'undefined' && module.exports) module.exports = PeopleMatch;
  if (root) root.Rida = Object.assign(root.Rida || {}, { PeopleMatch });
})(typeof window !== 'undefined' ? window : null);
