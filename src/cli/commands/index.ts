import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { registerAsk } from './ask-command.js';
import { registerCache } from './cache-command.js';
import { registerDemo } from './demo-command.js';
import { registerEval } from './eval-command.js';
import { registerIngest } from './ingest-command.js';
import { registerKeys } from './keys-command.js';
import { registerServe } from './serve-command.js';
import { registerWorker } from './worker-command.js';
import { registerModels } from './models-command.js';
import { registerRouter } from './router-command.js';
import { registerTool } from './tool-command.js';
import { registerRetrieve } from './retrieve-command.js';

/** Registers every subcommand. `setExit` lets a command report a non-zero exit without throwing. */
export function registerCommands(program: Command, context: CommandContext, setExit: (code: number) => void): void {
  void setExit;
  registerIngest(program, context);
  registerRetrieve(program, context);
  registerAsk(program, context);
  registerDemo(program, context);
  registerTool(program, context);
  registerModels(program, context);
  registerRouter(program, context);
  registerCache(program, context);
  registerEval(program, context);
  registerServe(program, context);
  registerWorker(program, context);
  registerKeys(program, context);
}
