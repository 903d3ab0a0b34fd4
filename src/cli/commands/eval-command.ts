import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createExperimentStore } from '../../eval/experiment-store.js';
import { parseExperimentId } from '../../eval/experiment-record.js';
import { evalScore } from '../../eval/eval-score.js';
import { renderHtmlReport } from '../../eval/html-report.js';
import { renderMarkdownReport } from '../../eval/markdown-report.js';
import { runBeirEval } from '../../eval/run-beir-eval.js';
import type { EvalRunDocument, EvalRunProgress } from '../../eval/run-eval-types.js';
import { runGoldenEval, type GoldenEvalRunDocument } from '../../eval/run-golden-eval.js';
import { resolveEvalOptions } from '../../eval/run-record.js';
import { buildExperimentReport } from '../../eval/run-report.js';
import { registerGate } from './eval-gate-command.js';
import type { MeanWithCI } from '../../eval/bootstrap-ci.js';
import type { PairedTestResult } from '../../eval/paired-test.js';
import type { CommandContext } from '../context.js';
import { printJson, table, UsageError } from '../output.js';
import { intOption, modeOption, tenantOption } from '../options.js';
import { createProgress, type ProgressReporter } from '../progress.js';

/**
 * `groundwork eval run|score|compare|list|report`: evaluation runs recorded as experiments,
 * trec_eval-style scoring of run files, paired comparisons and reports. `--config FILE` is the
 * global flag (the configuration the run resolves and records).
 */
export function registerEval(program: Command, context: CommandContext): void {
  const evalCommand = program.command('eval').description('evaluate retrieval and answers with confidence intervals; experiments and reports');
  registerRun(evalCommand, context);
  registerScore(evalCommand, context);
  registerCompare(evalCommand, context);
  registerList(evalCommand, context);
  registerReport(evalCommand, context);
  registerGate(evalCommand, context);
}

function registerRun(evalCommand: Command, context: CommandContext): void {
  evalCommand
    .command('run')
    .description('run a BEIR dataset split (--dataset) or a golden set (--golden) and record an experiment')
    .option('--dataset <dir>', 'BEIR layout: corpus.jsonl, queries.jsonl, qrels/<split>.tsv')
    .option('--split <name>', 'qrels split of --dataset (default test)')
    .option('--keep-identical-ids', '--dataset: keep hits whose document id equals the query id (dropped by default, as BEIR ignore_identical_ids)')
    .option('--golden <file>', 'golden-set JSON Lines over documents already ingested in the tenant')
    .option('--mode <mode>', 'sparse, dense or hybrid (default from config)', modeOption)
    .option('--k <n>', 'documents per query in the run file and metric cutoff besides 10 (default eval.k)', intOption('--k', 1, 1000))
    .option('--hypothesis <text>', 'what this run is meant to show (recorded)')
    .option('--baseline <id>', 'experiment to compare with (paired test per metric; decides the verdict)')
    .option('--run-file <path>', 'write a TREC run file (qid Q0 docid rank score tag)')
    .option('--answers-file <path>', 'golden sets: write one JSON line per question (id, answer, refused, refusal reason, answerability score, citations, latency)')
    .option('--tenant <tenant>', 'tenant (BEIR default eval-<dataset dir>; golden default from config)', tenantOption)
    .option('--judge', 'golden sets: also judge groundedness and correctness with the configured LLM (config generate), several times per item')
    .option('--judge-repeats <n>', 'judgments per item with --judge (default eval.judgeRepeats)', intOption('--judge-repeats', 1, 15))
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      if ((flags.dataset === undefined) === (flags.golden === undefined)) throw new UsageError('eval run needs exactly one of --dataset DIR or --golden FILE');
      if (flags.split !== undefined && flags.dataset === undefined) throw new UsageError('--split applies to --dataset only');
      if (flags.keepIdenticalIds && flags.dataset === undefined) throw new UsageError('--keep-identical-ids applies to --dataset only');
      if (flags.judge && flags.golden === undefined) throw new UsageError('--judge applies to --golden only');
      if (flags.answersFile !== undefined && flags.golden === undefined) throw new UsageError('--answers-file applies to --golden only');
      if (flags.judgeRepeats !== undefined && !flags.judge) throw new UsageError('--judge-repeats needs --judge');
      const baselineId = flags.baseline === undefined ? undefined : parseExperimentIdFlag(flags.baseline, '--baseline');
      const { io } = context;
      const gw = await context.open();
      const bars = new Map<EvalRunProgress['phase'], ProgressReporter>();
      const onProgress = (progress: EvalRunProgress) => {
        let bar = bars.get(progress.phase);
        if (bar === undefined) {
          for (const other of bars.values()) other.stop();
          bar = createProgress(io, progress.phase === 'ingest' ? 'eval ingest' : 'eval queries');
          bars.set(progress.phase, bar);
        }
        bar.update(progress);
      };
      try {
        for (const notice of gw.notices) io.stderr(`note: ${notice}\n`);
        const common = { mode: flags.mode, k: flags.k, tenant: flags.tenant, hypothesis: flags.hypothesis, baselineId, runFile: flags.runFile, onProgress };
        const document =
          flags.dataset !== undefined
            ? await runBeirEval(gw, { ...common, dataset: flags.dataset, split: flags.split, keepIdenticalIds: flags.keepIdenticalIds === true })
            : await runGoldenEval(gw, { ...common, golden: flags.golden, judge: flags.judge === true, judgeRepeats: flags.judgeRepeats, answersFile: flags.answersFile });
        for (const bar of bars.values()) bar.stop();
        if (flags.json) printJson(io, document);
        else printRun(context, document);
      } finally {
        for (const bar of bars.values()) bar.stop();
        await gw.close();
      }
    });
}

function registerScore(evalCommand: Command, context: CommandContext): void {
  evalCommand
    .command('score')
    .description('score a TREC run file against TREC or BEIR qrels, like trec_eval, with bootstrap intervals')
    .requiredOption('--run <file>', 'TREC run file')
    .requiredOption('--qrels <file>', 'qrels: TREC (qid 0 docid grade) or BEIR TSV with header')
    .option('--k <n>', 'cutoff of every metric', intOption('--k', 1, 100_000))
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const options = resolveEvalOptions({ config: context.config() });
      const document = await evalScore({
        runFile: flags.run,
        qrelsFile: flags.qrels,
        k: flags.k,
        seed: options.seed,
        resamples: options.resamples,
        confidence: options.confidence,
        missingQueries: options.missingQueries,
      });
      if (flags.json) {
        printJson(context.io, document);
        return;
      }
      context.io.stdout(metricTable(document.metrics));
      context.io.stdout(`${table(document.perQuery.map((row) => ({ ...row })))}`);
      const c = document.counts;
      context.io.stdout(`${c.evaluated} queries evaluated, ${c.skippedNoRelevant} without relevant documents skipped, ${c.missingFromRun} missing from the run, ${c.notInQrels} run queries not judged\n`);
    });
}

function registerCompare(evalCommand: Command, context: CommandContext): void {
  evalCommand
    .command('compare')
    .description('paired comparison of two experiments over their shared queries (B against A)')
    .argument('<a>', 'experiment id (baseline)')
    .argument('<b>', 'experiment id')
    .option('--json', 'print one JSON document')
    .action(async (a: string, b: string, flags) => {
      const aId = parseExperimentIdFlag(a, 'A');
      const bId = parseExperimentIdFlag(b, 'B');
      const gw = await context.open();
      try {
        const options = resolveEvalOptions(gw);
        const comparison = await createExperimentStore(gw.db).compare(aId, bId, { seed: options.seed, resamples: options.resamples, confidence: options.confidence });
        if (flags.json) {
          printJson(context.io, comparison);
          return;
        }
        context.io.stdout(`${bId} against ${aId}: ${comparison.queries} shared queries (${comparison.onlyInA} only in A, ${comparison.onlyInB} only in B)\n`);
        context.io.stdout(comparisonTable(comparison.metrics));
      } finally {
        await gw.close();
      }
    });
}

function registerList(evalCommand: Command, context: CommandContext): void {
  evalCommand
    .command('list')
    .description('list recorded experiments, newest first')
    .option('--tenant <tenant>', 'only experiments of this tenant', tenantOption)
    .option('--limit <n>', 'at most this many (default 50)', intOption('--limit', 1, 10_000))
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const gw = await context.open();
      try {
        const experiments = await createExperimentStore(gw.db).list({ tenant: flags.tenant, limit: flags.limit });
        if (flags.json) {
          printJson(context.io, { experiments });
          return;
        }
        context.io.stdout(
          table(
            experiments.map((e) => {
              const primary = (e.config.eval as { primaryMetric?: string } | undefined)?.primaryMetric ?? 'ndcg@10';
              const metric = e.metrics[primary];
              return {
                id: e.id,
                verdict: e.verdict,
                dataset: `${e.dataset.kind}:${e.dataset.path.split(/[\\/]/).pop()}${e.dataset.split ? `/${e.dataset.split}` : ''}`,
                queries: e.queryCount,
                metric: primary,
                value: metric?.mean,
                baseline: e.baselineId ?? '',
                hypothesis: (e.hypothesis ?? '').slice(0, 40),
              };
            }),
            ['id', 'verdict', 'dataset', 'queries', 'metric', 'value', 'baseline', 'hypothesis'],
          ),
        );
      } finally {
        await gw.close();
      }
    });
}

function registerReport(evalCommand: Command, context: CommandContext): void {
  evalCommand
    .command('report')
    .description('markdown report of an experiment on stdout; --html writes a self-contained HTML report with charts')
    .argument('<id>', 'experiment id')
    .option('--html <file>', 'write the HTML report here')
    .option('--json', 'print one JSON document (the report data)')
    .action(async (id: string, flags) => {
      const experimentId = parseExperimentIdFlag(id, 'experiment id');
      const gw = await context.open();
      try {
        const options = resolveEvalOptions(gw);
        const report = await buildExperimentReport(createExperimentStore(gw.db), experimentId, {
          seed: options.seed,
          resamples: options.resamples,
          confidence: options.confidence,
          worstQueries: options.worstQueries,
        });
        let html: string | undefined;
        if (flags.html !== undefined) {
          html = resolve(flags.html);
          await writeFile(html, renderHtmlReport(report), 'utf8');
        }
        if (flags.json) printJson(context.io, { experimentId, ...(html ? { html } : {}), report });
        else {
          context.io.stdout(renderMarkdownReport(report));
          if (html) context.io.stderr(`wrote ${html}\n`);
        }
      } finally {
        await gw.close();
      }
    });
}

function parseExperimentIdFlag(value: string, flag: string): string {
  try {
    return parseExperimentId(value, flag);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function metricTable(metrics: Record<string, MeanWithCI>): string {
  return table(
    Object.entries(metrics).map(([name, m]) => ({ metric: name, mean: m.mean, '95% CI': `[${m.lower.toFixed(4)}, ${m.upper.toFixed(4)}]`, n: m.n })),
    ['metric', 'mean', '95% CI', 'n'],
  );
}

function comparisonTable(metrics: Record<string, PairedTestResult>): string {
  return table(
    Object.entries(metrics).map(([name, c]) => ({
      metric: name,
      A: c.meanA,
      B: c.meanB,
      'B-A': c.meanDifference,
      'CI of B-A': `[${c.lower.toFixed(4)}, ${c.upper.toFixed(4)}]`,
      p: c.pValue,
      n: c.n,
    })),
    ['metric', 'A', 'B', 'B-A', 'CI of B-A', 'p', 'n'],
  );
}

function printRun(context: CommandContext, document: EvalRunDocument): void {
  const { io } = context;
  for (const notice of document.notices) io.stderr(`note: ${notice}\n`);
  const d = document.dataset;
  io.stdout(`${document.experimentId}: ${d.kind} ${d.path}${d.split ? ` (split ${d.split})` : ''}, ${d.queries} queries, tenant ${document.tenant}, mode ${document.mode}\n`);
  io.stdout(metricTable(document.metrics));
  const l = document.latency;
  io.stdout(`latency per query: p50 ${l.p50Ms} ms, p95 ${l.p95Ms} ms, max ${l.maxMs} ms (n=${l.n})\n`);
  const golden = document as Partial<GoldenEvalRunDocument>;
  const cost = golden.latency?.cost;
  if (cost) io.stdout(`cost per query (ledger): mean $${usd(cost.meanUsd)}, p50 $${usd(cost.p50Usd)}, p95 $${usd(cost.p95Usd)}, total $${usd(cost.totalUsd)}\n`);
  if (golden.judge) {
    const j = golden.judge;
    for (const [name, s] of [['groundedness', j.groundedness], ['correctness', j.correctness]] as const) {
      io.stdout(`judge ${name} (${j.model}, ${j.repeats} repeats): ${s.judged} judged, agreement ${fmt(s.agreementRate)}, ${s.unanimous} unanimous, ${s.invalidResponses} invalid responses, ${s.unjudged} unjudged\n`);
    }
  }
  if (document.refusalCalibration) {
    const r = document.refusalCalibration;
    io.stdout(`refusal threshold: fitted ${r.threshold.toFixed(4)} (current ${r.current}); at the fit, refusal accuracy ${fmt(r.best.refusalAccuracy)}, false refusals ${fmt(r.best.falseRefusalRate)}\n`);
  }
  if (document.comparison) {
    io.stdout(`comparison with ${document.comparison.baselineId} (${document.comparison.queries} shared queries):\n`);
    io.stdout(comparisonTable(document.comparison.metrics));
  }
  if (document.segments) {
    const shown = ['answer_accuracy', 'answer_containment', 'token_f1', 'refusal_accuracy', 'false_refusal_rate', 'citation_doc_precision'];
    const interval = (m: MeanWithCI | undefined) => (m === undefined ? '' : `${m.mean.toFixed(3)} [${m.lower.toFixed(3)}, ${m.upper.toFixed(3)}]`);
    io.stdout('per segment:\n');
    io.stdout(table(document.segments.map((segment) => ({ segment: segment.segment, n: segment.n, ...Object.fromEntries(shown.map((name) => [name, interval(segment.metrics[name])])) })), ['segment', 'n', ...shown]));
  }
  if (document.runFile) io.stdout(`run file: ${document.runFile}\n`);
  if (golden.answersFile) io.stdout(`answers file: ${golden.answersFile}\n`);
  io.stdout(`verdict: ${document.verdict} (${document.verdictReason})\n`);
  io.stdout(`done in ${(document.durationMs / 1000).toFixed(1)} s\n`);
}

function usd(value: number): string {
  return value.toPrecision(3);
}

function fmt(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toFixed(3);
}
