/**
 * Builds a BERT WordPiece tokenizer (`tokenizer.json` in the Hugging Face tokenizers format, plus
 * `tokenizer_config.json`) from a built-in English word list, padded with synthetic pieces up to
 * the requested vocabulary size so the ids span the whole embedding table.
 */

/** Common English words (and a few domain terms) that tokenize to one piece each. */
const WORDS = `the of and to in is was for on that with as by at it from be this are or an which not but have has
had were their can one all more also its other new time two first after about may only used when who been would
into most some such there than these out then they what each many over through where between during while them
both under well because three same should could before however since any very high after made between system data
model query document answer question search index vector embedding token text chunk page source retrieval ranking
score user team policy report cost price rate error service server client request response cache database table
file folder path name value number result test run build fast slow small large good best first last next open close
start stop read write send receive find make take give keep learn train evaluate measure compare improve reduce
increase water river city country world people government history language music science energy market company
product customer support security network storage memory power light heart blood health school student teacher
book story life work home family friend day night week month year morning evening summer winter spring autumn
red blue green black white big little long short old young early late hot cold north south east west left right`
  .split(/\s+/)
  .filter((word, index, all) => word.length > 0 && all.indexOf(word) === index);

/** Continuation pieces that let unknown words split instead of becoming [UNK]. */
const SUFFIXES = ['s', 'es', 'ed', 'ing', 'er', 'ers', 'ly', 'tion', 'ment', 'ness', 'al', 'ity', 'ize', 'able'];
const PUNCTUATION = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz0123456789'];

/** Special tokens, in `bert-base-uncased` order when the vocabulary is BERT-sized. */
const SPECIAL_TOKENS = { pad: '[PAD]', unk: '[UNK]', cls: '[CLS]', sep: '[SEP]', mask: '[MASK]' } as const;
/** bert-base-uncased puts [PAD] at 0, [unused0..98] at 1..99, then [UNK] 100 .. [MASK] 103. */
const BERT_UNUSED_COUNT = 99;
/** Vocabularies at least this large keep bert-base-uncased's special-token ids. */
const BERT_VOCAB_SIZE = 30522;

/** Builds the ordered vocabulary list (index = token id). */
export function buildVocabulary(vocabSize: number): string[] {
  const vocabulary: string[] = [SPECIAL_TOKENS.pad];
  if (vocabSize >= BERT_VOCAB_SIZE) for (let i = 0; i < BERT_UNUSED_COUNT; i++) vocabulary.push(`[unused${i}]`);
  vocabulary.push(SPECIAL_TOKENS.unk, SPECIAL_TOKENS.cls, SPECIAL_TOKENS.sep, SPECIAL_TOKENS.mask);
  const seen = new Set(vocabulary);
  const add = (token: string, filler = false): void => {
    if ((!filler || vocabulary.length < vocabSize) && !seen.has(token)) {
      seen.add(token);
      vocabulary.push(token);
    }
  };
  for (const piece of [...PUNCTUATION, ...LETTERS, ...LETTERS.map((c) => `##${c}`), ...WORDS, ...SUFFIXES.map((s) => `##${s}`)]) add(piece);
  // Fill the rest with deterministic two- and three-letter pieces (words and continuations).
  const letters = LETTERS.slice(0, 26);
  outer: for (const length of [2, 3]) {
    const total = letters.length ** length;
    for (let n = 0; n < total; n++) {
      let piece = '';
      for (let k = 0, rest = n; k < length; k++, rest = Math.floor(rest / letters.length)) piece += letters[rest % letters.length];
      add(piece, true);
      add(`##${piece}`, true);
      if (vocabulary.length >= vocabSize) break outer;
    }
  }
  if (vocabulary.length < vocabSize) throw new Error(`cannot build a vocabulary of ${vocabSize} tokens (max ${vocabulary.length})`);
  if (vocabulary.length > vocabSize) throw new Error(`vocabulary size ${vocabSize} is too small for the base pieces (${vocabulary.length})`);
  return vocabulary;
}

/** The words the vocabulary knows as whole tokens (handy for building test texts). */
export const testVocabularyWords: readonly string[] = WORDS;

/** `tokenizer.json` and `tokenizer_config.json` contents for a BERT uncased WordPiece tokenizer. */
export function buildTokenizerFiles(vocabulary: readonly string[], modelMaxLength: number): { tokenizer: unknown; tokenizerConfig: unknown } {
  const vocab = Object.fromEntries(vocabulary.map((token, id) => [token, id]));
  const idOf = (token: string): number => vocab[token] as number;
  const specials = Object.values(SPECIAL_TOKENS);
  const special = (token: string, typeId: number) => ({ SpecialToken: { id: token, type_id: typeId } });
  const sequence = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content) => ({ id: idOf(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0)],
      pair: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0), sequence('B', 1), special('[SEP]', 1)],
      special_tokens: Object.fromEntries(['[CLS]', '[SEP]'].map((token) => [token, { id: token, ids: [idOf(token)], tokens: [token] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
  const tokenizerConfig = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: modelMaxLength,
    clean_up_tokenization_spaces: true,
    cls_token: SPECIAL_TOKENS.cls,
    sep_token: SPECIAL_TOKENS.sep,
    pad_token: SPECIAL_TOKENS.pad,
    unk_token: SPECIAL_TOKENS.unk,
    mask_token: SPECIAL_TOKENS.mask,
  };
  return { tokenizer, tokenizerConfig };
}
