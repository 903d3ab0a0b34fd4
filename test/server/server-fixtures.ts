import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import type { ChatModel } from '../../src/models/types.js';
import type { Db } from '../../src/db/types.js';
import { doc, wholeDocumentChunker } from '../helpers/whole-document-chunker.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { recordingChatModel } from '../helpers/recording-chat-model.js';

export { recordingChatModel };


/** Tenant acme's documents: a travel policy and a warranty page. */
export const ACME_DOCS = [
  doc('travel.md', 'Employees may book economy class flights for trips under six hours. The daily meal allowance while travelling is 75 dollars.', {
    title: 'Travel Policy',
  }),
  doc('warranty.md', 'The cordless drill has a two year warranty. Batteries are covered for one year from the date of purchase.', { title: 'Drill Warranty' }),
];
/** Tenant globex's document: a secret only globex may ever see. */
export const GLOBEX_DOCS = [doc('secret.md', 'Project Falcon launches on the ninth of March with a budget of four million dollars.', { title: 'Falcon Plan' })];


/** Groundwork on in-memory PGlite (or the given db) with both tenants' documents ingested. */
export async function corpusGroundwork(options: { chatModel?: ChatModel; refusalThreshold?: number; db?: Db } = {}): Promise<Groundwork> {
  const gw = await createGroundwork({
    config: {
      dataDir: 'memory://',
      tenant: 'default',
      generate: { refusalThreshold: options.refusalThreshold ?? 0.05 },
      // The recording model's prices ($1 / $2 per million tokens), so the router and cost metrics know it.
      router: { models: [{ id: 'recording:test', inputPerMillion: 1, outputPerMillion: 2, cachedInputPerMillion: 0.5, contextWindow: 16_000, tier: 'small' }] },
    },
    useEnvironment: false,
    chunker: wholeDocumentChunker('document'),
    chatModel: options.chatModel,
    db: options.db,
  });
  await gw.ingest(ACME_DOCS.map((document) => ({ document })), { tenant: 'acme' });
  await gw.ingest(GLOBEX_DOCS.map((document) => ({ document })), { tenant: 'globex' });
  return gw;
}

/** API keys for both tenants: `Authorization` header values. */
export async function tenantKeys(gw: Groundwork): Promise<{ acme: string; globex: string; acmeKeyId: number }> {
  const acme = await createApiKey(gw.db, 'acme');
  const globex = await createApiKey(gw.db, 'globex');
  return { acme: `Bearer ${acme.secret}`, globex: `Bearer ${globex.secret}`, acmeKeyId: acme.id };
}

/** Parses a server-sent event stream body into events. */
export function parseSse(text: string): Array<{ event?: string; data: string; id?: string }> {
  return text
    .split(/\n\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const out: { event?: string; data: string; id?: string } = { data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        const at = line.indexOf(':');
        const field = line.slice(0, at);
        const value = line.slice(at + 1).replace(/^ /, '');
        if (field === 'event') out.event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id') out.id = value;
      }
      out.data = data.join('\n');
      return out;
    });
}

/** A response's JSON body, untyped (tests assert on its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const readJson = async (res: Response): Promise<any> => res.json();
