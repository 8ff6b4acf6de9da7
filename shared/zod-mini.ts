import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod/mini (tree-shakable, a fraction of classic zod in a bundle) for every runtime schema: the
 * functions' config, the regime, the request bodies and ReportSchema (whose labels are
 * `z.describe()` descriptions, read from zod's global registry). No function bundles classic zod.
 * Reach `z.core` for types only: a value read through it (`z.core.$ZodString`) brings all of zod's
 * core, every locale included, into the bundle.
 * zod/mini loads no locale, so its issues would read "Invalid input": the English messages classic
 * zod gives are set here, and every schema reads the same whichever flavour it is built with.
 * Import it as `import * as z from '../zod-mini.js'`.
 */
config(en());

export * from 'zod/mini';
