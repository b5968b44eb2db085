import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError } from '../../forge/forge.ts';
import {
  issueTitle,
  refreshContainer,
  type RefreshDeps,
} from '../../actions/container-refresh/container-refresh.ts';
import { INPUT_DEFAULTS, readSettings, type RefreshInputs } from '../../actions/container-refresh/inputs.ts';
import type { ContainerEngine, StepOutcome } from '../../actions/container-refresh/podman-engine.ts';
import type { RegistryClient, StoredManifest } from '../../actions/container-refresh/registry-client.ts';
import { RecordingForge } from '../support/recording-forge.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { textLog } from '../../cli/text-log.ts';

/** An engine that records what it was asked and answers as told; "pushing" stores a manifest in the registry. */
class ScriptedEngine implements ContainerEngine {
  readonly calls: string[] = [];
  answers: Partial<Record<'build' | 'test' | 'pull' | 'push', StepOutcome>> = {};
  readonly registry: MemoryRegistry;
  constructor(registry: MemoryRegistry) {
    this.registry = registry;
  }
  async build(_dir: string, containerfile: string, tag: string) {
    this.calls.push(`build ${containerfile} ${tag.split(':')[0]}`);
    return this.answers.build ?? { ok: true, log: 'built\n' };
  }
  async test(image: string, command: string) {
    this.calls.push(`test ${image.startsWith('localhost/') ? 'candidate' : image} ${command}`);
    return this.answers.test ?? { ok: true, log: 'ok\n' };
  }
  async pull(reference: string) {
    this.calls.push(`pull ${reference}`);
    return this.answers.pull ?? { ok: true, log: '' };
  }
  async push(_image: string, destination: string) {
    this.calls.push(`push ${destination}`);
    if (this.answers.push) return this.answers.push;
    const tag = destination.split(':').at(-1)!;
    const manifest = this.registry.add(`image pushed as ${tag}`);
    this.registry.tags.set(tag, manifest.digest);
    return { ok: true, log: '', digest: manifest.digest };
  }
  async removeImage(image: string) {
    this.calls.push(`rmi ${image.split(':')[0]}`);
  }
}

class MemoryRegistry implements RegistryClient {
  readonly manifests = new Map<string, StoredManifest>();
  readonly tags = new Map<string, string>();
  refusePut = false;
  add(content: string): StoredManifest {
    const manifest = {
      digest: `sha256:${Buffer.from(content).toString('hex').padEnd(64, '0').slice(0, 64)}`,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      body: Buffer.from(content),
    };
    this.manifests.set(manifest.digest, manifest);
    return manifest;
  }
  async listTags() {
    return [...this.tags.keys()];
  }
  async getManifest(_image: string, reference: string) {
    return this.manifests.get(this.tags.get(reference) ?? reference) ?? null;
  }
  async putManifest(_image: string, tag: string, manifest: StoredManifest) {
    if (this.refusePut) throw new Error('the registry answered 403 (DENIED)');
    this.tags.set(tag, manifest.digest);
  }
}

describe('refreshContainer with injected clients', () => {
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let registry: MemoryRegistry;
  let engine: ScriptedEngine;
  let forge: RecordingForge;
  let warnings: string[];
  let changed: boolean;
  const repository = { owner: 'acme', name: 'widget' };

  beforeEach(async () => {
    tmp = await withTempDir();
    await mkdir(path.join(tmp.dir, 'ci'));
    await writeFile(path.join(tmp.dir, 'ci/Dockerfile'), 'FROM scratch\n');
    registry = new MemoryRegistry();
    engine = new ScriptedEngine(registry);
    forge = new RecordingForge();
    warnings = [];
    changed = false;
  });
  afterEach(async () => tmp.remove());

  const plan = (inputs: Partial<RefreshInputs>) =>
    readSettings(
      {
        ...INPUT_DEFAULTS,
        directory: path.join(tmp.dir, 'ci'),
        image: 'acme/ci',
        registry: 'registry.example',
        'test-command': 'make check',
        ...inputs,
      },
      {},
    );
  const deps = (): RefreshDeps => ({
    engine,
    registry,
    changes: async () => ({ changed, reason: changed ? 'ci/Dockerfile changed' : 'nothing changed' }),
    forge,
    repository,
    now: () => new Date('2026-11-23T10:00:00Z'),
    log: textLog((line) => {
      if (line.startsWith('warning: ')) warnings.push(line.slice('warning: '.length));
    }),
  });

  it('pr without changes and nothing published yet: builds the Dockerfile instead of failing, pushes nothing', async () => {
    engine.answers.pull = { ok: false, log: 'manifest unknown\n' };
    const result = await refreshContainer(plan({ mode: 'pr', 'base-ref': 'main' }), deps());
    expect(result).toMatchObject({ outcome: 'tested', built: true });
    expect(engine.calls.filter((c) => !c.startsWith('rmi'))).toEqual([
      'pull registry.example/acme/ci:latest',
      'build Dockerfile localhost/ironbots-refresh/acme/ci',
      'test candidate make check',
    ]);
    expect(warnings).toEqual([expect.stringContaining('could not pull')]);
    expect(registry.tags.size).toBe(0);
  });

  it('pr without changes tests the published image and builds nothing', async () => {
    const result = await refreshContainer(plan({ mode: 'pr', 'base-ref': 'main' }), deps());
    expect(result).toMatchObject({ outcome: 'tested', built: false });
    expect(engine.calls).toEqual([
      'pull registry.example/acme/ci:latest',
      'test registry.example/acme/ci:latest make check',
    ]);
  });

  it('pushes the dated tag before latest, and only after the test passed', async () => {
    const result = await refreshContainer(plan({ mode: 'publish' }), deps());
    expect(result).toMatchObject({ outcome: 'published', tag: '2026-11-23' });
    expect(engine.calls).toEqual([
      'build Dockerfile localhost/ironbots-refresh/acme/ci',
      'test candidate make check',
      'push registry.example/acme/ci:2026-11-23',
      'rmi localhost/ironbots-refresh/acme/ci',
    ]);
    expect(registry.tags.get('latest')).toBe(result.digest);
  });

  it('a forge outage while reporting a failure still reports the failure, with a warning', async () => {
    engine.answers.test = { ok: false, log: 'FAIL: gcc missing\n' };
    forge.failWith = new ForgeError('GET /repos/acme/widget/issues: 503 Service Unavailable', 503);
    const result = await refreshContainer(plan({ mode: 'publish' }), deps());
    expect(result).toMatchObject({
      outcome: 'failed',
      failedStep: 'test',
      error: 'test failed: FAIL: gcc missing',
    });
    expect(result.issue).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('503 Service Unavailable')]);
    expect(registry.tags.size).toBe(0);
  });

  it('a forge outage after publishing does not fail the published run', async () => {
    await forge.createIssue(repository, { title: issueTitle(plan({})), body: 'old failure' });
    forge.failWith = new ForgeError('PATCH …: 502 Bad Gateway', 502);
    const result = await refreshContainer(plan({ mode: 'publish' }), deps());
    expect(result).toMatchObject({ outcome: 'published' });
    expect(warnings).toEqual([expect.stringContaining('could not close the failure issue')]);
  });

  it('without a forge the failure is still a failure, and says no issue was opened', async () => {
    engine.answers.build = { ok: false, log: 'Error: COPY failed\n' };
    const result = await refreshContainer(plan({ mode: 'publish' }), { ...deps(), forge: null });
    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'build' });
    expect(warnings).toEqual(['no forge token: the failure is not reported in an issue']);
  });

  it('a push that reports no digest publishes nothing further', async () => {
    engine.answers.push = { ok: false, log: 'Error: writing blob: 403 DENIED\n' };
    const result = await refreshContainer(plan({ mode: 'publish' }), deps());
    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'push' });
    expect(registry.tags.has('latest')).toBe(false);
    expect(forge.issues).toHaveLength(1);
    expect(forge.issues[0]!.body).toContain('403 DENIED');
  });

  it('rollback refuses when latest is not a dated tag, and changes nothing', async () => {
    const dated = registry.add('dated');
    const hand = registry.add('pushed by hand');
    registry.tags.set('2026-11-20', dated.digest);
    registry.tags.set('latest', hand.digest);
    await expect(refreshContainer(plan({ mode: 'rollback' }), deps())).rejects.toThrow(
      /latest .* is none of the dated tags/,
    );
    expect(registry.tags.get('latest')).toBe(hand.digest);
  });

  it('rollback skips older tags of the same image', async () => {
    const a = registry.add('a');
    const b = registry.add('b');
    registry.tags.set('2026-11-01', a.digest);
    registry.tags.set('2026-11-08', b.digest);
    registry.tags.set('2026-11-08-2', b.digest);
    registry.tags.set('latest', b.digest);
    const result = await refreshContainer(plan({ mode: 'rollback' }), deps());
    expect(result).toMatchObject({ tag: '2026-11-01', digest: a.digest });
    expect(registry.tags.get('latest')).toBe(a.digest);
  });
});
