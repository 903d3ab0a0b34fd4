import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveCodeVersion } from '../../eval/code-version.js';
import { parseExperimentId } from '../../eval/experiment-record.js';
import { startAbTest } from '../../registry/ab-test.js';
import { runRolloutController } from '../../registry/rollout-controller.js';
import { ENTRY_KINDS, GLOBAL_SCOPE, parseEntryKind, STAGES, type Stage } from '../../registry/entry-kinds.js';
import { loadTestEntry } from '../../registry/load-test.js';
import { promoteEntry, rollbackKind } from '../../registry/promote-entry.js';
import { describeEntry, type EntryDescription } from '../../registry/describe-entry.js';
import { createRegistryStore, type RegistryEntry } from '../../registry/registry-store.js';
import { RETRAINABLE_KINDS, type RetrainableKind } from '../../registry/retrainable-kinds.js';
import { runRetrainingPipeline } from '../../registry/retraining-pipeline.js';
import type { CommandContext } from '../context.js';
import { collect, intOption, numberOption, tenantOption } from '../options.js';
import { printJson, table, UsageError } from '../output.js';

const usage = <T>(parse: (value: string) => T) => (value: string): T => {
  try {
    return parse(value);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
};
const kindOption = usage((value: string) => parseEntryKind(value, '--kind'));
const stageOption = usage((value: string): Stage => {
  if (!(STAGES as readonly string[]).includes(value)) throw new Error(`--stage must be one of ${STAGES.join(', ')}, got "${value}"`);
  return value as Stage;
});
const retrainableKindOption = usage((value: string): RetrainableKind => {
  if (!(RETRAINABLE_KINDS as readonly string[]).includes(value)) throw new Error(`--kind must be one of ${RETRAINABLE_KINDS.join(', ')}, got "${value}"`);
  return value as RetrainableKind;
});
const idArgument = usage((value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`entry id must be a positive integer, got "${value}"`);
  return Number(value);
});

/** `--tenant T` or `--global` (the scope '*'), default the configured tenant. */
function scopeOf(flags: { tenant?: string; global?: boolean }, fallback: string): string {
  if (flags.tenant !== undefined && flags.global) throw new UsageError('give --tenant or --global, not both');
  return flags.global ? GLOBAL_SCOPE : (flags.tenant ?? fallback);
}

const entryRow = (e: RegistryEntry) => ({ id: e.id, scope: e.tenant, kind: e.kind, name: e.name, version: e.version, stage: e.stage, experiments: e.experimentIds.join(' '), created: e.createdAt.toISOString().slice(0, 19) });

/**
 * `groundwork registry list|show|register|promote|rollback|load-test|retrain|ab|tick`: versioned models and
 * answer configurations with stages, promotion criteria, canaries and A/B tests (src/registry).
 */
export function registerRegistry(program: Command, context: CommandContext): void {
  const command = program.command('registry').description('versioned models and answer configurations: stages, eval gate, canary, A/B tests, rollback');

  command
    .command('list')
    .description('registry entries, by scope and kind')
    .option('--tenant <tenant>', 'only this tenant\'s scope (and the global one)', tenantOption)
    .option('--kind <kind>', `one of ${ENTRY_KINDS.join(', ')}`, kindOption)
    .option('--stage <stage>', `one of ${STAGES.join(', ')}`, stageOption)
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const gw = await context.open();
      try {
        const entries = await createRegistryStore(gw.db).list({ tenant: flags.tenant, kind: flags.kind, stage: flags.stage });
        if (flags.json) printJson(context.io, { entries });
        else context.io.stdout(table(entries.map(entryRow), ['id', 'scope', 'kind', 'name', 'version', 'stage', 'experiments', 'created']));
      } finally {
        await gw.close();
      }
    });

  command
    .command('show')
    .description('an entry with its links, promotion history, latest gate and load benchmark, canaries and A/B tests')
    .argument('<id>', 'entry id', idArgument)
    .option('--json', 'print one JSON document')
    .action(async (id: number, flags) => {
      const gw = await context.open();
      try {
        const description = await describeEntry(createRegistryStore(gw.db), id);
        if (flags.json) printJson(context.io, description);
        else printDescription(context, description);
      } finally {
        await gw.close();
      }
    });

  command
    .command('register')
    .description('register a new entry (stage dev)')
    .requiredOption('--kind <kind>', `one of ${ENTRY_KINDS.join(', ')}`, kindOption)
    .requiredOption('--name <name>', 'entry name (letters, digits, _ . -)')
    .requiredOption('--version <version>', 'semantic version MAJOR.MINOR.PATCH')
    .option('--tenant <tenant>', 'tenant scope (default from config)', tenantOption)
    .option('--global', 'global scope: every tenant without its own entry of the kind')
    .option('--overrides <file>', 'JSON file of config overrides (retrieve, generate, models, router, cache, eval sections)')
    .option('--artifact <path>', 'model file of a learned artifact')
    .option('--model-card <path>', 'model card')
    .option('--experiment <id>', 'EXP-YYYY-MM-DD-NNN record behind it (repeatable)', collect, [])
    .option('--dataset-hash <name=hash>', 'dataset it was trained or tuned on (repeatable)', collect, [])
    .option('--description <text>', 'what changed')
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const experimentIds = (flags.experiment as string[]).map(usage((value: string) => parseExperimentId(value, '--experiment')));
      const datasetHashes: Record<string, string> = {};
      for (const pair of flags.datasetHash as string[]) {
        const at = pair.indexOf('=');
        if (at < 1 || at === pair.length - 1) throw new UsageError(`--dataset-hash must be name=hash, got "${pair}"`);
        datasetHashes[pair.slice(0, at)] = pair.slice(at + 1);
      }
      const overrides = flags.overrides === undefined ? undefined : await readJsonFile(flags.overrides, '--overrides');
      const gw = await context.open();
      try {
        const entry = await createRegistryStore(gw.db).register({
          tenant: scopeOf(flags, gw.config.tenant),
          kind: flags.kind,
          name: flags.name,
          version: flags.version,
          overrides,
          artifactPath: flags.artifact === undefined ? undefined : resolve(flags.artifact),
          modelCardPath: flags.modelCard === undefined ? undefined : resolve(flags.modelCard),
          experimentIds,
          datasetHashes,
          codeVersion: await resolveCodeVersion(),
          description: flags.description,
        });
        if (flags.json) printJson(context.io, { entry });
        else context.io.stdout(`registered entry ${entry.id}: ${entry.kind} ${entry.name}@${entry.version} in scope ${entry.tenant} (dev)\n`);
      } finally {
        await gw.close();
      }
    });

  command
    .command('promote')
    .description('dev -> staging (needs a passing eval gate) or staging -> production (load benchmark within limits; --approve for a major version; starts a canary)')
    .argument('<id>', 'entry id', idArgument)
    .requiredOption('--to <stage>', 'staging or production', stageOption)
    .option('--approve', 'explicit approval (a new major version, or the first entry of its kind, going to production)')
    .option('--window-minutes <n>', 'canary: minutes each step is held (default 240)', intOption('--window-minutes', 1, 60 * 24 * 30))
    .option('--json', 'print one JSON document')
    .action(async (id: number, flags) => {
      const gw = await context.open();
      try {
        const result = await promoteEntry(createRegistryStore(gw.db), id, flags.to, {
          approve: flags.approve === true,
          canary: flags.windowMinutes === undefined ? undefined : { windowMs: flags.windowMinutes * 60_000 },
        });
        if (flags.json) printJson(context.io, result);
        else context.io.stdout(`${result.message}\n`);
      } finally {
        await gw.close();
      }
    });

  command
    .command('rollback')
    .description('stop a running canary or A/B test of a kind, else put back the production entry the current one replaced')
    .requiredOption('--kind <kind>', `one of ${ENTRY_KINDS.join(', ')}`, kindOption)
    .option('--tenant <tenant>', 'tenant scope (default from config)', tenantOption)
    .option('--global', 'the global scope')
    .option('--reason <text>', 'recorded with the rollback')
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const gw = await context.open();
      try {
        const result = await rollbackKind(createRegistryStore(gw.db), scopeOf(flags, gw.config.tenant), flags.kind, { reason: flags.reason });
        if (flags.json) printJson(context.io, result);
        else context.io.stdout(`${result.message}\n`);
      } finally {
        await gw.close();
      }
    });

  command
    .command('load-test')
    .description('load-test an entry on a golden set\'s questions and record the figures against the limits (staging -> production needs a passing one)')
    .argument('<id>', 'entry id', idArgument)
    .requiredOption('--golden <file>', 'golden set whose questions are asked')
    .option('--tenant <tenant>', 'tenant whose documents answer (default: the entry\'s, else from config)', tenantOption)
    .option('--requests <n>', 'asks in all (default 200)', intOption('--requests', 1, 1_000_000))
    .option('--concurrency <n>', 'asks at a time (default 8)', intOption('--concurrency', 1, 1024))
    .option('--max-p95-ms <ms>', 'limit on p95 latency (default 1000)', numberOption('--max-p95-ms', 1, 600_000))
    .option('--max-error-rate <rate>', 'limit on the error rate (default 0.01)', numberOption('--max-error-rate', 0, 1))
    .option('--json', 'print one JSON document')
    .action(async (id: number, flags) => {
      const gw = await context.open();
      try {
        const registry = createRegistryStore(gw.db);
        const entry = await registry.get(id);
        const record = await loadTestEntry(registry, gw, entry, { golden: flags.golden, tenant: flags.tenant, requests: flags.requests, concurrency: flags.concurrency, maxP95Ms: flags.maxP95Ms, maxErrorRate: flags.maxErrorRate });
        if (flags.json) printJson(context.io, { loadBenchmark: record });
        else {
          const f = record.figures;
          context.io.stdout(`entry ${id}: ${f.requests} asks at concurrency ${f.concurrency}: p50/p95/p99 ${f.p50Ms}/${f.p95Ms}/${f.p99Ms} ms, error rate ${f.errorRate}, ${f.requestsPerSecond} req/s\n`);
          context.io.stdout(`limits: p95 <= ${record.limits.maxP95Ms} ms, error rate <= ${record.limits.maxErrorRate}: ${record.passed ? 'PASSED' : 'FAILED'} (record ${record.id})\n`);
        }
      } finally {
        await gw.close();
      }
    });

  command
    .command('retrain')
    .description('retrain a model from the tenant\'s feedback now (serve does it on a schedule with registry.retraining): candidate entry, eval gate, load benchmark, canary')
    .requiredOption('--kind <kind>', `the model retrained: ${RETRAINABLE_KINDS.join(' or ')}`, retrainableKindOption)
    .option('--tenant <tenant>', 'tenant whose feedback teaches (default from config)', tenantOption)
    .option('--golden <file>', 'golden set of the eval gate and load benchmark (a ranker also learns its judgments); without one the candidate stays in dev')
    .option('--dataset <dir>', 'ranker: BEIR dataset whose judgments join the training (repeatable)', collect, [])
    .option('--split <name>', 'qrels split of every --dataset', 'train')
    .option('--since-days <days>', 'ratings of the last N days (default 28)', numberOption('--since-days', 0.001, 3650), 28)
    .option('--approve', 'explicit approval in advance (a first or new-major model reaching production)')
    .option('--load-requests <n>', 'load benchmark asks (default 50)', intOption('--load-requests', 1, 1_000_000), 50)
    .option('--out <dir>', 'folder of the model file and its card (default <dataDir>/registry/<tenant>)')
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const gw = await context.open();
      try {
        const result = await runRetrainingPipeline(gw, createRegistryStore(gw.db), {
          tenant: flags.tenant ?? gw.config.tenant,
          kind: flags.kind,
          since: new Date(Date.now() - flags.sinceDays * 86_400_000),
          golden: flags.golden,
          datasets: (flags.dataset as string[]).map((dir) => ({ dir, split: flags.split })),
          approve: flags.approve === true,
          loadRequests: flags.loadRequests,
          outDir: flags.out,
        });
        const summary = {
          entry: entryRow(result.candidate.entry),
          experimentId: result.candidate.experimentId,
          modelPath: result.candidate.modelPath,
          modelCardPath: result.candidate.modelCardPath,
          labels: result.candidate.labels,
          stage: result.stage,
          gate: result.gate,
          loadBenchmark: result.loadBenchmark,
          canary: result.canary,
          stoppedBecause: result.stoppedBecause,
        };
        if (flags.json) printJson(context.io, summary);
        else {
          const e = result.candidate.entry;
          context.io.stdout(`retrained ${e.kind} ${e.name}@${e.version} (entry ${e.id}, ${result.candidate.experimentId}, card ${result.candidate.modelCardPath}) from ${result.candidate.labels.rows} rated questions\n`);
          context.io.stdout(result.canary ? `eval gate passed, load benchmark within limits: canary ${result.canary.id} started\n` : `stopped in ${result.stage}: ${result.stoppedBecause}\n`);
        }
      } finally {
        await gw.close();
      }
    });

  const ab = command.command('ab').description('online A/B tests between two entries of a kind in a tenant');
  ab.command('start')
    .description('start an A/B test: the treatment serves a stable share of the tenant\'s users (sticky); sized by the ab-sample-size tool')
    .requiredOption('--treatment <id>', 'entry id of the treatment', idArgument)
    .option('--control <id|base>', 'entry id of the control, or base (the base configuration); default: the production entry of the kind')
    .requiredOption('--baseline-rate <rate>', 'expected positive-feedback rate of the control', numberOption('--baseline-rate', 0.001, 0.999))
    .requiredOption('--mde <effect>', 'smallest absolute change in the positive-feedback rate worth detecting', numberOption('--mde', 0.001, 0.999))
    .option('--share <share>', 'treatment share of the traffic (default 0.5)', numberOption('--share', 0.001, 0.999))
    .option('--min-runtime-days <days>', 'minimum runtime (default 7: one business cycle)', numberOption('--min-runtime-days', 0.001, 365))
    .option('--tenant <tenant>', 'tenant (default from config)', tenantOption)
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const gw = await context.open();
      try {
        const registry = createRegistryStore(gw.db);
        const tenant = flags.tenant ?? gw.config.tenant;
        const treatment = await registry.get(flags.treatment, { tenant });
        let controlEntryId: number | null;
        if (flags.control === 'base') controlEntryId = null;
        else if (flags.control !== undefined) controlEntryId = idArgument(flags.control);
        else controlEntryId = (await registry.production(tenant, treatment.kind))?.id ?? null;
        const rollout = await startAbTest(registry, {
          tenant,
          controlEntryId,
          treatmentEntryId: treatment.id,
          treatmentShare: flags.share,
          settings: { baselineRate: flags.baselineRate, minimumDetectableEffect: flags.mde, ...(flags.minRuntimeDays ? { minimumRuntimeMs: Math.round(flags.minRuntimeDays * 86_400_000) } : {}) },
        });
        if (flags.json) printJson(context.io, { rollout });
        else context.io.stdout(`A/B test ${rollout.id} started in tenant ${tenant}: ${rollout.settings.minimumSamplePerArm} rated requests per arm needed\n`);
      } finally {
        await gw.close();
      }
    });

  command
    .command('tick')
    .description('run the rollout controller once now (serve runs it on a schedule): advance or roll back canaries, decide A/B tests')
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const gw = await context.open();
      try {
        const result = await runRolloutController({ registry: createRegistryStore(gw.db), log: (event) => context.io.stderr(`${JSON.stringify(event)}\n`) }, new Date());
        if (flags.json) printJson(context.io, result);
        else {
          context.io.stdout(table(result.canaries.map((a) => ({ rollout: a.rolloutId, tenant: a.tenant, entry: a.entryId, action: a.action, share: a.share, reason: a.reason }))));
          context.io.stdout(table(result.abTests.map((d) => ({ rollout: d.rolloutId, tenant: d.tenant, decision: d.decision, reasons: d.reasons.join('; ') }))));
        }
      } finally {
        await gw.close();
      }
    });
}

async function readJsonFile(path: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(resolve(path), 'utf8');
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${path} is not JSON (${(error as Error).message})`);
  }
}

function printDescription(context: CommandContext, d: EntryDescription): void {
  const { io } = context;
  const e = d.entry;
  io.stdout(`entry ${e.id}: ${e.kind} ${e.name}@${e.version}, scope ${e.tenant}, stage ${e.stage}\n`);
  io.stdout(`code ${e.codeVersion}; experiments ${e.experimentIds.join(', ') || '(none)'}; model card ${e.modelCardPath ?? '(none)'}; artifact ${e.artifactPath ?? '(none)'}\n`);
  if (Object.keys(e.datasetHashes).length) io.stdout(`datasets: ${Object.entries(e.datasetHashes).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  io.stdout(`overrides: ${JSON.stringify(e.overrides)}\n`);
  io.stdout(`latest eval gate: ${d.latestGate ? `${d.latestGate.passed ? 'passed' : 'failed'} (record ${d.latestGate.id}, ${d.latestGate.experimentIds.join(', ')})` : 'none'}\n`);
  io.stdout(`latest load benchmark: ${d.latestLoadBenchmark ? `${d.latestLoadBenchmark.passed ? 'passed' : 'failed'} (p95 ${d.latestLoadBenchmark.figures.p95Ms} ms, error rate ${d.latestLoadBenchmark.figures.errorRate})` : 'none'}\n`);
  io.stdout(`history:\n${table(d.history.map((h) => ({ at: h.createdAt.toISOString().slice(0, 19), from: h.fromStage, to: h.toStage, actor: h.actor, reason: h.reason })))}`);
  for (const r of d.rollouts) {
    io.stdout(`${r.rollout.kind} ${r.rollout.id} (${r.rollout.status}, treatment share ${r.rollout.treatmentShare}):\n`);
    io.stdout(table(r.events.map((ev) => ({ at: ev.at.toISOString().slice(0, 19), event: ev.event, share: ev.treatmentShare, reason: ev.reason }))));
  }
}
