import __ironbotsPath from "node:path";
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import { mkdir, mkdtemp, readFile, readdir, rename, rm } from "node:fs/promises";
import { promisify } from "node:util";
// runner-agent/src/vm/debian-kernel.ts
const run = promisify(execFile);
function defaultCacheDir() {
	if (process.env.IRONBOTS_CACHE_DIR) return process.env.IRONBOTS_CACHE_DIR;
	const base = process.env.XDG_CACHE_HOME || __ironbotsPath.join(os.homedir(), ".cache");
	return __ironbotsPath.join(base, "ironbots");
}
async function debianKernel(options) {
	const kernelsDir = __ironbotsPath.join(options.cacheDir, "kernels");
	await mkdir(kernelsDir, { recursive: true });
	const packageName = options.packageName ?? await currentKernelPackage(kernelsDir);
	const unpacked = __ironbotsPath.join(kernelsDir, packageName);
	if (!existsSync(__ironbotsPath.join(unpacked, ".complete"))) {
		const work = await mkdtemp(__ironbotsPath.join(kernelsDir, ".download-"));
		try {
			options.log(`downloading ${packageName} with apt-get (once; cached in ${kernelsDir})`);
			await streamCommand("apt-get", ["download", packageName], work, options.log);
			const deb = (await readdir(work)).find((f) => f.endsWith(".deb"));
			if (!deb) throw new Error(`apt-get download ${packageName} produced no .deb`);
			options.log(`unpacking ${deb}`);
			const tree = __ironbotsPath.join(work, "tree");
			await run("dpkg-deb", [
				"-x",
				__ironbotsPath.join(work, deb),
				tree
			]);
			await run("touch", [__ironbotsPath.join(tree, ".complete")]);
			await rm(unpacked, {
				recursive: true,
				force: true
			});
			await rename(tree, unpacked);
		} finally {
			await rm(work, {
				recursive: true,
				force: true
			});
		}
	}
	const release = packageName.replace(/^linux-image-/, "");
	const vmlinuz = __ironbotsPath.join(unpacked, "boot", `vmlinuz-${release}`);
	const modulesDir = __ironbotsPath.join(unpacked, "lib", "modules", release);
	if (!existsSync(vmlinuz) || !existsSync(modulesDir)) throw new Error(`${packageName} has no boot/vmlinuz-${release} or lib/modules/${release}`);
	return {
		release,
		vmlinuz,
		modulesDir
	};
}
async function currentKernelPackage(kernelsDir) {
	try {
		const { stdout } = await run("apt-cache", ["depends", "linux-image-amd64"]);
		const match = /Depends: (linux-image-[0-9][^\s]*-amd64)\b/.exec(stdout);
		if (match) return match[1];
	} catch {}
	const cached = (await readdir(kernelsDir).catch(() => [])).filter((d) => d.startsWith("linux-image-") && existsSync(__ironbotsPath.join(kernelsDir, d, ".complete"))).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
	if (cached.length) return cached.at(-1);
	throw new Error("cannot find a Debian kernel package: `apt-cache depends linux-image-amd64` names none (run apt-get update)");
}
async function moduleLoadOrder(modulesDir, wanted) {
	const files = /* @__PURE__ */ new Map();
	for (const entry of await readdir(__ironbotsPath.join(modulesDir, "kernel"), { recursive: true })) {
		const match = /([^/]+)\.ko$/.exec(entry);
		if (match) files.set(normalise(match[1]), __ironbotsPath.join(modulesDir, "kernel", entry));
	}
	const builtin = new Set((await readFile(__ironbotsPath.join(modulesDir, "modules.builtin"), "utf8").catch(() => "")).split("\n").map((line) => /([^/]+)\.ko$/.exec(line)?.[1]).filter((m) => !!m).map(normalise));
	const order = [];
	const visiting = /* @__PURE__ */ new Set();
	const visit = async (name) => {
		const key = normalise(name);
		if (order.some((m) => m.name === key) || builtin.has(key)) return;
		if (visiting.has(key)) throw new Error(`module dependency cycle at ${key}`);
		const file = files.get(key);
		if (!file) throw new Error(`kernel module ${name} is neither built in nor in ${modulesDir}`);
		visiting.add(key);
		for (const dependency of await moduleDepends(file)) await visit(dependency);
		visiting.delete(key);
		order.push({
			name: key,
			file
		});
	};
	for (const name of wanted) await visit(name);
	return order;
}
async function moduleDepends(file) {
	const bytes = await readFile(file);
	const at = bytes.indexOf("\0depends=");
	if (at < 0) return [];
	const start = at + 9;
	return bytes.subarray(start, bytes.indexOf(0, start)).toString("latin1").split(",").filter(Boolean);
}
function normalise(name) {
	return name.replaceAll("-", "_");
}
function streamCommand(command, args, cwd, log) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd,
			stdio: [
				"ignore",
				"pipe",
				"pipe"
			]
		});
		const tail = [];
		const onData = (data) => {
			for (const line of data.toString("utf8").split(/[\r\n]+/).filter(Boolean)) {
				tail.push(line);
				if (tail.length > 5) tail.shift();
				if (!line.includes("unsandboxed")) log(`  ${line}`);
			}
		};
		child.stdout.on("data", onData);
		child.stderr.on("data", onData);
		child.once("error", reject);
		child.once("close", (code) => code === 0 ? resolve() : reject(/* @__PURE__ */ new Error(`${command} ${args.join(" ")} failed (${code}): ${tail.join(" / ")}`)));
	});
}
export { defaultCacheDir as n, moduleLoadOrder as r, debianKernel as t };
