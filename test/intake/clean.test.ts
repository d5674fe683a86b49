// clean(): untrusted text made safe. Plain printable ASCII takes a shortcut (trim and cap only); everything
// else is cleaned in full. Both must give what the full cleaning gives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clean } from '../../src/incident/index.js';

test('printable ASCII: trimmed when single-line, kept as is otherwise, capped with an ellipsis', () => {
  assert.equal(clean('  Repository was destroyed  ', 100, true), 'Repository was destroyed');
  assert.equal(clean('  keep the blanks  ', 100, false), '  keep the blanks  ');
  assert.equal(clean('abcdef', 4, true), 'abc…');
  assert.equal(clean('', 10, true), '');
  assert.equal(clean(' ~!"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}', 100, false), ' ~!"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}');
});

test('anything else is cleaned in full: controls, DEL, bidi, zero-width, lone surrogates, line breaks, NFC', () => {
  assert.equal(clean('a\tb\r\nc', 100, true), 'a b c');
  assert.equal(clean('a\tb\r\nc', 100, false), 'a\tb\r\nc');
  assert.equal(clean('x\u0000y\u007fz~', 100, true), 'xyz~');
  assert.equal(clean('Repo\u202Eexe.txt\u200B', 100, true), 'Repoexe.txt');
  assert.equal(clean('e\u0301', 10, true), '\u00e9');
  assert.equal(clean('ok \ud800 ok', 100, true), 'ok \uFFFD ok');
  assert.equal(clean('\u00e9'.repeat(10), 4, true), '\u00e9\u00e9\u00e9…');
  assert.equal(clean('ab\ud83d\ude00cd', 4, true), 'ab…', 'a surrogate pair is not split');
});

test('Arabic letter mark, tag characters and (in single-line text) line and paragraph separators', () => {
  assert.equal(clean('abc\u061Cdef', 100, true), 'abcdef');
  assert.equal(clean('pay\uFFF9hidden\uFFFAnote\uFFFBnow', 100, true), 'payhiddennotenow');
  assert.equal(clean('a\u{E0001}\u{E0041}\u{E0042}\u{E007F}b', 100, false), 'ab');
  assert.equal(clean('line1\u2028line2\u2029line3', 100, true), 'line1 line2 line3');
  assert.equal(clean('line1\u2028line2\u2029line3', 100, false), 'line1\u2028line2\u2029line3', 'multi-line text keeps its breaks');
});

test('credentials are redacted before the cap, so that a cut cannot leave a token short of its recognisable form', () => {
  const token = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
  assert.equal(clean(`Leaked ${token} here`, 100, true), 'Leaked [REDACTED] here');
  assert.equal(clean(`Leaked\u200B ${token}`, 100, false), 'Leaked [REDACTED]');
  assert.equal(clean(`Leaked ${token}`, 14, true), 'Leaked [REDAC…');
});

test('words that carry credentials in headers and query strings are ordinary words in incident text', () => {
  assert.equal(clean('Sign-ins using Basic authentication', 100, true), 'Sign-ins using Basic authentication');
  assert.equal(clean('Refresh token replay-detected, code=1', 100, true), 'Refresh token replay-detected, code=1');
});
