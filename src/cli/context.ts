import { loadConfig } from '../config/load-config.js';
import type { Config, ConfigInput } from '../config/schema.js';
import { createGroundwork, type Groundwork, type GroundworkPlugins } from '../groundwork.js';
import type { CliIo } from './output.js';

/** What every command gets: output, flags shared by all, and lazy access to groundwork. */
export interface CommandContext {
  io: CliIo;
  env: Record<string, string | undefined>;
  /** Resolved once per command from file, environment and flags. */
  config(overrides?: ConfigInput): Readonly<Config>;
  /** Opens groundwork (database, models); the command must close it. */
  open(overrides?: ConfigInput, plugins?: GroundworkPlugins): Promise<Groundwork>;
  /** Ends the command with this exit code without throwing (a result that is a failure, e.g. a failed eval gate); set by registerCommands. */
  setExit?: (code: number) => void;
}

export interface GlobalFlags {
  config?: string;
  verbose?: boolean;
}

export function createContext(io: CliIo, env: Record<string, string | undefined>, flags: () => GlobalFlags): CommandContext {
  const config = (overrides?: ConfigInput): Readonly<Config> => loadConfig({ env, file: flags().config, overrides });
  return {
    io,
    env,
    config,
    open: (overrides, plugins = {}) => createGroundwork({ config: config(overrides), ...plugins }),
  };
}
