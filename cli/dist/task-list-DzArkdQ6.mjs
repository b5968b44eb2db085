// forge/task-list.ts
const TASK_LINE = /^(\s*[-*+]\s+\[)([ xX])(\]\s+)(.*?)\s*$/;
function taskLines(body) {
	const tasks = [];
	forEachTaskLine(body, (match) => {
		tasks.push({
			text: normalized(match[4]),
			checked: match[2] !== " "
		});
	});
	return tasks;
}
function tickTask(body, text) {
	const wanted = normalized(text);
	let offset = null;
	forEachTaskLine(body, (match, lineStart) => {
		if (offset === null && match[2] === " " && normalized(match[4]) === wanted) offset = lineStart + match[1].length;
	});
	if (offset === null) return null;
	const at = offset;
	return `${body.slice(0, at)}x${body.slice(at + 1)}`;
}
function normalized(text) {
	return text.trim().split(/\s+/).join(" ");
}
function forEachTaskLine(body, visit) {
	let fenced = false;
	let lineStart = 0;
	for (const line of body.split("\n")) {
		const start = lineStart;
		lineStart += line.length + 1;
		const content = line.endsWith("\r") ? line.slice(0, -1) : line;
		const trimmed = content.trim();
		if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
			fenced = !fenced;
			continue;
		}
		if (fenced) continue;
		const match = TASK_LINE.exec(content);
		if (match) visit(match, start);
	}
}
export { tickTask as n, taskLines as t };
