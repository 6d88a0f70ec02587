// The analyst's own Markdown (description, notes) as it goes into a Markdown report.
// Reports are opened in viewers we do not control, so the text is made inert there:
// `<`, `>` and `&` are escaped outside code (no raw HTML, no entity tricks), links keep
// only http(s) targets, images become text (a remote image would call home), and the
// whole text is quoted, so a note cannot pass off its own "## Lookups" as a report section.

const safeTarget = /^<?https?:\/\//i
const fence = /^ {0,3}(`{3,}|~{3,})/
// [text](target) and ![alt](target), with one level of brackets/parentheses inside.
const inlineLink = /(!?)\[((?:[^[\]]|\[[^\]]*\])*)\]\(\s*((?:[^()\s]|\([^()]*\))*)[^)]*\)/g
const referenceDefinition = /^( {0,3})\[[^\]]+\]:\s*(\S+)/

const escapeText = (text: string): string => text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))

/** Escapes outside inline code spans; code is shown as written. */
function escapeOutsideCode(line: string): string {
  let out = ''
  let last = 0
  for (const m of line.matchAll(/(`+)[^`]+?\1(?!`)/g)) {
    out += escapeText(line.slice(last, m.index)) + m[0]
    last = (m.index ?? 0) + m[0].length
  }
  return out + escapeText(line.slice(last))
}

function neutraliseLinks(line: string): string {
  const ref = referenceDefinition.exec(line)
  if (ref && !safeTarget.test(ref[2])) return `${ref[1]}\\${line.slice(ref[1].length)}`
  return line.replace(inlineLink, (whole: string, bang: string, text: string, target: string) => {
    if (bang) return `(image: ${text})`
    return safeTarget.test(target) ? whole : text
  })
}

export function quotedAnalystMarkdown(markdown: string): string {
  let inFence: string | null = null
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n').map((line) => {
    const f = fence.exec(line)
    if (inFence) {
      if (f && f[1][0] === inFence[0] && f[1].length >= inFence.length && line.trim() === f[1]) inFence = null
      return line
    }
    if (f) {
      inFence = f[1]
      return line
    }
    return escapeOutsideCode(neutraliseLinks(line))
  })
  return lines.map((line) => (line ? `> ${line}` : '>')).join('\n')
}
