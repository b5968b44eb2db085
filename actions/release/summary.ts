import { formatBytes } from '../../core/sizes.ts';
import type { ReleaseOutcome } from './release.ts';

/**
 * What a person reads about a release: the plan of a dry run on the terminal, and the job summary (notes and
 * an asset table) in Markdown. Asset names come from files and notes from the tag: both are shown as text.
 */

/** The dry run's plan as plain text: targets, assets with sizes and checksums, and the notes. */
export function planText(outcome: ReleaseOutcome): string {
  const { spec } = outcome;
  const lines = [
    `${outcome.dryRun ? 'Dry run: would release' : 'Release'} ${spec.tag} (version ${spec.version}${spec.prerelease ? ', pre-release' : ''}) at ${spec.commit}`,
    `Signed by ${outcome.tag.signer.identity} (${outcome.tag.signer.format} ${outcome.tag.signer.fingerprint})`,
    '',
    'Targets:',
    ...outcome.plan.map((p) => `  - ${p.target}: ${p.action}${p.detail ? ` — ${p.detail}` : ''}`),
    '',
    `Assets (${spec.assets.length}):`,
    ...spec.assets.map(
      (a) => `  - ${a.name}  ${formatBytes(a.bytes)} (${a.bytes} bytes)  sha256:${a.sha256}`,
    ),
    '',
    `Title: ${spec.title}`,
    outcome.notesTruncated ? 'Notes (truncated to GitHub’s limit; the full notes are an asset):' : 'Notes:',
    ...spec.notes.split('\n').map((line) => `  ${line}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The job summary: a heading with the links, the notes as Markdown, and the asset table. */
export function summaryMarkdown(outcome: ReleaseOutcome): string {
  const { spec } = outcome;
  const heading = outcome.dryRun ? `Dry run of release ${spec.tag}` : `Released ${spec.tag}`;
  const links = outcome.published.map((p) => `- **${p.target}**: ${p.url}`);
  const planned = outcome.dryRun ? outcome.plan.map((p) => `- **${p.target}**: ${p.action}`) : [];
  const rows = spec.assets.map((a) => `| ${cell(a.name)} | ${formatBytes(a.bytes)} | \`${a.sha256}\` |`);
  const floating = (outcome.floatingTags ?? []).map(
    (m) =>
      `- floating tag \`${m.tag}\`: ${m.outcome === 'kept' ? `kept (${m.newer} is newer)` : `${m.outcome} → \`${m.to.slice(0, 12)}\``}`,
  );
  return [
    `### ${heading}: ${cell(spec.title)}`,
    '',
    ...(links.length ? [...links, ''] : []),
    ...(planned.length ? [...planned, ''] : []),
    ...(floating.length ? [...floating, ''] : []),
    spec.notes,
    '',
    ...(outcome.notesTruncated
      ? ['_The notes were truncated to fit GitHub’s limit; the full notes are attached as an asset._', '']
      : []),
    ...(rows.length ? ['| Asset | Size | SHA-256 |', '| --- | --- | --- |', ...rows] : ['No assets.']),
    '',
  ].join('\n');
}

/** The `assets` output: what was (or would be) released, with download URLs where a target has them. */
export function assetsJson(outcome: ReleaseOutcome): string {
  const urls = new Map<string, string>();
  for (const published of outcome.published)
    for (const asset of published.assets)
      if (asset.url && !urls.has(asset.name)) urls.set(asset.name, asset.url);
  return JSON.stringify(
    outcome.spec.assets.map((a) => ({
      name: a.name,
      bytes: a.bytes,
      sha256: a.sha256,
      ...(urls.has(a.name) ? { url: urls.get(a.name) } : {}),
    })),
  );
}

/** A table cell: pipes and line breaks would end the cell or the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}
