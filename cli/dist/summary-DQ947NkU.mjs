import { t as formatBytes } from "./sizes-BY3aa-3c.mjs";
// actions/release/summary.ts
function planText(outcome) {
	const { spec } = outcome;
	return `${[
		`${outcome.dryRun ? "Dry run: would release" : "Release"} ${spec.tag} (version ${spec.version}${spec.prerelease ? ", pre-release" : ""}) at ${spec.commit}`,
		`Signed by ${outcome.tag.signer.identity} (${outcome.tag.signer.format} ${outcome.tag.signer.fingerprint})`,
		"",
		"Targets:",
		...outcome.plan.map((p) => `  - ${p.target}: ${p.action}${p.detail ? ` \u2014 ${p.detail}` : ""}`),
		"",
		`Assets (${spec.assets.length}):`,
		...spec.assets.map((a) => `  - ${a.name}  ${formatBytes(a.bytes)} (${a.bytes} bytes)  sha256:${a.sha256}`),
		"",
		`Title: ${spec.title}`,
		outcome.notesTruncated ? "Notes (truncated to GitHub\u2019s limit; the full notes are an asset):" : "Notes:",
		...spec.notes.split("\n").map((line) => `  ${line}`)
	].join("\n")}\n`;
}
function summaryMarkdown(outcome) {
	const { spec } = outcome;
	const heading = outcome.dryRun ? `Dry run of release ${spec.tag}` : `Released ${spec.tag}`;
	const links = outcome.published.map((p) => `- **${p.target}**: ${p.url}`);
	const planned = outcome.dryRun ? outcome.plan.map((p) => `- **${p.target}**: ${p.action}`) : [];
	const rows = spec.assets.map((a) => `| ${cell(a.name)} | ${formatBytes(a.bytes)} | \`${a.sha256}\` |`);
	const floating = (outcome.floatingTags ?? []).map((m) => `- floating tag \`${m.tag}\`: ${m.outcome === "kept" ? `kept (${m.newer} is newer)` : `${m.outcome} \u2192 \`${m.to.slice(0, 12)}\``}`);
	return [
		`### ${heading}: ${cell(spec.title)}`,
		"",
		...links.length ? [...links, ""] : [],
		...planned.length ? [...planned, ""] : [],
		...floating.length ? [...floating, ""] : [],
		spec.notes,
		"",
		...outcome.notesTruncated ? ["_The notes were truncated to fit GitHub\u2019s limit; the full notes are attached as an asset._", ""] : [],
		...rows.length ? [
			"| Asset | Size | SHA-256 |",
			"| --- | --- | --- |",
			...rows
		] : ["No assets."],
		""
	].join("\n");
}
function assetsJson(outcome) {
	const urls = /* @__PURE__ */ new Map();
	for (const published of outcome.published) for (const asset of published.assets) if (asset.url && !urls.has(asset.name)) urls.set(asset.name, asset.url);
	return JSON.stringify(outcome.spec.assets.map((a) => ({
		name: a.name,
		bytes: a.bytes,
		sha256: a.sha256,
		...urls.has(a.name) ? { url: urls.get(a.name) } : {}
	})));
}
function cell(text) {
	return text.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}
export { assetsJson, planText, summaryMarkdown };
