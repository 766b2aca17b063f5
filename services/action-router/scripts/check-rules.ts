/**
 * Validates the routing rules and runs the examples against them:
 *   npm run rules:check -w @hark/action-router [-- <rules.yaml> <examples.yaml>]
 * Exits 1 with each problem (file:line:column) or each rerouted example.
 */
import { isHarkError } from '@hark/errors';
import { checkExamplesFile, loadRuleset } from '../src/adapters/load-rules.ts';

const [rulesFile = 'rules/routing.yaml', examplesFile = 'rules/examples.yaml'] =
  process.argv.slice(2);
try {
  const ruleset = loadRuleset(rulesFile);
  const mismatches = checkExamplesFile(examplesFile, ruleset);
  for (const m of mismatches) {
    console.log(`${examplesFile}:${m.line}: "${m.example}"`);
    console.log(`  expected: ${m.expected.join('; ') || '(no route)'}`);
    console.log(`  actual:   ${m.actual.join('; ') || '(no route)'}`);
  }
  if (mismatches.length > 0) process.exit(1);
  console.log(
    `${rulesFile}: ${ruleset.rules.length} rules, version ${ruleset.version}; examples route as expected`,
  );
} catch (err) {
  if (!isHarkError(err)) throw err;
  console.error(err.message);
  process.exit(1);
}
