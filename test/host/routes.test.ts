import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRoutes, compileRoute, RouteTemplateError } from '../../src/host/http/routes.js';

test('defaults fill absent parameters', () => {
  const route = compileRoute('reports/{year:int}/{format=json}');
  assert.deepEqual(route.match('reports/2026'), { year: '2026', format: 'json' });
  assert.deepEqual(route.match('reports/2026/csv'), { year: '2026', format: 'csv' });
});

test('constraints with arguments, chained constraints and regex', () => {
  const range = compileRoute('page/{n:int:range(1,10)}');
  assert.deepEqual(range.match('page/10'), { n: '10' });
  assert.equal(range.match('page/11'), undefined);
  assert.equal(range.match('page/x'), undefined);
  const length = compileRoute('code/{c:length(3)}');
  assert.deepEqual(length.match('code/abc'), { c: 'abc' });
  assert.equal(length.match('code/abcd'), undefined);
  const regex = compileRoute('ticket/{id:regex(^INC-\\d{{3}}$)}');
  assert.deepEqual(regex.match('ticket/inc-123'), { id: 'inc-123' }); // regex constraints ignore case
  assert.equal(regex.match('ticket/INC-12'), undefined);
  const bool = compileRoute('flag/{on:bool}');
  assert.deepEqual(bool.match('flag/True'), { on: 'True' });
  assert.equal(bool.match('flag/yes'), undefined);
});

test('segments mixing text and parameters', () => {
  const route = compileRoute('download/{name}.{ext}');
  assert.deepEqual(route.match('download/report.final.pdf'), { name: 'report.final', ext: 'pdf' });
  assert.equal(route.match('download/report'), undefined);
});

test('an optional parameter constrained by type is skipped when absent, checked when present', () => {
  const route = compileRoute('runs/{id:guid?}');
  assert.deepEqual(route.match('runs'), {});
  assert.equal(route.match('runs/nope'), undefined);
});

test('bad templates are errors that say what is wrong', () => {
  assert.throws(() => compileRoute('a/{*rest}/b'), RouteTemplateError);
  assert.throws(() => compileRoute('a/{id:nosuch}'), /Unknown route constraint "nosuch"/);
  assert.throws(() => compileRoute('a/{id'), /unclosed "\{"/);
  assert.throws(() => compileRoute('a/{x}/{X}'), /parameter "x" twice/);
  assert.throws(() => compileRoute('a/{n:range(1)}'), /needs 2 numeric argument/);
});

test('more specific templates sort first: literal, constrained, plain, catch-all', () => {
  const templates = ['items/{*rest}', 'items/{name}', 'items/{id:int}', 'items/special', '{*all}'];
  const sorted = templates.map(compileRoute).sort(compareRoutes).map((r) => r.template);
  assert.deepEqual(sorted, ['items/special', 'items/{id:int}', 'items/{name}', 'items/{*rest}', '{*all}']);
});
