/** The form's browser script, bundled by web/build.ts (`npm run build:web`) into form-bundle.js (not committed). */
export declare const FORM_SCRIPT: string;
