// The analyst's Markdown (case descriptions, notes) as HTML that cannot run anything:
// marked renders, DOMPurify keeps only plain formatting, links keep http(s)/mailto
// targets only, and images are dropped (a remote image would call home when shown).
import DOMPurify from 'dompurify'
import { Marked } from 'marked'

const marked = new Marked({ gfm: true, breaks: true, async: false })

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('rel', 'noopener noreferrer nofollow')
    node.setAttribute('target', '_blank')
  }
})

export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false }) as string
  return DOMPurify.sanitize(html, {
    FORBID_TAGS: ['img', 'picture', 'video', 'audio', 'source', 'iframe', 'object', 'embed', 'form', 'input', 'button', 'textarea', 'select', 'style', 'svg', 'math', 'link', 'meta', 'base'],
    FORBID_ATTR: ['style', 'srcset', 'action', 'formaction'],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i
  })
}

/** Link clicks inside rendered Markdown go to the system browser, never this window. */
export function linkTarget(event: MouseEvent): string | null {
  const anchor = (event.target as Element | null)?.closest?.('a')
  if (!anchor) return null
  event.preventDefault()
  const href = anchor.getAttribute('href')
  return href && /^(?:https?:|mailto:)/i.test(href) ? href : null
}
