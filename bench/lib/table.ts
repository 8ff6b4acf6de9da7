import { arch, cpus, loadavg, release, totalmem, type } from 'node:os';

/** One line of the results table: a figure and its floor measured in the same run. */
export interface Row {
  /** "1 Ingest", "2 Validation", … */
  section: string;
  what: string;
  measured: string;
  floor: string;
  /** Cost relative to the floor, e.g. "1.42×"; several figures joined with " · ". */
  ratio: string;
  detail: string;
  /** Marked in the table: over a stated target (issue 7: a bundle over 1.3× its floor). */
  flagged?: boolean;
}

const HEADER = ['#', 'What', 'Measured', 'Floor (same run)', '× floor', 'Detail'] as const;

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** A Markdown table padded so it also reads as plain text on a terminal. */
export function renderTable(rows: readonly Row[]): string {
  const lines = rows.map((r) => [r.section, r.what, r.measured, r.floor, r.flagged ? `**${r.ratio}** ⚠` : r.ratio, r.detail].map(cell));
  const widths = HEADER.map((h, i) => Math.max(h.length, ...lines.map((l) => [...l[i]!].length)));
  const fmt = (cells: readonly string[]) => `| ${cells.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join(' | ')} |`;
  return [fmt(HEADER), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n');
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  os: string;
  date: string;
  /** 1-minute load average: other work on the machine during the run. */
  load: number;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${type()} ${release()} ${arch()}`,
    date: new Date().toISOString(),
    load: Math.round(loadavg()[0]! * 100) / 100,
  };
}
