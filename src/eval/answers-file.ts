import { writeFile } from 'node:fs/promises';
import type { Citation } from '../generate/citation-types.js';
import type { RefusalReason } from '../generate/refusal.js';

/** Format version of an answers file line; bump when a field changes meaning. */
export const ANSWERS_FILE_VERSION = 1;

/** One cited passage in an answers file line. */
export interface AnswersFileCitation {
  /** The document's external id (the corpus file path or the dataset's own id), as `relevant_doc_ids` names it. */
  documentId: string;
  chunkId: number;
  page?: number;
  quote: string;
}

/**
 * One line of an answers file (`eval run --golden ... --answers-file FILE`): what the system said to
 * one question, in a stable shape other tools can score, as `--run-file` is for retrieval.
 */
export interface AnswersFileLine {
  version: typeof ANSWERS_FILE_VERSION;
  id: string;
  question: string;
  answer: string;
  refused: boolean;
  refusalReason: RefusalReason | null;
  /** The answer-or-refuse model's probability that the question is answerable; null when no such model decided. */
  answerabilityScore: number | null;
  /** The retriever's confidence in [0, 1]. */
  retrievalConfidence: number;
  citations: AnswersFileCitation[];
  latencyMs: number;
}

/** What an answers file line is made from: the golden item's id and question, and the ask result's fields. */
export interface AnswersFileInput {
  id: string;
  question: string;
  answer: string;
  refused: boolean;
  refusalReason?: RefusalReason;
  answerabilityScore?: number;
  retrievalConfidence: number;
  citations: readonly Pick<Citation, 'externalId' | 'chunkId' | 'page' | 'quote'>[];
  latencyMs: number;
}

/** One answers file line from an ask result. */
export function answersFileLine(input: AnswersFileInput): AnswersFileLine {
  return {
    version: ANSWERS_FILE_VERSION,
    id: input.id,
    question: input.question,
    answer: input.answer,
    refused: input.refused,
    refusalReason: input.refusalReason ?? null,
    answerabilityScore: input.answerabilityScore ?? null,
    retrievalConfidence: input.retrievalConfidence,
    citations: input.citations.map((citation) => ({
      documentId: citation.externalId,
      chunkId: citation.chunkId,
      ...(citation.page !== undefined ? { page: citation.page } : {}),
      quote: citation.quote,
    })),
    latencyMs: input.latencyMs,
  };
}

/** Writes answers file lines as JSON Lines (one object per line, in question order). */
export async function writeAnswersFile(path: string, lines: readonly AnswersFileLine[]): Promise<void> {
  await writeFile(path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''), 'utf8');
}
