import { DEFAULT_FORM } from './default-form.js';
import type { Regime, Unit } from './regime.js';

/**
 * The default regime: Kon Tum PPC's directive on "dân vận chính quyền" (../shared/seed),
 * reported annually to the PPC through Sở Nội vụ. Contact emails are placeholders on a
 * `.example` domain; a deployer replaces the whole regime with a JSON file.
 */
const province: [string, string][] = [
  ['van-phong-ubnd', 'Văn phòng UBND tỉnh'],
  ['so-noi-vu', 'Sở Nội vụ'],
  ['so-tu-phap', 'Sở Tư pháp'],
  ['so-ke-hoach-dau-tu', 'Sở Kế hoạch và Đầu tư'],
  ['so-tai-chinh', 'Sở Tài chính'],
  ['so-cong-thuong', 'Sở Công Thương'],
  ['so-nong-nghiep', 'Sở Nông nghiệp và Phát triển nông thôn'],
  ['so-giao-thong', 'Sở Giao thông vận tải'],
  ['so-xay-dung', 'Sở Xây dựng'],
  ['so-tai-nguyen', 'Sở Tài nguyên và Môi trường'],
  ['so-thong-tin', 'Sở Thông tin và Truyền thông'],
  ['so-lao-dong', 'Sở Lao động - Thương binh và Xã hội'],
  ['so-van-hoa', 'Sở Văn hóa, Thể thao và Du lịch'],
  ['so-khoa-hoc', 'Sở Khoa học và Công nghệ'],
  ['so-giao-duc', 'Sở Giáo dục và Đào tạo'],
  ['so-y-te', 'Sở Y tế'],
  ['so-ngoai-vu', 'Sở Ngoại vụ'],
  ['thanh-tra', 'Thanh tra tỉnh'],
  ['ban-dan-toc', 'Ban Dân tộc'],
  ['ban-quan-ly-kkt', 'Ban Quản lý Khu kinh tế tỉnh'],
  ['dai-ptth', 'Đài Phát thanh và Truyền hình tỉnh'],
];
const district: [string, string][] = [
  ['tp-kon-tum', 'UBND thành phố Kon Tum'],
  ['dak-ha', 'UBND huyện Đắk Hà'],
  ['dak-to', 'UBND huyện Đắk Tô'],
  ['ngoc-hoi', 'UBND huyện Ngọc Hồi'],
  ['dak-glei', 'UBND huyện Đắk Glei'],
  ['sa-thay', 'UBND huyện Sa Thầy'],
  ['ia-hdrai', "UBND huyện Ia H'Drai"],
  ['kon-ray', 'UBND huyện Kon Rẫy'],
  ['kon-plong', 'UBND huyện Kon Plông'],
  ['tu-mo-rong', 'UBND huyện Tu Mơ Rông'],
];

const unit =
  (group: Unit['group']) =>
  ([id, name]: [string, string]): Unit => ({
    id,
    name,
    group,
    email: `vanthu.${id}@kontum.gov.example`,
    validFrom: 2019,
  });

/**
 * Typed, not parsed at import (a parse costs ~35 ms of every cold start); test/unit/regime.test.ts
 * proves it validates against RegimeSchema, unique ids included.
 */
export const DEFAULT_REGIME: Regime = {
  id: 'dvcq-kontum',
  name: 'Báo cáo kết quả thực hiện công tác dân vận chính quyền',
  content:
    'Kết quả thực hiện bốn nhóm nhiệm vụ trọng tâm về công tác dân vận chính quyền: phổ biến, quán triệt; kế hoạch và giải pháp; thực hiện Kế hoạch số 739/KH-UBND và 740/KH-UBND, phối hợp giám sát, phản biện xã hội; thi đua, khen thưởng.',
  legalBasis: [
    'Kế hoạch số 98-KH/TU ngày 25/6/2019 của Ban Thường vụ Tỉnh ủy',
    'Công văn số 813-CV/TU ngày 22/7/2019 của Ban Thường vụ Tỉnh ủy',
    'Công văn của UBND tỉnh Kon Tum về nâng cao hiệu quả hoạt động công tác dân vận chính quyền các cấp',
    'Nghị định số 09/2019/NĐ-CP ngày 24/01/2019 của Chính phủ quy định về chế độ báo cáo của cơ quan hành chính nhà nước',
  ],
  issuingBody: 'Ủy ban nhân dân tỉnh Kon Tum',
  issuingPlace: 'Kon Tum',
  receivingBody: { name: 'Sở Nội vụ tỉnh Kon Tum', email: 'sonoivu@kontum.gov.example' },
  sendingMethod: 'Gửi qua Hệ thống báo cáo trực tuyến (biểu mẫu điện tử hoặc tệp Excel theo mẫu), kèm văn bản đã ký số',
  frequency: 'annual',
  firstPeriod: 2019,
  cutOff: { from: { month: 12, day: 15, yearOffset: -1 }, to: { month: 12, day: 14, yearOffset: 0 } },
  opensOn: { month: 11, day: 1, yearOffset: 0 },
  deadline: { month: 12, day: 18, yearOffset: 0 },
  consolidation: { month: 12, day: 20, yearOffset: 0, hour: 8 },
  timeZone: 'Asia/Ho_Chi_Minh',
  // Public holidays are computed for every year (holidays.ts); a deployer records the government's
  // yearly arrangement in `calendar` (README, "The working-day calendar").
  holidays: [],
  notices: {
    reminderDaysBefore: [7],
    reminderWorkingDaysBefore: [1],
    overdueFirstWorkingDaysAfter: 1,
    overdueRepeatDays: 7,
    escalationWorkingDaysAfter: 7,
    escalateToLeadership: true,
  },
  formVersion: '2019.1',
  // The seed's report form, as data (default-form.ts).
  forms: [DEFAULT_FORM],
  units: [...province.map(unit('province')), ...district.map(unit('district'))],
  leadership: [
    { name: 'Thường trực Tỉnh ủy', email: 'thuongtruc.tinhuy@kontum.gov.example' },
    { name: 'Thường trực HĐND tỉnh', email: 'thuongtruc.hdnd@kontum.gov.example' },
    { name: 'Chủ tịch UBND tỉnh', email: 'chutich.ubnd@kontum.gov.example' },
    { name: 'Ban Dân vận Tỉnh ủy', email: 'bandanvan.tinhuy@kontum.gov.example' },
    { name: 'Sở Nội vụ, Ban Thi đua - Khen thưởng tỉnh', email: 'sonoivu@kontum.gov.example' },
  ],
};
