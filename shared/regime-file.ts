import { readFileSync } from 'node:fs';
import { parseRegime, type Regime } from './domain/regime.js';

export class RegimeFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegimeFileError';
  }
}

/**
 * A deployer's regime file (JSON), validated: `npm start` (REGIME_FILE) and `cdk synth`
 * (context regimeFile) both read it here, and a bad file fails naming the file and the field.
 */
export function readRegimeFile(path: string): Regime {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new RegimeFileError(`cannot read ${path} as JSON: ${(e as Error).message}`);
  }
  try {
    return parseRegime(json);
  } catch (e) {
    throw new RegimeFileError(`${path}: ${(e as Error).message}`);
  }
}
