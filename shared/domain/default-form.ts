import { MAX_COUNT, type FieldDef, type FormDefinition, type ScalarFieldDef } from './form-definition.js';

/**
 * The seed's form (the annual "dân vận chính quyền" report, form version 2019.1) as one definition:
 * the four sections follow the directive's four task groups, then the narrative. Written here in its
 * normalised shape (every default filled in, as parseFormDefinition returns it), so a cold start
 * validates reports without first validating the form; test/unit/form-definition.test.ts checks
 * that it parses to itself.
 */
export const SECTION_LABELS = {
  dissemination: 'I. Phổ biến, quán triệt',
  planAndSolutions: 'II. Kế hoạch và giải pháp nâng cao hiệu quả công tác dân vận',
  programmes: 'III. Thực hiện Kế hoạch 739/KH-UBND, 740/KH-UBND; giám sát, phản biện xã hội',
  emulation: 'IV. Thi đua, khen thưởng',
  narrative: 'V. Đánh giá chung, kiến nghị, đề xuất',
  preparer: 'Người lập báo cáo',
} as const;

export const PROGRAMME_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'COMPLETED'] as const;
export const PROGRAMME_STATUS_LABELS: Record<(typeof PROGRAMME_STATUSES)[number], string> = {
  NOT_STARTED: 'Chưa triển khai',
  IN_PROGRESS: 'Đang triển khai',
  COMPLETED: 'Đã hoàn thành',
};

const count = (key: string, label: string): FieldDef => ({ key, label, required: true, type: 'integer', min: 0, max: MAX_COUNT });
const programme = (key: string, label: string): FieldDef => ({
  key,
  label,
  required: true,
  type: 'group',
  fields: [
    {
      key: 'status',
      label: `${label} — tình hình thực hiện`,
      required: true,
      type: 'choice',
      choices: PROGRAMME_STATUSES.map((value) => ({ value, label: PROGRAMME_STATUS_LABELS[value] })),
    },
    { key: 'notes', label: `${label} — ghi chú`, required: false, type: 'longtext', maxLength: 2000, default: '' },
  ],
});
const longtext = (key: string, label: string): ScalarFieldDef => ({
  key,
  label,
  required: false,
  type: 'longtext',
  maxLength: 5000,
  default: '',
});

// A pure call: a bundle that never reads the seed's form (a function given the stored regime's) drops it.
export const DEFAULT_FORM: FormDefinition = /* @__PURE__ */ (() => ({
  version: '2019.1',
  sections: [
    {
      key: 'dissemination',
      label: SECTION_LABELS.dissemination,
      fields: [
        count('sessions', 'Số hội nghị, buổi phổ biến, quán triệt'),
        count('participantsOfficials', 'Số lượt cán bộ, công chức, viên chức tham dự'),
        count('participantsWorkers', 'Số lượt người lao động tham dự'),
        count('mediaItems', 'Số tin, bài, phóng sự tuyên truyền'),
        count('exemplaryExamples', 'Số gương tập thể, cá nhân điển hình được tuyên truyền, nhân rộng'),
        count('danVanKheoModels', 'Số mô hình "Dân vận khéo"'),
      ],
    },
    {
      key: 'planAndSolutions',
      label: SECTION_LABELS.planAndSolutions,
      fields: [
        { key: 'planIssued', label: 'Đơn vị đã ban hành kế hoạch cụ thể', required: true, type: 'boolean' },
        { key: 'planNumber', label: 'Số hiệu kế hoạch', required: false, type: 'text', maxLength: 50 },
        { key: 'planDate', label: 'Ngày ban hành kế hoạch', required: false, type: 'date' },
        count('democracyRegulations', 'Số quy chế dân chủ được xây dựng, sửa đổi, bổ sung'),
        count('dialogues', 'Số buổi đối thoại, tiếp xúc với Nhân dân'),
        count('citizenReceptions', 'Số lượt tiếp công dân'),
        count('petitionsReceived', 'Số đơn thư khiếu nại, tố cáo, kiến nghị tiếp nhận'),
        count('petitionsResolved', 'Số đơn thư đã giải quyết'),
        count('prolongedOrCrowdCases', 'Số vụ khiếu kiện kéo dài, đông người, vượt cấp'),
        count('inspections', 'Số cuộc kiểm tra công vụ'),
        count('disciplinedStaff', 'Số cán bộ, công chức, viên chức bị xử lý kỷ luật'),
        count('socialPolicySupport', 'Số lượt người có công, hộ nghèo, đối tượng bảo trợ được hỗ trợ'),
        count('villageConventionsReviewed', 'Số hương ước, quy ước được rà soát, sửa đổi, bổ sung'),
        count('selfManagementModels', 'Số mô hình tự quản ở thôn, tổ dân phố'),
      ],
    },
    {
      key: 'programmes',
      label: SECTION_LABELS.programmes,
      fields: [
        programme('plan739', 'Kế hoạch số 739/KH-UBND (Nghị quyết 18-NQ/TW)'),
        programme('plan740', 'Kế hoạch số 740/KH-UBND (Nghị quyết 19-NQ/TW)'),
        count('supervisionSessions', 'Số cuộc giám sát, phản biện xã hội phối hợp với Mặt trận Tổ quốc'),
        count('commentsReceived', 'Số ý kiến góp ý xây dựng chính quyền đã tiếp nhận'),
        count('commentsAccepted', 'Số ý kiến góp ý đã tiếp thu'),
      ],
    },
    {
      key: 'emulation',
      label: SECTION_LABELS.emulation,
      fields: [
        count('movementsLaunched', 'Số phong trào thi đua được phát động'),
        count('collectivesCommended', 'Số tập thể được khen thưởng'),
        count('individualsCommended', 'Số cá nhân được khen thưởng'),
      ],
    },
    {
      key: 'narrative',
      label: SECTION_LABELS.narrative,
      fields: [
        longtext('results', 'Kết quả nổi bật'),
        longtext('limitations', 'Hạn chế, nguyên nhân'),
        longtext('proposals', 'Kiến nghị, đề xuất'),
      ],
    },
  ],
  rules: [
    {
      rule: 'lte',
      field: 'planAndSolutions.petitionsResolved',
      max: 'planAndSolutions.petitionsReceived',
      message: 'Số đơn thư đã giải quyết ({value}) không được lớn hơn số tiếp nhận ({other})',
    },
    {
      rule: 'lte',
      field: 'programmes.commentsAccepted',
      max: 'programmes.commentsReceived',
      message: 'Số ý kiến đã tiếp thu ({value}) không được lớn hơn số đã tiếp nhận ({other})',
    },
    {
      rule: 'requiredIf',
      fields: ['planAndSolutions.planNumber'],
      when: { field: 'planAndSolutions.planIssued', equals: true },
      message: 'Đã ban hành kế hoạch thì phải ghi số hiệu kế hoạch',
    },
    {
      rule: 'requiredIf',
      fields: ['planAndSolutions.planDate'],
      when: { field: 'planAndSolutions.planIssued', equals: true },
      message: 'Đã ban hành kế hoạch thì phải ghi ngày ban hành',
    },
    {
      rule: 'dateInPeriod',
      field: 'planAndSolutions.planDate',
      when: { field: 'planAndSolutions.planIssued', equals: true },
      message: 'Ngày ban hành kế hoạch phải trong kỳ báo cáo ({from} đến {to})',
    },
  ],
}))();
