import { DEFAULT_FORM } from '../shared/domain/default-form.js';
import { FORM_SECTIONS, SIGNED_DOCUMENT_LABEL } from './form/fields.js';
import { formFieldsHtml } from './form/fields-html.js';
import { esc, sitePage } from './html.js';

/**
 * The unit's upload form (GET /). Static HTML: the fields are generated from ReportSchema
 * (web/form/fields.ts), the behaviour is the browser bundle (web/form/main.ts → form.js), built
 * once into web/dist by web/build.ts. Nothing per request is in it — the unit's token stays in
 * the URL fragment and only the script reads it.
 */

const TITLE = 'Báo cáo kết quả công tác dân vận chính quyền';

/** The form page; its script and stylesheet are files beside it (web/dist/form.js, form.css). */
export function formPage(): string {
  return sitePage({
    title: TITLE,
    asset: 'form',
    body: `<header class="masthead"><div class="wrap">
<p class="org">Ủy ban nhân dân tỉnh Kon Tum · Sở Nội vụ</p>
<h1>${TITLE}</h1>
</div></header>
<main class="wrap" id="main">
<noscript><section class="card notice"><h2>Cần bật JavaScript</h2><p>Biểu mẫu kiểm tra số liệu ngay trên trình duyệt; hãy bật JavaScript rồi mở lại đường dẫn của đơn vị.</p></section></noscript>
<p id="loading" class="muted">Đang tải thông tin đơn vị…</p>

<section id="link-error" class="card notice" role="alert" hidden aria-labelledby="link-error-title">
<h2 id="link-error-title">Không mở được biểu mẫu</h2>
<p id="link-error-message"></p>
<p>Mã lỗi: <span class="code" id="link-error-code"></span></p>
<p id="link-error-help">Vui lòng liên hệ Sở Nội vụ để được cấp đường dẫn nộp báo cáo mới. Đường dẫn có dạng <span class="code">…/#t=…</span> được gửi riêng cho từng đơn vị qua email.</p>
<p class="small">Có thể <a href="/template.xlsx" id="blank-template-link">tải biểu mẫu Excel trống</a> để chuẩn bị số liệu trước.</p>
</section>

<section id="unit-panel" class="card" hidden aria-labelledby="unit-name">
<div class="row spread">
<div><p class="muted small flush">Đơn vị báo cáo</p><h2 id="unit-name" class="flush"></h2></div>
<div class="row">
<label for="period-select" id="period-label">Năm báo cáo</label>
<select id="period-select" class="auto"></select>
</div>
</div>
<div id="owed" hidden>
<h3 class="sub" id="owed-title">Các báo cáo đơn vị phải nộp</h3>
<div class="table-scroll"><table class="owed" aria-labelledby="owed-title"><thead><tr><th scope="col">Chế độ báo cáo</th><th scope="col">Kỳ báo cáo</th><th scope="col">Hạn nộp</th><th scope="col">Tình trạng</th><th scope="col">Biểu mẫu</th></tr></thead><tbody id="owed-body"></tbody></table></div>
</div>
<dl class="facts spaced">
<dt id="regime-term" hidden>Chế độ báo cáo</dt><dd id="regime-name" hidden></dd>
<dt>Tình trạng</dt><dd><span id="status-pill" class="pill"></span></dd>
<dt>Hạn gửi báo cáo</dt><dd id="due-date"></dd>
<dt>Thời gian chốt số liệu</dt><dd id="cut-off"></dd>
<dt>Nơi nhận</dt><dd id="receiver"></dd>
</dl>
<div id="status-reasons" hidden><p class="muted reasons-title">Lý do:</p><ul id="status-reasons-list"></ul></div>
<div class="actions">
<a class="button secondary" id="template-link" href="/template.xlsx">Tải biểu mẫu Excel</a>
<span class="muted small">Biểu mẫu đã điền sẵn tên đơn vị và năm báo cáo.</span>
</div>
<h3 class="sub">Các lần nộp trong kỳ</h3>
<p id="versions-empty" class="muted">Chưa có lần nộp nào cho kỳ báo cáo này.</p>
<table id="versions" hidden><thead><tr><th scope="col">Thời điểm nhận</th><th scope="col">Kết quả</th><th scope="col">Định dạng</th><th scope="col">SHA-256</th><th scope="col">Lý do</th></tr></thead><tbody id="versions-body"></tbody></table>
</section>

<section id="receipt" class="card receipt" hidden tabindex="-1" aria-labelledby="receipt-title" aria-live="polite">
<h2 id="receipt-title">Biên nhận nộp báo cáo</h2>
<dl class="facts">
<dt>Tệp</dt><dd id="receipt-file"></dd>
<dt>Thời điểm gửi</dt><dd id="receipt-time"></dd>
<dt>Mã lần nộp</dt><dd class="hash" id="receipt-upload"></dd>
<dt>SHA-256</dt><dd class="hash" id="receipt-sha"></dd>
</dl>
<p id="receipt-progress" class="progress"></p>
<p id="receipt-outcome" class="outcome" hidden></p>
<ul id="receipt-reasons" hidden></ul>
</section>

<div id="form-area" hidden>
<form id="report-form" novalidate aria-labelledby="form-title">
<div class="card intro">
<h2 id="form-title">Nhập báo cáo trực tuyến</h2>
<p class="muted">Số liệu là số nguyên không âm; mục nào không có thì ghi 0. Báo cáo được kiểm tra ngay trên trình duyệt theo đúng quy định của hệ thống trước khi gửi; bản nháp được lưu tự động trên máy này.</p>
<p id="draft-status" class="muted small flush" aria-live="polite"></p>
</div>
<div id="error-summary" class="summary" role="alert" tabindex="-1" hidden aria-labelledby="error-summary-title">
<h2 id="error-summary-title">Báo cáo chưa hợp lệ, chưa được gửi</h2>
<p>Vui lòng sửa các mục sau:</p>
<ul id="error-summary-list"></ul>
</div>
<div id="form-fields" data-form-version="${esc(DEFAULT_FORM.version)}">
${formFieldsHtml(FORM_SECTIONS)}
</div>
<fieldset class="section" id="section-signed"><legend>${esc(SIGNED_DOCUMENT_LABEL)}</legend>
<div class="field wide" data-field="signedDocumentKey">
<label for="f-signedDocument">${esc(SIGNED_DOCUMENT_LABEL)} <span class="opt">(không bắt buộc; tệp PDF, tối đa 20 MB)</span></label>
<input id="f-signedDocument" type="file" accept="application/pdf,.pdf" aria-describedby="err-signedDocumentKey hint-signedDocument">
<p id="hint-signedDocument" class="muted small flush"></p>
<p class="error" id="err-signedDocumentKey"></p>
</div>
</fieldset>
<div class="actions">
<button type="submit" id="submit-report">Kiểm tra và nộp báo cáo</button>
<button type="button" class="secondary" id="clear-draft">Xóa bản nháp</button>
<span id="submit-status" class="progress" aria-live="polite"></span>
</div>
<p id="submit-error" class="summary" role="alert" hidden></p>
</form>

<form id="excel-form" class="card" novalidate aria-labelledby="excel-title">
<h2 id="excel-title">Hoặc nộp bằng tệp Excel theo biểu mẫu</h2>
<p class="muted small">Tải biểu mẫu Excel ở trên, nhập số liệu vào các ô nền vàng, rồi chọn tệp để nộp. Tệp được kiểm tra như báo cáo nhập trực tuyến.</p>
<div class="field wide" data-field="excel">
<label for="excel-file">Tệp Excel (.xlsx)</label>
<input id="excel-file" type="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-describedby="err-excel">
<p class="error" id="err-excel" role="alert"></p>
</div>
<div class="actions"><button type="submit" id="submit-excel">Nộp tệp Excel</button><span id="excel-status" class="progress" aria-live="polite"></span></div>
</form>
</div>
</main>`,
  });
}
