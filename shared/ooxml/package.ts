import { XML_DECLARATION, attrs, esc } from './xml.js';

/**
 * The package parts every OOXML file has (ECMA-376 Part 2, Open Packaging Conventions): the
 * content types, the relationship parts and the core properties. Written once here for
 * xlsx-write.ts and docx.ts, which the summary function bundles together.
 */

/** [Content_Types].xml: .rels and .xml parts by extension, the given parts by name. */
export const typesXml = (parts: readonly (readonly [name: string, type: string, ...unknown[]])[]) =>
  `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
  parts.map(([name, type]) => `<Override${attrs({ PartName: `/${name}`, ContentType: type })}/>`).join('') +
  '</Types>';

/** A .rels part; `rels` are [Id, type, target]. */
export const relsXml = (rels: readonly (readonly [id: string, type: string, target: string])[]) =>
  `${XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
  rels.map(([id, type, target]) => `<Relationship${attrs({ Id: id, Type: type, Target: target })}/>`).join('') +
  '</Relationships>';

export const CORE_TYPE = 'application/vnd.openxmlformats-package.core-properties+xml';
export const CORE_REL = 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties';

/** docProps/core.xml; `created` also serves as the modified time, so the same input gives the same bytes. */
export function coreXml(p: { title?: string; creator?: string; created?: Date }): string {
  const date = (tag: string) => (p.created ? `<${tag} xsi:type="dcterms:W3CDTF">${p.created.toISOString().slice(0, 19)}Z</${tag}>` : '');
  return (
    `${XML_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" ` +
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    (p.title === undefined ? '' : `<dc:title>${esc(p.title)}</dc:title>`) +
    (p.creator === undefined ? '' : `<dc:creator>${esc(p.creator)}</dc:creator>`) +
    date('dcterms:created') +
    date('dcterms:modified') +
    '</cp:coreProperties>'
  );
}
