import { describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/types.js';
import { runIngest } from '../../../src/ingest/pipeline.js';
import type { LoadedDocument } from '../../../src/ingest/types.js';
import type { Embedder } from '../../../src/models/types.js';
import type { Analyzer } from '../../../src/search-index/analyzer.js';
import { parseFilters } from '../../../src/retrieve/filters.js';
import type { LegContext, LegRequest, LegSearchResult, RetrievalLeg } from '../../../src/retrieve/retrieval-leg.js';
import { retrieveOptionsSchema } from '../../../src/retrieve/retrieve-options.js';
import { doc, wholeDocumentChunker } from '../../helpers/whole-document-chunker.js';

/** The tenants the contract corpus fills: `a` and `b` hold the same target document; `empty` holds nothing. */
export const LEG_CONTRACT_TENANTS = { main: 'a', other: 'b', empty: 'empty' } as const;

const topics = ['solar panels and batteries', 'tax filing deadlines', 'garden soil and compost', 'railway timetables and delays'];

/** The contract corpus: 24 background documents (titled, team even/odd) and one target about zebras. */
export const legContractCorpus: LoadedDocument[] = [
  ...Array.from({ length: 24 }, (_, i) =>
    doc(`bg${i}`, `Notes ${i} on ${topics[i % topics.length]}, with river crossing herds mentioned ${i % 3 === 0 ? 'twice: river herds' : 'once'}.`, {
      title: `${topics[i % topics.length]} ${i}`,
      metadata: { team: i % 2 === 0 ? 'even' : 'odd' },
    }),
  ),
  doc('target', 'Zebra quantum herds cross the river at dawn; zebra quantum counts rise.', { title: 'Zebra quantum migration', metadata: { team: 'odd' } }),
];

/** Ingests the contract corpus into tenants a and b (with the embedder, so dense legs can search it). */
export async function seedLegContractCorpus(db: Db, analyzer: Analyzer, embedder: Embedder): Promise<void> {
  for (const tenant of [LEG_CONTRACT_TENANTS.main, LEG_CONTRACT_TENANTS.other]) {
    await runIngest(legContractCorpus.map((document) => ({ document })), { db, tenant, chunker: wholeDocumentChunker(), analyzer, configFingerprint: {}, titleWeight: 0, embedder });
  }
}

/** What a suite run needs from its test file: the seeded database and the components legs get. */
export interface LegContractFixture {
  db: Db;
  analyzer: Analyzer;
  /** The embedder the corpus was indexed with (legs that need one get it). */
  embedder: Embedder;
}

/** One leg implementation under test. */
export interface LegContractSubject {
  label: string;
  create(): RetrievalLeg;
}

/**
 * The retrieval-leg contract: every RetrievalLeg, on every Db driver, must honour it. `fixture` is
 * read inside the tests (the test file seeds it in beforeAll).
 */
export function retrievalLegContract(subject: LegContractSubject, fixture: () => LegContractFixture): void {
  describe(`retrieval leg contract: ${subject.label}`, () => {
    const options = retrieveOptionsSchema.parse({});
    const context = (extra: Partial<LegContext> = {}): LegContext => {
      const { db, analyzer, embedder } = fixture();
      return { db, analyzer, options, embedder, ...extra };
    };
    const request = (query: string, extra: Partial<LegRequest> = {}): LegRequest => {
      const terms = new Map<string, number>();
      for (const term of fixture().analyzer.terms(query)) terms.set(term, (terms.get(term) ?? 0) + 1);
      return { tenant: LEG_CONTRACT_TENANTS.main, query, terms, limit: 10, filters: [], ...extra };
    };
    const chunkIdOf = async (tenant: string, externalId: string): Promise<number> => {
      const { rows } = await fixture().db.query<{ id: number }>(
        'SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.tenant = $1 AND d.external_id = $2 ORDER BY c.ordinal LIMIT 1',
        [tenant, externalId],
      );
      return rows[0].id;
    };
    const expectWellFormed = async (result: LegSearchResult, tenant: string, limit: number): Promise<void> => {
      expect(result.hits.length).toBeLessThanOrEqual(limit);
      expect(result.confidence).toBeGreaterThanOrEqual(0);
      expect(result.confidence).toBeLessThanOrEqual(1);
      const ids = result.hits.map((h) => h.chunkId);
      expect(new Set(ids).size).toBe(ids.length);
      result.hits.forEach((hit, i) => {
        expect(Number.isFinite(hit.score)).toBe(true);
        if (i > 0) expect(hit.score).toBeLessThanOrEqual(result.hits[i - 1].score);
      });
      if (ids.length > 0) {
        const { rows } = await fixture().db.query<{ n: number }>('SELECT count(*)::int AS n FROM chunks WHERE tenant = $1 AND id = ANY($2::bigint[])', [tenant, ids]);
        expect(rows[0].n, 'every hit is a chunk of the tenant asked for').toBe(ids.length);
      }
    };

    it('has a well-formed name and declares its capabilities', () => {
      const leg = subject.create();
      expect(leg.name).toMatch(/^[a-z][a-z0-9]*$/);
      expect(typeof leg.capabilities.needsEmbedder).toBe('boolean');
      expect(typeof leg.capabilities.filters).toBe('boolean');
    });

    it('ranks the chunk that matches the query best first', async () => {
      const result = await subject.create().search(request('zebra quantum'), context());
      await expectWellFormed(result, LEG_CONTRACT_TENANTS.main, 10);
      expect(result.hits[0]?.chunkId).toBe(await chunkIdOf(LEG_CONTRACT_TENANTS.main, 'target'));
      expect(result.confidence).toBeGreaterThan(0);
    });

    it('returns at most limit hits, best first, each once, all chunks of the tenant', async () => {
      const leg = subject.create();
      const wide = await leg.search(request('river herds solar', { limit: 50 }), context());
      await expectWellFormed(wide, LEG_CONTRACT_TENANTS.main, 50);
      expect(wide.hits.length).toBeGreaterThan(3);
      for (const limit of [1, 3]) {
        const narrow = await leg.search(request('river herds solar', { limit }), context());
        await expectWellFormed(narrow, LEG_CONTRACT_TENANTS.main, limit);
        expect(narrow.hits.map((h) => h.score)).toEqual(wide.hits.slice(0, limit).map((h) => h.score));
      }
    });

    it('gives the same hits for the same request', async () => {
      const leg = subject.create();
      const first = await leg.search(request('tax filing herds'), context());
      const second = await leg.search(request('tax filing herds'), context());
      expect(second.hits).toEqual(first.hits);
    });

    it('keeps tenants apart', async () => {
      const result = await subject.create().search(request('zebra quantum', { tenant: LEG_CONTRACT_TENANTS.other }), context());
      await expectWellFormed(result, LEG_CONTRACT_TENANTS.other, 10);
      expect(result.hits[0]?.chunkId).toBe(await chunkIdOf(LEG_CONTRACT_TENANTS.other, 'target'));
      const empty = await subject.create().search(request('zebra quantum', { tenant: LEG_CONTRACT_TENANTS.empty }), context());
      expect(empty.hits).toEqual([]);
      expect(empty.confidence).toBe(0);
    });

    it('applies filters when it says it does, and refuses them when it does not', async () => {
      const leg = subject.create();
      const filters = parseFilters([{ field: 'team', op: 'eq', value: 'even' }]);
      if (!leg.capabilities.filters) {
        await expect(leg.search(request('zebra quantum river', { filters }), context())).rejects.toThrow(/filters/);
        return;
      }
      const result = await leg.search(request('zebra quantum river', { filters, limit: 50 }), context());
      await expectWellFormed(result, LEG_CONTRACT_TENANTS.main, 50);
      expect(result.hits.length).toBeGreaterThan(0);
      const { rows } = await fixture().db.query<{ team: string }>(
        'SELECT d.metadata->>\'team\' AS team FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ANY($1::bigint[])',
        [result.hits.map((h) => h.chunkId)],
      );
      expect(new Set(rows.map((r) => r.team))).toEqual(new Set(['even']));
      expect(result.hits.map((h) => h.chunkId)).not.toContain(await chunkIdOf(LEG_CONTRACT_TENANTS.main, 'target'));
    });

    it('stops on an aborted signal, with its reason', async () => {
      const controller = new AbortController();
      controller.abort(new Error('client went away'));
      await expect(subject.create().search(request('zebra quantum'), context({ signal: controller.signal }))).rejects.toThrow(/client went away/);
    });

    it('needs an embedder only when it says so', async () => {
      const leg = subject.create();
      const search = leg.search(request('zebra quantum'), context({ embedder: undefined }));
      if (leg.capabilities.needsEmbedder) await expect(search).rejects.toThrow(/embedding model/);
      else expect((await search).hits[0]?.chunkId).toBe(await chunkIdOf(LEG_CONTRACT_TENANTS.main, 'target'));
    });
  });
}
