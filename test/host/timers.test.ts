import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedule, ScheduleError } from '../../src/host/timers.js';

const at = (iso: string): number => Date.parse(iso);
const next = (expression: string, afterIso: string): string | undefined => {
  const ms = parseSchedule(expression).next(at(afterIso));
  return ms === undefined ? undefined : new Date(ms).toISOString();
};

test('NCRONTAB: every field form', () => {
  assert.equal(next('*/15 * * * * *', '2026-01-01T00:00:07Z'), '2026-01-01T00:00:15.000Z');
  assert.equal(next('0 */5 * * * *', '2026-01-01T00:05:00Z'), '2026-01-01T00:10:00.000Z'); // strictly after
  assert.equal(next('0 30 9 * * *', '2026-01-01T10:00:00Z'), '2026-01-02T09:30:00.000Z');
  assert.equal(next('0 0 9-17/4 * * *', '2026-01-01T14:00:00Z'), '2026-01-01T17:00:00.000Z');
  assert.equal(next('0 0 0 1,15 * *', '2026-01-02T00:00:00Z'), '2026-01-15T00:00:00.000Z');
  assert.equal(next('0 0 0 1 JAN,jul *', '2026-02-01T00:00:00Z'), '2026-07-01T00:00:00.000Z');
  assert.equal(next('10/20 * * * * *', '2026-01-01T00:00:31Z'), '2026-01-01T00:00:50.000Z');
});

test('NCRONTAB: day-of-week, by number and name, both must match with day-of-month', () => {
  // 2026-01-01 is a Thursday.
  assert.equal(next('0 0 3 * * MON-FRI', '2026-01-02T05:00:00Z'), '2026-01-05T03:00:00.000Z');
  assert.equal(next('0 0 0 * * 0', '2026-01-01T00:00:00Z'), '2026-01-04T00:00:00.000Z');
  // The 13th that is a Friday: February 2026.
  assert.equal(next('0 0 0 13 * 5', '2026-01-01T00:00:00Z'), '2026-02-13T00:00:00.000Z');
});

test('NCRONTAB: a date that never comes has no next occurrence', () => {
  assert.equal(next('0 0 0 30 2 *', '2026-01-01T00:00:00Z'), undefined);
});

test('TimeSpan schedules count from the given time', () => {
  assert.equal(next('00:10:00', '2026-01-01T00:00:07Z'), '2026-01-01T00:10:07.000Z');
  assert.equal(next('1.02:00:00', '2026-01-01T00:00:00Z'), '2026-01-02T02:00:00.000Z');
});

test('bad schedules are errors that name the problem', () => {
  assert.throws(() => parseSchedule('0 */5 * * *'), /must have six fields/);
  assert.throws(() => parseSchedule('0 61 * * * *'), /minute value "61" is outside 0-59/);
  assert.throws(() => parseSchedule('0 0 0 * * FUNDAY'), ScheduleError);
  assert.throws(() => parseSchedule('*/0 * * * * *'), /step "0" must be a positive integer/);
  assert.throws(() => parseSchedule('00:00:00'), /not a positive TimeSpan/);
});
