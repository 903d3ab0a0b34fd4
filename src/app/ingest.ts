/** The ingest use case: files and folders (or ready documents) into a tenant's index. */
import { resolve } from 'node:path';
import { assertTenantName } from '../config/tenant-name.js';
import type { LoadSourcesOptions } from '../ingest/load-sources.js';
import type { IngestSummary, SourceItem } from '../ingest/pipeline.js';
import type { Components } from './components.js';
import type { IngestOptions } from './types.js';
import { traceIngest } from '../monitor/tracing/use-case-spans.js';

export type IngestInput = string[] | AsyncIterable<SourceItem> | Iterable<SourceItem>;

/**
 * Loads, chunks, embeds and stores; one transaction per batch of documents, so a failed run leaves
 * what was stored before intact. Answers cached from a changed document are invalidated.
 */
export async function ingest(components: Components, paths: IngestInput, ingestOptions: IngestOptions = {}): Promise<IngestSummary> {
  const { config } = components;
  const tenant = assertTenantName(ingestOptions.tenant ?? config.tenant);
  const { chunker, fingerprint, portable } = components.chunkerFor(ingestOptions);
  let source: AsyncIterable<SourceItem> | Iterable<SourceItem>;
  let prune: { sourcePrefixes: string[] } | undefined;
  if (Array.isArray(paths) && (paths.length === 0 || typeof paths[0] === 'string')) {
    const roots = (paths as string[]).map((p) => resolve(p));
    const loadOptions: LoadSourcesOptions = {
      include: ingestOptions.include ?? config.ingest.include,
      exclude: ingestOptions.exclude ?? config.ingest.exclude,
      respectGitignore: config.ingest.respectGitignore,
      maxFileBytes: config.ingest.maxFileBytes,
      json: config.ingest.json,
      csv: config.ingest.csv,
      loaders: components.loaders,
    };
    // The loaders (pdfjs, mammoth, an HTML parser) are imported by the runs that read files.
    const { loadSources } = await import('../ingest/load-sources.js');
    source = loadSources(roots, loadOptions);
    if (ingestOptions.prune) prune = { sourcePrefixes: roots };
  } else {
    source = paths as AsyncIterable<SourceItem> | Iterable<SourceItem>;
  }
  const { runIngest } = await import('../ingest/pipeline.js');
  // One `ingest` span over the run; the pipeline's per-batch spans (prepare, write) go under it.
  return traceIngest(tenant, () => runIngest(source, {
    db: components.db,
    tenant,
    chunker,
    portableChunker: portable,
    prepareWorkers: config.ingest.prepareWorkers,
    analyzer: components.analyzer,
    configFingerprint: fingerprint,
    titleWeight: config.retrieve.titleWeight,
    embedder: components.embedder,
    reembed: ingestOptions.reembed,
    batchDocuments: config.ingest.batchDocuments,
    dryRun: ingestOptions.dryRun,
    prune,
    onProgress: ingestOptions.onProgress,
    onDocumentsChanged: async (changedTenant, ids) => {
      await components.cache.invalidateDocuments(changedTenant, ids);
    },
  }));
}
