/**
 * Environment entries that hand git the forge's credentials as an HTTP Authorization header
 * (GIT_CONFIG_COUNT…): never in a remote URL, which git prints and stores in .git/config, nor on disk.
 * Empty without credentials (anonymous access).
 */
export function gitCredentialsEnv(
  credentials: { username: string; password: string } | null | undefined,
): Record<string, string> {
  if (!credentials) return {};
  const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
}
