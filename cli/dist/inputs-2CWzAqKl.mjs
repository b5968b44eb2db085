// core/inputs.ts
var InputError = class extends Error {
	input;
	problem;
	constructor(input, problem, options) {
		super(`input ${input}: ${problem}`, options);
		this.name = "InputError";
		this.input = input;
		this.problem = problem;
	}
};
const TRUE_VALUES = [
	"true",
	"True",
	"TRUE"
];
const FALSE_VALUES = [
	"false",
	"False",
	"FALSE"
];
var ActionInputs = class {
	#source;
	#defaults;
	#oldNames;
	#warn;
	#warned = /* @__PURE__ */ new Set();
	constructor(source, defaults = {}, options = {}) {
		this.#source = typeof source === "function" ? source : (name) => Object.hasOwn(source, name) ? source[name] : void 0;
		this.#defaults = defaults;
		this.#oldNames = new Map(Object.entries(options.renamed ?? {}).map(([from, to]) => [to, from]));
		this.#warn = options.warn ?? (() => {});
	}
	getInput(name, options = {}) {
		const raw = this.#renamedValue(name) || this.#source(name) || this.#defaults[name] || "";
		const value = options.trimWhitespace === false ? raw : raw.trim();
		if (options.required && !value) throw new InputError(name, typeof options.required === "string" ? `required ${options.required}` : "required");
		return value;
	}
	#renamedValue(name) {
		const oldName = this.#oldNames.get(name);
		const value = oldName === void 0 ? void 0 : this.#source(oldName);
		if (!oldName || !value?.trim()) return void 0;
		if (!this.#warned.has(oldName)) {
			this.#warned.add(oldName);
			this.#warn(`input ${oldName} is deprecated and will be removed in the next release: rename it to ${name} (until then ${oldName} is used, and wins over ${name})`);
		}
		return value;
	}
	getBooleanInput(name, options = {}) {
		const value = this.getInput(name, options);
		if (TRUE_VALUES.includes(value)) return true;
		if (FALSE_VALUES.includes(value)) return false;
		throw new InputError(name, `"${value}" is not a boolean: give true or false (or True, TRUE, False, FALSE)`);
	}
	getMultilineInput(name, options = {}) {
		return this.getInput(name, options).split("\n").map((line) => options.trimWhitespace === false ? line : line.trim()).filter((line) => line !== "");
	}
	getListInput(name, options = {}) {
		return this.getInput(name, options).split(/[\s,]+/).filter(Boolean);
	}
	getCommandLineInput(name, options = {}) {
		const line = this.getInput(name, options);
		return line ? splitCommandLine(line, name) : [];
	}
};
function splitCommandLine(line, input) {
	const words = [];
	let current = "";
	let inWord = false;
	let quote = null;
	for (const char of line) if (quote) {
		if (char === quote) quote = null;
		else current += char;
	} else if (char === "\"" || char === "'") {
		quote = char;
		inWord = true;
	} else if (/\s/.test(char)) {
		if (inWord) words.push(current);
		current = "";
		inWord = false;
	} else {
		current += char;
		inWord = true;
	}
	if (quote) throw new InputError(input, `unterminated ${quote} quote`);
	if (inWord) words.push(current);
	return words;
}
export { InputError as n, splitCommandLine as r, ActionInputs as t };
