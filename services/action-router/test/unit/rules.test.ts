import { readFileSync } from 'node:fs';
import { isHarkError } from '@hark/errors';
import { makeMention, makeResolvedMention } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import { checkExamplesFile, loadRuleset, REPO_ROOT } from '../../src/adapters/load-rules.ts';
import { checkExamples, parseExamples } from '../../src/domain/rules/examples.ts';
import { buildAction, routeMention } from '../../src/domain/rules/route-mention.ts';
import { fold, parseRuleset } from '../../src/domain/rules/ruleset.ts';

function invalid(text: string): string {
  try {
    parseRuleset(text, 'rules/test.yaml');
  } catch (err) {
    if (isHarkError(err) && err.code === 'HARK_RULES_INVALID') return err.message;
    throw err;
  }
  throw new Error('the rules were accepted');
}

const rule = (when: string, then = 'queue: cs') =>
  `version: 1\nrules:\n  - id: r1\n    when:\n${when}\n    then:\n      ${then}\n`;

describe('the rules in the repository', () => {
  it('rules/routing.yaml is valid and every example in rules/examples.yaml routes as expected', () => {
    const ruleset = loadRuleset('rules/routing.yaml');
    expect(ruleset.rules.length).toBeGreaterThan(5);
    const mismatches = checkExamplesFile('rules/examples.yaml', ruleset);
    expect(
      mismatches.map(
        (m) => `line ${m.line} "${m.example}": expected [${m.expected}] got [${m.actual}]`,
      ),
    ).toEqual([]);
  });

  it('every rule is exercised by at least one example', () => {
    const ruleset = loadRuleset('rules/routing.yaml');
    const examples = parseExamples(
      readFileSync(`${REPO_ROOT}rules/examples.yaml`, 'utf8'),
      'rules/examples.yaml',
    );
    const routed = new Set(examples.flatMap((e) => e.routes.map((r) => r.ruleId)));
    const unexercised = ruleset.rules.map((r) => r.id).filter((id) => !routed.has(id));
    expect(unexercised).toEqual([]);
  });
});

describe('rule validation names the file, the line and the reason', () => {
  it.each([
    [
      'an unknown condition, with the likely key',
      rule('      intnet: [complaint]'),
      'rules/test.yaml:5:7: rules[0].when.intnet: unknown key "intnet" (did you mean "intent"?)',
    ],
    [
      'an unknown intent label',
      rule('      intent: [complaint, compliant]'),
      'rules/test.yaml:5:27: rules[0].when.intent[1]: unknown value "compliant" (did you mean "complaint"?)',
    ],
    [
      'a confidence above 1',
      rule('      intentConfidence: { min: 1.5 }'),
      'rules/test.yaml:5:32: rules[0].when.intentConfidence.min: "rules[0].when.intentConfidence.min" must be between 0 and 1, got 1.5',
    ],
    [
      'min above max',
      rule('      reach: { min: 10, max: 5 }'),
      'rules/test.yaml:5:14: rules[0].when.reach: "rules[0].when.reach" has min 10 above max 5',
    ],
    [
      'a missing queue',
      rule('      intent: complaint', 'priority: high'),
      'rules/test.yaml:7:7: rules[0].then.queue: missing required key "queue"',
    ],
    [
      'an unknown priority',
      rule('      intent: complaint', 'queue: cs\n      priority: asap'),
      'rules/test.yaml:8:17: rules[0].then.priority: unknown value "asap"',
    ],
    [
      'a queue name with spaces',
      rule('      intent: complaint', 'queue: customer service'),
      'rules/test.yaml:7:14: rules[0].then.queue: "rules[0].then.queue" "customer service" must match',
    ],
    [
      'a missing version',
      'rules:\n  - id: a\n    when: {}\n    then: { queue: cs }\n',
      'rules/test.yaml:1:1: version: missing required key "version"',
    ],
    [
      'an empty rule list',
      'version: 1\nrules: []\n',
      'rules/test.yaml:2:8: rules: "rules" is empty',
    ],
    [
      'broken YAML',
      'version: 1\nrules:\n  - id: a\n    when: {intent: [complaint}\n',
      'rules/test.yaml:4:',
    ],
  ])('%s', (_, text, expected) => {
    expect(invalid(text)).toContain(expected);
  });

  it('a duplicate rule id points at the second one and names the first line', () => {
    const text =
      'version: 1\nrules:\n  - id: a\n    when: {}\n    then: { queue: cs }\n  - id: a\n    when: {}\n    then: { queue: pr }\n';
    expect(invalid(text)).toContain(
      'rules/test.yaml:6:5: rules[1].id: duplicate rule id "a" (first at line 3)',
    );
  });

  it('every problem of a file is listed, not only the first', () => {
    const message = invalid(
      rule('      intent: [nope]\n      sentiment: [meh]\n      colour: red'),
    );
    expect(message).toMatch(/3 problems/);
    expect(message.split('\n')).toHaveLength(4);
  });

  it('a missing file is a clear error naming it', () => {
    expect(() => loadRuleset('rules/does-not-exist.yaml')).toThrow(
      /does-not-exist\.yaml: cannot read/,
    );
  });
});

describe('routing', () => {
  const ruleset = parseRuleset(
    `version: v7
rules:
  - id: pr
    when: { keywords: [class action, "#boycott"], sentiment: negative }
    then: { queue: pr, priority: urgent, continue: true }
  - id: vip
    when: { customer: known, customerTier: [Gold], intent: complaint }
    then: { queue: customer-service, priority: high }
  - id: any-complaint
    when: { intent: complaint }
    then: { queue: customer-service, priority: low }
`,
    'r.yaml',
  );
  const complaint = (over: Parameters<typeof makeResolvedMention>[0] = {}) =>
    makeResolvedMention(over);

  it('the first matching rule stops the evaluation', () => {
    expect(routeMention(complaint(), ruleset).map((r) => r.ruleId)).toEqual(['vip']);
  });

  it('a rule with continue lets later rules route the mention too', () => {
    const m = complaint({
      mention: makeMention({ text: 'Joining the CLASS   action against acme' }),
    });
    expect(routeMention(m, ruleset).map((r) => `${r.ruleId}:${r.queue}:${r.priority}`)).toEqual([
      'pr:pr:urgent',
      'vip:customer-service:high',
    ]);
  });

  it('a matched hashtag in the mention keywords counts as a keyword', () => {
    const m = complaint({
      mention: makeMention({ text: 'no words here', keywords: ['#Boycott'] }),
    });
    expect(routeMention(m, ruleset)[0]!.ruleId).toBe('pr');
  });

  it('a tier is compared without case and only for linked customers', () => {
    const base = makeResolvedMention();
    const review = complaint({ customer: { ...base.customer, status: 'review' } });
    const silver = complaint({ customer: { ...base.customer, customerTier: 'silver' } });
    expect(routeMention(review, ruleset).map((r) => r.ruleId)).toEqual(['any-complaint']);
    expect(routeMention(silver, ruleset).map((r) => r.ruleId)).toEqual(['any-complaint']);
  });

  it('nothing matches praise', () => {
    const base = makeResolvedMention();
    expect(
      routeMention(complaint({ intent: { ...base.intent, label: 'praise' } }), ruleset),
    ).toEqual([]);
  });

  it('the reasons say which conditions held', () => {
    expect(routeMention(complaint(), ruleset)[0]!.reasons).toEqual([
      'intent complaint (0.91) in [complaint]',
      'known customer CRM-000042',
      'customer tier gold in [gold]',
    ]);
  });

  it('every condition words its reason, in condition order', () => {
    const all = parseRuleset(
      `version: v1
rules:
  - id: all
    when:
      brand: [acme]
      platform: [x]
      sentiment: [negative]
      sentimentScore: { max: -0.5 }
      intent: [complaint]
      intentConfidence: { min: 0.9 }
      customer: known
      customerTier: [gold]
      customerValue: { min: 10000, max: 20000 }
      reach: { min: 1000 }
      influenceTier: [micro]
      verified: false
      keywords: [router, "#fail", refund]
      excludeKeywords: [lawsuit]
      lang: [en]
    then: { queue: q, priority: low }
`,
      'r.yaml',
    );
    expect(routeMention(complaint(), all)[0]!.reasons).toEqual([
      'brand acme in [acme]',
      'platform x in [x]',
      'sentiment negative in [negative]',
      'sentiment score -0.72 ≤ -0.5',
      'intent complaint (0.91) in [complaint]',
      'intent confidence 0.91 ≥ 0.9',
      'known customer CRM-000042',
      'customer tier gold in [gold]',
      'customer value 12400 in [10000, 20000]',
      'reach 1520 ≥ 1000',
      'influence micro in [micro]',
      'unverified author',
      'keywords router, #fail',
      'language en in [en]',
    ]);
    const excluded = complaint({ mention: makeMention({ text: 'my router: lawsuit' }) });
    expect(routeMention(excluded, all)).toEqual([]);
  });

  it.each([
    ['Remboursé', 'rembourse'],
    ['ÉCHEC ﬁnal', 'echec final'],
    ['Plain ASCII Text #Fail', 'plain ascii text #fail'],
    ['', ''],
  ])('folds %j to %j', (text, folded) => {
    expect(fold(text)).toBe(folded);
  });

  it('an accented keyword matches the text without accents, and the reverse', () => {
    const fr = parseRuleset(
      `version: v1
rules:
  - id: refund
    when: { keywords: [remboursé, "#Échec"] }
    then: { queue: q, priority: low }
`,
      'r.yaml',
    );
    const route = (text: string, keywords: string[] = []) =>
      routeMention(complaint({ mention: makeMention({ text, keywords }) }), fr).length;
    expect(route('toujours pas rembourse')).toBe(1);
    expect(route('toujours pas REMBOURSÉ')).toBe(1);
    expect(route('nothing here', ['@echec'])).toBe(1);
    expect(route('remboursement')).toBe(0);
  });

  it('the action id is rule + mention, so an edit routed by the same rule is the same action', () => {
    const m = complaint();
    const edited = complaint({
      mention: makeMention({ revision: 1_764_000_000_000, text: 'edited' }),
    });
    const [route] = routeMention(m, ruleset);
    const a = buildAction(m, route!, ruleset.version, 1);
    const b = buildAction(edited, routeMention(edited, ruleset)[0]!, ruleset.version, 2);
    expect(a.actionId).toBe('vip:x:1860000000000000001');
    expect(b.actionId).toBe(a.actionId);
    expect(b.mention.revision).toBe(1_764_000_000_000);
    expect(a.mention).toMatchObject({
      customerTier: 'gold',
      intentLabel: 'complaint',
      authorHandle: 'jdoe',
    });
  });

  it('the rules version is the file version plus a hash that changes with any edit', () => {
    const a = parseRuleset(
      'version: 3\nrules:\n  - { id: a, when: {}, then: { queue: cs } }\n',
      'f',
    );
    const b = parseRuleset(
      'version: 3\nrules:\n  - { id: a, when: {}, then: { queue: pr } }\n',
      'f',
    );
    expect(a.version).toMatch(/^3\+[0-9a-f]{8}$/);
    expect(b.version).not.toBe(a.version);
  });
});

describe('examples', () => {
  const ruleset = parseRuleset(
    'version: 1\nrules:\n  - { id: c, when: { intent: complaint }, then: { queue: cs } }\n',
    'r.yaml',
  );

  it('a rule change that reroutes an example is reported with the example line', () => {
    const examples = parseExamples(
      `examples:
  - name: ok
    mention: { text: a, intent: complaint }
    routes: [{ rule: c, queue: cs }]
  - name: rerouted
    mention: { text: b, intent: complaint }
    routes: [{ rule: c, queue: product, priority: high }]
`,
      'e.yaml',
    );
    expect(checkExamples(examples, ruleset)).toEqual([
      {
        example: 'rerouted',
        line: 5,
        expected: ['c → product (high)'],
        actual: ['c → cs (normal)'],
      },
    ]);
  });

  it('a malformed example is a HARK_RULES_INVALID with its line', () => {
    expect(() =>
      parseExamples(
        'examples:\n  - name: x\n    mention: { text: a, intent: moan }\n    routes: []\n',
        'e.yaml',
      ),
    ).toThrow(/e\.yaml:3:33: examples\[0\]\.mention\.intent: unknown value "moan"/);
  });
});
