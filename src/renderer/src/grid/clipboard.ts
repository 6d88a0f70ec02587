// Copy text to the clipboard. The async Clipboard API can be refused (a denied permission in
// Electron, an insecure origin in browser mode); then fall back to a hidden textarea and
// execCommand, which works inside a user gesture.
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
    return
  } catch {
    // fall through to the legacy path
  }
  const previous = document.activeElement as HTMLElement | null
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  area.style.pointerEvents = 'none'
  document.body.appendChild(area)
  area.select()
  const ok = document.execCommand('copy')
  area.remove()
  previous?.focus()
  if (!ok) throw new Error('The clipboard is not available to Huntbench.')
}
