// `huntbench profile ...` and `huntbench auth ...`: tenant profiles and sign-in, headless.
// Input goes through the same contract schemas as the app, so the rules and messages match.
import type { Command } from 'commander'
import type { z } from 'zod'
import { authApi } from '../../../../shared/api/auth'
import { LEGACY_RETIREMENT_DATE } from '../../../../shared/auth'
import { HuntbenchError } from '../../../../shared/errors'
import type { Profile } from '../../../auth/profiles'
import { toView } from '../../../auth/profiles'
import { describeIssues } from '../../../router'
import type { CliContext } from '../context'
import { pickProfile } from '../profile-choice'
import { parseFormat, renderJson, renderTable } from '../format'

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input)
  if (!parsed.success) throw new HuntbenchError('invalid_input', `${what}: ${describeIssues(parsed.error)}`)
  return parsed.data
}


function apiLabel(p: Profile): string {
  return p.api === 'legacy' ? `legacy (retires ${LEGACY_RETIREMENT_DATE})` : 'graph'
}

export function registerAuthCommands(program: Command, ctx: CliContext): void {
  const profile = program.command('profile').description('tenant profiles: which tenant and app registration to sign in with')

  profile
    .command('add')
    .description('add a tenant profile')
    .argument('<name>', 'a name for the profile, e.g. Contoso')
    .requiredOption('--tenant <tenantId>', 'Directory (tenant) ID: a GUID or a domain such as contoso.onmicrosoft.com')
    .requiredOption('--client <clientId>', 'Application (client) ID of your app registration (a GUID)')
    .option('--api <api>', 'graph (Microsoft Graph runHuntingQuery) or legacy (Defender XDR advanced hunting API)', 'graph')
    .action(async (name: string, options: { tenant: string; client: string; api: string }, command: Command) => {
      const input = parse(authApi['profiles.add'].input, { name, tenantId: options.tenant, clientId: options.client, api: options.api }, 'profile add')
      await ctx.withServices(command.optsWithGlobals(), (s) => {
        const added = s.auth.profiles.add(input)
        ctx.io.out(`Added profile ${added.name} (tenant ${added.tenantId}, client ${added.clientId}, API ${apiLabel(added)}).`)
        if (added.api === 'legacy') ctx.io.err(`note: the legacy hunting API stops returning data on ${LEGACY_RETIREMENT_DATE}; prefer --api graph.`)
        ctx.io.err(`Sign in with: huntbench auth login --profile "${added.name}"`)
      })
    })

  profile
    .command('list')
    .description('list tenant profiles and who is signed in')
    .option('--format <format>', 'table or json', 'table')
    .action(async (options: { format: string }, command: Command) => {
      const format = parseFormat(options.format, ['table', 'json'])
      await ctx.withServices(command.optsWithGlobals(), (s) => {
        const profiles = s.auth.profiles.list()
        if (format === 'json') return ctx.io.out(renderJson(profiles.map(toView)))
        if (profiles.length === 0) return ctx.io.out('No profiles yet. Add one: huntbench profile add NAME --tenant TENANT_ID --client CLIENT_ID')
        ctx.io.out(
          renderTable(
            ['name', 'tenant', 'client', 'api', 'signed in as'],
            profiles.map((p) => [p.sandbox ? `${p.name} [sandbox]` : p.name, p.tenantId, p.clientId, apiLabel(p), p.account ?? '-'])
          )
        )
      })
    })

  profile
    .command('remove')
    .description('remove a tenant profile and its stored sign-in')
    .argument('<name>', 'the profile name')
    .action(async (name: string, _options: unknown, command: Command) => {
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const found = s.auth.profiles.byName(name)
        await s.auth.logout(found.id)
        s.auth.profiles.remove(found.id)
        ctx.io.out(`Removed profile ${found.name} and its stored sign-in.`)
      })
    })

  const auth = program.command('auth').description('sign in to a tenant, show or clear the sign-in')

  auth
    .command('login')
    .description('sign in interactively (OS broker, else your browser); Ctrl+C cancels')
    .option('--profile <name>', 'profile to sign in (default: the only one)')
    .action(async (options: { profile?: string }, command: Command) => {
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const p = pickProfile(s, options.profile)
        const controller = new AbortController()
        const cancel = (): void => controller.abort()
        process.once('SIGINT', cancel)
        try {
          ctx.io.err(`Signing in to ${p.name} (tenant ${p.tenantId}); finish in the browser.`)
          const result = await s.auth.login(p.id, {
            signal: controller.signal,
            // Printed as well, for machines where no browser opens (SSH, containers).
            onUrl: (url) => ctx.io.err(`If no browser opens, visit this URL on this machine:\n${url}`)
          })
          ctx.io.out(`Signed in to ${p.name} as ${result.account}.`)
        } finally {
          process.off('SIGINT', cancel)
        }
      })
    })

  auth
    .command('status')
    .description('show which profiles are signed in and where tokens are kept')
    .option('--profile <name>', 'only this profile (checks the token cache itself)')
    .option('--format <format>', 'table or json', 'table')
    .action(async (options: { profile?: string; format: string }, command: Command) => {
      const format = parseFormat(options.format, ['table', 'json'])
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const id = options.profile !== undefined ? s.auth.profiles.byName(options.profile).id : undefined
        const status = await s.auth.status(id)
        if (format === 'json') return ctx.io.out(renderJson(status))
        if (status.profiles.length === 0) return ctx.io.out('No profiles yet. Add one: huntbench profile add NAME --tenant TENANT_ID --client CLIENT_ID')
        ctx.io.out(
          renderTable(
            ['profile', 'signed in', 'account', 'api'],
            status.profiles.map((p) => [p.name, p.signedIn ? 'yes' : 'no', p.account ?? '-', p.api])
          )
        )
        if (id !== undefined) ctx.io.out(`Tokens are kept in: ${status.tokenStore}${status.broker ? ' (OS sign-in broker in use)' : ''}`)
        for (const warning of status.warnings) ctx.io.err(`warning: ${warning}`)
      })
    })

  auth
    .command('logout')
    .description('sign out: remove the account and its tokens from the cache and the keyring')
    .option('--profile <name>', 'profile to sign out (default: the only one)')
    .action(async (options: { profile?: string }, command: Command) => {
      await ctx.withServices(command.optsWithGlobals(), async (s) => {
        const p = pickProfile(s, options.profile)
        await s.auth.logout(p.id)
        ctx.io.out(`Signed out of ${p.name}; its tokens were removed.`)
      })
    })
}
