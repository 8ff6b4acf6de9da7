import { readFileSync } from 'node:fs';
import { DEFAULT_FORM } from './domain/default-form.js';
import { parseRegimeForms } from './domain/form-definition.js';
import { parseRegime, type Regime } from './domain/regime.js';

export class RegimeFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegimeFileError';
  }
}

/**
 * A deployer's regime file (JSON), validated: `npm start` (REGIME_FILE) and `cdk synth`
 * (context regimeFile) both read it here, and a bad file fails naming the file and the field (its
 * report forms checked in full here, not on every read of the stored regime).
 */
export function readRegimeFile(path: string): Regime {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new RegimeFileError(`cannot read ${path} as JSON: ${(e as Error).message}`);
  }
  try {
    const regime = parseRegimeForms(parseRegime(json));
    // A file without forms (written before they were data) reports on the seed's form, under its own version.
    return regime.forms ? regime : { ...regime, forms: [{ ...DEFAULT_FORM, version: regime.formVersion }] };
  } catch (e) {
    throw new RegimeFileError(`${path}: ${(e as Error).message}`);
  }
}
