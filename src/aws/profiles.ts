import { homedir } from 'node:os';
import { CONFIG_PREFIX_SEPARATOR, loadSharedConfigFiles } from '@smithy/core/config';
import { UsageError } from '../errors.js';

/**
 * A named profile must exist before anything asks AWS for credentials: otherwise the SDK's chain ends in
 * a generic "Could not load credentials from any providers". The files are the SDK's own (~/.aws/config
 * and ~/.aws/credentials, or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE), read the SDK's way.
 */

/** The profile names defined in either file (`[profile x]` / `[x]`), not `[sso-session …]` or `[services …]`. */
async function knownProfiles(): Promise<string[]> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  const names = [...Object.keys(configFile), ...Object.keys(credentialsFile)];
  return [...new Set(names.filter((n) => !n.includes(CONFIG_PREFIX_SEPARATOR)))].sort();
}

const shown = (path: string | undefined, fallback: string) => (path ?? fallback).replace(homedir(), '~');

/** Exit 2 naming the profile and listing the ones that exist, when `profile` is in neither file. */
export async function checkProfile(
  profile: string,
  env: NodeJS.ProcessEnv,
  source = '--profile',
): Promise<void> {
  const profiles = await knownProfiles();
  if (profiles.includes(profile)) return;
  const files = `${shown(env.AWS_CONFIG_FILE, '~/.aws/config')} nor ${shown(env.AWS_SHARED_CREDENTIALS_FILE, '~/.aws/credentials')}`;
  throw new UsageError(
    `${source} "${profile}" is in neither ${files}; ` +
      (profiles.length > 0 ? `the profiles there: ${profiles.join(', ')}.` : 'they define no profile.'),
    {
      hint: `Create it with \`aws configure --profile ${profile}\` (or \`aws configure sso\`), or pass an existing one.`,
    },
  );
}
