/**
 * The environment of the commands that run other people's code (npm ci, npm update, the project's tests):
 * the action's own, without its inputs (INPUT_*: the write token among them) and without any variable
 * that holds one of `secrets` (a token passed under another name, as `ironbots npm-cache --token-env` does).
 * Only the push and the pull request call see the token.
 */
export function thirdPartyEnv(
  secrets: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  const hidden = secrets.filter((secret) => secret.length >= 4);
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('INPUT_') || value === undefined) continue;
    if (hidden.some((secret) => value.includes(secret))) continue;
    kept[name] = value;
  }
  return kept;
}
