// core/sizes.ts
const UNITS = [
	"B",
	"KiB",
	"MiB",
	"GiB",
	"TiB"
];
function formatBytes(bytes) {
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < UNITS.length - 1) {
		value /= 1024;
		unit++;
	}
	return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}
function formatDuration(ms) {
	return ms < 1e3 ? `${Math.round(ms)} ms` : `${(ms / 1e3).toFixed(1)} s`;
}
function formatRate(bytes, ms) {
	return ms > 0 ? `${formatBytes(bytes * 1e3 / ms)}/s` : "instant";
}
export { formatDuration as n, formatRate as r, formatBytes as t };
