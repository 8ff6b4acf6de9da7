import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionName } from '../shared/definitions/events.js';

/** The repository root, from this file's location (synth and tests run from any cwd). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The lockfile NodejsFunction hashes for its asset and bundles against. */
export const LOCK_FILE = join(REPO_ROOT, 'package-lock.json');

/** Every function's entry point: functions/<name>/handler.ts exporting `handler`. */
export const handlerEntry = (name: FunctionName): string => join(REPO_ROOT, 'functions', name, 'handler.ts');
