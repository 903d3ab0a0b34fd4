/** API key resolution shared by the remote providers: explicit argument, then environment. */
import { GroundworkError } from '../errors.js';

/** Returns the key from the argument or `process.env[envName]`; throws naming both when neither is set. */
export function resolveApiKey(args: { provider: string; apiKey?: string; envName: string; env?: NodeJS.ProcessEnv }): string {
  const key = args.apiKey ?? (args.env ?? process.env)[args.envName];
  if (key && key.trim() !== '') return key;
  throw new GroundworkError('CONFIG', `${args.provider}: no API key; pass apiKey or set ${args.envName}`, {
    details: { provider: args.provider, envName: args.envName },
  });
}
