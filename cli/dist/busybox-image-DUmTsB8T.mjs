import __ironbotsPath from "node:path";
import { execFile, spawn } from "node:child_process";
import os from "node:os";
import { copyFile, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { promisify } from "node:util";
// runner-agent/src/executors/busybox-image.ts
const run = promisify(execFile);
async function importBusyboxImage(options) {
	const busybox = options.busybox ?? "/usr/bin/busybox";
	const rootfs = await mkdtemp(__ironbotsPath.join(os.tmpdir(), "ironbots-rootfs-"));
	try {
		await mkdir(__ironbotsPath.join(rootfs, "bin"));
		await mkdir(__ironbotsPath.join(rootfs, "tmp"), { mode: 1023 });
		await mkdir(__ironbotsPath.join(rootfs, "etc"));
		await copyFile(busybox, __ironbotsPath.join(rootfs, "bin/busybox"));
		const { stdout } = await run(busybox, ["--list"]);
		for (const applet of stdout.split("\n").filter((a) => a && a !== "busybox")) await symlink("busybox", __ironbotsPath.join(rootfs, "bin", applet));
		await new Promise((resolve, reject) => {
			const env = {
				PATH: process.env.PATH,
				HOME: process.env.HOME,
				CONTAINERS_CONF: options.containersConf
			};
			const tar = spawn("tar", [
				"-C",
				rootfs,
				"-c",
				"."
			], { stdio: [
				"ignore",
				"pipe",
				"inherit"
			] });
			const podman = spawn("podman", [
				"--runtime",
				options.runtime ?? "runc",
				"import",
				"--change",
				"ENV=PATH=/bin",
				"-",
				options.image
			], {
				env,
				stdio: [
					"pipe",
					"ignore",
					"pipe"
				]
			});
			tar.stdout.pipe(podman.stdin);
			let stderr = "";
			podman.stderr.on("data", (d) => stderr += d.toString());
			podman.on("error", reject);
			podman.on("close", (code) => code === 0 ? resolve() : reject(/* @__PURE__ */ new Error(`podman import failed (${code}): ${stderr.trim()}`)));
		});
	} finally {
		await rm(rootfs, {
			recursive: true,
			force: true
		});
	}
}
export { importBusyboxImage };
