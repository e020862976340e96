// rida/static/speakers.js under Node: the shared fixture, and the suggestions it offers.
// Run by tests/test_speaker_prefixes.py (`node --test tests/js/speakers.test.cjs`).
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const test = require('node:test');

const { Speakers, speakerRule } = require('../../rida/static/speakers.js');

const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'speaker_prefixes.json'), 'utf8'),
);

test('the fixture has cases', () => {
  assert.ok(fixture.cases.length >= 30);
});

for (const [i, c] of fixture.cases.entries()) {
  test(`case ${i}: ${JSON.stringify(c.text).slice(0, 60)}`, () => {
    assert.deepEqual(speakerRule.names(c.text), c.speakers);
  });
}

test('the editor offers only what the rule reads as one speaker', () => {
  const list = { addEventListener() {} };
  const offered = ['LIFEN : ', 'ESEA Nouvelle Aquitaine : ', 'Ville de Paris : ', 'NB : '];
  const speakers = new Speakers(list, offered, () => {});
  assert.deepEqual(speakers.speakers, ['LIFEN : ', 'ESEA Nouvelle Aquitaine : ']);
});

test('isSpeaker', () => {
  assert.equal(speakerRule.isSpeaker('GCS SARA'), true);
  assert.equal(speakerRule.isSpeaker('Agence du Numérique en Santé'), false);
  assert.equal(speakerRule.isSpeaker('ENOVACOM (absent)'), false);
});
