import { describe, expect, it } from 'vitest';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import type { Unit } from '../../shared/domain/regime.js';
import type { RenderedEmail } from '../../shared/email/layout.js';
import { escalationEmail, overdueEmail, reminderEmail } from '../../shared/email/notices-email.js';
import { inviteEmail, receiptEmail, rejectionEmail, returnedEmail } from '../../shared/email/unit-email.js';

const regime = DEFAULT_REGIME;
const unit = regime.units.find((u) => u.id === 'dak-ha') as Unit;
const link = 'http://localhost:3000/#t=tok_abc123';
const DUE = 'ngày 18 tháng 12 năm 2026';
const LEGAL = /định kỳ hàng năm báo cáo kết quả về Ủy ban nhân dân tỉnh[^.]*\(qua Sở Nội vụ/;
const VIETNAMESE = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;

/** A hostile unit: markup, quotes, an ampersand and a CR/LF header-injection attempt. */
const hostile: Unit = {
  ...unit,
  id: 'hostile',
  name: '<script>alert(1)</script> "quotes" & \'apos\'\r\nBcc: evil@attacker.example',
  email: '"><script>alert(2)</script>@attacker.example',
};
const hostileLink = 'https://baocao.example/#t=a"onmouseover="alert(3)';

const receivedAt = new Date('2026-12-15T03:15:00Z'); // 10:15 local

function all(u: Unit, l: string) {
  return {
    invite: inviteEmail({ regime, unit: u, period: '2026', link: l, dueDate: '2026-12-18' }),
    receipt: receiptEmail({
      regime,
      unit: u,
      period: '2026',
      uploadId: 'up-1',
      receivedAt,
      sha256: 'ab'.repeat(32),
      versionNumber: 2,
      status: 'ON_TIME',
      link: l,
    }),
    rejection: rejectionEmail({
      regime,
      unit: u,
      period: '2026',
      uploadId: 'up-2',
      receivedAt,
      reasons: [
        { path: 'dissemination.sessions', label: 'Số hội nghị', message: 'Phải là số nguyên không âm' },
        { path: 'narrative.results', label: '<img src=x onerror=alert(4)>', message: '"bad" <b>bold</b>' },
      ],
      link: l,
    }),
    returned: returnedEmail({
      regime,
      unit: u,
      period: '2026',
      reason: 'Thiếu số liệu mục 2 <script>alert(5)</script>\r\nvà "ký số"',
      link: l,
    }),
    reminder: reminderEmail({ regime, unit: u, period: '2026', dueDate: '2026-12-18', link: l, status: 'PENDING', asOf: '2026-12-11' }),
    overdue: overdueEmail({
      regime,
      unit: u,
      period: '2026',
      dueDate: '2026-12-18',
      daysOverdue: 3,
      link: l,
      status: 'OVERDUE',
      repeat: 1,
    }),
  };
}

function expectWellFormed(e: RenderedEmail) {
  expect(e.subject).not.toMatch(/[\r\n]/);
  expect(e.subject).toMatch(VIETNAMESE);
  expect(e.html).toMatch(/^<!doctype html><html lang="vi">/);
  expect(e.html).toMatch(VIETNAMESE);
  expect(e.text.length).toBeGreaterThan(100);
  expect(e.text).toMatch(VIETNAMESE);
}

describe('unit and notice emails', () => {
  const emails = all(unit, link);

  it.each(Object.keys(emails))('%s: Vietnamese subject, HTML and text parts naming the unit and its link', (name) => {
    const e = emails[name as keyof typeof emails];
    expectWellFormed(e);
    expect(e.subject).toContain(unit.name);
    expect(e.html).toContain(unit.name);
    expect(e.text).toContain(unit.name);
    expect(e.html).toContain(`href="${link}"`);
    expect(e.text).toContain(link);
  });

  it.each(['invite', 'receipt', 'rejection', 'returned', 'reminder', 'overdue'] as const)(
    '%s: gives the deadline as a Vietnamese date',
    (name) => {
      expect(emails[name].html).toContain(DUE);
      expect(emails[name].text).toContain(DUE);
    },
  );

  it.each(['invite', 'reminder', 'overdue'] as const)('%s: cites the legal basis and the directive', (name) => {
    for (const part of [emails[name].html, emails[name].text]) {
      expect(part).toMatch(LEGAL);
      expect(part).toContain('Nghị định số 09/2019/NĐ-CP');
    }
  });

  it('is polite before the deadline and firm after it', () => {
    expect(emails.reminder.text).toContain('trân trọng nhắc');
    expect(emails.reminder.text).toContain('Thời hạn gửi báo cáo còn 7 ngày (5 ngày làm việc).');
    expect(emails.reminder.text).not.toContain('khẩn trương');
    expect(emails.overdue.subject).toBe(`Quá hạn 3 ngày gửi báo cáo năm 2026 – ${unit.name}`);
    expect(emails.overdue.text).toContain('đã quá hạn 3 ngày');
    expect(emails.overdue.text).toContain('khẩn trương');
  });

  it('says which repeat an overdue notice is, and why a returned report is still owed', () => {
    const e = overdueEmail({ regime, unit, period: '2026', dueDate: '2026-12-18', daysOverdue: 10, status: 'RETURNED', repeat: 2 });
    expect(e.subject).toMatch(/^Nhắc lại lần 2: quá hạn 10 ngày/);
    expect(e.text).toContain('đã được trả lại để chỉnh sửa');
    expect(e.html).not.toContain('href="http');
  });

  it('receipt: the received time, fingerprint, version and status', () => {
    expect(emails.receipt.text).toContain('10:15 ngày 15/12/2026');
    expect(emails.receipt.text).toContain('ab'.repeat(32));
    expect(emails.receipt.text).toContain('Lần nộp thứ: 2');
    expect(emails.receipt.text).toContain('Đúng hạn');
  });

  it('rejection: lists every reason with its label, and urges when the deadline has passed', () => {
    expect(emails.rejection.text).toContain('1. Số hội nghị (dissemination.sessions): Phải là số nguyên không âm');
    const late = rejectionEmail({
      regime,
      unit,
      period: '2026',
      uploadId: 'u',
      receivedAt: new Date('2026-12-19T02:00:00Z'),
      reasons: [{ path: '', message: 'Tệp rỗng' }],
    });
    expect(late.text).toContain('1. Tệp rỗng');
    expect(late.text).toContain('đã qua');
    const many = rejectionEmail({
      regime,
      unit,
      period: '2026',
      uploadId: 'u',
      receivedAt,
      reasons: Array.from({ length: 60 }, (_, i) => ({ path: `f${i}`, message: 'sai' })),
    });
    expect(many.text).toContain('… và 30 lỗi khác.');
  });

  it('escalation: a table of overdue units with days overdue, status and contacts', () => {
    const other = regime.units.find((u) => u.id === 'so-tu-phap') as Unit;
    const e = escalationEmail({
      regime,
      period: '2026',
      dueDate: '2026-12-18',
      asOf: '2026-12-29',
      rows: [
        { unit, daysOverdue: 11, status: 'OVERDUE' },
        { unit: other, daysOverdue: 5, status: 'OVERDUE', dueDate: '2026-12-24' },
      ],
      recipients: ['Sở Nội vụ tỉnh Kon Tum', 'Chủ tịch UBND tỉnh'],
      boardLink: 'http://localhost:3000/board#admin=x',
    });
    expectWellFormed(e);
    expect(e.subject).toBe('Tổng hợp quá hạn: 2 đơn vị chưa gửi báo cáo năm 2026');
    expect(e.text).toContain('Kính gửi: Sở Nội vụ tỉnh Kon Tum; Chủ tịch UBND tỉnh,');
    expect(e.text).toContain(
      `1. ${unit.name} (UBND các huyện, thành phố) – hạn 18 tháng 12 năm 2026, quá hạn 11 ngày, Quá hạn, chưa nộp; liên hệ: ${unit.email}`,
    );
    expect(e.text).toContain('hạn 24 tháng 12 năm 2026, quá hạn 5 ngày');
    expect(e.text).toContain('Tính đến ngày 29 tháng 12 năm 2026, còn 2 cơ quan');
    expect(e.html).toContain(`<a href="mailto:${other.email}">`);
    expect(e.html).toMatch(LEGAL);
  });
});

describe('hostile values', () => {
  const emails = all(hostile, hostileLink);
  const escalation = escalationEmail({
    regime,
    period: '2026',
    dueDate: '2026-12-18',
    asOf: '2026-12-29',
    rows: [{ unit: hostile, daysOverdue: 11, status: 'OVERDUE' }],
    recipients: ['Lãnh đạo\r\nBcc: evil@attacker.example'],
  });

  it.each([...Object.entries(emails), ['escalation', escalation] as const])(
    '%s: escapes every value in HTML and keeps the subject on one line',
    (_name, e) => {
      expect(e.subject).not.toMatch(/[\r\n]/);
      expect(e.html).not.toMatch(/<script|<img|<b>|onmouseover="|href="javascript/i);
      expect(e.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; &#39;apos&#39;');
      expect(e.text).toContain('<script>alert(1)</script> "quotes" & \'apos\' Bcc: evil@attacker.example');
      expect(e.text).not.toMatch(/\r/);
    },
  );

  it('unit emails keep the hostile name out of the subject line breaks but in the subject text', () => {
    expect(emails.reminder.subject).toBe(
      'Nhắc hạn gửi báo cáo năm 2026 (hết ngày 18 tháng 12 năm 2026) – <script>alert(1)</script> "quotes" & \'apos\' Bcc: evil@attacker.example',
    );
  });

  it('escapes a hostile link, reason and contact inside attributes and text', () => {
    expect(emails.invite.html).toContain('href="https://baocao.example/#t=a&quot;onmouseover=&quot;alert(3)"');
    expect(emails.rejection.html).toContain('&lt;img src=x onerror=alert(4)&gt;');
    expect(emails.rejection.html).toContain('&quot;bad&quot; &lt;b&gt;bold&lt;/b&gt;');
    expect(emails.returned.html).toContain('Thiếu số liệu mục 2 &lt;script&gt;alert(5)&lt;/script&gt;');
    expect(escalation.html).toContain('href="mailto:&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;@attacker.example"');
  });

  it('never turns a javascript: link into an anchor', () => {
    const e = reminderEmail({ regime, unit, period: '2026', dueDate: '2026-12-18', link: 'javascript:alert(6)' });
    expect(e.html).not.toContain('href="javascript:');
    expect(e.html).toContain('javascript:alert(6)');
  });
});
