// Renders a report model as Markdown or as one self-contained HTML page. In HTML every
// value is escaped, the analyst's Markdown goes through the safe renderer, and the page
// carries a CSP that allows no script and no remote load at all.
import { ageText, isoTime, PREVIEW_ROWS, runProvenance, type ReportModel } from './report-model'
import { escapeHtml, markdownToSafeHtml } from './markdown-html'
import { quotedAnalystMarkdown } from './report-markdown'

const tlpLabel = (tlp: string): string => `TLP:${tlp.toUpperCase()}`
const papLabel = (pap: string): string => `PAP:${pap.toUpperCase()}`

// ---- Markdown ----

/** Inline code that survives backticks in the value. */
function code(value: string): string {
  const text = value.replace(/\r?\n/g, ' ')
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length))
  const fence = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

/** Plain text in a Markdown line or table cell: nothing in it becomes markup. */
function mdText(value: string): string {
  return value.replace(/\r?\n/g, ' ').replace(/[\\`*_[\]<>|#~]/g, '\\$&')
}

function fenced(value: string, lang: string): string {
  const longest = Math.max(2, ...(value.match(/`{3,}/g) ?? []).map((m) => m.length))
  const fence = '`'.repeat(longest + 1)
  return `${fence}${lang}\n${value}\n${fence}`
}

function mdTable(head: string[], rows: string[][]): string {
  if (rows.length === 0) return ''
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

export function renderMarkdown(m: ReportModel): string {
  const d = m.detail
  const out: string[] = []
  out.push(`# Case #${d.id}: ${mdText(d.title)}`, '')
  out.push(`**${tlpLabel(d.tlp)}** · **${papLabel(d.pap)}** · Status: ${d.status} · Created ${isoTime(d.createdAt)} · Updated ${isoTime(d.updatedAt)}`, '')
  if (d.provenance) {
    out.push(`Imported from a case bundle exported ${isoTime(d.provenance.exportedAt)} by Huntbench ${mdText(d.provenance.appVersion)} (bundle ${d.provenance.bundleId.slice(0, 16)}); imported ${isoTime(d.provenance.importedAt)}.`, '')
  }
  out.push(`Report generated ${isoTime(m.generatedAt)} by Huntbench ${m.appVersion}. Indicators are ${m.defanged ? 'defanged (`1.2.3[.]4`, `hxxp://`)' : 'live (not defanged)'}.`, '')
  out.push(`Contents: ${m.runs.length} query runs, ${m.lookups.length} lookups, ${m.observables.length} observables, ${m.notes.length} notes.`, '')
  if (d.description.trim()) out.push('## Description', '', quotedAnalystMarkdown(m.text(d.description)), '')

  out.push('## Timeline (newest first)', '')
  if (d.timeline.length === 0) out.push('Nothing has been added to this case yet.', '')
  for (const item of d.timeline) {
    const when = isoTime(item.at)
    if (item.kind === 'run') out.push(`- ${when} — query run #${item.run.id} ${mdText(item.run.title)} (${item.run.status}, ${item.run.rowCount} rows)`)
    else if (item.kind === 'lookup') out.push(`- ${when} — ${mdText(item.lookup.provider)} lookup of ${code(m.indicator(item.lookup.iocType, item.lookup.ioc))} (${item.lookup.severity})`)
    else if (item.kind === 'observable') out.push(`- ${when} — observable ${item.observable.type} ${code(m.indicator(item.observable.type, item.observable.value))} added`)
    else out.push(`- ${when} — note #${item.note.id}`)
  }
  out.push('')

  if (m.runs.length) out.push('## Query runs', '')
  for (const run of m.runs) {
    out.push(`### Run #${run.id}: ${mdText(run.title)}`, '')
    for (const [k, v] of runProvenance(run)) out.push(`- ${k}: ${mdText(v)}`)
    out.push('', fenced(m.text(run.kql || '(no query text)'), 'kql'), '')
    if (run.preview.length) {
      out.push(`First ${Math.min(PREVIEW_ROWS, run.preview.length)} of ${run.rowCount} rows:`, '')
      out.push(mdTable(run.columns.map(mdText), run.preview.map((r) => r.map(mdText))), '')
    }
  }

  if (m.lookups.length) {
    out.push('## Lookups', '')
    out.push(
      mdTable(
        ['Provider', 'Indicator', 'Type', 'Severity', 'Result', 'Fetched', 'Age at report'],
        m.lookups.map((l) => [
          mdText(l.provider),
          code(m.indicator(l.iocType, l.ioc)),
          mdText(l.iocType),
          mdText(l.severity),
          l.status === 0 ? (l.result ? 'found' : 'nothing found') : `failed (status ${l.status})`,
          isoTime(l.fetchedAt),
          ageText(l.fetchedAt, m.generatedAt)
        ])
      ),
      ''
    )
  }

  if (m.observables.length) {
    out.push('## Observables', '')
    out.push(
      mdTable(
        ['Type', 'Value', 'Count', 'First seen', 'Last seen', 'Seen elsewhere'],
        m.observables.map((o) => [
          mdText(o.type),
          code(m.indicator(o.type, o.value)),
          String(o.count),
          isoTime(o.firstSeen),
          isoTime(o.lastSeen),
          `${o.elsewhere.cases} cases, ${o.elsewhere.runs} runs, ${o.elsewhere.lookups} lookups`
        ])
      ),
      ''
    )
  }

  if (m.notes.length) out.push('## Notes', '')
  for (const n of [...m.notes].reverse()) {
    out.push(`### Note #${n.id} — ${isoTime(n.createdAt)}${n.updatedAt !== n.createdAt ? ` (edited ${isoTime(n.updatedAt)})` : ''}`, '', quotedAnalystMarkdown(m.text(n.body)), '')
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n')
}

// ---- HTML ----

const css = `body{font:14px/1.5 system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.6rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:12px}td,th{border:1px solid #d0d7de;padding:2px 6px;text-align:left;vertical-align:top}
code,pre{font-family:ui-monospace,monospace;background:#f6f8fa}pre{padding:.6rem;overflow:auto;white-space:pre-wrap}
.badge{display:inline-block;padding:0 .5rem;border-radius:4px;font-weight:600;margin-right:.3rem}
.tlp-red{background:#c00;color:#fff}.tlp-amber,.tlp-amber\\+strict{background:#ffc000;color:#000}.tlp-green{background:#33a532;color:#fff}.tlp-clear{background:#eee;color:#000}
.muted{color:#57606a}.note{border-left:3px solid #d0d7de;padding-left:.8rem;margin:1rem 0}`

// No script, no remote anything: even a sanitiser slip cannot run or call home.
const reportCsp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return ''
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`
}

const e = escapeHtml
const c = (v: string): string => `<code>${e(v)}</code>`

export function renderHtml(m: ReportModel): string {
  const d = m.detail
  const b: string[] = []
  b.push(`<h1>Case #${d.id}: ${e(d.title)}</h1>`)
  b.push(
    `<p><span class="badge tlp-${e(d.tlp)}">${e(tlpLabel(d.tlp))}</span><span class="badge tlp-${e(d.pap)}">${e(papLabel(d.pap))}</span> Status: ${e(d.status)} · Created ${e(isoTime(d.createdAt))} · Updated ${e(isoTime(d.updatedAt))}</p>`
  )
  if (d.provenance) {
    b.push(`<p class="muted">Imported from a case bundle exported ${e(isoTime(d.provenance.exportedAt))} by Huntbench ${e(d.provenance.appVersion)}; imported ${e(isoTime(d.provenance.importedAt))}.</p>`)
  }
  b.push(`<p class="muted">Report generated ${e(isoTime(m.generatedAt))} by Huntbench ${e(m.appVersion)}. Indicators are ${m.defanged ? 'defanged' : 'live (not defanged)'}.</p>`)
  if (d.description.trim()) b.push('<h2>Description</h2>', `<div class="md">${markdownToSafeHtml(m.text(d.description))}</div>`)

  b.push('<h2>Timeline (newest first)</h2>')
  b.push(
    table(
      ['When', 'What'],
      d.timeline.map((item) => {
        const what =
          item.kind === 'run'
            ? `Query run #${item.run.id} ${e(item.run.title)} (${e(item.run.status)}, ${item.run.rowCount} rows)`
            : item.kind === 'lookup'
              ? `${e(item.lookup.provider)} lookup of ${c(m.indicator(item.lookup.iocType, item.lookup.ioc))} (${e(item.lookup.severity)})`
              : item.kind === 'observable'
                ? `Observable ${e(item.observable.type)} ${c(m.indicator(item.observable.type, item.observable.value))} added`
                : `Note #${item.note.id}`
        return [e(isoTime(item.at)), what]
      })
    ) || '<p>Nothing has been added to this case yet.</p>'
  )

  if (m.runs.length) b.push('<h2>Query runs</h2>')
  for (const run of m.runs) {
    b.push(`<h3>Run #${run.id}: ${e(run.title)}</h3>`)
    b.push(`<ul>${runProvenance(run).map(([k, v]) => `<li>${e(k)}: ${e(v)}</li>`).join('')}</ul>`)
    b.push(`<pre><code>${e(m.text(run.kql || '(no query text)'))}</code></pre>`)
    if (run.preview.length) {
      b.push(`<p class="muted">First ${run.preview.length} of ${run.rowCount} rows:</p>`)
      b.push(table(run.columns, run.preview.map((r) => r.map(e))))
    }
  }

  if (m.lookups.length) {
    b.push('<h2>Lookups</h2>')
    b.push(
      table(
        ['Provider', 'Indicator', 'Type', 'Severity', 'Result', 'Fetched', 'Age at report'],
        m.lookups.map((l) => [
          e(l.provider),
          c(m.indicator(l.iocType, l.ioc)),
          e(l.iocType),
          e(l.severity),
          l.status === 0 ? (l.result ? 'found' : 'nothing found') : `failed (status ${l.status})`,
          e(isoTime(l.fetchedAt)),
          e(ageText(l.fetchedAt, m.generatedAt))
        ])
      )
    )
  }

  if (m.observables.length) {
    b.push('<h2>Observables</h2>')
    b.push(
      table(
        ['Type', 'Value', 'Count', 'First seen', 'Last seen', 'Seen elsewhere'],
        m.observables.map((o) => [
          e(o.type),
          c(m.indicator(o.type, o.value)),
          String(o.count),
          e(isoTime(o.firstSeen)),
          e(isoTime(o.lastSeen)),
          `${o.elsewhere.cases} cases, ${o.elsewhere.runs} runs, ${o.elsewhere.lookups} lookups`
        ])
      )
    )
  }

  if (m.notes.length) b.push('<h2>Notes</h2>')
  for (const n of [...m.notes].reverse()) {
    b.push(
      `<div class="note"><p class="muted">Note #${n.id} — ${e(isoTime(n.createdAt))}${n.updatedAt !== n.createdAt ? ` (edited ${e(isoTime(n.updatedAt))})` : ''}</p>${markdownToSafeHtml(m.text(n.body))}</div>`
    )
  }

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${reportCsp}">
<meta name="referrer" content="no-referrer">
<title>${e(`Case #${d.id}: ${d.title}`)}</title>
<style>${css}</style></head>
<body>
${b.join('\n')}
</body></html>
`
}
