import type { Command } from 'commander';
import { resolveCodeVersion } from '../../eval/code-version.js';
import { resolveGateSide, runEvalGate, type GateDocument } from '../../eval/eval-gate.js';
import { resolveEvalOptions } from '../../eval/run-record.js';
import { createRegistryStore } from '../../registry/registry-store.js';
import { GroundworkError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { collect, tenantOption } from '../options.js';
import { printJson, table, UsageError } from '../output.js';
import { createProgress, type ProgressReporter } from '../progress.js';

/**
 * `groundwork eval gate --candidate ENTRY|FILE [--baseline production|ENTRY|FILE] (--golden F | --dataset D)... [--json]`:
 * exit 1 when the candidate is significantly worse on the primary metric or a guardrail regresses
 * beyond its tolerance (a CI step that blocks a merge), 0 when it passes.
 */
export function registerGate(evalCommand: Command, context: CommandContext): void {
  evalCommand
    .command('gate')
    .description('run a candidate and a baseline on the same questions; exit 1 when the candidate is worse (primary metric or a guardrail)')
    .requiredOption('--candidate <entry|file>', 'registry entry id, or a JSON file of config overrides')
    .option('--baseline <spec>', 'production (default), a registry entry id, or a JSON file of config overrides', 'production')
    .option('--golden <file>', 'golden set over documents ingested in the tenant (repeatable)', collect, [])
    .option('--dataset <dir>', 'BEIR-layout dataset (repeatable)', collect, [])
    .option('--tenant <tenant>', 'tenant of the golden sets\' documents (default: the candidate entry\'s, else from config)', tenantOption)
    .option('--json', 'print one JSON document')
    .action(async (flags) => {
      const goldens = flags.golden as string[];
      const datasets = flags.dataset as string[];
      if (goldens.length + datasets.length === 0) throw new UsageError('eval gate needs at least one --golden FILE or --dataset DIR');
      const { io } = context;
      const base = await context.open();
      let bar: ProgressReporter | undefined;
      let phase = '';
      try {
        const registry = createRegistryStore(base.db);
        const tenant = (flags.tenant as string | undefined) ?? base.config.tenant;
        const candidate = await resolveGateSide(registry, flags.candidate, tenant, '--candidate');
        const baseline = await resolveGateSide(registry, flags.baseline, candidate.entry && candidate.entry.tenant !== '*' ? candidate.entry.tenant : tenant, '--baseline');
        const options = resolveEvalOptions(base);
        const document = await runEvalGate(base, registry, {
          candidate,
          baseline,
          goldens,
          datasets,
          tenant: flags.tenant,
          seed: options.seed,
          resamples: options.resamples,
          confidence: options.confidence,
          codeVersion: await resolveCodeVersion(),
          onProgress: (p) => {
            const name = `gate ${p.side} ${p.phase}`;
            if (name !== phase) {
              bar?.stop();
              bar = createProgress(io, name);
              phase = name;
            }
            bar?.update(p);
          },
        });
        bar?.stop();
        if (flags.json) printJson(io, document);
        else printGate(context, document);
        if (!document.passed) {
          if (!context.setExit) throw new GroundworkError('INTERNAL', 'eval gate failed, and this command context cannot set the exit code');
          context.setExit(1);
        }
      } finally {
        bar?.stop();
        await base.close();
      }
    });
}

function printGate(context: CommandContext, document: GateDocument): void {
  const { io } = context;
  io.stdout(`candidate: ${document.candidate.label}\nbaseline:  ${document.baseline.label}\n`);
  for (const run of document.runs) {
    io.stdout(`\n${run.kind} ${run.dataset}: ${run.queries} paired queries (${run.baselineExperiment} -> ${run.candidateExperiment})\n`);
    io.stdout(
      table(
        run.checks.map((c) => ({ check: c.name, kind: c.kind, baseline: c.baseline, candidate: c.candidate, difference: c.difference, p: c.pValue, tolerance: c.tolerance, result: c.passed ? 'ok' : 'FAIL' })),
        ['check', 'kind', 'baseline', 'candidate', 'difference', 'p', 'tolerance', 'result'],
      ),
    );
  }
  if (document.passed) io.stdout(`\ngate PASSED (record ${document.gateRecordId})\n`);
  else io.stdout(`\ngate FAILED (record ${document.gateRecordId}):\n${document.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
}
