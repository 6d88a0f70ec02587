// A stand-in for the user's browser, used as $BROWSER: opens the authorize URL, then
// clicks "Sign in" (submits the form_post to MSAL's loopback). Trusts the fake's CA via
// NODE_EXTRA_CA_CERTS, which the caller sets.
import { parseFormPost } from '../fakes/entra-client'

const url = process.argv[2]
if (!url) throw new Error('play-browser: no URL given')
const page = await fetch(url)
const html = await page.text()
if (page.status !== 200) throw new Error(`play-browser: authorize page answered ${page.status}`)
const { action, fields } = parseFormPost(html)
await fetch(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() })
