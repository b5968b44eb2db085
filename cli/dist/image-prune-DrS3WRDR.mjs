import { c as parseImageReference, s as parseBlobName } from "./image-reference-t7zZk7rK.mjs";
// runner-agent/src/images/image-prune.ts
async function pruneImages(options) {
	if (!(options.olderThanDays >= 0)) throw new RangeError("olderThanDays must be 0 or more");
	const log = options.log ?? (() => void 0);
	const now = options.now ?? /* @__PURE__ */ new Date();
	const images = await options.store.list();
	const names = [...new Set(images.map((i) => parseBlobName(i.blob).name))];
	const referencedBy = /* @__PURE__ */ new Map();
	for (const repo of options.repositories) {
		const full = `${repo.owner}/${repo.name}`;
		const heads = /* @__PURE__ */ new Map();
		const addHead = (sha, label) => heads.set(sha, [...heads.get(sha) ?? [], label]);
		for (const branch of await options.forge.listBranches(repo)) addHead(branch.sha, `${full}@${branch.name}`);
		for (const pr of await options.forge.listOpenPullRequests(repo)) addHead(pr.headSha, `${full}#${pr.number}`);
		for (const [sha, labels] of heads) for (const name of names) {
			const content = await options.forge.getFileContent(repo, `images/${name}`, sha);
			if (content === null) continue;
			let blob;
			try {
				blob = parseImageReference(name, content, `images/${name} at ${labels[0]}`).blob;
			} catch (error) {
				log(`ignoring ${error.message}`);
				continue;
			}
			referencedBy.set(blob, [...referencedBy.get(blob) ?? [], ...labels]);
		}
	}
	const limit = now.getTime() - options.olderThanDays * 24 * 3600 * 1e3;
	const result = {
		kept: [],
		young: [],
		removed: []
	};
	for (const image of images) {
		const refs = referencedBy.get(image.blob);
		if (refs) result.kept.push({
			image,
			referencedBy: refs
		});
		else if (image.storedAt.getTime() > limit) result.young.push(image);
		else result.removed.push(image);
	}
	for (const image of result.removed) {
		log(`${options.dryRun ? "would remove" : "removing"} ${image.blob} (stored ${image.storedAt.toISOString()})`);
		if (!options.dryRun) await options.store.remove(image.blob);
	}
	return result;
}
export { pruneImages };
