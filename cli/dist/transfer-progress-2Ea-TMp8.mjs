import { t as formatBytes } from "./sizes-BY3aa-3c.mjs";
// runner-agent/src/images/transfer-progress.ts
function transferProgress(label, output, options = {}) {
	const now = options.now ?? Date.now;
	const plainEveryMs = options.plainEveryMs ?? 1e4;
	const started = now();
	let lastDrawn = -Infinity;
	let lastPercent = -1;
	let done = 0;
	let total = 0;
	const rate = () => {
		const seconds = (now() - started) / 1e3;
		return seconds > 0 ? `${formatBytes(done / seconds)}/s` : "";
	};
	return {
		update(d, t) {
			done = d;
			total = t;
			const percent = t > 0 ? Math.floor(d / t * 100) : 100;
			if (output.isTTY) {
				if (percent === lastPercent && d < t) return;
				lastPercent = percent;
				const width = Math.max(10, Math.min(40, (output.columns ?? 80) - label.length - 40));
				const filled = Math.round(percent / 100 * width);
				output.write(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(percent).padStart(3)}% ${formatBytes(d)}/${formatBytes(t)} ${rate()}\x1b[K`);
				return;
			}
			if (now() - lastDrawn < plainEveryMs) return;
			lastDrawn = now();
			output.write(`${label}: ${percent}% (${formatBytes(d)} of ${formatBytes(t)}) ${rate()}\n`);
		},
		finish() {
			if (output.isTTY) output.write("\n");
			else output.write(`${label}: done, ${formatBytes(total || done)}\n`);
		}
	};
}
export { transferProgress };
