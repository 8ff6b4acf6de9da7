import type { PeriodKey } from '../../shared/domain/periodicity.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { localDate, vietnameseDateTime } from '../../shared/domain/calendar.js';
import { ESCALATION_UNIT_ID } from '../../shared/domain/notices.js';
import type { Regime } from '../../shared/domain/regime.js';
import { NOTICE_KIND_LABELS, NOTICE_KINDS, type NoticeKind } from '../../shared/domain/vocabulary.js';
import type { NoticeLedger, NoticeRecord } from '../../shared/ports.js';
import { SUMMARY_LEDGER_UNIT } from '../../shared/use-cases/publish-summary.js';

/**
 * Every email the pipeline sent during the demo, as the SES emulator received it (GET {ses}/store),
 * joined on the message id with the notice ledger — the ledger says which unit, which kind and
 * step, and when (the virtual clock's claim time); SES says what was sent.
 */
/** Every notice kind, and 'other' for a message the ledger does not know. */
export const EMAIL_KINDS = [...NOTICE_KINDS, 'other'] as const;
export type EmailKind = NoticeKind | 'other';
export const EMAIL_KIND_LABELS: Record<EmailKind, string> = { ...NOTICE_KIND_LABELS, other: 'Khác' };

/** The SES emulator's stored message (aws-ses-v2-local `/store`). */
export interface SesStoredEmail {
  messageId: string;
  from: string;
  replyTo?: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments?: { filename?: string; contentType: string; content: string; size?: number }[];
  at: number;
}

export interface DemoEmail {
  /** 1-based, in sending order. */
  n: number;
  messageId: string;
  /** Virtual time it was sent (the ledger's claim), ISO; the emulator's real time when not in the ledger. */
  at: string;
  /** The ledger's unit: a unit id, '*' for the escalation digest, '_summary' for the consolidation. */
  unitId: string;
  kind: EmailKind;
  step: string;
  to: string[];
  cc: string[];
  subject: string;
  attachments: string[];
  /** The .eml file, relative to the emails folder. */
  file: string;
}

export async function readSesStore(ses: string): Promise<SesStoredEmail[]> {
  const res = await fetch(`${ses}/store`);
  if (!res.ok) throw new Error(`GET ${ses}/store: ${res.status}`);
  return ((await res.json()) as { emails: SesStoredEmail[] }).emails;
}

/** A raw (MIME) message's To is stored as one "a, b, c" string: one address per entry. */
const addresses = (list: readonly string[]) =>
  list
    .flatMap((s) => s.split(/,\s*/))
    .map((s) => s.trim())
    .filter(Boolean);

const isKind = (k: string): k is EmailKind => (EMAIL_KINDS as readonly string[]).includes(k);

export async function collectEmails(deps: {
  ses: string;
  ledger: NoticeLedger;
  regime: Regime;
  period: PeriodKey;
}): Promise<{ emails: DemoEmail[]; unmatched: number; messages: Map<string, SesStoredEmail> }> {
  const stored = await readSesStore(deps.ses);
  const ledgerUnits = [...deps.regime.units.map((u) => u.id), ESCALATION_UNIT_ID, SUMMARY_LEDGER_UNIT];
  const entries = (await Promise.all(ledgerUnits.map((u) => deps.ledger.list(deps.period, u)))).flat();
  const byMessage = new Map<string, NoticeRecord>();
  for (const e of entries) if (e.state === 'sent' && e.messageId) byMessage.set(e.messageId, e);

  let unmatched = 0;
  const emails = stored.map((m, i): DemoEmail => {
    const entry = byMessage.get(m.messageId);
    if (!entry) unmatched += 1;
    const kind = entry && isKind(entry.kind) ? entry.kind : 'other';
    const unitId = entry?.unitId ?? '?';
    const at = entry?.claimedAt ?? new Date(m.at * 1000).toISOString();
    const day = localDate(new Date(at), deps.regime.timeZone);
    const who = unitId === ESCALATION_UNIT_ID || unitId === SUMMARY_LEDGER_UNIT || unitId === '?' ? '' : `-${unitId}`;
    return {
      n: i + 1,
      messageId: m.messageId,
      at,
      unitId,
      kind,
      step: entry?.step ?? '',
      to: addresses(m.destination.to),
      cc: addresses(m.destination.cc),
      subject: m.subject,
      attachments: (m.attachments ?? []).map((a) => a.filename ?? '(không tên)'),
      file: `${String(i + 1).padStart(3, '0')}-${day}-${kind}${who}.eml`,
    };
  });
  return { emails, unmatched, messages: new Map(stored.map((m) => [m.messageId, m])) };
}

/** Writes every email as an .eml (dated with the virtual time) and an index.md; returns the paths. */
export async function writeEmails(
  dir: string,
  emails: readonly DemoEmail[],
  messages: ReadonlyMap<string, SesStoredEmail>,
  regime: Regime,
  period: PeriodKey,
): Promise<{ files: string[]; index: string }> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const e of emails) {
    const m = messages.get(e.messageId);
    if (!m) continue;
    const composer = new MailComposer({
      from: m.from,
      to: e.to,
      ...(e.cc.length ? { cc: e.cc } : {}),
      ...(m.replyTo?.length ? { replyTo: m.replyTo } : {}),
      subject: m.subject,
      ...(m.body.html ? { html: m.body.html } : {}),
      ...(m.body.text ? { text: m.body.text } : {}),
      date: new Date(e.at),
      messageId: `<${m.messageId}@email.baocao.local>`,
      attachments: (m.attachments ?? []).map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.content, 'base64'),
      })),
    });
    const path = join(dir, e.file);
    await writeFile(path, await composer.compile().build());
    files.push(path);
  }
  const index = join(dir, 'index.md');
  await writeFile(index, indexMarkdown(emails, regime, period));
  return { files, index };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

function indexMarkdown(emails: readonly DemoEmail[], regime: Regime, period: PeriodKey): string {
  const names = new Map(regime.units.map((u) => [u.id, u.name]));
  const who = (unitId: string) =>
    unitId === ESCALATION_UNIT_ID
      ? regime.receivingBody.name
      : unitId === SUMMARY_LEDGER_UNIT
        ? 'Lãnh đạo tỉnh'
        : (names.get(unitId) ?? unitId);
  const counts = new Map<EmailKind, number>();
  for (const e of emails) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  const lines = [
    `# Thư điện tử của bản chạy thử — báo cáo năm ${period}`,
    '',
    `${emails.length} thư, theo thứ tự gửi; ngày giờ là giờ mô phỏng (${regime.timeZone}). Mở tệp .eml bằng trình đọc thư.`,
    '',
    ...EMAIL_KINDS.filter((k) => counts.has(k)).map((k) => `- ${EMAIL_KIND_LABELS[k]}: ${counts.get(k)}`),
    '',
    '| # | Thời điểm | Loại | Đơn vị | Người nhận | Tiêu đề | Tệp |',
    '|---|---|---|---|---|---|---|',
    ...emails.map(
      (e) =>
        `| ${e.n} | ${vietnameseDateTime(new Date(e.at), regime.timeZone)} | ${EMAIL_KIND_LABELS[e.kind]} | ${cell(who(e.unitId))} | ${cell(e.to.join(', '))} | ${cell(e.subject)} | [${e.file}](${e.file}) |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** Counts per ledger unit and kind. */
export function tallyEmails(emails: readonly DemoEmail[]): Record<string, Partial<Record<EmailKind, number>>> {
  const out: Record<string, Partial<Record<EmailKind, number>>> = {};
  for (const e of emails) {
    const row = (out[e.unitId] ??= {});
    row[e.kind] = (row[e.kind] ?? 0) + 1;
  }
  return out;
}
