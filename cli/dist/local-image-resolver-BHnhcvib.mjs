import __ironbotsPath from "node:path";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
// runner-agent/src/images/local-image-resolver.ts
const BLOB_NAME = /^[a-z0-9][a-z0-9._-]*-[0-9a-f]{64}\.qcow2$/;
const IMAGE_NAME = /^[a-z0-9][a-z0-9._-]*$/;
var LocalImageResolver = class {
	#dir;
	constructor(options) {
		this.#dir = options.dir;
	}
	async resolve(reference, checkoutDir) {
		let blob;
		if (BLOB_NAME.test(reference)) blob = reference;
		else if (IMAGE_NAME.test(reference)) {
			const pinned = __ironbotsPath.join(checkoutDir, "images", reference);
			const built = __ironbotsPath.join(this.#dir, reference);
			const pointer = existsSync(pinned) ? pinned : built;
			blob = (await readFile(pointer, "utf8").catch(() => {
				throw new Error(`image "${reference}": the checkout has no images/${reference} naming its blob, and ${this.#dir} has no ${reference} built (ironbots image build ${reference})`);
			})).trim();
			if (!BLOB_NAME.test(blob)) throw new Error(`${pointer} must hold one <name>-<sha256>.qcow2 blob name, not "${blob}"`);
		} else throw new Error(`image reference "${reference}" is neither an image name nor a <name>-<sha256>.qcow2 blob`);
		const file = __ironbotsPath.join(this.#dir, blob);
		if (!existsSync(file)) throw new Error(`image blob ${blob} is not in ${this.#dir}`);
		return file;
	}
};
export { LocalImageResolver as t };
