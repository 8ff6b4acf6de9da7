import { describe, expect, it } from 'vitest';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import {
  expectedUnits,
  findUnit,
  parseRegime,
  RegimeInvalidError,
  storedRegime,
  type Regime,
  type Unit,
} from '../../shared/domain/regime.js';

/** A deep copy of the default regime as plain JSON, the way a deployer's file arrives. */
const regimeJson = (): Record<string, unknown> => JSON.parse(JSON.stringify(DEFAULT_REGIME)) as Record<string, unknown>;

/** The error parseRegime throws for an input, or a failure when it does not throw. */
function parseError(input: unknown): RegimeInvalidError {
  try {
    parseRegime(input);
  } catch (e) {
    if (e instanceof RegimeInvalidError) return e;
    throw e;
  }
  throw new Error('expected parseRegime to reject the input');
}

const PROVINCE_NAMES = [
  'Văn phòng UBND tỉnh',
  'Sở Nội vụ',
  'Sở Tư pháp',
  'Sở Kế hoạch và Đầu tư',
  'Sở Tài chính',
  'Sở Công Thương',
  'Sở Nông nghiệp và Phát triển nông thôn',
  'Sở Giao thông vận tải',
  'Sở Xây dựng',
  'Sở Tài nguyên và Môi trường',
  'Sở Thông tin và Truyền thông',
  'Sở Lao động - Thương binh và Xã hội',
  'Sở Văn hóa, Thể thao và Du lịch',
  'Sở Khoa học và Công nghệ',
  'Sở Giáo dục và Đào tạo',
  'Sở Y tế',
  'Sở Ngoại vụ',
  'Thanh tra tỉnh',
  'Ban Dân tộc',
  'Ban Quản lý Khu kinh tế tỉnh',
  'Đài Phát thanh và Truyền hình tỉnh',
];
const DISTRICT_NAMES = [
  'UBND thành phố Kon Tum',
  'UBND huyện Đắk Hà',
  'UBND huyện Đắk Tô',
  'UBND huyện Ngọc Hồi',
  'UBND huyện Đắk Glei',
  'UBND huyện Sa Thầy',
  "UBND huyện Ia H'Drai",
  'UBND huyện Kon Rẫy',
  'UBND huyện Kon Plông',
  'UBND huyện Tu Mơ Rông',
];

describe('default regime', () => {
  it('passes its own schema when re-parsed from JSON', () => {
    // prepare
    const json = regimeJson();
    // act
    const parsed = parseRegime(json);
    // assess
    expect(parsed).toEqual(DEFAULT_REGIME);
    expect(parsed.frequency).toBe('annual');
    expect(parsed.timeZone).toBe('Asia/Ho_Chi_Minh');
  });

  it('expects 31 units: 21 provincial and 10 district-level, with unique ids', () => {
    // prepare
    const units = DEFAULT_REGIME.units;
    // act
    const byGroup = (g: Unit['group']) => units.filter((u) => u.group === g).length;
    const ids = new Set(units.map((u) => u.id));
    // assess
    expect(units).toHaveLength(31);
    expect(byGroup('province')).toBe(21);
    expect(byGroup('district')).toBe(10);
    expect(ids.size).toBe(31);
  });

  it('names every unit in full Vietnamese with diacritics, in the directive order and group', () => {
    // prepare
    const names = (g: Unit['group']) => DEFAULT_REGIME.units.filter((u) => u.group === g).map((u) => u.name);
    // act
    const province = names('province');
    const district = names('district');
    // assess
    expect(province).toEqual(PROVINCE_NAMES);
    expect(district).toEqual(DISTRICT_NAMES);
    expect(province).toContain('Sở Nông nghiệp và Phát triển nông thôn');
    expect(district).toContain("UBND huyện Ia H'Drai");
  });

  it('stores names in NFC so that lookups by name match what users type', () => {
    // prepare
    const names = DEFAULT_REGIME.units.map((u) => u.name);
    // act
    const notNfc = names.filter((n) => n !== n.normalize('NFC'));
    // assess
    expect(notNfc).toEqual([]);
  });

  it('uses placeholder emails on a .example domain for every unit, the receiver and the leadership', () => {
    // prepare
    const emails = [
      ...DEFAULT_REGIME.units.map((u) => u.email),
      DEFAULT_REGIME.receivingBody.email,
      ...DEFAULT_REGIME.leadership.map((l) => l.email),
    ];
    // act
    const notExample = emails.filter((e) => !/@[a-z0-9.-]+\.example$/.test(e));
    // assess
    expect(emails.length).toBeGreaterThan(31);
    expect(notExample).toEqual([]);
  });

  it('is received by Sở Nội vụ and notifies a non-empty leadership', () => {
    // prepare
    const { receivingBody, leadership } = DEFAULT_REGIME;
    // act
    const leaderNames = leadership.map((l) => l.name);
    // assess
    expect(receivingBody.name).toContain('Sở Nội vụ');
    expect(leadership.length).toBeGreaterThan(0);
    expect(leaderNames).toContain('Chủ tịch UBND tỉnh');
  });

  it('cuts data off from 15 Dec of the previous year to 14 Dec and is due on 18 Dec', () => {
    // prepare
    const { cutOff, deadline } = DEFAULT_REGIME;
    // act
    const window = { cutOff, deadline };
    // assess
    expect(window).toEqual({
      cutOff: { from: { month: 12, day: 15, yearOffset: -1 }, to: { month: 12, day: 14, yearOffset: 0 } },
      deadline: { month: 12, day: 18, yearOffset: 0 },
    });
  });

  it('finds a unit by id and nothing for an unknown id', () => {
    // prepare
    const regime = DEFAULT_REGIME;
    // act
    const known = findUnit(regime, 'ia-hdrai');
    const unknown = findUnit(regime, 'khong-co');
    // assess
    expect(known?.name).toBe("UBND huyện Ia H'Drai");
    expect(unknown).toBeUndefined();
  });
});

describe('a deployer-supplied regime', () => {
  it('is rejected with the path of a bad unit email in the message', () => {
    // prepare
    const json = regimeJson();
    (json.units as Record<string, unknown>[])[3]!.email = 'not-an-email';
    // act
    const error = parseError(json);
    // assess
    expect(error.name).toBe('RegimeInvalidError');
    expect(error.message).toContain('units.3.email');
    expect(error.issues.map((i) => i.path)).toEqual(['units.3.email']);
  });

  it('is rejected with the path of an impossible deadline month in the message', () => {
    // prepare
    const json = regimeJson();
    json.deadline = { month: 13, day: 18 };
    // act
    const error = parseError(json);
    // assess
    expect(error.message).toContain('deadline.month');
  });

  it('names every bad field at once, not only the first', () => {
    // prepare
    const json = regimeJson();
    (json.units as Record<string, unknown>[])[3]!.email = 'x';
    json.deadline = { month: 13, day: 18 };
    json.timeZone = 'Asia/Nowhere';
    // act
    const error = parseError(json);
    // assess
    expect(error.issues.map((i) => i.path).sort()).toEqual(['deadline.month', 'timeZone', 'units.3.email']);
    expect(error.message).toContain('unknown IANA time zone');
  });

  it('is rejected when a required element is missing, naming it', () => {
    // prepare
    const json = regimeJson();
    delete json.receivingBody;
    // act
    const error = parseError(json);
    // assess
    expect(error.issues.map((i) => i.path)).toEqual(['receivingBody']);
  });

  it('is rejected when it carries an unknown field', () => {
    // prepare
    const json = { ...regimeJson(), deadlines: [] };
    // act
    const error = parseError(json);
    // assess
    expect(error.message).toContain('deadlines');
  });

  it('is rejected when two units share an id', () => {
    // prepare
    const json = regimeJson();
    const units = json.units as Record<string, unknown>[];
    units.push({ ...units[0]!, name: 'Bản sao' });
    // act
    const error = parseError(json);
    // assess
    expect(error.issues).toEqual([{ path: 'units', message: 'unit ids must be unique' }]);
  });

  it('is rejected with no units or no leadership', () => {
    // prepare
    const noUnits = { ...regimeJson(), units: [] };
    const noLeaders = { ...regimeJson(), leadership: [] };
    // act
    const errors = [parseError(noUnits), parseError(noLeaders)];
    // assess
    expect(errors.map((e) => e.issues.map((i) => i.path))).toEqual([['units'], ['leadership']]);
  });

  it('rejects a holiday that is not a YYYY-MM-DD date', () => {
    // prepare
    const json = { ...regimeJson(), holidays: ['2026-01-01', '1/1/2027'] };
    // act
    const error = parseError(json);
    // assess
    expect(error.issues.map((i) => i.path)).toEqual(['holidays.1']);
  });
});

describe('expectedUnits', () => {
  const withUnits = (units: Unit[]): Regime => ({ ...DEFAULT_REGIME, units });
  const u = (id: string, validFrom: number, validTo?: number): Unit => ({
    id,
    name: `Đơn vị ${id}`,
    group: 'district',
    email: `${id}@kontum.gov.example`,
    validFrom,
    ...(validTo === undefined ? {} : { validTo }),
  });

  it('includes a unit from its validFrom year through its validTo year inclusive', () => {
    // prepare
    const regime = withUnits([u('always', 2019), u('new', 2024), u('merged', 2019, 2025)]);
    // act
    const ids = (period: number) => expectedUnits(regime, String(period)).map((x) => x.id);
    // assess
    expect(ids(2023)).toEqual(['always', 'merged']);
    expect(ids(2024)).toEqual(['always', 'new', 'merged']);
    expect(ids(2025)).toEqual(['always', 'new', 'merged']);
    expect(ids(2026)).toEqual(['always', 'new']);
  });

  it('expects all 31 default units for 2026 and none before 2019', () => {
    // prepare
    const regime = DEFAULT_REGIME;
    // act
    const in2026 = expectedUnits(regime, '2026');
    const in2018 = expectedUnits(regime, '2018');
    // assess
    expect(in2026).toHaveLength(31);
    expect(in2018).toEqual([]);
  });
});

describe('regime dates are checked as dates, in the order the year runs', () => {
  const withDates = (patch: Record<string, unknown>) => ({ ...JSON.parse(JSON.stringify(DEFAULT_REGIME)), ...patch });
  const messageOf = (input: unknown) => {
    try {
      parseRegime(input);
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('refuses a day the month does not have, naming the field', () => {
    expect(messageOf(withDates({ deadline: { month: 2, day: 31, yearOffset: 0 } }))).toContain('deadline.day: no such day in that month');
    expect(messageOf(withDates({ opensOn: { month: 4, day: 31, yearOffset: 0 } }))).toContain('opensOn.day');
    expect(messageOf(withDates({ deadline: { month: 12, day: 31, yearOffset: 0 } }))).toBe('');
  });

  it('refuses a cut-off window that ends before it starts, and a deadline inside the window', () => {
    const reversed = withDates({ cutOff: { from: { month: 12, day: 14, yearOffset: 0 }, to: { month: 12, day: 15, yearOffset: -1 } } });
    const early = withDates({ deadline: { month: 12, day: 10, yearOffset: 0 } });

    expect(messageOf(reversed)).toContain('cutOff: the cut-off window must start before it ends');
    expect(messageOf(early)).toContain('deadline: the deadline must come after the cut-off window ends');
  });
});

describe('the stored regime (what the functions read from the table)', () => {
  it('is the regime parseRegime wrote, as the table gives it back', () => {
    // prepare: the seed writes parseRegime's output; DynamoDB returns it as plain data
    const item = JSON.parse(JSON.stringify(parseRegime(regimeJson()))) as unknown;
    // act
    const regime = storedRegime(item);
    // assess
    expect(regime).toEqual(DEFAULT_REGIME);
  });

  it('is refused when the item is not a regime, naming every missing field', () => {
    const { timeZone: _tz, units: _units, ...partial } = regimeJson();
    const error = (() => {
      try {
        storedRegime({ ...partial, leadership: 'x' });
      } catch (e) {
        return e as RegimeInvalidError;
      }
      throw new Error('expected storedRegime to refuse the item');
    })();
    expect(error).toBeInstanceOf(RegimeInvalidError);
    expect(error.issues).toEqual([
      { path: 'timeZone', message: 'missing from the stored regime' },
      { path: 'units', message: 'missing from the stored regime' },
      { path: 'leadership', message: 'not a list' },
    ]);
    expect(() => storedRegime(null)).toThrow('id: missing from the stored regime');
  });
});
