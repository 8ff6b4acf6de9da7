/**
 * The board's browser script, hand-written ES2017 (web/build.ts minifies it into web/dist/board.js,
 * allowed by the site's CSP `script-src 'self'`). It builds every element with textContent, never innerHTML, so unit names,
 * reasons and report text cannot inject markup. Written without template literals so it can live
 * in this String.raw.
 *
 * Token: read once from the fragment (#admin=…), kept in sessionStorage, the fragment removed
 * from the address bar; sent only as `Authorization: Bearer`, never in a URL.
 */
export const BOARD_SCRIPT = String.raw`
(function () {
  'use strict';
  var CFG = JSON.parse(document.getElementById('board-config').textContent);
  var TOKEN_KEY = 'baocao.board.admin';
  var REVIEWER_KEY = 'baocao.board.reviewer';
  var STATUS_LABEL = {};
  CFG.statuses.forEach(function (s) { STATUS_LABEL[s.code] = s.label; });
  var GROUP = {};
  CFG.groups.forEach(function (g) { GROUP[g.code] = g; });

  var state = {
    token: null, period: null, data: null, loading: false,
    fStatus: '', fGroup: '', query: '',
    selected: null, detailSig: null, actionsKey: null, detail: null
  };

  // ---- small helpers -------------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = String(v);
      else if (k.indexOf('on') === 0) el.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.keys(v).forEach(function (d) { el.dataset[d] = v[d]; });
      else el.setAttribute(k, v === true ? '' : String(v));
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    });
    return el;
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
  function storage(kind) { try { return window[kind]; } catch (e) { return null; } }

  // Times are shown in the regime's time zone, which comes with the status data (GET /status).
  var dtf = null;
  function useTimeZone(tz) {
    if (!dtf || dtf.resolvedOptions().timeZone !== tz) dtf = new Intl.DateTimeFormat('en-GB', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  }
  function fmtTime(iso) {
    if (!iso) return '—';
    var p = {};
    dtf.formatToParts(new Date(iso)).forEach(function (x) { p[x.type] = x.value; });
    return p.hour + ':' + p.minute + ' ' + p.day + '/' + p.month + '/' + p.year;
  }
  function fmtDate(ymd) { if (!ymd) return '—'; var a = String(ymd).split('-'); return a[2] + '/' + a[1] + '/' + a[0]; }
  var nf = new Intl.NumberFormat('vi-VN');
  var pf = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
  function pct(r) { return pf.format(r * 100) + '%'; }
  function bytes(n) { return n >= 1048576 ? pf.format(n / 1048576) + ' MB' : n >= 1024 ? pf.format(n / 1024) + ' KB' : n + ' byte'; }
  function addDays(ymd, n) { var d = new Date(ymd + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); }

  function badge(status) { return h('span', { class: 'badge st-' + status, dataset: { status: status }, text: STATUS_LABEL[status] || status }); }

  // ---- token and API -------------------------------------------------------------------------
  function takeToken() {
    var m = /(?:^#|&)admin=([^&]+)/.exec(location.hash);
    var ss = storage('sessionStorage');
    if (m) {
      var t = decodeURIComponent(m[1]);
      if (ss) ss.setItem(TOKEN_KEY, t);
      history.replaceState(null, '', location.pathname + location.search);
      return t;
    }
    return ss ? ss.getItem(TOKEN_KEY) : null;
  }

  function ApiError(status, code, message) { this.status = status; this.code = code; this.message = message; }
  function api(method, path, body) {
    var init = { method: method, headers: { authorization: 'Bearer ' + state.token, accept: 'application/json' }, cache: 'no-store', credentials: 'omit' };
    if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!res.ok) {
          var err = (data && data.error) || {};
          throw new ApiError(res.status, err.code || 'HTTP_' + res.status, err.message || 'Lỗi máy chủ (' + res.status + ')');
        }
        return data;
      });
    }, function () { throw new ApiError(0, 'NETWORK', 'Không kết nối được máy chủ; bảng sẽ tự thử lại.'); });
  }
  function unitPath(id, what) { return '/units/' + encodeURIComponent(id) + '/' + what; }

  function lock(message) {
    var ss = storage('sessionStorage');
    if (ss) ss.removeItem(TOKEN_KEY);
    state.token = null;
    if (message) $('locked-message').textContent = message;
    $('locked').hidden = false; $('main').hidden = true; closeDetail();
  }
  function banner(message) { var b = $('banner'); b.textContent = message || ''; b.hidden = !message; }
  function failed(e) {
    if (e && e.status === 401) return lock('Mã quản trị không đúng hoặc đã hết hiệu lực. Mở lại đường dẫn quản trị (/board#admin=…) do hệ thống cung cấp.');
    banner((e && e.message) || 'Có lỗi xảy ra; bảng sẽ tự thử lại.');
  }

  // ---- the table ----------------------------------------------------------------------------
  function refresh() {
    if (!state.token || state.loading) return Promise.resolve();
    state.loading = true;
    var period = state.period;
    // The first call names no period: the API answers with the current one and the list to offer.
    return api('GET', period === null ? '/status' : '/status?period=' + period).then(function (data) {
      if (period !== state.period) return;
      useTimeZone(data.timeZone);
      state.period = data.period;
      syncPeriods(data.periods);
      state.data = data;
      banner('');
      render();
      $('updated').textContent = 'Số liệu lúc ' + fmtTime(data.asOf);
      if (state.selected) {
        var sig = rowSig(findUnit(state.selected));
        if (sig !== state.detailSig) loadDetail();
      }
    }, failed).then(function () { state.loading = false; });
  }
  function findUnit(id) { return state.data ? state.data.units.filter(function (u) { return u.unitId === id; })[0] : null; }
  function rowSig(u) { return u ? [u.status, u.versions, u.lastUploadAt, u.firstValidAt, u.extensionUntil].join('|') : ''; }

  function render() { renderRates(state.data.rates); renderCounts(); renderRows(); }

  function rateCard(id, title, r) {
    var meter = h('div', { class: 'meter', 'aria-hidden': 'true' }, [h('span', { class: 'm-ontime' }), h('span', { class: 'm-late' })]);
    var e = r.expected || 1;
    meter.children[0].style.width = (100 * r.onTime / e) + '%';
    meter.children[1].style.width = (100 * (r.reported - r.onTime) / e) + '%';
    return h('div', { class: 'card', id: id }, [
      h('h2', { text: title + ' — ' + r.expected + ' đơn vị' }),
      h('div', { class: 'rate' }, [h('span', { class: 'label', text: 'Tỷ lệ báo cáo' }), h('strong', { class: 'value reporting-rate', text: pct(r.reportingRate) }), h('span', { class: 'muted count reported', text: '(' + r.reported + '/' + r.expected + ')' })]),
      h('div', { class: 'rate' }, [h('span', { class: 'label', text: 'Tỷ lệ đúng hạn' }), h('strong', { class: 'value on-time-rate', text: pct(r.onTimeRate) }), h('span', { class: 'muted count on-time', text: '(' + r.onTime + '/' + r.expected + ')' })]),
      meter
    ]);
  }
  function renderRates(rates) {
    var box = clear($('rates'));
    box.appendChild(rateCard('rate-all', 'Toàn tỉnh', rates));
    CFG.groups.forEach(function (g) { if (rates.byGroup && rates.byGroup[g.code]) box.appendChild(rateCard('rate-' + g.code, g.label, rates.byGroup[g.code])); });
  }

  function renderCounts() {
    var counts = {};
    state.data.units.forEach(function (u) { counts[u.status] = (counts[u.status] || 0) + 1; });
    var box = clear($('counts'));
    CFG.statuses.forEach(function (s) {
      if (!counts[s.code]) return;
      box.appendChild(h('button', {
        type: 'button', class: 'chip st-' + s.code, 'aria-pressed': state.fStatus === s.code ? 'true' : 'false', dataset: { status: s.code },
        title: 'Lọc: ' + s.label, text: s.label + ': ' + counts[s.code],
        onclick: function () { setStatusFilter(state.fStatus === s.code ? '' : s.code); }
      }));
    });
  }
  function setStatusFilter(code) { state.fStatus = code; $('f-status').value = code; renderCounts(); renderRows(); }

  function norm(s) { return String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase(); }
  function visible(u) {
    if (state.fStatus && u.status !== state.fStatus) return false;
    if (state.fGroup && u.group !== state.fGroup) return false;
    if (state.query && norm(u.name).indexOf(norm(state.query)) < 0) return false;
    return true;
  }
  function renderRows() {
    var units = state.data.units;
    var tbody = clear($('rows'));
    var shown = 0;
    units.forEach(function (u) {
      if (!visible(u)) return;
      shown++;
      var note = null;
      if ((u.status === 'REJECTED' || u.status === 'RETURNED') && u.reasons && u.reasons.length) {
        var first = u.reasons[0];
        var text = (first.label ? first.label + ': ' : '') + first.message + (u.reasons.length > 1 ? ' (+' + (u.reasons.length - 1) + ')' : '');
        note = h('span', { class: 'note', title: text, text: text });
      } else if (u.extensionUntil) {
        note = h('span', { class: 'note', text: 'Gia hạn đến ' + fmtDate(u.extensionUntil) });
      }
      var open = function () { openDetail(u.unitId); };
      var cells = [
        h('td', {}, [h('button', { type: 'button', class: 'link', text: u.name, onclick: function (ev) { ev.stopPropagation(); open(); } })]),
        h('td', { class: 'group', title: GROUP[u.group] ? GROUP[u.group].label : u.group, text: GROUP[u.group] ? GROUP[u.group].short : u.group }),
        h('td', { class: 'status' }, [badge(u.status), note]),
        h('td', { class: 'time first', text: fmtTime(u.firstValidAt) }),
        h('td', { class: 'time last', text: fmtTime(u.lastUploadAt) }),
        h('td', { class: 'num versions', text: u.versions })
      ];
      CFG.keyFigures.forEach(function (k) {
        var v = u.keyFigures ? u.keyFigures[k.key] : null;
        cells.push(h('td', { class: 'num', text: v === null || v === undefined ? '—' : nf.format(v) }));
      });
      tbody.appendChild(h('tr', {
        class: state.selected === u.unitId ? 'selected' : null,
        dataset: { unit: u.unitId, status: u.status, group: u.group },
        onclick: open
      }, cells));
    });
    if (!shown) tbody.appendChild(h('tr', {}, [h('td', { colspan: 6 + CFG.keyFigures.length, class: 'empty', text: 'Không có đơn vị nào khớp bộ lọc.' })]));
    $('shown').textContent = 'Hiển thị ' + shown + '/' + units.length + ' đơn vị';
  }

  // ---- the unit panel ----------------------------------------------------------------------
  function openDetail(id) {
    state.selected = id; state.detail = null; state.actionsKey = null; state.detailSig = null;
    var u = findUnit(id);
    $('d-title').textContent = u ? u.name : id;
    clear($('d-summary')).appendChild(h('p', { class: 'muted', text: 'Đang tải…' }));
    clear($('d-actions')); clear($('d-versions')); clear($('d-audit'));
    $('detail').hidden = false;
    Array.prototype.forEach.call(document.querySelectorAll('#rows tr'), function (tr) { tr.classList.toggle('selected', tr.dataset.unit === id); });
    loadDetail();
    $('d-close').focus();
  }
  function closeDetail() {
    state.selected = null; state.detail = null;
    $('detail').hidden = true;
    Array.prototype.forEach.call(document.querySelectorAll('#rows tr.selected'), function (tr) { tr.classList.remove('selected'); });
  }
  function loadDetail() {
    var id = state.selected, period = state.period;
    if (!id) return Promise.resolve();
    state.detailSig = rowSig(findUnit(id));
    return Promise.all([api('GET', unitPath(id, 'reports') + '?period=' + period), api('GET', unitPath(id, 'audit') + '?period=' + period)]).then(function (r) {
      if (state.selected !== id || state.period !== period) return;
      state.detail = r[0];
      renderDetail(r[0], r[1].entries);
    }, failed);
  }

  function renderDetail(rep, entries) {
    $('d-title').textContent = rep.unit.name;
    var sum = clear($('d-summary'));
    sum.className = 'summary';
    sum.appendChild(h('p', {}, [badge(rep.status), ' ', h('span', { class: 'muted', text: (GROUP[rep.unit.group] ? GROUP[rep.unit.group].label : '') + ' · ' + rep.unit.email })]));
    sum.appendChild(h('p', { id: 'd-due' }, [
      'Hạn nộp: ' + fmtDate(rep.dueDate),
      rep.extension ? h('strong', { text: ' · Gia hạn đến ' + fmtDate(rep.extension.until) }) : null,
      rep.extension ? h('span', { class: 'muted', text: ' (' + rep.extension.reason + ')' }) : null
    ]));
    if (!rep.unit.expected) sum.appendChild(h('p', { class: 'msg error', text: 'Đơn vị không thuộc diện báo cáo kỳ này (ngoài thời gian hiệu lực).' }));

    var latest = rep.versions.filter(function (v) { return v.latestValid; })[0] || null;
    var key = [latest ? latest.uploadId : '', rep.dueDate, rep.unit.expected].join('|');
    if (key !== state.actionsKey) { state.actionsKey = key; renderActions(rep, latest); }

    var vbox = clear($('d-versions'));
    if (!rep.versions.length) vbox.appendChild(h('p', { class: 'muted', text: 'Đơn vị chưa nộp bản nào cho kỳ này.' }));
    rep.versions.slice().reverse().forEach(function (v) { vbox.appendChild(renderVersion(v)); });

    renderAudit(entries, rep);
  }

  function renderActions(rep, latest) {
    var box = clear($('d-actions'));
    var ls = storage('localStorage');
    var reviewer = h('input', { id: 'reviewer', type: 'text', maxlength: 100, placeholder: 'Họ tên (ghi vào nhật ký)', value: (ls && ls.getItem(REVIEWER_KEY)) || '' });
    reviewer.addEventListener('change', function () { if (ls) ls.setItem(REVIEWER_KEY, reviewer.value.trim()); });
    var msg = h('p', { id: 'action-msg', class: 'msg', role: 'status', hidden: true });
    var parts = [h('div', { class: 'row' }, [h('label', { for: 'reviewer', text: 'Cán bộ xử lý' }), reviewer])];

    if (latest) {
      var reason = h('textarea', { id: 'return-reason', maxlength: 2000, placeholder: 'Lý do trả lại: nội dung cần chỉnh sửa, bổ sung (bắt buộc khi trả lại)' });
      var accept = h('button', { type: 'button', class: 'btn ok', id: 'btn-accept', text: 'Chấp nhận bản số ' + latest.number });
      var ret = h('button', { type: 'button', class: 'btn warn', id: 'btn-return', text: 'Trả lại để chỉnh sửa' });
      accept.addEventListener('click', function () { review('ACCEPT'); });
      ret.addEventListener('click', function () { review('RETURN'); });
      parts.push(h('fieldset', {}, [
        h('legend', { text: 'Xem xét bản số ' + latest.number + ' (nộp lúc ' + fmtTime(latest.receivedAt) + ')' }),
        h('label', { for: 'return-reason', class: 'muted', text: 'Lý do trả lại (đơn vị nhận qua email, kèm đường dẫn nộp lại)' }),
        reason,
        h('div', { class: 'row' }, [accept, ret])
      ]));
    } else {
      parts.push(h('p', { class: 'muted', text: 'Chưa có bản hợp lệ để xem xét.' }));
    }
    if (rep.unit.expected) {
      var until = h('input', { id: 'ext-until', type: 'date', min: addDays(rep.dueDate, 1), required: true });
      var extReason = h('input', { id: 'ext-reason', type: 'text', maxlength: 2000, placeholder: 'Lý do gia hạn', size: 34 });
      var grant = h('button', { type: 'button', class: 'btn ext', id: 'btn-extend', text: 'Gia hạn' });
      grant.addEventListener('click', extend);
      parts.push(h('fieldset', {}, [
        h('legend', { text: 'Gia hạn thời hạn nộp cho đơn vị' }),
        h('div', { class: 'row' }, [h('label', { for: 'ext-until', text: 'Đến hết ngày' }), until, extReason, grant])
      ]));
    }
    parts.push(msg);
    box.appendChild(h('div', { class: 'actions' }, parts));
  }

  function say(kind, text) { var m = $('action-msg'); if (!m) return; m.className = 'msg ' + kind; m.textContent = text; m.hidden = false; }
  function busy(on) { Array.prototype.forEach.call(document.querySelectorAll('#d-actions button'), function (b) { b.disabled = on; }); }
  function reviewerName() { var r = $('reviewer'); return r && r.value.trim() ? r.value.trim() : undefined; }

  function review(decision) {
    var rep = state.detail;
    var latest = rep && rep.versions.filter(function (v) { return v.latestValid; })[0];
    if (!latest) return;
    var reasonEl = $('return-reason');
    var reason = reasonEl.value.trim();
    if (decision === 'RETURN' && !reason) { say('error', 'Nhập lý do trả lại để đơn vị biết cần chỉnh sửa gì.'); reasonEl.focus(); return; }
    var body = { period: rep.period, uploadId: latest.uploadId, decision: decision };
    if (reason && decision === 'RETURN') body.reason = reason;
    if (reviewerName()) body.reviewer = reviewerName();
    busy(true);
    api('POST', unitPath(rep.unit.id, 'review'), body).then(function (r) {
      if (decision === 'RETURN') reasonEl.value = '';
      say('ok', (decision === 'RETURN' ? 'Đã trả lại báo cáo; đơn vị sẽ nhận email nêu lý do và đường dẫn nộp lại.' : 'Đã chấp nhận báo cáo.') + ' Trạng thái: ' + (STATUS_LABEL[r.status] || r.status) + '.');
      soon();
    }, function (e) { if (e.status === 401) return failed(e); say('error', e.message); }).then(function () { busy(false); });
  }

  function extend() {
    var rep = state.detail;
    if (!rep) return;
    var until = $('ext-until').value, reason = $('ext-reason').value.trim();
    if (!until) { say('error', 'Chọn ngày gia hạn.'); $('ext-until').focus(); return; }
    if (!reason) { say('error', 'Nhập lý do gia hạn.'); $('ext-reason').focus(); return; }
    var body = { period: rep.period, until: until, reason: reason };
    if (reviewerName()) body.reviewer = reviewerName();
    busy(true);
    api('POST', unitPath(rep.unit.id, 'extension'), body).then(function (r) {
      $('ext-reason').value = '';
      say('ok', 'Đã gia hạn đến hết ngày ' + fmtDate(r.extension.until) + '. Trạng thái: ' + (STATUS_LABEL[r.status] || r.status) + '.');
      soon();
    }, function (e) { if (e.status === 401) return failed(e); say('error', e.message); }).then(function () { busy(false); });
  }

  /** After an action the pipeline settles asynchronously: look again shortly, then at the usual pace. */
  function soon() {
    [400, 1200, 3000].forEach(function (ms) { setTimeout(function () { refresh().then(function () { if (state.selected) loadDetail(); }); }, ms); });
  }

  function get(obj, path) { return path.split('.').reduce(function (o, k) { return o === null || o === undefined ? undefined : o[k]; }, obj); }
  function show(f, v) {
    if (v === undefined || v === null || v === '') return '—';
    if (f.kind === 'count') return nf.format(v);
    if (f.kind === 'boolean') return v ? 'Có' : 'Không';
    if (f.kind === 'date') return fmtDate(v);
    if (f.kind === 'choice') { var c = (f.choices || []).filter(function (x) { return x.value === v; })[0]; return c ? c.label : String(v); }
    return String(v);
  }
  function renderReport(report) {
    return h('div', { class: 'report' }, CFG.sections.map(function (s) {
      return h('section', {}, [
        h('h4', { text: s.legend }),
        h('table', { class: 'kv' }, [h('tbody', {}, s.fields.map(function (f) {
          return h('tr', {}, [h('th', { scope: 'row', text: f.label }), h('td', { class: f.kind === 'count' ? 'num' : null, text: show(f, get(report, f.path)) })]);
        }))])
      ]);
    }));
  }

  function renderVersion(v) {
    var kids = [
      h('header', {}, [
        h('strong', { text: 'Bản số ' + v.number }),
        h('span', { text: fmtTime(v.receivedAt) }),
        h('span', { class: v.valid ? 'pill ok' : 'pill bad', text: v.valid ? 'Hợp lệ' : 'Không hợp lệ' }),
        v.latestValid ? h('span', { class: 'pill info', text: 'Bản có hiệu lực' }) : null,
        h('span', { class: 'muted', text: CFG.formats[v.format] || v.format })
      ]),
      h('div', { class: 'meta muted' }, ['SHA-256: ', h('code', { title: v.sha256, text: v.sha256 ? v.sha256.slice(0, 16) + '…' : '—' }), ' · ' + bytes(v.size)]),
      h('div', { class: 'links' }, [
        h('a', { href: v.downloads.raw, class: 'dl-raw', rel: 'noopener noreferrer', text: 'Tải tệp gốc' }),
        v.downloads.signed ? h('a', { href: v.downloads.signed, class: 'dl-signed', rel: 'noopener noreferrer', text: 'Tải văn bản đã ký (PDF)' }) : (v.valid ? h('span', { class: 'muted', text: 'Không kèm văn bản đã ký' }) : null)
      ])
    ];
    v.reviews.forEach(function (r) {
      kids.push(h('p', { class: 'review ' + r.decision }, [
        h('strong', { text: r.decision === 'RETURN' ? 'Đã trả lại để chỉnh sửa' : 'Đã chấp nhận' }),
        ' lúc ' + fmtTime(r.at) + (r.reason ? ': ' + r.reason : '')
      ]));
    });
    if (v.valid && v.report) {
      kids.push(h('details', { open: v.latestValid }, [h('summary', { text: 'Nội dung báo cáo' }), renderReport(v.report)]));
    } else if (!v.valid) {
      kids.push(h('ul', { class: 'reasons' }, v.reasons.map(function (r) {
        return h('li', {}, [r.label ? h('strong', { text: r.label + ': ' }) : null, r.message]);
      })));
    }
    return h('article', { class: 'version', dataset: { upload: v.uploadId } }, kids);
  }

  function actorLabel(a) {
    if (a === 'admin') return 'Sở Nội vụ';
    if (a.indexOf('admin:') === 0) return 'Sở Nội vụ — ' + a.slice(6);
    if (a.indexOf('token:') === 0) return 'Đơn vị (đường dẫn riêng)';
    if (a.indexOf('system:') === 0) return 'Hệ thống';
    return a;
  }
  function auditText(e, rep) {
    var d = e.detail || {};
    var byUpload = {};
    rep.versions.forEach(function (v) { byUpload[v.uploadId] = v.number; });
    var ver = function (id) { return byUpload[id] ? 'bản số ' + byUpload[id] : 'bản ' + id; };
    switch (e.action) {
      case 'STATUS_CHANGED': return (d.from ? (STATUS_LABEL[d.from] || d.from) : 'Chưa có') + ' → ' + (STATUS_LABEL[d.to] || d.to);
      case 'REPORT_REVIEWED': return (d.decision === 'RETURN' ? 'Trả lại ' : 'Chấp nhận ') + ver(d.uploadId) + (d.reason ? ': ' + d.reason : '');
      case 'EXTENSION_GRANTED': return 'Đến hết ngày ' + fmtDate(d.until) + (d.reason ? ': ' + d.reason : '') + (d.previousUntil ? ' (trước đó: ' + fmtDate(d.previousUntil) + ')' : '');
      case 'NOTICE_SENT': return (CFG.noticeKinds[d.kind] || d.kind || '') + (d.uploadId ? ' — ' + ver(d.uploadId) : '');
      case 'REPORT_ACCEPTED':
      case 'REPORT_REJECTED':
        return (CFG.formats[d.format] || d.format || '') + (d.size ? ', ' + bytes(d.size) : '') + (d.reasons ? ', ' + d.reasons + ' lỗi' : '') + (d.redelivery ? ' (sự kiện lặp lại, không ghi thêm)' : '');
      case 'UPLOAD_AUTHORIZED': return (d.fileName || '') + (d.size ? ' (' + bytes(d.size) + ')' : '');
      default:
        return Object.keys(d).map(function (k) { var v = d[k]; return k + ': ' + (typeof v === 'object' ? JSON.stringify(v) : v); }).join('; ');
    }
  }
  function renderAudit(entries, rep) {
    var box = clear($('d-audit'));
    if (!entries.length) { box.appendChild(h('p', { class: 'muted', text: 'Chưa có sự kiện nào.' })); return; }
    box.appendChild(h('table', { class: 'audit' }, [
      h('thead', {}, [h('tr', {}, [h('th', { text: 'Thời gian' }), h('th', { text: 'Sự kiện' }), h('th', { text: 'Thực hiện' }), h('th', { text: 'Chi tiết' })])]),
      h('tbody', {}, entries.slice().reverse().map(function (e) {
        return h('tr', { dataset: { action: e.action } }, [
          h('td', { class: 'time', text: fmtTime(e.at) }),
          h('td', { text: CFG.auditActions[e.action] || e.action }),
          h('td', { text: actorLabel(e.actor || '') }),
          h('td', { text: auditText(e, rep) })
        ]);
      }))
    ]));
  }

  // ---- start ---------------------------------------------------------------------------------
  var sel = $('period');
  function syncPeriods(periods) {
    if (sel.options.length !== periods.length) {
      clear(sel);
      periods.forEach(function (p) { sel.appendChild(h('option', { value: p, text: String(p) })); });
    }
    sel.value = String(state.period);
  }
  sel.addEventListener('change', function () { state.period = Number(sel.value); state.data = null; closeDetail(); clear($('rows')); refresh(); });
  $('f-status').addEventListener('change', function (e) { setStatusFilter(e.target.value); });
  $('f-group').addEventListener('change', function (e) { state.fGroup = e.target.value; if (state.data) renderRows(); });
  $('f-query').addEventListener('input', function (e) { state.query = e.target.value.trim(); if (state.data) renderRows(); });
  $('d-close').addEventListener('click', closeDetail);
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && state.selected) closeDetail(); });

  state.token = takeToken();
  if (!state.token) { lock(null); return; }
  $('main').hidden = false;
  refresh();
  setInterval(function () { if (document.visibilityState === 'visible') refresh(); }, CFG.pollMs);
  window.addEventListener('focus', function () { refresh(); });
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'visible') refresh(); });
})();
`;
