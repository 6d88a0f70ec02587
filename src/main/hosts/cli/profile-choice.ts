// `--profile NAME`, or the only real profile there is (the sandbox counts only when it is
// the only one): shared by `auth` and `query` so both pick the same way.
import { HuntbenchError } from '../../../shared/errors'
import type { Profile } from '../../auth/profiles'
import type { Services } from '../../services'

export function pickProfile(s: Services, name: string | undefined): Profile {
  if (name !== undefined) return s.auth.profiles.byName(name)
  const all = s.auth.profiles.list()
  const real = all.filter((p) => !p.sandbox)
  const candidates = real.length ? real : all
  if (candidates.length === 1) return candidates[0]
  if (candidates.length === 0) throw new HuntbenchError('not_found', 'There are no profiles yet. Add one: huntbench profile add NAME --tenant TENANT_ID --client CLIENT_ID')
  throw new HuntbenchError('invalid_input', `Several profiles exist (${candidates.map((p) => p.name).join(', ')}); name one with --profile NAME.`)
}
