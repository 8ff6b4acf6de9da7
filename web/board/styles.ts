/** The board's stylesheet: plain CSS sized for a 1366×768 laptop; status colours always carry their text too. */
export const BOARD_STYLES = `
*{box-sizing:border-box}
body{margin:0;font:13px/1.4 system-ui,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1f2933;background:#f4f6f8}
h1{font-size:17px;margin:0}
h2{font-size:14px;margin:0 0 6px}
h3{font-size:13px;margin:14px 0 6px;text-transform:uppercase;letter-spacing:.03em;color:#52606d}
h4{font-size:13px;margin:10px 0 4px}
code{font:12px ui-monospace,Consolas,monospace}
.muted{color:#616e7c}
[hidden]{display:none!important}
.top{display:flex;align-items:center;gap:16px;padding:8px 16px;background:#7f1d1d;color:#fff}
.top .muted{color:#fde8e8;margin-left:auto}
.top .who{display:flex;align-items:center;gap:6px;white-space:nowrap}
.top .who .role{background:#fde8e8;color:#7f1d1d;border-radius:10px;padding:1px 8px;font-size:12px}
button.btn.primary{background:#7f1d1d;border-color:#7f1d1d;color:#fff}
.top select{font:inherit;padding:2px 4px}
.banner{margin:8px 16px;padding:8px 12px;border-radius:4px;background:#fff4e5;border:1px solid #f0b429;color:#7c4a03}
.locked{margin:40px auto;max-width:560px;background:#fff;padding:20px;border-radius:6px;border:1px solid #d9e2ec}
main{padding:8px 16px 16px}
.rates{display:grid;grid-template-columns:repeat(3,1fr);gap:10px}
.card{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:8px 12px}
.card h2{font-size:13px;color:#52606d;font-weight:600}
.rate{display:flex;align-items:baseline;gap:6px}
.rate .label{min-width:110px}
.rate .value{font-size:18px}
.meter{display:flex;height:6px;margin-top:6px;background:#e4e7eb;border-radius:3px;overflow:hidden}
.meter span{display:block;height:100%}
.meter .m-ontime{background:#2f855a}.meter .m-late{background:#d69e2e}
.charts{display:grid;grid-template-columns:repeat(2,1fr);gap:10px;margin-top:10px}
.chart{margin:0}
.chart svg{display:block;width:100%;height:auto;max-height:190px;font-size:10px;fill:#1f2933}
.chart figcaption{font-size:12px;color:#52606d;font-weight:600}
.chart .bar.reporting{fill:#2b6cb0}.chart .bar.on-time{fill:#2f855a}.chart .bar.late{fill:#b7791f}
.chart .val{font-weight:600}
.chart line.due{stroke:#9b1c1c;stroke-dasharray:4 3}.chart line.axis{stroke:#9aa5b1}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.toolbar{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px;margin:10px 0 6px}
.counts{display:flex;flex-wrap:wrap;gap:4px}
.filters{display:flex;align-items:center;gap:10px}
.filters select,.filters input{font:inherit;padding:3px 4px;max-width:230px}
.chip{font:inherit;font-size:12px;border:1px solid transparent;border-radius:12px;padding:2px 8px;cursor:pointer}
.chip[aria-pressed=true]{outline:2px solid #1f2933;outline-offset:1px}
.table-wrap{background:#fff;border:1px solid #d9e2ec;border-radius:6px;max-height:calc(100vh - 250px);min-height:240px;overflow:auto}
table{border-collapse:collapse;width:100%}
#units th,#units td{padding:5px 8px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}
#units thead th{position:sticky;top:0;background:#f0f4f8;z-index:1;font-weight:600;vertical-align:bottom}
#units th.num{max-width:92px}
#units td:first-child{min-width:210px}
#units td.group{white-space:nowrap}
#units tbody tr{cursor:pointer}
#units tbody tr:hover{background:#f8fafc}
#units tbody tr.selected{background:#fdf2f2}
#units td.time{white-space:nowrap}
.num{text-align:right!important;font-variant-numeric:tabular-nums}
td.empty{text-align:center;color:#616e7c;padding:20px}
.link{font:inherit;background:none;border:0;padding:0;color:#7f1d1d;text-align:left;cursor:pointer;font-weight:600}
.link:hover{text-decoration:underline}
.badge{display:inline-block;white-space:nowrap;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600;border:1px solid transparent}
.st-NOT_OPEN{background:#eceff1;color:#37474f;border-color:#b0bec5}
.st-PENDING{background:#e3f2fd;color:#0d47a1;border-color:#90caf9}
.st-REJECTED{background:#fde7e9;color:#9b1c1c;border-color:#f5a3a9}
.st-RETURNED{background:#f3e5f5;color:#6a1b9a;border-color:#ce93d8}
.st-ON_TIME{background:#e6f4ea;color:#1e6b34;border-color:#9ed5ad}
.st-LATE{background:#fff4e5;color:#8a4b00;border-color:#f6c27a}
.st-OVERDUE{background:#b71c1c;color:#fff;border-color:#7f1010}
.note{display:block;font-size:12px;color:#616e7c;max-width:210px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.drawer{position:fixed;top:0;right:0;bottom:0;width:min(640px,100vw);background:#fff;border-left:1px solid #cbd2d9;box-shadow:-6px 0 18px rgba(0,0,0,.15);overflow:auto;padding:10px 16px 24px;z-index:5}
.drawer-head{display:flex;align-items:flex-start;justify-content:space-between;gap:8px;position:sticky;top:-10px;background:#fff;padding:6px 0;z-index:1}
.drawer-head h2{font-size:16px}
.icon{font-size:20px;line-height:1;border:0;background:none;cursor:pointer;padding:0 4px}
.summary p{margin:4px 0}
.actions{border:1px solid #d9e2ec;border-radius:6px;padding:8px 10px;margin-top:8px;background:#f8fafc}
.actions fieldset{border:0;margin:0 0 8px;padding:0}
.actions legend{font-weight:600;padding:0;margin-bottom:4px}
.actions textarea{width:100%;min-height:54px;font:inherit;padding:4px}
.actions input{font:inherit;padding:3px 4px}
.row{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin-top:4px}
button.btn{font:inherit;border-radius:4px;border:1px solid #9aa5b1;background:#fff;padding:4px 10px;cursor:pointer}
button.btn:disabled{opacity:.5;cursor:default}
button.ok{background:#1e6b34;border-color:#1e6b34;color:#fff}
button.warn{background:#6a1b9a;border-color:#6a1b9a;color:#fff}
button.ext{background:#0d47a1;border-color:#0d47a1;color:#fff}
.msg{margin:6px 0 0;padding:4px 8px;border-radius:4px}
.msg.ok{background:#e6f4ea;color:#1e6b34}.msg.error{background:#fde7e9;color:#9b1c1c}
.version{border:1px solid #d9e2ec;border-radius:6px;padding:6px 10px;margin-bottom:8px}
.version header{display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.version .meta,.version .links{margin-top:3px}
.links a{margin-right:12px}
.pill{border-radius:8px;padding:0 6px;font-size:12px}
.pill.ok{background:#e6f4ea;color:#1e6b34}.pill.bad{background:#fde7e9;color:#9b1c1c}.pill.info{background:#e3f2fd;color:#0d47a1}
.reasons{margin:4px 0;padding-left:18px;color:#9b1c1c}
.review{margin:4px 0;padding:3px 6px;border-radius:4px}
.review.RETURN{background:#f3e5f5}.review.ACCEPT{background:#e6f4ea}
details summary{cursor:pointer;color:#7f1d1d;margin-top:4px}
.kv{width:100%;border-collapse:collapse}
.kv th,.kv td{border-bottom:1px solid #eef1f4;padding:3px 4px;vertical-align:top}
.kv th{font-weight:normal;color:#3e4c59;width:62%;text-align:left}
.kv td{white-space:pre-wrap}
.kv td.rows-cell{padding:4px 0 8px}
.rows{width:100%;border-collapse:collapse;font-size:12px}
.rows caption{text-align:left;color:#3e4c59;padding:0 4px 2px}
.rows th,.rows td{border:1px solid #eef1f4;padding:2px 4px;text-align:left;vertical-align:top}
.rows th{font-weight:600;color:#3e4c59;width:auto}
.audit{font-size:12px}
.audit th,.audit td{border-bottom:1px solid #eef1f4;padding:3px 4px;text-align:left;vertical-align:top}
.audit td.time{white-space:nowrap}
`;
