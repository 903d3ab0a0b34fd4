import { describe, expect, it } from 'vitest';
import { groupedHoldout } from '../../src/eval/grouped-holdout.js';

describe('groupedHoldout', () => {
  const articles = ['Beyoncé', 'Frédéric Chopin', 'IPod', 'New York City', 'Solar energy', 'Spectre (2015 film)', 'The Legend of Zelda: Twilight Princess', '2008 Sichuan earthquake', 'To Kill a Mockingbird', 'Sino-Tibetan relations'];
  const impossible = new Set(['Spectre (2015 film)', 'The Legend of Zelda: Twilight Princess']);

  it('holds out a third of each stratum, deterministically, with no group on both sides', () => {
    const split = groupedHoldout([...articles, ...articles], { strataOf: (a) => (impossible.has(a) ? 'impossible' : 'answerable') });
    expect(split.heldOut.length + split.tuning.length).toBe(10);
    expect(split.heldOut.filter((a) => impossible.has(a))).toHaveLength(1);
    expect(split.heldOut.filter((a) => !impossible.has(a))).toHaveLength(3);
    expect(split.heldOut.some((a) => split.tuning.includes(a))).toBe(false);
    expect(groupedHoldout([...articles].reverse(), { strataOf: (a) => (impossible.has(a) ? 'impossible' : 'answerable') })).toEqual(split);
  });

  it('rejects a share outside (0, 1)', () => {
    expect(() => groupedHoldout(articles, { share: 1 })).toThrow(/share/);
  });
});
