import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createComparisonGuard, createEntityGuard, createGuardSet, createNegationGuard, createNumberGuard, parseCachePairs, MEANING_CHANGING_KINDS } from '../../src/cache/index.js';
import { extractQuantities } from '../../src/cache/guards/extract-quantities.js';
import { tokenizeQuestion } from '../../src/cache/guards/question-tokens.js';

const codes = (reasons: Array<{ code: string }>) => reasons.map((r) => r.code);

describe('negation guard', () => {
  const guard = createNegationGuard();
  it.each([
    ['Is travel insurance covered?', 'Is travel insurance not covered?'],
    ["Why can contractors access prod?", "Why can't contractors access prod?"],
    ['Which devices are supported?', 'Which devices are unsupported?'],
    ['Is the feature enabled by default?', 'Is the feature disabled by default?'],
    ['Does the policy apply to interns?', 'Does the policy no longer apply to interns?'],
    ['Can I deploy with approval?', 'Can I deploy without approval?'],
  ])('rejects %s / %s', (a, b) => {
    expect(codes(guard.check(a, b))).toEqual(['negation.polarity']);
  });
  it('accepts questions negated the same number of times, and bounds that look like negation', () => {
    expect(guard.check('Can guests use Wi-Fi without registering?', "Is Wi-Fi open to guests who don't register?")).toEqual([]);
    expect(guard.check('Must a password have at most 8 characters?', 'Must a password have no more than 8 characters?')).toEqual([]);
  });
  it('can be configured', () => {
    expect(createNegationGuard({ affixes: false }).check('Which devices are supported?', 'Which devices are unsupported?')).toEqual([]);
    expect(codes(createNegationGuard({ extraNegativeWords: ['miss'] }).check('What if I miss the notice?', 'What if I give the notice?'))).toEqual(['negation.polarity']);
  });
});

describe('number guard', () => {
  const guard = createNumberGuard();
  it('reads numbers in words and digits, with units and rates', () => {
    expect(guard.check('Must reports be filed within thirty days?', 'Must reports be filed within 30 days?')).toEqual([]);
    expect(guard.check('Is the limit one thousand requests a minute?', 'Is the limit 1,000 requests per minute?')).toEqual([]);
    expect(guard.check('Is overtime paid at one and a half times the rate?', 'Is overtime paid at 1.5 times the rate?')).toEqual([]);
    expect(guard.check('Is the radius 1 km?', 'Is the radius 1,000 m?')).toEqual([]);
    expect(guard.check('Is 2FA required?', 'Is two-factor authentication required?')).toEqual([]);
    expect(guard.check('Who was the musician of the twenty-first century?', 'Who was the musician of the 21st century?')).toEqual([]);
  });
  it('reads ordinals as ordinals, and an ordinal before a count apart from it', () => {
    const read = (text: string) => extractQuantities(tokenizeQuestion(text)).map((q) => [q.text, q.value, q.unit?.name ?? null, q.ordinal === true]);
    expect(read('in its first eight days')).toEqual([['first', 1, null, true], ['eight days', 8, 'day', false]]);
    expect(read('the twenty-first and the 12th')).toEqual([['twenty-first', 21, null, true], ['12th', 12, null, true]]);
    expect(read('the one hundred and fifth')).toEqual([['one hundred and fifth', 105, null, true]]);
    expect(read('15 vacation days')).toEqual([['15 vacation days', 15, 'day', false]]);
  });
  it.each([
    ['Is the limit 5 GB?', 'Is the limit 5 TB?', 'number.unit'],
    ['Is the per diem $75?', 'Is the per diem €75?', 'number.unit'],
    ['Does it cost $29 per month?', 'Does it cost $29 per year?', 'number.unit'],
    ['Is the room kept at 20 °C?', 'Is the room kept at 20 °F?', 'number.unit'],
    ['Do I get twenty-five days?', 'Do I get 20 days?', 'number.value'],
    ['Take it twice a day?', 'Take it three times a day?', 'number.value'],
    // An ordinal before a count is its own quantity: "first" did not swallow "eight days".
    ["What did the film gross in its first eight days?", "What did the film gross in its first seven days?", 'number.value'],
    ['Who was the most important musician of the twenty-first century?', 'Who was the most important musician of the 20th century?', 'number.value'],
  ])('rejects %s / %s', (a, b, code) => {
    expect(codes(guard.check(a, b))).toContain(code);
  });
});

describe('entity guard', () => {
  const guard = createEntityGuard();
  it.each([
    ['Does Acme Pro include SSO?', 'Does Acme Plus include SSO?'],
    ['Is the service in us-east-1?', 'Is the service in us-east-2?'],
    ['Is the SOC 2 Type II report public?', 'Is the SOC 2 Type I report public?'],
    ['Is the "Premier" tier 24/7?', 'Is the "Premium" tier 24/7?'],
    ['Does paracetamol interact with alcohol?', 'Does penicillin interact with alcohol?'],
  ])('rejects %s / %s', (a, b) => {
    expect(guard.check(a, b)).toHaveLength(1);
  });
  it('matches acronyms to their expansions and ignores added context', () => {
    expect(guard.check('Do I need MFA for the VPN?', 'Is multi-factor authentication required for VPN access?')).toEqual([]);
    expect(guard.check('What uptime does the Enterprise plan promise?', 'What availability does the Enterprise plan SLA promise?')).toEqual([]);
    expect(createEntityGuard({ rejectOneSided: true }).check('What uptime does the Enterprise plan promise?', 'What uptime does the Enterprise plan SLA promise?')).toHaveLength(1);
  });
});

describe('comparison guard', () => {
  const guard = createComparisonGuard();
  it.each([
    ['Do staff with more than five years get leave?', 'Do staff with fewer than five years get leave?', 'comparison.direction'],
    ['Must passwords have at least 12 characters?', 'Must passwords have at most 12 characters?', 'comparison.direction'],
    ['Pay before the delivery date?', 'Pay after the delivery date?', 'comparison.direction'],
    ['Is Postgres faster than MySQL here?', 'Is MySQL faster than Postgres here?', 'comparison.order'],
    ['Are purchases over $500 approved?', 'Are purchases of $500 approved?', 'comparison.bound'],
  ])('rejects %s / %s', (a, b, code) => {
    expect(codes(guard.check(a, b))).toContain(code);
  });
  it('accepts the same direction in other words', () => {
    expect(guard.check('Must passwords be at least 12 characters?', 'Must a password have 12 or more characters?')).toEqual([]);
    expect(guard.check('Does smoking increase the risk?', 'Is smoking linked to a higher risk?')).toEqual([]);
    expect(guard.check('Encrypt laptops before they leave?', 'Encrypt laptops prior to leaving?')).toEqual([]);
  });
});

describe('guards on the dev pair set (the held-out set is for reporting, in bench/cache.ts)', () => {
  it('reject >= 99% of meaning-changing pairs and <= 5% of paraphrases', () => {
    const pairs = parseCachePairs(readFileSync(new URL('../../data/cache-pairs/dev.jsonl', import.meta.url), 'utf8'), 'dev.jsonl');
    expect(pairs.length).toBeGreaterThanOrEqual(200);
    const guards = createGuardSet();
    const changing = pairs.filter((p) => MEANING_CHANGING_KINDS.has(p.kind ?? ''));
    const paraphrases = pairs.filter((p) => p.same);
    const rejected = (p: { a: string; b: string }) => guards.check(p.b, p.a).length > 0;
    expect(changing.filter(rejected).length / changing.length).toBeGreaterThanOrEqual(0.99);
    expect(paraphrases.filter(rejected).length / paraphrases.length).toBeLessThanOrEqual(0.05);
  });
  it('each guard can be switched off', () => {
    expect(createGuardSet({ negation: false, entity: false }).check('Is X covered?', 'Is X not covered?')).toEqual([]);
    expect(createGuardSet().guards.map((g) => g.name)).toEqual(['negation', 'number', 'entity', 'comparison']);
  });
});
