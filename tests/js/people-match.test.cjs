// rida/static/people-match.js under Node: the matcher every person picker uses, and the
// speaker-prefix suggestions built on it. Run by tests/test_people_match.py
// (`node --test tests/js/people-match.test.cjs`).
'use strict';

const assert = require('node:assert/strict');
const test = require('node:test');

const PeopleMatch = require('../../rida/static/people-match.js');
const { Speakers } = require('../../rida/static/speakers.js');

const PEOPLE = [
  'MARTIN Jeanne (DGOS)',
  'SLOSAR Mathieu (ANS)',
  'DUPONT Hélène',
  'LAPEYRIE Jean-Baptiste (ARS)',
  'ŒUVRARD Zoé',
];

test('a first name finds its person whatever the case or accents', () => {
  for (const typed of ['mathieu', 'Mathieu', 'MATHIEU', 'Mathïeu', 'sl ma', 'mat']) {
    assert.deepEqual(PeopleMatch.filter(PEOPLE, typed), ['SLOSAR Mathieu (ANS)'], typed);
  }
  for (const typed of ['helene', 'Hélène', 'HELENE', 'hél']) {
    assert.deepEqual(PeopleMatch.filter(PEOPLE, typed), ['DUPONT Hélène'], typed);
  }
});

test('a last name, an entity, a part of a compound name, a ligature', () => {
  assert.deepEqual(PeopleMatch.filter(PEOPLE, 'slosar'), ['SLOSAR Mathieu (ANS)']);
  assert.deepEqual(PeopleMatch.filter(PEOPLE, 'dgos'), ['MARTIN Jeanne (DGOS)']);
  assert.deepEqual(PeopleMatch.filter(PEOPLE, 'baptiste'), ['LAPEYRIE Jean-Baptiste (ARS)']);
  assert.deepEqual(PeopleMatch.filter(PEOPLE, 'oeuv'), ['ŒUVRARD Zoé']);
  assert.deepEqual(PeopleMatch.filter(PEOPLE, 'zoe oeu'), ['ŒUVRARD Zoé']);
});

test('words match from their start only, and every typed word must match', () => {
  assert.deepEqual(PeopleMatch.filter(PEOPLE, 'thieu'), []);
  assert.deepEqual(PeopleMatch.filter(PEOPLE, 'mathieu martin'), []);
  assert.equal(PeopleMatch.matches('SLOSAR Mathieu', ''), true);
});

test('a name found by its first word comes first, otherwise the given order', () => {
  const people = ['DUPONT Marie', 'MARTIN Jeanne', 'BLANC Marc'];
  assert.deepEqual(PeopleMatch.filter(people, 'mar'), ['MARTIN Jeanne', 'DUPONT Marie', 'BLANC Marc']);
  const items = people.map((label, id) => ({ id, label }));
  assert.deepEqual(PeopleMatch.filter(items, 'jea', (p) => p.label).map((p) => p.id), [1]);
});

/** A speaker list under Node: its options are only remembered. */
function speakerList(prefixes) {
  const list = { addEventListener() {}, replaceChildren() {}, hidden: true };
  const field = {
    value: '', selectionStart: 0, selectionEnd: 0,
    after() {}, setAttribute() {}, removeAttribute() {},
  };
  const speakers = new Speakers(list, prefixes, () => {});
  speakers.render = () => { list.hidden = false; };   // no DOM here
  const type = (text) => {
    field.value = text;
    field.selectionStart = field.selectionEnd = text.length;
    speakers.update(field);
    return speakers.isOpen ? speakers.matches : [];
  };
  return { speakers, type };
}

test('speaker prefixes are found by any of their words, accents and case ignored', () => {
  const { type } = speakerList(['LIFEN : ', 'ESEA Nouvelle Aquitaine : ', 'GCS SARA : ']);
  assert.deepEqual(type('ESEA Nou'), ['ESEA Nouvelle Aquitaine : ']);
  assert.deepEqual(type('- NOUV'), ['ESEA Nouvelle Aquitaine : ']);
  assert.deepEqual(type('Nouv'), ['ESEA Nouvelle Aquitaine : ']);
  assert.deepEqual(type('SARA'), ['GCS SARA : ']);
  assert.deepEqual(type('Le projet'), []);
});

test('a participant\'s organisation is offered once, if it reads as a speaker', () => {
  const { speakers, type } = speakerList(['LIFEN : ']);
  assert.equal(speakers.offer('ENOVACOM'), true);
  assert.equal(speakers.offer('Enovacom'), false);   // the same, already offered
  assert.equal(speakers.offer('Agence du Numérique en Santé'), false);   // not a speaker
  assert.equal(speakers.offer(''), false);
  assert.deepEqual(type('ENO'), ['ENOVACOM : ']);
});
