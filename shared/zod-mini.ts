import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod/mini (tree-shakable, a fraction of classic zod in a bundle) for the cold-path schemas: the
 * functions' config, the regime, the request bodies. Classic zod stays where its methods and
 * `.describe()` labels are read (ReportSchema and the form, template and board built from it).
 * zod/mini loads no locale, so its issues would read "Invalid input": the English messages classic
 * zod gives are set here, and every schema reads the same whichever flavour it is built with.
 * Import it as `import * as z from '../zod-mini.js'`.
 */
config(en());

export * from 'zod/mini';
