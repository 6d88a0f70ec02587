import { afterEach, describe, expect, it } from 'vitest'
import { defangText, defangValue } from '../../src/main/cases/defang'
import { markdownToSafeHtml } from '../../src/main/cases/markdown-html'
import type { Services } from '../../src/main/services'
import { call, defenderRows, importRun, storeLookup } from '../helpers/cases'
import { testServices } from '../helpers/services'

let s: Services
afterEach(() => s?.close())

describe('defanging', () => {
  it('defangs IPs, domains, URLs and emails, and leaves hashes and accounts alone', () => {
    expect(defangValue('ipv4', '1.2.3.4')).toBe('1.2.3[.]4')
    expect(defangValue('dns', 'evil.example.com')).toBe('evil.example[.]com')
    expect(defangValue('url', 'https://evil.example.com/a.ps1')).toBe('hxxps://evil.example[.]com/a.ps1')
    expect(defangValue('email', 'bob@evil.org')).toBe('bob@evil[.]org')
    expect(defangValue('sha256_hash', 'ab'.repeat(32))).toBe('ab'.repeat(32))
    expect(defangValue('account', 'alice@contoso.com')).toBe('alice@contoso.com')
  })

  it('defangs indicators inside free text without touching file names', () => {
    expect(defangText('RemoteIP == "1.2.3.4" or RemoteUrl has "http://evil.net/x" and FileName == "x.exe"')).toBe(
      'RemoteIP == "1.2.3[.]4" or RemoteUrl has "hxxp://evil[.]net/x" and FileName == "x.exe"'
    )
    expect(defangText('[click](https://evil.net/login)')).toBe('[click](hxxps://evil[.]net/login)')
    expect(defangText('already 5.6.7[.]8')).toBe('already 5.6.7[.]8')
  })
})

describe('safe Markdown to HTML', () => {
  it('shows raw HTML as text and drops script links and remote images', () => {
    const html = markdownToSafeHtml(
      '# Hi\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)> [x](javascript:alert(3)) ![p](http://tracker.example/p.png) [ok](https://example.com)'
    )
    expect(html).not.toMatch(/<script|<img|<[^>]*\sonerror=|href="javascript:|tracker\.example/i)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>')
    expect(html).toContain('[image: p]')
  })
})

async function reportCase(): Promise<number> {
  const c = await call(s, 'cases.create', { title: 'Beacon <script>alert("t")</script>', description: 'C2 at 203.0.113.7 via http://evil-cdn.example.net/a\n\n<iframe src="https://evil.example"></iframe>', tlp: 'red' })
  const runId = await importRun(s, 'net <b>bold</b>', defenderRows(12), 'DeviceNetworkEvents | where RemoteIP == "203.0.113.7"')
  await call(s, 'cases.attachRun', { caseId: c.id, runId })
  const lookupId = storeLookup(s, { ioc: '203.0.113.7', fetchedAt: Date.now() - 2 * 86_400_000 })
  await call(s, 'cases.attachLookup', { caseId: c.id, lookupId })
  await call(s, 'cases.addNote', { caseId: c.id, body: 'Seen <img src=x onerror="alert(1)"> talking to evil-cdn.example.net' })
  return c.id
}

describe('case reports', () => {
  it('writes Markdown with provenance for every item and defanged indicators by default', async () => {
    s = testServices()
    const caseId = await reportCase()
    const { content, fileName, format } = await call(s, 'cases.report', { caseId })
    expect(format).toBe('markdown')
    expect(fileName).toMatch(/^case-\d+-beacon-script-alert-t-script-report\.md$/)
    expect(content).toContain('**TLP:RED**')
    expect(content).toContain('Indicators are defanged')
    expect(content).toContain('DeviceNetworkEvents | where RemoteIP == "203.0.113[.]7"')
    expect(content).toMatch(/- Ran at: \d{4}-\d\d-\d\dT/)
    expect(content).toContain('- Tenant profile: none (imported file)')
    expect(content).toContain('- Rows: 12')
    expect(content).toContain('First 10 of 12 rows:')
    expect(content).toMatch(/\| Shodan \| `203\.0\.113\[\.\]7` \| ipv4 \| warning \| found \| .* \| 2 days \|/)
    expect(content).toContain('evil-cdn.example[.]net')
    expect(content).not.toMatch(/203\.0\.113\.7|http:\/\/evil/)
    // Titles are text, never markup.
    expect(content).toContain('Beacon \\<script\\>alert("t")\\</script\\>')
  })

  it('makes the analyst text in Markdown inert: escaped HTML, only http(s) links, quoted so it fakes no section', async () => {
    s = testServices()
    const c = await call(s, 'cases.create', {
      title: 'hostile',
      description: 'Intro <img src=x onerror=alert(1)> & [x](javascript:alert(2)) [ok](https://example.com/a?b=1&c=2)\n## Lookups\n| fake | table |'
    })
    await call(s, 'cases.addNote', {
      caseId: c.id,
      body: [
        '## Lookups',
        '',
        '| Provider | Indicator |',
        '| --- | --- |',
        '| Shodan | all clear |',
        '',
        '[y](JavaScript:alert(3)) [z](<data:text/html,<script>alert(4)</script>>) ![t](https://tracker.example/p.png)',
        '[ref]: javascript:alert(5)',
        'keep `a < b && c > d` as code',
        '```kql',
        'DeviceEvents | where x <> "<b>"',
        '```'
      ].join('\n')
    })
    const { content } = await call(s, 'cases.report', { caseId: c.id, defang: false })
    // Only the report's own headings start a line with "#"; analyst text sits in a quote.
    expect(content.split('\n').filter((l) => l.startsWith('## '))).toEqual(['## Description', '## Timeline (newest first)', '## Notes'])
    expect(content).toContain('> ## Lookups')
    expect(content).toContain('> | Shodan | all clear |')
    expect(content).not.toMatch(/<img|<script|<b>(?!")|javascript:alert\(2|\]\((?:JavaScript|data|<data):/i)
    expect(content).toContain('> Intro &lt;img src=x onerror=alert(1)&gt; &amp; x [ok](https://example.com/a?b=1&amp;c=2)')
    expect(content).toContain('> y z')
    expect(content).toContain('(image: t)')
    expect(content).not.toContain('tracker.example')
    expect(content).toContain('> \\[ref]: javascript:alert(5)')
    expect(content).toContain('> keep `a < b && c > d` as code')
    expect(content).toContain('> DeviceEvents | where x <> "<b>"')
    // The HTML report renders the same text safely from the original Markdown.
    const html = (await call(s, 'cases.report', { caseId: c.id, format: 'html', defang: false })).content
    expect(html).not.toMatch(/<script|<img|href="javascript:|href="data:/i)
  })

  it('keeps indicators live when asked', async () => {
    s = testServices()
    const caseId = await reportCase()
    const { content } = await call(s, 'cases.report', { caseId, defang: false })
    expect(content).toContain('Indicators are live')
    expect(content).toContain('RemoteIP == "203.0.113.7"')
    expect(content).toContain('http://evil-cdn.example.net/a')
  })

  it('writes HTML that escapes everything and can run no script', async () => {
    s = testServices()
    const caseId = await reportCase()
    const { content, fileName } = await call(s, 'cases.report', { caseId, format: 'html' })
    expect(fileName).toMatch(/\.html$/)
    expect(content).toMatch(/^<!doctype html>/)
    expect(content).toContain(`content="default-src 'none'; style-src 'unsafe-inline'`)
    expect(content).not.toMatch(/<script|<iframe|<img|<[^>]*\sonerror=|href="javascript:/i)
    expect(content).toContain('Beacon &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;')
    expect(content).toContain('net &lt;b&gt;bold&lt;/b&gt;')
    expect(content).toContain('&lt;iframe src=&quot;https://evil.example&quot;&gt;&lt;/iframe&gt;'.replace('https://evil.example', 'hxxps://evil[.]example'))
    expect(content).toContain('<code>203.0.113[.]7</code>')
    expect(content).not.toContain('203.0.113.7')
  })

  it('reports an empty case without failing', async () => {
    s = testServices()
    const c = await call(s, 'cases.create', { title: 'empty' })
    const md = await call(s, 'cases.report', { caseId: c.id })
    expect(md.content).toContain('Nothing has been added to this case yet.')
    const html = await call(s, 'cases.report', { caseId: c.id, format: 'html' })
    expect(html.content).toContain('Nothing has been added to this case yet.')
  })
})
