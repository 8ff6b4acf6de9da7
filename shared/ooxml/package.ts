import { XML_DECLARATION, attrs, esc } from './xml.js';
import { zip } from './zip.js';

/**
 * The package every OOXML file is (ECMA-376 Part 2, Open Packaging Conventions): the content
 * types, the relationship parts and the core properties around the document's own parts. Written
 * once here for xlsx-write.ts and docx.ts, which the summary function bundles together, with the
 * namespace and content-type stems they and chart.ts share.
 */

/**
 * The stem of every OOXML namespace (and relationship type). Module-level constants are plain
 * literals, not templates: esbuild keeps a top-level template in every bundle that imports the
 * module (ingest reaches this one through shared/xlsx/template.ts) even when nothing reads it.
 */
export const NS = 'http://schemas.openxmlformats.org/';
export const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
export const DRAWING_NS = 'http://schemas.openxmlformats.org/drawingml/2006/main';
/** The stem of the Office documents' content types. */
export const OFFICE_TYPE = 'application/vnd.openxmlformats-officedocument.';
const PACKAGE = 'http://schemas.openxmlformats.org/package/2006/';
const PACKAGE_TYPE = 'application/vnd.openxmlformats-package.';

/** A part: its name in the package, its content type ('' for a .rels part, typed by extension) and its XML. */
export type Part = readonly [name: string, type: string, xml: string];

/** A .rels part; `rels` are [Id, type, target]. */
export const relsXml = (rels: readonly (readonly [id: string, type: string, target: string])[]) =>
  `${XML_DECLARATION}<Relationships xmlns="${PACKAGE}relationships">` +
  rels.map(([id, type, target]) => `<Relationship${attrs({ Id: id, Type: type, Target: target })}/>`).join('') +
  '</Relationships>';

/** docProps/core.xml; `created` also serves as the modified time, so the same input gives the same bytes. */
function coreXml(p: { title?: string; creator?: string; created?: Date }): string {
  const date = (tag: string) => (p.created ? `<${tag} xsi:type="dcterms:W3CDTF">${p.created.toISOString().slice(0, 19)}Z</${tag}>` : '');
  return (
    `${XML_DECLARATION}<cp:coreProperties xmlns:cp="${PACKAGE}metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" ` +
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    (p.title === undefined ? '' : `<dc:title>${esc(p.title)}</dc:title>`) +
    (p.creator === undefined ? '' : `<dc:creator>${esc(p.creator)}</dc:creator>`) +
    date('dcterms:created') +
    date('dcterms:modified') +
    '</cp:coreProperties>'
  );
}

/**
 * Zips a package: [Content_Types].xml (.rels and .xml parts by extension, every typed part by
 * name), the package relationships (the main part, the first of `parts`, and the core
 * properties), docProps/core.xml, then `parts` in their order.
 */
export function packageZip(parts: readonly Part[], properties: { title?: string; creator?: string; created?: Date }): Uint8Array {
  const typed: Part[] = [...parts, ['docProps/core.xml', `${PACKAGE_TYPE}core-properties+xml`, coreXml(properties)]];
  const types =
    `${XML_DECLARATION}<Types xmlns="${PACKAGE}content-types">` +
    `<Default Extension="rels" ContentType="${PACKAGE_TYPE}relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
    typed
      .filter((p) => p[1])
      .map(([name, type]) => `<Override${attrs({ PartName: `/${name}`, ContentType: type })}/>`)
      .join('') +
    '</Types>';
  const rels = relsXml([
    ['rId1', `${REL_NS}/officeDocument`, parts[0]![0]],
    ['rId2', `${PACKAGE}relationships/metadata/core-properties`, 'docProps/core.xml'],
  ]);
  return zip([['[Content_Types].xml', types], ['_rels/.rels', rels], ...typed.map(([name, , xml]) => [name, xml] as const)]);
}
