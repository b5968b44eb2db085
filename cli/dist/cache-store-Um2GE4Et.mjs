// actions/npm-cache/stores/cache-store.ts
const ENTRY_SUFFIX = {
	archive: ".tgz",
	squashfs: ".squashfs"
};
function keyLengthProblem(key, max, unit, store) {
	const length = unit === "bytes" ? Buffer.byteLength(key) : key.length;
	if (length <= max) return void 0;
	return `"${key.length > 60 ? `${key.slice(0, 60)}\u2026` : key}" is ${length} ${unit} long; ${store} takes keys of at most ${max}`;
}
export { keyLengthProblem as n, ENTRY_SUFFIX as t };
