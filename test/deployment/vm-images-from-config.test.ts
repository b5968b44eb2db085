import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeploymentConfig } from '../../runner-agent/src/config/deployment-config.ts';
import { createExecutors } from '../../runner-agent/src/deployment/executors.ts';
import { imageResolverFromConfig } from '../../runner-agent/src/images/image-store-from-config.ts';
import { silentLogger } from '../../core/logger.ts';
import { vmToolsPresent } from '../executors/vm-test-image.ts';
import { withTempDir } from '../support/temp-dir.ts';

describe.skipIf(!vmToolsPresent)('an agent’s VM executor, configured by a deployment', () => {
  it('finds the image a checkout names through the deployment’s image store', async () => {
    const tmp = await withTempDir();
    const config = await parseDeploymentConfig(
      [
        `stateDir: ${tmp.dir}/state`,
        'forge: { token: t, repositories: [acme/widget] }',
        `images: { kind: filesystem, dir: ${tmp.dir}/store }`,
      ].join('\n'),
      'config.yml',
      {},
      async (p) => {
        throw new Error(`no file ${p}`);
      },
    );
    const [vm] = await createExecutors(
      ['vm'],
      path.join(tmp.dir, 'executors'),
      silentLogger(),
      imageResolverFromConfig(config),
    );
    expect(vm!.name).toBe('vm');

    const checkout = path.join(tmp.dir, 'checkout');
    const blob = `demo-${'ab'.repeat(32)}.qcow2`;
    await mkdir(path.join(checkout, 'images'), { recursive: true });
    await writeFile(path.join(checkout, 'images/demo'), `${blob}\n`);
    let output = '';
    const { outcome } = await vm!.run(
      { jobId: 'j1', argv: ['true'], workdir: checkout, env: {}, timeoutMs: 60_000, image: 'demo' },
      { onOutput: (chunk) => (output += chunk.toString()), signal: new AbortController().signal },
    );
    // The store is empty: the resolver looked there for the blob images/demo names, and said so.
    expect(outcome.kind).toBe('infrastructure-error');
    expect(outcome.kind === 'infrastructure-error' && outcome.message).toBe(
      `cannot prepare the VM: image blob ${blob} is not in ${path.join(tmp.dir, 'store')}`,
    );
    expect(output).not.toContain('guest booted');
    await tmp.remove();
  });
});
