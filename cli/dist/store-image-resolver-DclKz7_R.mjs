import { a as isBlobName, c as parseImageReference, n as assertImageName, s as parseBlobName } from "./image-reference-t7zZk7rK.mjs";
import { t as formatBytes } from "./sizes-BY3aa-3c.mjs";
import __ironbotsPath from "node:path";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
// runner-agent/src/images/store-image-resolver.ts
var StoreImageResolver = class {
	#store;
	#cacheDir;
	#onProgress;
	#inFlight = /* @__PURE__ */ new Map();
	constructor(options) {
		this.#store = options.store;
		this.#cacheDir = __ironbotsPath.resolve(options.cacheDir);
		this.#onProgress = options.onProgress;
	}
	async resolve(reference, checkoutDir, io = { log: () => void 0 }) {
		const blob = isBlobName(reference) ? parseBlobName(reference) : await readReference(reference, checkoutDir);
		const running = this.#inFlight.get(blob.blob);
		if (running) return running;
		const work = this.#fetch(blob, io).finally(() => this.#inFlight.delete(blob.blob));
		this.#inFlight.set(blob.blob, work);
		return work;
	}
	async #fetch(blob, io) {
		const file = __ironbotsPath.join(this.#cacheDir, blob.blob);
		const marker = `${file}.verified`;
		const current = await stat(file).catch(() => null);
		if (current) {
			if (await readFile(marker, "utf8").catch(() => "") === markerText(current)) {
				io.log(`image ${blob.blob}: cached in ${this.#cacheDir}`);
				return file;
			}
			await rm(file, { force: true });
		}
		io.log(`image ${blob.blob}: downloading from ${this.#store.description}`);
		let lastTenth = -1;
		const result = await this.#store.download(blob.blob, file, {
			...io.signal ? { signal: io.signal } : {},
			progress: (done, total) => {
				this.#onProgress?.(done, total);
				const tenth = total > 0 ? Math.floor(done / total * 10) : 10;
				if (tenth === lastTenth) return;
				lastTenth = tenth;
				io.log(`image ${blob.blob}: ${tenth * 10}% of ${formatBytes(total)}`);
			}
		});
		if (result.resumedFrom > 0) io.log(`image ${blob.blob}: resumed from byte ${result.resumedFrom}`);
		io.log(`image ${blob.blob}: sha256 verified`);
		await writeFile(marker, markerText(await stat(file)));
		return file;
	}
};
function markerText(s) {
	return `${s.size} ${s.mtimeMs}\n`;
}
async function readReference(name, checkoutDir) {
	assertImageName(name);
	const file = __ironbotsPath.join(checkoutDir, "images", name);
	let content;
	try {
		content = await readFile(file, "utf8");
	} catch (error) {
		if (error.code === "ENOENT") throw new Error(`image "${name}": the checkout has no images/${name} naming its blob`, { cause: error });
		throw error;
	}
	return parseImageReference(name, content);
}
export { StoreImageResolver as t };
