/** English cardinal words and their values (CLDR English spell-out rules, units and tens). */
export const CARDINAL_WORDS: ReadonlyMap<string, number> = new Map([
  ['zero', 0], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6], ['seven', 7],
  ['eight', 8], ['nine', 9], ['ten', 10], ['eleven', 11], ['twelve', 12], ['thirteen', 13], ['fourteen', 14],
  ['fifteen', 15], ['sixteen', 16], ['seventeen', 17], ['eighteen', 18], ['nineteen', 19], ['twenty', 20],
  ['thirty', 30], ['forty', 40], ['fifty', 50], ['sixty', 60], ['seventy', 70], ['eighty', 80], ['ninety', 90],
  ['dozen', 12],
]);

/** Scale words multiply what came before them. */
export const SCALE_WORDS: ReadonlyMap<string, number> = new Map([
  ['hundred', 100], ['thousand', 1_000], ['million', 1_000_000], ['billion', 1_000_000_000],
]);

/** Ordinal words and their values. */
export const ORDINAL_WORDS: ReadonlyMap<string, number> = new Map([
  ['first', 1], ['second', 2], ['third', 3], ['fourth', 4], ['fifth', 5], ['sixth', 6], ['seventh', 7],
  ['eighth', 8], ['ninth', 9], ['tenth', 10], ['eleventh', 11], ['twelfth', 12], ['thirteenth', 13],
  ['fourteenth', 14], ['fifteenth', 15], ['sixteenth', 16], ['seventeenth', 17], ['eighteenth', 18],
  ['nineteenth', 19], ['twentieth', 20], ['thirtieth', 30], ['fortieth', 40], ['fiftieth', 50], ['sixtieth', 60],
  ['seventieth', 70], ['eightieth', 80], ['ninetieth', 90], ['hundredth', 100], ['thousandth', 1_000],
]);

/** Multiplicative adverbs: "twice a day" is 2 times. */
export const MULTIPLICATIVE_WORDS: ReadonlyMap<string, number> = new Map([['once', 1], ['twice', 2], ['thrice', 3]]);

/** A number spelled in words, and how many tokens it used. */
export interface SpelledNumber {
  value: number;
  length: number;
  ordinal: boolean;
}

/**
 * Reads a spelled-out number starting at `words[start]`: "twenty-five", "one thousand two hundred",
 * "a hundred", "a dozen", "one and a half", "half a", ordinals ("second"), digits with ordinal
 * suffixes ("2nd"). Hyphenated compounds must already be split into parts.
 */
export function readSpelledNumber(words: readonly string[], start: number): SpelledNumber | undefined {
  const first = words[start];
  if (first === undefined) return undefined;
  const ordinalDigits = /^(\d+)(st|nd|rd|th)$/.exec(first);
  if (ordinalDigits) return { value: Number(ordinalDigits[1]), length: 1, ordinal: true };
  if (ORDINAL_WORDS.has(first)) return { value: ORDINAL_WORDS.get(first)!, length: 1, ordinal: true };
  if (first === 'half' && (words[start + 1] === 'a' || words[start + 1] === 'an')) return { value: 0.5, length: 2, ordinal: false };
  let i = start;
  // "a hundred", "a thousand", "a dozen": the article stands for one.
  if ((first === 'a' || first === 'an') && (SCALE_WORDS.has(words[i + 1] ?? '') || words[i + 1] === 'dozen')) i += 1;
  let total = 0;
  let current = 0;
  let used = false;
  for (; i < words.length; i += 1) {
    const word = words[i];
    // "twenty-first", "one hundred and fifth": an ordinal ends the number and makes it one.
    if (used && ORDINAL_WORDS.has(word) && ORDINAL_WORDS.get(word)! < 100 && (current % 100 === 0 || (current % 10 === 0 && ORDINAL_WORDS.get(word)! < 10))) {
      return { value: total + current + ORDINAL_WORDS.get(word)!, length: i + 1 - start, ordinal: true };
    }
    if (CARDINAL_WORDS.has(word)) {
      const value = CARDINAL_WORDS.get(word)!;
      current = word === 'dozen' ? (current || 1) * value : current + value;
      used = true;
    } else if (SCALE_WORDS.has(word)) {
      const scale = SCALE_WORDS.get(word)!;
      current = (current || 1) * scale;
      if (scale >= 1000) {
        total += current;
        current = 0;
      }
      used = true;
    } else if (word === 'and' && used && (CARDINAL_WORDS.has(words[i + 1] ?? '') || (current % 100 === 0 && (ORDINAL_WORDS.get(words[i + 1] ?? '') ?? 100) < 100))) {
      continue; // "one hundred and five", "one hundred and fifth"
    } else if (word === 'and' && used && words[i + 1] === 'a' && words[i + 2] === 'half') {
      current += 0.5;
      i += 3;
      break;
    } else {
      break;
    }
  }
  if (!used) return undefined;
  return { value: total + current, length: i - start, ordinal: false };
}
