// The analyst's Markdown as HTML for reports, with no way for it to run anything:
// raw HTML is shown as text, links keep only http(s) and mailto targets, images become
// a text placeholder (a remote image in a report would call home when opened). The
// report page adds a CSP that forbids scripts on top. (The renderer uses DOMPurify too.)
import { Marked } from 'marked'

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

const safeHref = /^(?:https?:\/\/|mailto:)/i

const marked = new Marked({ gfm: true, breaks: true, async: false })
marked.use({
  renderer: {
    html({ text }) {
      return escapeHtml(text)
    },
    link({ href, title, tokens }) {
      const inner = this.parser.parseInline(tokens)
      if (!safeHref.test(href)) return inner
      const t = title ? ` title="${escapeHtml(title)}"` : ''
      return `<a href="${escapeHtml(href)}"${t} rel="noopener noreferrer nofollow">${inner}</a>`
    },
    image({ text }) {
      return `<span class="image-placeholder">[image: ${escapeHtml(text)}]</span>`
    }
  }
})

export function markdownToSafeHtml(markdown: string): string {
  return marked.parse(markdown, { async: false }) as string
}
