// Determinism lint for playbook files. A playbook runs as a durable orchestration and is replayed from
// history many times, so it must not read the clock, random numbers, the network, timers, the process or
// Node built-ins: every effect goes through an action. This parses each file with the TypeScript compiler
// API (no type checking needed) and reports `file:line:col` for each forbidden use.
import { builtinModules } from 'node:module';
import ts from 'typescript';

export type DeterminismRule =
  | 'node-builtin'
  | 'fetch'
  | 'clock'
  | 'random'
  | 'timer'
  | 'process'
  | 'crypto'
  | 'async';

export interface DeterminismFinding {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  rule: DeterminismRule;
  message: string;
}

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

const forbiddenGlobals: Readonly<Record<string, { rule: DeterminismRule; message: string }>> = {
  fetch: { rule: 'fetch', message: '`fetch` is a side effect: call an action instead' },
  setTimeout: { rule: 'timer', message: '`setTimeout` does not survive replay: use a durable timer (ctx.sleep)' },
  setInterval: { rule: 'timer', message: '`setInterval` does not survive replay: use a durable timer (ctx.sleep)' },
  setImmediate: { rule: 'timer', message: '`setImmediate` does not survive replay' },
  process: { rule: 'process', message: '`process` (environment, time, exit) is not deterministic: use playbook settings' },
  crypto: { rule: 'crypto', message: '`crypto` is not deterministic: use ctx.newGuid()' },
};

/** Lints one file's source text. `file` is only used in the findings. */
export function lintPlaybookSource(file: string, text: string): DeterminismFinding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const findings: DeterminismFinding[] = [];
  const report = (node: ts.Node, rule: DeterminismRule, message: string): void => {
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
    findings.push({ file, line: line + 1, column: character + 1, rule, message });
  };
  const checkModule = (specifier: ts.Expression | undefined, node: ts.Node): void => {
    if (specifier && ts.isStringLiteralLike(specifier) && builtins.has(specifier.text)) {
      report(node, 'node-builtin', `import of Node built-in '${specifier.text}' in a playbook`);
    }
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      checkModule(node.moduleSpecifier, node);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      checkModule(node.moduleReference.expression, node);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) {
        checkModule(node.arguments[0], node);
      }
      if (ts.isIdentifier(callee) && callee.text === 'Date') {
        report(node, 'clock', '`Date()` reads the clock: use ctx.now()');
      }
    } else if (ts.isNewExpression(node)) {
      if (ts.isIdentifier(node.expression) && node.expression.text === 'Date' && (node.arguments?.length ?? 0) === 0) {
        report(node, 'clock', '`new Date()` reads the clock: use ctx.now()');
      }
    } else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const target = `${node.expression.text}.${node.name.text}`;
      if (target === 'Date.now') report(node, 'clock', '`Date.now` reads the clock: use ctx.now()');
      if (target === 'Math.random') report(node, 'random', '`Math.random` is not deterministic: use ctx.newGuid()');
      if (target === 'performance.now') report(node, 'clock', '`performance.now` reads the clock: use ctx.now()');
    } else if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) {
      report(node, 'async', '`await` does not survive replay: yield* a step (ctx.run, ctx.sleep) instead');
    } else if (ts.isFunctionLike(node) && ts.getModifiers(node as ts.FunctionLikeDeclaration)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      report(node, 'async', 'an async function in a playbook runs outside the orchestration: write a generator step instead');
    } else if (ts.isIdentifier(node) && Object.hasOwn(forbiddenGlobals, node.text) && isValueReference(node)) {
      const { rule, message } = forbiddenGlobals[node.text]!;
      report(node, rule, message);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

/** True when the identifier names a value (not a property name, a declaration name or a type). */
function isValueReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (ts.isQualifiedName(parent)) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) ||
    ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent)) && parent.name === node) return false;
  if ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isFunctionDeclaration(parent) ||
    ts.isBindingElement(parent)) && parent.name === node) return false;
  if (ts.isImportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent)) return false;
  if (ts.isTypeReferenceNode(parent)) return false;
  return true;
}

export function formatFinding(f: DeterminismFinding): string {
  return `${f.file}:${f.line}:${f.column} ${f.message} [${f.rule}]`;
}
