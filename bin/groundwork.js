#!/usr/bin/env node
// The groundwork command: runs the compiled CLI (npm install builds dist/ through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('groundwork: dist/ is missing; run `npm run build` (npm install runs it for you)\n');
  process.exit(1);
}
const { runCli } = await import(entry.href);
await runCli(process.argv.slice(2));
