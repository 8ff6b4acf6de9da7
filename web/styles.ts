/** The form's stylesheet: plain CSS, no framework; laptop first, still usable on a phone. */
export const FORM_CSS = `
:root{--ink:#1b2733;--muted:#5b6b7b;--line:#d5dde5;--bg:#f3f6f9;--card:#fff;--brand:#0b4f8a;--brand-dark:#083a66;
--ok:#1e7a3c;--ok-bg:#e6f4ea;--warn:#8a5a00;--warn-bg:#fff4d6;--bad:#b3261e;--bad-bg:#fdecea;--focus:#ffbf47}
*{box-sizing:border-box}
html{font-size:16px}
body{margin:0;background:var(--bg);color:var(--ink);font:1rem/1.5 "Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
a{color:var(--brand)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.masthead{background:var(--brand);color:#fff;padding:1rem 0 1.25rem}
.masthead .org{margin:0;font-size:.85rem;letter-spacing:.04em;text-transform:uppercase;opacity:.9}
.masthead h1{margin:.25rem 0 0;font-size:1.5rem;line-height:1.3}
.wrap{max-width:64rem;margin:0 auto;padding:0 1.25rem}
main.wrap{padding-top:1.25rem;padding-bottom:3rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:1.25rem 1.5rem;margin:0 0 1.25rem;box-shadow:0 1px 2px rgba(0,0,0,.04)}
.card h2{margin:0 0 .75rem;font-size:1.2rem}
.notice{border-left:.4rem solid var(--bad);background:var(--bad-bg)}
.notice h2{color:var(--bad)}
.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:rgba(0,0,0,.06);padding:.05rem .35rem;border-radius:.25rem}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1.25rem;margin:0}
.facts dt{color:var(--muted)}
.facts dd{margin:0;font-weight:600}
.row{display:flex;flex-wrap:wrap;gap:.75rem 1.5rem;align-items:center}
.pill{display:inline-block;padding:.15rem .65rem;border-radius:1rem;font-weight:700;font-size:.9rem;background:#e8edf2;color:var(--ink)}
.pill.s-ON_TIME{background:var(--ok-bg);color:var(--ok)}
.pill.s-LATE,.pill.s-RETURNED{background:var(--warn-bg);color:var(--warn)}
.pill.s-REJECTED,.pill.s-OVERDUE{background:var(--bad-bg);color:var(--bad)}
table{width:100%;border-collapse:collapse;font-size:.95rem}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}
td ul{margin:0;padding-left:1.1rem}
.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
form fieldset.section{border:1px solid var(--line);border-radius:.5rem;background:var(--card);margin:0 0 1.25rem;padding:1rem 1.5rem 1.25rem}
form fieldset.section>legend{font-weight:700;font-size:1.1rem;padding:0 .5rem;color:var(--brand-dark)}
fieldset.group{border:0;border-top:1px dashed var(--line);margin:.75rem 0 0;padding:.5rem 0 0}
fieldset.group>legend{font-weight:600;padding:0}
.field{display:grid;grid-template-columns:1fr 12rem;gap:.25rem 1rem;align-items:center;padding:.5rem 0;border-bottom:1px solid #eef2f5}
.field:last-child{border-bottom:0}
.field.wide{grid-template-columns:1fr}
.field label,.field>legend{font-weight:500}
.field .opt{color:var(--muted);font-weight:400;font-size:.9em}
.field .error{grid-column:1/-1;margin:0;color:var(--bad);font-weight:600}
.field .error:empty{display:none}
.field.invalid input,.field.invalid select,.field.invalid textarea{border-color:var(--bad);box-shadow:0 0 0 1px var(--bad)}
fieldset.field{border:0;margin:0;min-width:0}
fieldset.field>legend{float:left;padding:0}
.radios{display:flex;gap:1.25rem}
.radios label{display:inline-flex;gap:.35rem;align-items:center;font-weight:500}
input,select,textarea{font:inherit;color:inherit;border:1px solid #9aa9b7;border-radius:.35rem;padding:.45rem .6rem;background:#fff;width:100%}
input[type=number]{text-align:right}
input[type=radio]{width:auto}
input[type=file]{padding:.35rem;background:#fafbfc}
textarea{min-height:6rem;resize:vertical}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:1rem 0}
button,.button{font:inherit;font-weight:700;border-radius:.4rem;padding:.6rem 1.2rem;border:1px solid var(--brand);background:var(--brand);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}
button:disabled{opacity:.6;cursor:progress}
.muted{color:var(--muted)}
.small{font-size:.9rem}
.summary{border:2px solid var(--bad);background:var(--bad-bg);border-radius:.5rem;padding:1rem 1.25rem;margin:0 0 1.25rem}
.summary h2{margin:0 0 .5rem;color:var(--bad);font-size:1.1rem}
.summary ul{margin:0;padding-left:1.2rem}
.summary a{color:var(--bad);font-weight:600}
.receipt{border-left:.4rem solid var(--brand)}
.receipt.ok{border-left-color:var(--ok)}
.receipt.bad{border-left-color:var(--bad)}
.outcome{font-size:1.1rem;font-weight:700;margin:.75rem 0 .25rem}
.outcome.ok{color:var(--ok)}
.outcome.bad{color:var(--bad)}
.progress{color:var(--muted)}
.split{display:grid;grid-template-columns:1fr 1fr;gap:1.25rem}
.table-scroll{overflow-x:auto}
table.rows caption{text-align:left;font-weight:500;padding:0 0 .35rem}
table.rows td,table.rows th{padding:.3rem .35rem}
table.rows td input,table.rows td select,table.rows td textarea{min-width:7.5rem;min-height:0}
table.rows td.invalid input,table.rows td.invalid select,table.rows td.invalid textarea{border-color:var(--bad);box-shadow:0 0 0 1px var(--bad)}
table.rows button,.row-actions button{padding:.35rem .8rem;white-space:nowrap}
table.owed button{padding:.3rem .8rem;white-space:nowrap}
table.owed tr[aria-current] td{background:#f3f6fb;font-weight:600}
.row-actions{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
.row-actions p{margin:0}
@media (max-width:48rem){.field{grid-template-columns:1fr}.split{grid-template-columns:1fr}.facts{grid-template-columns:1fr}}
.spread{justify-content:space-between}
.flush{margin:0}
select.auto{width:auto}
.facts.spaced{margin-top:1rem}
.reasons-title{margin:.75rem 0 .25rem}
h3.sub{margin:1rem 0 .5rem;font-size:1.05rem}
.intro p{margin:.25rem 0 0}
[hidden]{display:none!important}
`;
