#!/usr/bin/env node
// Lists source functions (declarations, expressions, arrows, methods) in libs/*/src and
// services/*/src longer than a limit (default 150 lines): issue 16 keeps at most 5 of them.
// Usage: node bin/long-functions.mjs [limit]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const limit = Number(process.argv[2] ?? 150);
const files = execFileSync('git', ['ls-files', 'libs/*/src/**.ts', 'services/*/src/**.ts'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f !== '' && !f.endsWith('.test.ts'));

const isFunction = (n) =>
  ts.isFunctionDeclaration(n) ||
  ts.isFunctionExpression(n) ||
  ts.isArrowFunction(n) ||
  ts.isMethodDeclaration(n);

const nameOf = (n) =>
  n.name?.getText() ??
  (ts.isVariableDeclaration(n.parent) || ts.isPropertyAssignment(n.parent)
    ? n.parent.name.getText()
    : '<anonymous>');

const long = [];
for (const file of files) {
  const src = ts.createSourceFile(
    file,
    readFileSync(`${root}/${file}`, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const visit = (n) => {
    if (isFunction(n)) {
      const first = src.getLineAndCharacterOfPosition(n.getStart()).line;
      const lines = src.getLineAndCharacterOfPosition(n.getEnd()).line - first + 1;
      if (lines > limit) long.push({ lines, where: `${file}:${first + 1}`, name: nameOf(n) });
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
}
long.sort((a, b) => b.lines - a.lines);
for (const f of long) process.stdout.write(`${f.lines}\t${f.where}\t${f.name}\n`);
process.stdout.write(`${long.length} functions over ${limit} lines in ${files.length} files\n`);
