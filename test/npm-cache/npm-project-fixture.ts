import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { startVerdaccio, type Verdaccio } from '../support/verdaccio.ts';
import { withTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);

/**
 * A real npm world on loopback: a verdaccio registry without uplinks holding three tiny packages, and a
 * project whose package-lock.json `npm install` wrote against it. `ib-left` has 1.0.0 (locked) and 1.1.0
 * (published by `publishLeftUpdate()`, what `npm update` moves to); `@ib/right` pins ib-left 0.9.0, so
 * the tree has a nested node_modules/@ib/right/node_modules/ib-left too.
 */
export interface NpmWorld {
  registry: Verdaccio;
  /** Environment for npm: this registry, its token, a private npm cache and user config, no network chatter. */
  env: NodeJS.ProcessEnv;
  /** Runs npm with that environment in dir. */
  npm(dir: string, args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** A new project directory with package.json and a package-lock.json, no node_modules. */
  createProject(): Promise<string>;
  publishLeftUpdate(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNpmWorld(): Promise<NpmWorld> {
  const tmp = await withTempDir('ironbots-npm-world-');
  const registry = await startVerdaccio({ users: { publisher: 'publisher-password-1' } });
  try {
    const token = await registry.token('publisher');
    const host = new URL(registry.url).host;
    const userconfig = path.join(tmp.dir, 'npmrc');
    await writeFile(userconfig, `registry=${registry.url}\n//${host}/:_authToken=${token}\n`, {
      mode: 0o600,
    });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: tmp.dir,
      npm_config_userconfig: userconfig,
      npm_config_cache: path.join(tmp.dir, 'npm-cache'),
      npm_config_registry: registry.url,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    const npm = (dir: string, args: string[]) =>
      run('npm', args, { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 });

    let packages = 0;
    async function publish(manifest: Record<string, unknown>, main: string): Promise<void> {
      const dir = path.join(tmp.dir, 'packages', String(packages++));
      await mkdir(dir, { recursive: true });
      await writeFile(
        path.join(dir, 'package.json'),
        JSON.stringify({ license: 'MIT', main: 'index.js', ...manifest }),
      );
      await writeFile(path.join(dir, 'index.js'), main);
      await npm(dir, ['publish']);
    }
    await publish({ name: 'ib-left', version: '0.9.0' }, "module.exports = 'left 0.9.0';\n");
    await publish({ name: 'ib-left', version: '1.0.0' }, "module.exports = 'left 1.0.0';\n");
    await publish(
      { name: '@ib/right', version: '1.0.0', dependencies: { 'ib-left': '0.9.0' } },
      "module.exports = 'right with ' + require('ib-left');\n",
    );

    let projects = 0;
    return {
      registry,
      env,
      npm,
      async createProject() {
        const dir = path.join(tmp.dir, 'projects', String(projects++));
        await mkdir(dir, { recursive: true });
        await writeFile(
          path.join(dir, 'package.json'),
          `${JSON.stringify(
            {
              name: 'fixture-project',
              version: '1.0.0',
              private: true,
              dependencies: { 'ib-left': '^1.0.0', '@ib/right': '^1.0.0' },
              scripts: {
                test: `node -e "const l = require('ib-left'); if (!l.startsWith('left 1.')) process.exit(1); console.log(l, '/', require('@ib/right'))"`,
              },
            },
            null,
            2,
          )}\n`,
        );
        await npm(dir, ['install', '--package-lock-only']);
        return dir;
      },
      async publishLeftUpdate() {
        await publish({ name: 'ib-left', version: '1.1.0' }, "module.exports = 'left 1.1.0';\n");
      },
      async stop() {
        await registry.stop();
        await tmp.remove();
      },
    };
  } catch (error) {
    await registry.stop();
    await tmp.remove();
    throw error;
  }
}
