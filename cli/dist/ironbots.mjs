import { i as __require, o as __toESM, t as __commonJSMin } from "./rolldown-runtime-C-QR9u70.mjs";
import { t as require_dist } from "./dist-BaxewEZn.mjs";
import { n as InputError } from "./inputs-2CWzAqKl.mjs";
import { t as SecretRegistry } from "./secrets-Dny52OtE.mjs";
import { r as loadDeploymentConfig, t as DeploymentConfigError } from "./deployment-config-BC_QW-Tr.mjs";
import { t as createLogger } from "./logger-DmVYEbjU.mjs";
import { t as forgeFromConfig } from "./forge-from-config-V_8_4OpG.mjs";
import { t as version } from "./package-D46-e3oS.mjs";
import { n as RENAMED_INPUTS } from "./inputs-D8gZ6Osp.mjs";
import { n as RENAMED_INPUTS$1 } from "./inputs-7BubY8GO.mjs";
import { i as parseProjectConfig, n as ProjectConfigError, t as PROJECT_CONFIG_PATH } from "./project-config-BEFtAals.mjs";
import { t as errorMessage } from "./errors-CPHbNZhY.mjs";
import __ironbotsPath from "node:path";
import { readFileSync } from "node:fs";
import os from "node:os";
import { readFile } from "node:fs/promises";
// node_modules/commander/lib/error.js
var require_error = /* @__PURE__ */ __commonJSMin(((exports) => {
	var CommanderError = class extends Error {
		constructor(exitCode, code, message) {
			super(message);
			Error.captureStackTrace(this, this.constructor);
			this.name = this.constructor.name;
			this.code = code;
			this.exitCode = exitCode;
			this.nestedError = void 0;
		}
	};
	var InvalidArgumentError = class extends CommanderError {
		constructor(message) {
			super(1, "commander.invalidArgument", message);
			Error.captureStackTrace(this, this.constructor);
			this.name = this.constructor.name;
		}
	};
	exports.CommanderError = CommanderError;
	exports.InvalidArgumentError = InvalidArgumentError;
}));
// node_modules/commander/lib/argument.js
var require_argument = /* @__PURE__ */ __commonJSMin(((exports) => {
	const { InvalidArgumentError } = require_error();
	var Argument = class {
		constructor(name, description) {
			this.description = description || "";
			this.variadic = false;
			this.parseArg = void 0;
			this.defaultValue = void 0;
			this.defaultValueDescription = void 0;
			this.argChoices = void 0;
			switch (name[0]) {
				case "<":
					this.required = true;
					this._name = name.slice(1, -1);
					break;
				case "[":
					this.required = false;
					this._name = name.slice(1, -1);
					break;
				default:
					this.required = true;
					this._name = name;
			}
			if (this._name.endsWith("...")) {
				this.variadic = true;
				this._name = this._name.slice(0, -3);
			}
		}
		name() {
			return this._name;
		}
		_collectValue(value, previous) {
			if (previous === this.defaultValue || !Array.isArray(previous)) return [value];
			previous.push(value);
			return previous;
		}
		default(value, description) {
			this.defaultValue = value;
			this.defaultValueDescription = description;
			return this;
		}
		argParser(fn) {
			this.parseArg = fn;
			return this;
		}
		choices(values) {
			this.argChoices = values.slice();
			this.parseArg = (arg, previous) => {
				if (!this.argChoices.includes(arg)) throw new InvalidArgumentError(`Allowed choices are ${this.argChoices.join(", ")}.`);
				if (this.variadic) return this._collectValue(arg, previous);
				return arg;
			};
			return this;
		}
		argRequired() {
			this.required = true;
			return this;
		}
		argOptional() {
			this.required = false;
			return this;
		}
	};
	function humanReadableArgName(arg) {
		const nameOutput = arg.name() + (arg.variadic === true ? "..." : "");
		return arg.required ? "<" + nameOutput + ">" : "[" + nameOutput + "]";
	}
	exports.Argument = Argument;
	exports.humanReadableArgName = humanReadableArgName;
}));
// node_modules/commander/lib/help.js
var require_help = /* @__PURE__ */ __commonJSMin(((exports) => {
	const { humanReadableArgName } = require_argument();
	var Help = class {
		constructor() {
			this.helpWidth = void 0;
			this.minWidthToWrap = 40;
			this.sortSubcommands = false;
			this.sortOptions = false;
			this.showGlobalOptions = false;
		}
		prepareContext(contextOptions) {
			this.helpWidth = this.helpWidth ?? contextOptions.helpWidth ?? 80;
		}
		visibleCommands(cmd) {
			const visibleCommands = cmd.commands.filter((cmd) => !cmd._hidden);
			const helpCommand = cmd._getHelpCommand();
			if (helpCommand && !helpCommand._hidden) visibleCommands.push(helpCommand);
			if (this.sortSubcommands) visibleCommands.sort((a, b) => {
				return a.name().localeCompare(b.name());
			});
			return visibleCommands;
		}
		compareOptions(a, b) {
			const getSortKey = (option) => {
				return option.short ? option.short.replace(/^-/, "") : option.long.replace(/^--/, "");
			};
			return getSortKey(a).localeCompare(getSortKey(b));
		}
		visibleOptions(cmd) {
			const visibleOptions = cmd.options.filter((option) => !option.hidden);
			const helpOption = cmd._getHelpOption();
			if (helpOption && !helpOption.hidden) {
				const removeShort = helpOption.short && cmd._findOption(helpOption.short);
				const removeLong = helpOption.long && cmd._findOption(helpOption.long);
				if (!removeShort && !removeLong) visibleOptions.push(helpOption);
				else if (helpOption.long && !removeLong) visibleOptions.push(cmd.createOption(helpOption.long, helpOption.description));
				else if (helpOption.short && !removeShort) visibleOptions.push(cmd.createOption(helpOption.short, helpOption.description));
			}
			if (this.sortOptions) visibleOptions.sort(this.compareOptions);
			return visibleOptions;
		}
		visibleGlobalOptions(cmd) {
			if (!this.showGlobalOptions) return [];
			const globalOptions = [];
			for (let ancestorCmd = cmd.parent; ancestorCmd; ancestorCmd = ancestorCmd.parent) {
				const visibleOptions = ancestorCmd.options.filter((option) => !option.hidden);
				globalOptions.push(...visibleOptions);
			}
			if (this.sortOptions) globalOptions.sort(this.compareOptions);
			return globalOptions;
		}
		visibleArguments(cmd) {
			if (cmd._argsDescription) cmd.registeredArguments.forEach((argument) => {
				argument.description = argument.description || cmd._argsDescription[argument.name()] || "";
			});
			if (cmd.registeredArguments.find((argument) => argument.description)) return cmd.registeredArguments;
			return [];
		}
		subcommandTerm(cmd) {
			const args = cmd.registeredArguments.map((arg) => humanReadableArgName(arg)).join(" ");
			return cmd._name + (cmd._aliases[0] ? "|" + cmd._aliases[0] : "") + (cmd.options.length ? " [options]" : "") + (args ? " " + args : "");
		}
		optionTerm(option) {
			return option.flags;
		}
		argumentTerm(argument) {
			return argument.name();
		}
		longestSubcommandTermLength(cmd, helper) {
			return helper.visibleCommands(cmd).reduce((max, command) => {
				return Math.max(max, this.displayWidth(helper.styleSubcommandTerm(helper.subcommandTerm(command))));
			}, 0);
		}
		longestOptionTermLength(cmd, helper) {
			return helper.visibleOptions(cmd).reduce((max, option) => {
				return Math.max(max, this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option))));
			}, 0);
		}
		longestGlobalOptionTermLength(cmd, helper) {
			return helper.visibleGlobalOptions(cmd).reduce((max, option) => {
				return Math.max(max, this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option))));
			}, 0);
		}
		longestArgumentTermLength(cmd, helper) {
			return helper.visibleArguments(cmd).reduce((max, argument) => {
				return Math.max(max, this.displayWidth(helper.styleArgumentTerm(helper.argumentTerm(argument))));
			}, 0);
		}
		commandUsage(cmd) {
			let cmdName = cmd._name;
			if (cmd._aliases[0]) cmdName = cmdName + "|" + cmd._aliases[0];
			let ancestorCmdNames = "";
			for (let ancestorCmd = cmd.parent; ancestorCmd; ancestorCmd = ancestorCmd.parent) ancestorCmdNames = ancestorCmd.name() + " " + ancestorCmdNames;
			return ancestorCmdNames + cmdName + " " + cmd.usage();
		}
		commandDescription(cmd) {
			return cmd.description();
		}
		subcommandDescription(cmd) {
			return cmd.summary() || cmd.description();
		}
		optionDescription(option) {
			const extraInfo = [];
			if (option.argChoices) extraInfo.push(`choices: ${option.argChoices.map((choice) => JSON.stringify(choice)).join(", ")}`);
			if (option.defaultValue !== void 0) {
				if (option.required || option.optional || option.isBoolean() && typeof option.defaultValue === "boolean") extraInfo.push(`default: ${option.defaultValueDescription || JSON.stringify(option.defaultValue)}`);
			}
			if (option.presetArg !== void 0 && option.optional) extraInfo.push(`preset: ${JSON.stringify(option.presetArg)}`);
			if (option.envVar !== void 0) extraInfo.push(`env: ${option.envVar}`);
			if (extraInfo.length > 0) {
				const extraDescription = `(${extraInfo.join(", ")})`;
				if (option.description) return `${option.description} ${extraDescription}`;
				return extraDescription;
			}
			return option.description;
		}
		argumentDescription(argument) {
			const extraInfo = [];
			if (argument.argChoices) extraInfo.push(`choices: ${argument.argChoices.map((choice) => JSON.stringify(choice)).join(", ")}`);
			if (argument.defaultValue !== void 0) extraInfo.push(`default: ${argument.defaultValueDescription || JSON.stringify(argument.defaultValue)}`);
			if (extraInfo.length > 0) {
				const extraDescription = `(${extraInfo.join(", ")})`;
				if (argument.description) return `${argument.description} ${extraDescription}`;
				return extraDescription;
			}
			return argument.description;
		}
		formatItemList(heading, items, helper) {
			if (items.length === 0) return [];
			return [
				helper.styleTitle(heading),
				...items,
				""
			];
		}
		groupItems(unsortedItems, visibleItems, getGroup) {
			const result = /* @__PURE__ */ new Map();
			unsortedItems.forEach((item) => {
				const group = getGroup(item);
				if (!result.has(group)) result.set(group, []);
			});
			visibleItems.forEach((item) => {
				const group = getGroup(item);
				if (!result.has(group)) result.set(group, []);
				result.get(group).push(item);
			});
			return result;
		}
		formatHelp(cmd, helper) {
			const termWidth = helper.padWidth(cmd, helper);
			const helpWidth = helper.helpWidth ?? 80;
			function callFormatItem(term, description) {
				return helper.formatItem(term, termWidth, description, helper);
			}
			let output = [`${helper.styleTitle("Usage:")} ${helper.styleUsage(helper.commandUsage(cmd))}`, ""];
			const commandDescription = helper.commandDescription(cmd);
			if (commandDescription.length > 0) output = output.concat([helper.boxWrap(helper.styleCommandDescription(commandDescription), helpWidth), ""]);
			const argumentList = helper.visibleArguments(cmd).map((argument) => {
				return callFormatItem(helper.styleArgumentTerm(helper.argumentTerm(argument)), helper.styleArgumentDescription(helper.argumentDescription(argument)));
			});
			output = output.concat(this.formatItemList("Arguments:", argumentList, helper));
			this.groupItems(cmd.options, helper.visibleOptions(cmd), (option) => option.helpGroupHeading ?? "Options:").forEach((options, group) => {
				const optionList = options.map((option) => {
					return callFormatItem(helper.styleOptionTerm(helper.optionTerm(option)), helper.styleOptionDescription(helper.optionDescription(option)));
				});
				output = output.concat(this.formatItemList(group, optionList, helper));
			});
			if (helper.showGlobalOptions) {
				const globalOptionList = helper.visibleGlobalOptions(cmd).map((option) => {
					return callFormatItem(helper.styleOptionTerm(helper.optionTerm(option)), helper.styleOptionDescription(helper.optionDescription(option)));
				});
				output = output.concat(this.formatItemList("Global Options:", globalOptionList, helper));
			}
			this.groupItems(cmd.commands, helper.visibleCommands(cmd), (sub) => sub.helpGroup() || "Commands:").forEach((commands, group) => {
				const commandList = commands.map((sub) => {
					return callFormatItem(helper.styleSubcommandTerm(helper.subcommandTerm(sub)), helper.styleSubcommandDescription(helper.subcommandDescription(sub)));
				});
				output = output.concat(this.formatItemList(group, commandList, helper));
			});
			return output.join("\n");
		}
		displayWidth(str) {
			return stripColor(str).length;
		}
		styleTitle(str) {
			return str;
		}
		styleUsage(str) {
			return str.split(" ").map((word) => {
				if (word === "[options]") return this.styleOptionText(word);
				if (word === "[command]") return this.styleSubcommandText(word);
				if (word[0] === "[" || word[0] === "<") return this.styleArgumentText(word);
				return this.styleCommandText(word);
			}).join(" ");
		}
		styleCommandDescription(str) {
			return this.styleDescriptionText(str);
		}
		styleOptionDescription(str) {
			return this.styleDescriptionText(str);
		}
		styleSubcommandDescription(str) {
			return this.styleDescriptionText(str);
		}
		styleArgumentDescription(str) {
			return this.styleDescriptionText(str);
		}
		styleDescriptionText(str) {
			return str;
		}
		styleOptionTerm(str) {
			return this.styleOptionText(str);
		}
		styleSubcommandTerm(str) {
			return str.split(" ").map((word) => {
				if (word === "[options]") return this.styleOptionText(word);
				if (word[0] === "[" || word[0] === "<") return this.styleArgumentText(word);
				return this.styleSubcommandText(word);
			}).join(" ");
		}
		styleArgumentTerm(str) {
			return this.styleArgumentText(str);
		}
		styleOptionText(str) {
			return str;
		}
		styleArgumentText(str) {
			return str;
		}
		styleSubcommandText(str) {
			return str;
		}
		styleCommandText(str) {
			return str;
		}
		padWidth(cmd, helper) {
			return Math.max(helper.longestOptionTermLength(cmd, helper), helper.longestGlobalOptionTermLength(cmd, helper), helper.longestSubcommandTermLength(cmd, helper), helper.longestArgumentTermLength(cmd, helper));
		}
		preformatted(str) {
			return /\n[^\S\r\n]/.test(str);
		}
		formatItem(term, termWidth, description, helper) {
			const itemIndent = 2;
			const itemIndentStr = " ".repeat(itemIndent);
			if (!description) return itemIndentStr + term;
			const paddedTerm = term.padEnd(termWidth + term.length - helper.displayWidth(term));
			const spacerWidth = 2;
			const remainingWidth = (this.helpWidth ?? 80) - termWidth - spacerWidth - itemIndent;
			let formattedDescription;
			if (remainingWidth < this.minWidthToWrap || helper.preformatted(description)) formattedDescription = description;
			else formattedDescription = helper.boxWrap(description, remainingWidth).replace(/\n/g, "\n" + " ".repeat(termWidth + spacerWidth));
			return itemIndentStr + paddedTerm + " ".repeat(spacerWidth) + formattedDescription.replace(/\n/g, `\n${itemIndentStr}`);
		}
		boxWrap(str, width) {
			if (width < this.minWidthToWrap) return str;
			const rawLines = str.split(/\r\n|\n/);
			const chunkPattern = /[\s]*[^\s]+/g;
			const wrappedLines = [];
			rawLines.forEach((line) => {
				const chunks = line.match(chunkPattern);
				if (chunks === null) {
					wrappedLines.push("");
					return;
				}
				let sumChunks = [chunks.shift()];
				let sumWidth = this.displayWidth(sumChunks[0]);
				chunks.forEach((chunk) => {
					const visibleWidth = this.displayWidth(chunk);
					if (sumWidth + visibleWidth <= width) {
						sumChunks.push(chunk);
						sumWidth += visibleWidth;
						return;
					}
					wrappedLines.push(sumChunks.join(""));
					const nextChunk = chunk.trimStart();
					sumChunks = [nextChunk];
					sumWidth = this.displayWidth(nextChunk);
				});
				wrappedLines.push(sumChunks.join(""));
			});
			return wrappedLines.join("\n");
		}
	};
	function stripColor(str) {
		return str.replace(/\x1b\[\d*(;\d*)*m/g, "");
	}
	exports.Help = Help;
	exports.stripColor = stripColor;
}));
// node_modules/commander/lib/option.js
var require_option = /* @__PURE__ */ __commonJSMin(((exports) => {
	const { InvalidArgumentError } = require_error();
	var Option = class {
		constructor(flags, description) {
			this.flags = flags;
			this.description = description || "";
			this.required = flags.includes("<");
			this.optional = flags.includes("[");
			this.variadic = /\w\.\.\.[>\]]$/.test(flags);
			this.mandatory = false;
			const optionFlags = splitOptionFlags(flags);
			this.short = optionFlags.shortFlag;
			this.long = optionFlags.longFlag;
			this.negate = false;
			if (this.long) this.negate = this.long.startsWith("--no-");
			this.defaultValue = void 0;
			this.defaultValueDescription = void 0;
			this.presetArg = void 0;
			this.envVar = void 0;
			this.parseArg = void 0;
			this.hidden = false;
			this.argChoices = void 0;
			this.conflictsWith = [];
			this.implied = void 0;
			this.helpGroupHeading = void 0;
		}
		default(value, description) {
			this.defaultValue = value;
			this.defaultValueDescription = description;
			return this;
		}
		preset(arg) {
			this.presetArg = arg;
			return this;
		}
		conflicts(names) {
			this.conflictsWith = this.conflictsWith.concat(names);
			return this;
		}
		implies(impliedOptionValues) {
			let newImplied = impliedOptionValues;
			if (typeof impliedOptionValues === "string") newImplied = { [impliedOptionValues]: true };
			this.implied = Object.assign(this.implied || {}, newImplied);
			return this;
		}
		env(name) {
			this.envVar = name;
			return this;
		}
		argParser(fn) {
			this.parseArg = fn;
			return this;
		}
		makeOptionMandatory(mandatory = true) {
			this.mandatory = !!mandatory;
			return this;
		}
		hideHelp(hide = true) {
			this.hidden = !!hide;
			return this;
		}
		_collectValue(value, previous) {
			if (previous === this.defaultValue || !Array.isArray(previous)) return [value];
			previous.push(value);
			return previous;
		}
		choices(values) {
			this.argChoices = values.slice();
			this.parseArg = (arg, previous) => {
				if (!this.argChoices.includes(arg)) throw new InvalidArgumentError(`Allowed choices are ${this.argChoices.join(", ")}.`);
				if (this.variadic) return this._collectValue(arg, previous);
				return arg;
			};
			return this;
		}
		name() {
			if (this.long) return this.long.replace(/^--/, "");
			return this.short.replace(/^-/, "");
		}
		attributeName() {
			if (this.negate) return camelcase(this.name().replace(/^no-/, ""));
			return camelcase(this.name());
		}
		helpGroup(heading) {
			this.helpGroupHeading = heading;
			return this;
		}
		is(arg) {
			return this.short === arg || this.long === arg;
		}
		isBoolean() {
			return !this.required && !this.optional && !this.negate;
		}
	};
	var DualOptions = class {
		constructor(options) {
			this.positiveOptions = /* @__PURE__ */ new Map();
			this.negativeOptions = /* @__PURE__ */ new Map();
			this.dualOptions = /* @__PURE__ */ new Set();
			options.forEach((option) => {
				if (option.negate) this.negativeOptions.set(option.attributeName(), option);
				else this.positiveOptions.set(option.attributeName(), option);
			});
			this.negativeOptions.forEach((value, key) => {
				if (this.positiveOptions.has(key)) this.dualOptions.add(key);
			});
		}
		valueFromOption(value, option) {
			const optionKey = option.attributeName();
			if (!this.dualOptions.has(optionKey)) return true;
			const preset = this.negativeOptions.get(optionKey).presetArg;
			const negativeValue = preset !== void 0 ? preset : false;
			return option.negate === (negativeValue === value);
		}
	};
	function camelcase(str) {
		return str.split("-").reduce((str, word) => {
			return str + word[0].toUpperCase() + word.slice(1);
		});
	}
	function splitOptionFlags(flags) {
		let shortFlag;
		let longFlag;
		const shortFlagExp = /^-[^-]$/;
		const longFlagExp = /^--[^-]/;
		const flagParts = flags.split(/[ |,]+/).concat("guard");
		if (shortFlagExp.test(flagParts[0])) shortFlag = flagParts.shift();
		if (longFlagExp.test(flagParts[0])) longFlag = flagParts.shift();
		if (!shortFlag && shortFlagExp.test(flagParts[0])) shortFlag = flagParts.shift();
		if (!shortFlag && longFlagExp.test(flagParts[0])) {
			shortFlag = longFlag;
			longFlag = flagParts.shift();
		}
		if (flagParts[0].startsWith("-")) {
			const unsupportedFlag = flagParts[0];
			const baseError = `option creation failed due to '${unsupportedFlag}' in option flags '${flags}'`;
			if (/^-[^-][^-]/.test(unsupportedFlag)) throw new Error(`${baseError}
- a short flag is a single dash and a single character
  - either use a single dash and a single character (for a short flag)
  - or use a double dash for a long option (and can have two, like '--ws, --workspace')`);
			if (shortFlagExp.test(unsupportedFlag)) throw new Error(`${baseError}
- too many short flags`);
			if (longFlagExp.test(unsupportedFlag)) throw new Error(`${baseError}
- too many long flags`);
			throw new Error(`${baseError}
- unrecognised flag format`);
		}
		if (shortFlag === void 0 && longFlag === void 0) throw new Error(`option creation failed due to no flags found in '${flags}'.`);
		return {
			shortFlag,
			longFlag
		};
	}
	exports.Option = Option;
	exports.DualOptions = DualOptions;
}));
// node_modules/commander/lib/suggestSimilar.js
var require_suggestSimilar = /* @__PURE__ */ __commonJSMin(((exports) => {
	const maxDistance = 3;
	function editDistance(a, b) {
		if (Math.abs(a.length - b.length) > maxDistance) return Math.max(a.length, b.length);
		const d = [];
		for (let i = 0; i <= a.length; i++) d[i] = [i];
		for (let j = 0; j <= b.length; j++) d[0][j] = j;
		for (let j = 1; j <= b.length; j++) for (let i = 1; i <= a.length; i++) {
			let cost = 1;
			if (a[i - 1] === b[j - 1]) cost = 0;
			else cost = 1;
			d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
		}
		return d[a.length][b.length];
	}
	function suggestSimilar(word, candidates) {
		if (!candidates || candidates.length === 0) return "";
		candidates = Array.from(new Set(candidates));
		const searchingOptions = word.startsWith("--");
		if (searchingOptions) {
			word = word.slice(2);
			candidates = candidates.map((candidate) => candidate.slice(2));
		}
		let similar = [];
		let bestDistance = maxDistance;
		const minSimilarity = .4;
		candidates.forEach((candidate) => {
			if (candidate.length <= 1) return;
			const distance = editDistance(word, candidate);
			const length = Math.max(word.length, candidate.length);
			if ((length - distance) / length > minSimilarity) {
				if (distance < bestDistance) {
					bestDistance = distance;
					similar = [candidate];
				} else if (distance === bestDistance) similar.push(candidate);
			}
		});
		similar.sort((a, b) => a.localeCompare(b));
		if (searchingOptions) similar = similar.map((candidate) => `--${candidate}`);
		if (similar.length > 1) return `\n(Did you mean one of ${similar.join(", ")}?)`;
		if (similar.length === 1) return `\n(Did you mean ${similar[0]}?)`;
		return "";
	}
	exports.suggestSimilar = suggestSimilar;
}));
// node_modules/commander/lib/command.js
var require_command = /* @__PURE__ */ __commonJSMin(((exports) => {
	const EventEmitter = __require("node:events").EventEmitter;
	const childProcess = __require("node:child_process");
	const path = __require("node:path");
	const fs = __require("node:fs");
	const process = __require("node:process");
	const { Argument, humanReadableArgName } = require_argument();
	const { CommanderError } = require_error();
	const { Help, stripColor } = require_help();
	const { Option, DualOptions } = require_option();
	const { suggestSimilar } = require_suggestSimilar();
	var Command = class Command extends EventEmitter {
		constructor(name) {
			super();
			this.commands = [];
			this.options = [];
			this.parent = null;
			this._allowUnknownOption = false;
			this._allowExcessArguments = false;
			this.registeredArguments = [];
			this._args = this.registeredArguments;
			this.args = [];
			this.rawArgs = [];
			this.processedArgs = [];
			this._scriptPath = null;
			this._name = name || "";
			this._optionValues = {};
			this._optionValueSources = {};
			this._storeOptionsAsProperties = false;
			this._actionHandler = null;
			this._executableHandler = false;
			this._executableFile = null;
			this._executableDir = null;
			this._defaultCommandName = null;
			this._exitCallback = null;
			this._aliases = [];
			this._combineFlagAndOptionalValue = true;
			this._description = "";
			this._summary = "";
			this._argsDescription = void 0;
			this._enablePositionalOptions = false;
			this._passThroughOptions = false;
			this._lifeCycleHooks = {};
			this._showHelpAfterError = false;
			this._showSuggestionAfterError = true;
			this._savedState = null;
			this._outputConfiguration = {
				writeOut: (str) => process.stdout.write(str),
				writeErr: (str) => process.stderr.write(str),
				outputError: (str, write) => write(str),
				getOutHelpWidth: () => process.stdout.isTTY ? process.stdout.columns : void 0,
				getErrHelpWidth: () => process.stderr.isTTY ? process.stderr.columns : void 0,
				getOutHasColors: () => useColor() ?? (process.stdout.isTTY && process.stdout.hasColors?.()),
				getErrHasColors: () => useColor() ?? (process.stderr.isTTY && process.stderr.hasColors?.()),
				stripColor: (str) => stripColor(str)
			};
			this._hidden = false;
			this._helpOption = void 0;
			this._addImplicitHelpCommand = void 0;
			this._helpCommand = void 0;
			this._helpConfiguration = {};
			this._helpGroupHeading = void 0;
			this._defaultCommandGroup = void 0;
			this._defaultOptionGroup = void 0;
		}
		copyInheritedSettings(sourceCommand) {
			this._outputConfiguration = sourceCommand._outputConfiguration;
			this._helpOption = sourceCommand._helpOption;
			this._helpCommand = sourceCommand._helpCommand;
			this._helpConfiguration = sourceCommand._helpConfiguration;
			this._exitCallback = sourceCommand._exitCallback;
			this._storeOptionsAsProperties = sourceCommand._storeOptionsAsProperties;
			this._combineFlagAndOptionalValue = sourceCommand._combineFlagAndOptionalValue;
			this._allowExcessArguments = sourceCommand._allowExcessArguments;
			this._enablePositionalOptions = sourceCommand._enablePositionalOptions;
			this._showHelpAfterError = sourceCommand._showHelpAfterError;
			this._showSuggestionAfterError = sourceCommand._showSuggestionAfterError;
			return this;
		}
		_getCommandAndAncestors() {
			const result = [];
			for (let command = this; command; command = command.parent) result.push(command);
			return result;
		}
		command(nameAndArgs, actionOptsOrExecDesc, execOpts) {
			let desc = actionOptsOrExecDesc;
			let opts = execOpts;
			if (typeof desc === "object" && desc !== null) {
				opts = desc;
				desc = null;
			}
			opts = opts || {};
			const [, name, args] = nameAndArgs.match(/([^ ]+) *(.*)/);
			const cmd = this.createCommand(name);
			if (desc) {
				cmd.description(desc);
				cmd._executableHandler = true;
			}
			if (opts.isDefault) this._defaultCommandName = cmd._name;
			cmd._hidden = !!(opts.noHelp || opts.hidden);
			cmd._executableFile = opts.executableFile || null;
			if (args) cmd.arguments(args);
			this._registerCommand(cmd);
			cmd.parent = this;
			cmd.copyInheritedSettings(this);
			if (desc) return this;
			return cmd;
		}
		createCommand(name) {
			return new Command(name);
		}
		createHelp() {
			return Object.assign(new Help(), this.configureHelp());
		}
		configureHelp(configuration) {
			if (configuration === void 0) return this._helpConfiguration;
			this._helpConfiguration = configuration;
			return this;
		}
		configureOutput(configuration) {
			if (configuration === void 0) return this._outputConfiguration;
			this._outputConfiguration = {
				...this._outputConfiguration,
				...configuration
			};
			return this;
		}
		showHelpAfterError(displayHelp = true) {
			if (typeof displayHelp !== "string") displayHelp = !!displayHelp;
			this._showHelpAfterError = displayHelp;
			return this;
		}
		showSuggestionAfterError(displaySuggestion = true) {
			this._showSuggestionAfterError = !!displaySuggestion;
			return this;
		}
		addCommand(cmd, opts) {
			if (!cmd._name) throw new Error(`Command passed to .addCommand() must have a name
- specify the name in Command constructor or using .name()`);
			opts = opts || {};
			if (opts.isDefault) this._defaultCommandName = cmd._name;
			if (opts.noHelp || opts.hidden) cmd._hidden = true;
			this._registerCommand(cmd);
			cmd.parent = this;
			cmd._checkForBrokenPassThrough();
			return this;
		}
		createArgument(name, description) {
			return new Argument(name, description);
		}
		argument(name, description, parseArg, defaultValue) {
			const argument = this.createArgument(name, description);
			if (typeof parseArg === "function") argument.default(defaultValue).argParser(parseArg);
			else argument.default(parseArg);
			this.addArgument(argument);
			return this;
		}
		arguments(names) {
			names.trim().split(/ +/).forEach((detail) => {
				this.argument(detail);
			});
			return this;
		}
		addArgument(argument) {
			const previousArgument = this.registeredArguments.slice(-1)[0];
			if (previousArgument?.variadic) throw new Error(`only the last argument can be variadic '${previousArgument.name()}'`);
			if (argument.required && argument.defaultValue !== void 0 && argument.parseArg === void 0) throw new Error(`a default value for a required argument is never used: '${argument.name()}'`);
			this.registeredArguments.push(argument);
			return this;
		}
		helpCommand(enableOrNameAndArgs, description) {
			if (typeof enableOrNameAndArgs === "boolean") {
				this._addImplicitHelpCommand = enableOrNameAndArgs;
				if (enableOrNameAndArgs && this._defaultCommandGroup) this._initCommandGroup(this._getHelpCommand());
				return this;
			}
			const [, helpName, helpArgs] = (enableOrNameAndArgs ?? "help [command]").match(/([^ ]+) *(.*)/);
			const helpDescription = description ?? "display help for command";
			const helpCommand = this.createCommand(helpName);
			helpCommand.helpOption(false);
			if (helpArgs) helpCommand.arguments(helpArgs);
			if (helpDescription) helpCommand.description(helpDescription);
			this._addImplicitHelpCommand = true;
			this._helpCommand = helpCommand;
			if (enableOrNameAndArgs || description) this._initCommandGroup(helpCommand);
			return this;
		}
		addHelpCommand(helpCommand, deprecatedDescription) {
			if (typeof helpCommand !== "object") {
				this.helpCommand(helpCommand, deprecatedDescription);
				return this;
			}
			this._addImplicitHelpCommand = true;
			this._helpCommand = helpCommand;
			this._initCommandGroup(helpCommand);
			return this;
		}
		_getHelpCommand() {
			if (this._addImplicitHelpCommand ?? (this.commands.length && !this._actionHandler && !this._findCommand("help"))) {
				if (this._helpCommand === void 0) this.helpCommand(void 0, void 0);
				return this._helpCommand;
			}
			return null;
		}
		hook(event, listener) {
			const allowedValues = [
				"preSubcommand",
				"preAction",
				"postAction"
			];
			if (!allowedValues.includes(event)) throw new Error(`Unexpected value for event passed to hook : '${event}'.
Expecting one of '${allowedValues.join("', '")}'`);
			if (this._lifeCycleHooks[event]) this._lifeCycleHooks[event].push(listener);
			else this._lifeCycleHooks[event] = [listener];
			return this;
		}
		exitOverride(fn) {
			if (fn) this._exitCallback = fn;
			else this._exitCallback = (err) => {
				if (err.code !== "commander.executeSubCommandAsync") throw err;
			};
			return this;
		}
		_exit(exitCode, code, message) {
			if (this._exitCallback) this._exitCallback(new CommanderError(exitCode, code, message));
			process.exit(exitCode);
		}
		action(fn) {
			const listener = (args) => {
				const expectedArgsCount = this.registeredArguments.length;
				const actionArgs = args.slice(0, expectedArgsCount);
				if (this._storeOptionsAsProperties) actionArgs[expectedArgsCount] = this;
				else actionArgs[expectedArgsCount] = this.opts();
				actionArgs.push(this);
				return fn.apply(this, actionArgs);
			};
			this._actionHandler = listener;
			return this;
		}
		createOption(flags, description) {
			return new Option(flags, description);
		}
		_callParseArg(target, value, previous, invalidArgumentMessage) {
			try {
				return target.parseArg(value, previous);
			} catch (err) {
				if (err.code === "commander.invalidArgument") {
					const message = `${invalidArgumentMessage} ${err.message}`;
					this.error(message, {
						exitCode: err.exitCode,
						code: err.code
					});
				}
				throw err;
			}
		}
		_registerOption(option) {
			const matchingOption = option.short && this._findOption(option.short) || option.long && this._findOption(option.long);
			if (matchingOption) {
				const matchingFlag = option.long && this._findOption(option.long) ? option.long : option.short;
				throw new Error(`Cannot add option '${option.flags}'${this._name && ` to command '${this._name}'`} due to conflicting flag '${matchingFlag}'
-  already used by option '${matchingOption.flags}'`);
			}
			this._initOptionGroup(option);
			this.options.push(option);
		}
		_registerCommand(command) {
			const knownBy = (cmd) => {
				return [cmd.name()].concat(cmd.aliases());
			};
			const alreadyUsed = knownBy(command).find((name) => this._findCommand(name));
			if (alreadyUsed) {
				const existingCmd = knownBy(this._findCommand(alreadyUsed)).join("|");
				const newCmd = knownBy(command).join("|");
				throw new Error(`cannot add command '${newCmd}' as already have command '${existingCmd}'`);
			}
			this._initCommandGroup(command);
			this.commands.push(command);
		}
		addOption(option) {
			this._registerOption(option);
			const oname = option.name();
			const name = option.attributeName();
			if (option.negate) {
				const positiveLongFlag = option.long.replace(/^--no-/, "--");
				if (!this._findOption(positiveLongFlag)) this.setOptionValueWithSource(name, option.defaultValue === void 0 ? true : option.defaultValue, "default");
			} else if (option.defaultValue !== void 0) this.setOptionValueWithSource(name, option.defaultValue, "default");
			const handleOptionValue = (val, invalidValueMessage, valueSource) => {
				if (val == null && option.presetArg !== void 0) val = option.presetArg;
				const oldValue = this.getOptionValue(name);
				if (val !== null && option.parseArg) val = this._callParseArg(option, val, oldValue, invalidValueMessage);
				else if (val !== null && option.variadic) val = option._collectValue(val, oldValue);
				if (val == null) {
					if (option.negate) val = false;
					else if (option.isBoolean() || option.optional) val = true;
					else val = "";
				}
				this.setOptionValueWithSource(name, val, valueSource);
			};
			this.on("option:" + oname, (val) => {
				const invalidValueMessage = `error: option '${option.flags}' argument '${val}' is invalid.`;
				handleOptionValue(val, invalidValueMessage, "cli");
			});
			if (option.envVar) this.on("optionEnv:" + oname, (val) => {
				const invalidValueMessage = `error: option '${option.flags}' value '${val}' from env '${option.envVar}' is invalid.`;
				handleOptionValue(val, invalidValueMessage, "env");
			});
			return this;
		}
		_optionEx(config, flags, description, fn, defaultValue) {
			if (typeof flags === "object" && flags instanceof Option) throw new Error("To add an Option object use addOption() instead of option() or requiredOption()");
			const option = this.createOption(flags, description);
			option.makeOptionMandatory(!!config.mandatory);
			if (typeof fn === "function") option.default(defaultValue).argParser(fn);
			else if (fn instanceof RegExp) {
				const regex = fn;
				fn = (val, def) => {
					const m = regex.exec(val);
					return m ? m[0] : def;
				};
				option.default(defaultValue).argParser(fn);
			} else option.default(fn);
			return this.addOption(option);
		}
		option(flags, description, parseArg, defaultValue) {
			return this._optionEx({}, flags, description, parseArg, defaultValue);
		}
		requiredOption(flags, description, parseArg, defaultValue) {
			return this._optionEx({ mandatory: true }, flags, description, parseArg, defaultValue);
		}
		combineFlagAndOptionalValue(combine = true) {
			this._combineFlagAndOptionalValue = !!combine;
			return this;
		}
		allowUnknownOption(allowUnknown = true) {
			this._allowUnknownOption = !!allowUnknown;
			return this;
		}
		allowExcessArguments(allowExcess = true) {
			this._allowExcessArguments = !!allowExcess;
			return this;
		}
		enablePositionalOptions(positional = true) {
			this._enablePositionalOptions = !!positional;
			return this;
		}
		passThroughOptions(passThrough = true) {
			this._passThroughOptions = !!passThrough;
			this._checkForBrokenPassThrough();
			return this;
		}
		_checkForBrokenPassThrough() {
			if (this.parent && this._passThroughOptions && !this.parent._enablePositionalOptions) throw new Error(`passThroughOptions cannot be used for '${this._name}' without turning on enablePositionalOptions for parent command(s)`);
		}
		storeOptionsAsProperties(storeAsProperties = true) {
			if (this.options.length) throw new Error("call .storeOptionsAsProperties() before adding options");
			if (Object.keys(this._optionValues).length) throw new Error("call .storeOptionsAsProperties() before setting option values");
			this._storeOptionsAsProperties = !!storeAsProperties;
			return this;
		}
		getOptionValue(key) {
			if (this._storeOptionsAsProperties) return this[key];
			return this._optionValues[key];
		}
		setOptionValue(key, value) {
			return this.setOptionValueWithSource(key, value, void 0);
		}
		setOptionValueWithSource(key, value, source) {
			if (this._storeOptionsAsProperties) this[key] = value;
			else this._optionValues[key] = value;
			this._optionValueSources[key] = source;
			return this;
		}
		getOptionValueSource(key) {
			return this._optionValueSources[key];
		}
		getOptionValueSourceWithGlobals(key) {
			let source;
			this._getCommandAndAncestors().forEach((cmd) => {
				if (cmd.getOptionValueSource(key) !== void 0) source = cmd.getOptionValueSource(key);
			});
			return source;
		}
		_prepareUserArgs(argv, parseOptions) {
			if (argv !== void 0 && !Array.isArray(argv)) throw new Error("first parameter to parse must be array or undefined");
			parseOptions = parseOptions || {};
			if (argv === void 0 && parseOptions.from === void 0) {
				if (process.versions?.electron) parseOptions.from = "electron";
				const execArgv = process.execArgv ?? [];
				if (execArgv.includes("-e") || execArgv.includes("--eval") || execArgv.includes("-p") || execArgv.includes("--print")) parseOptions.from = "eval";
			}
			if (argv === void 0) argv = process.argv;
			this.rawArgs = argv.slice();
			let userArgs;
			switch (parseOptions.from) {
				case void 0:
				case "node":
					this._scriptPath = argv[1];
					userArgs = argv.slice(2);
					break;
				case "electron":
					if (process.defaultApp) {
						this._scriptPath = argv[1];
						userArgs = argv.slice(2);
					} else userArgs = argv.slice(1);
					break;
				case "user":
					userArgs = argv.slice(0);
					break;
				case "eval":
					userArgs = argv.slice(1);
					break;
				default: throw new Error(`unexpected parse option { from: '${parseOptions.from}' }`);
			}
			if (!this._name && this._scriptPath) this.nameFromFilename(this._scriptPath);
			this._name = this._name || "program";
			return userArgs;
		}
		parse(argv, parseOptions) {
			this._prepareForParse();
			const userArgs = this._prepareUserArgs(argv, parseOptions);
			this._parseCommand([], userArgs);
			return this;
		}
		async parseAsync(argv, parseOptions) {
			this._prepareForParse();
			const userArgs = this._prepareUserArgs(argv, parseOptions);
			await this._parseCommand([], userArgs);
			return this;
		}
		_prepareForParse() {
			if (this._savedState === null) this.saveStateBeforeParse();
			else this.restoreStateBeforeParse();
		}
		saveStateBeforeParse() {
			this._savedState = {
				_name: this._name,
				_optionValues: { ...this._optionValues },
				_optionValueSources: { ...this._optionValueSources }
			};
		}
		restoreStateBeforeParse() {
			if (this._storeOptionsAsProperties) throw new Error(`Can not call parse again when storeOptionsAsProperties is true.
- either make a new Command for each call to parse, or stop storing options as properties`);
			this._name = this._savedState._name;
			this._scriptPath = null;
			this.rawArgs = [];
			this._optionValues = { ...this._savedState._optionValues };
			this._optionValueSources = { ...this._savedState._optionValueSources };
			this.args = [];
			this.processedArgs = [];
		}
		_checkForMissingExecutable(executableFile, executableDir, subcommandName) {
			if (fs.existsSync(executableFile)) return;
			const executableMissing = `'${executableFile}' does not exist
 - if '${subcommandName}' is not meant to be an executable command, remove description parameter from '.command()' and use '.description()' instead
 - if the default executable name is not suitable, use the executableFile option to supply a custom name or path
 - ${executableDir ? `searched for local subcommand relative to directory '${executableDir}'` : "no directory for search for local subcommand, use .executableDir() to supply a custom directory"}`;
			throw new Error(executableMissing);
		}
		_executeSubCommand(subcommand, args) {
			args = args.slice();
			let launchWithNode = false;
			const sourceExt = [
				".js",
				".ts",
				".tsx",
				".mjs",
				".cjs"
			];
			function findFile(baseDir, baseName) {
				const localBin = path.resolve(baseDir, baseName);
				if (fs.existsSync(localBin)) return localBin;
				if (sourceExt.includes(path.extname(baseName))) return void 0;
				const foundExt = sourceExt.find((ext) => fs.existsSync(`${localBin}${ext}`));
				if (foundExt) return `${localBin}${foundExt}`;
			}
			this._checkForMissingMandatoryOptions();
			this._checkForConflictingOptions();
			let executableFile = subcommand._executableFile || `${this._name}-${subcommand._name}`;
			let executableDir = this._executableDir || "";
			if (this._scriptPath) {
				let resolvedScriptPath;
				try {
					resolvedScriptPath = fs.realpathSync(this._scriptPath);
				} catch {
					resolvedScriptPath = this._scriptPath;
				}
				executableDir = path.resolve(path.dirname(resolvedScriptPath), executableDir);
			}
			if (executableDir) {
				let localFile = findFile(executableDir, executableFile);
				if (!localFile && !subcommand._executableFile && this._scriptPath) {
					const legacyName = path.basename(this._scriptPath, path.extname(this._scriptPath));
					if (legacyName !== this._name) localFile = findFile(executableDir, `${legacyName}-${subcommand._name}`);
				}
				executableFile = localFile || executableFile;
			}
			launchWithNode = sourceExt.includes(path.extname(executableFile));
			let proc;
			if (process.platform !== "win32") {
				if (launchWithNode) {
					args.unshift(executableFile);
					args = incrementNodeInspectorPort(process.execArgv).concat(args);
					proc = childProcess.spawn(process.argv[0], args, { stdio: "inherit" });
				} else proc = childProcess.spawn(executableFile, args, { stdio: "inherit" });
			} else {
				this._checkForMissingExecutable(executableFile, executableDir, subcommand._name);
				args.unshift(executableFile);
				args = incrementNodeInspectorPort(process.execArgv).concat(args);
				proc = childProcess.spawn(process.execPath, args, { stdio: "inherit" });
			}
			if (!proc.killed) [
				"SIGUSR1",
				"SIGUSR2",
				"SIGTERM",
				"SIGINT",
				"SIGHUP"
			].forEach((signal) => {
				process.on(signal, () => {
					if (proc.killed === false && proc.exitCode === null) proc.kill(signal);
				});
			});
			const exitCallback = this._exitCallback;
			proc.on("close", (code) => {
				code = code ?? 1;
				if (!exitCallback) process.exit(code);
				else exitCallback(new CommanderError(code, "commander.executeSubCommandAsync", "(close)"));
			});
			proc.on("error", (err) => {
				if (err.code === "ENOENT") this._checkForMissingExecutable(executableFile, executableDir, subcommand._name);
				else if (err.code === "EACCES") throw new Error(`'${executableFile}' not executable`);
				if (!exitCallback) process.exit(1);
				else {
					const wrappedError = new CommanderError(1, "commander.executeSubCommandAsync", "(error)");
					wrappedError.nestedError = err;
					exitCallback(wrappedError);
				}
			});
			this.runningCommand = proc;
		}
		_dispatchSubcommand(commandName, operands, unknown) {
			const subCommand = this._findCommand(commandName);
			if (!subCommand) this.help({ error: true });
			subCommand._prepareForParse();
			let promiseChain;
			promiseChain = this._chainOrCallSubCommandHook(promiseChain, subCommand, "preSubcommand");
			promiseChain = this._chainOrCall(promiseChain, () => {
				if (subCommand._executableHandler) this._executeSubCommand(subCommand, operands.concat(unknown));
				else return subCommand._parseCommand(operands, unknown);
			});
			return promiseChain;
		}
		_dispatchHelpCommand(subcommandName) {
			if (!subcommandName) this.help();
			const subCommand = this._findCommand(subcommandName);
			if (subCommand && !subCommand._executableHandler) subCommand.help();
			return this._dispatchSubcommand(subcommandName, [], [this._getHelpOption()?.long ?? this._getHelpOption()?.short ?? "--help"]);
		}
		_checkNumberOfArguments() {
			this.registeredArguments.forEach((arg, i) => {
				if (arg.required && this.args[i] == null) this.missingArgument(arg.name());
			});
			if (this.registeredArguments.length > 0 && this.registeredArguments[this.registeredArguments.length - 1].variadic) return;
			if (this.args.length > this.registeredArguments.length) this._excessArguments(this.args);
		}
		_processArguments() {
			const myParseArg = (argument, value, previous) => {
				let parsedValue = value;
				if (value !== null && argument.parseArg) {
					const invalidValueMessage = `error: command-argument value '${value}' is invalid for argument '${argument.name()}'.`;
					parsedValue = this._callParseArg(argument, value, previous, invalidValueMessage);
				}
				return parsedValue;
			};
			this._checkNumberOfArguments();
			const processedArgs = [];
			this.registeredArguments.forEach((declaredArg, index) => {
				let value = declaredArg.defaultValue;
				if (declaredArg.variadic) {
					if (index < this.args.length) {
						value = this.args.slice(index);
						if (declaredArg.parseArg) value = value.reduce((processed, v) => {
							return myParseArg(declaredArg, v, processed);
						}, declaredArg.defaultValue);
					} else if (value === void 0) value = [];
				} else if (index < this.args.length) {
					value = this.args[index];
					if (declaredArg.parseArg) value = myParseArg(declaredArg, value, declaredArg.defaultValue);
				}
				processedArgs[index] = value;
			});
			this.processedArgs = processedArgs;
		}
		_chainOrCall(promise, fn) {
			if (promise?.then && typeof promise.then === "function") return promise.then(() => fn());
			return fn();
		}
		_chainOrCallHooks(promise, event) {
			let result = promise;
			const hooks = [];
			this._getCommandAndAncestors().reverse().filter((cmd) => cmd._lifeCycleHooks[event] !== void 0).forEach((hookedCommand) => {
				hookedCommand._lifeCycleHooks[event].forEach((callback) => {
					hooks.push({
						hookedCommand,
						callback
					});
				});
			});
			if (event === "postAction") hooks.reverse();
			hooks.forEach((hookDetail) => {
				result = this._chainOrCall(result, () => {
					return hookDetail.callback(hookDetail.hookedCommand, this);
				});
			});
			return result;
		}
		_chainOrCallSubCommandHook(promise, subCommand, event) {
			let result = promise;
			if (this._lifeCycleHooks[event] !== void 0) this._lifeCycleHooks[event].forEach((hook) => {
				result = this._chainOrCall(result, () => {
					return hook(this, subCommand);
				});
			});
			return result;
		}
		_parseCommand(operands, unknown) {
			const parsed = this.parseOptions(unknown);
			this._parseOptionsEnv();
			this._parseOptionsImplied();
			operands = operands.concat(parsed.operands);
			unknown = parsed.unknown;
			this.args = operands.concat(unknown);
			if (operands && this._findCommand(operands[0])) return this._dispatchSubcommand(operands[0], operands.slice(1), unknown);
			if (this._getHelpCommand() && operands[0] === this._getHelpCommand().name()) return this._dispatchHelpCommand(operands[1]);
			if (this._defaultCommandName) {
				this._outputHelpIfRequested(unknown);
				return this._dispatchSubcommand(this._defaultCommandName, operands, unknown);
			}
			if (this.commands.length && this.args.length === 0 && !this._actionHandler && !this._defaultCommandName) this.help({ error: true });
			this._outputHelpIfRequested(parsed.unknown);
			this._checkForMissingMandatoryOptions();
			this._checkForConflictingOptions();
			const checkForUnknownOptions = () => {
				if (parsed.unknown.length > 0) this.unknownOption(parsed.unknown[0]);
			};
			const commandEvent = `command:${this.name()}`;
			if (this._actionHandler) {
				checkForUnknownOptions();
				this._processArguments();
				let promiseChain;
				promiseChain = this._chainOrCallHooks(promiseChain, "preAction");
				promiseChain = this._chainOrCall(promiseChain, () => this._actionHandler(this.processedArgs));
				if (this.parent) promiseChain = this._chainOrCall(promiseChain, () => {
					this.parent.emit(commandEvent, operands, unknown);
				});
				promiseChain = this._chainOrCallHooks(promiseChain, "postAction");
				return promiseChain;
			}
			if (this.parent?.listenerCount(commandEvent)) {
				checkForUnknownOptions();
				this._processArguments();
				this.parent.emit(commandEvent, operands, unknown);
			} else if (operands.length) {
				if (this._findCommand("*")) return this._dispatchSubcommand("*", operands, unknown);
				if (this.listenerCount("command:*")) this.emit("command:*", operands, unknown);
				else if (this.commands.length) this.unknownCommand();
				else {
					checkForUnknownOptions();
					this._processArguments();
				}
			} else if (this.commands.length) {
				checkForUnknownOptions();
				this.help({ error: true });
			} else {
				checkForUnknownOptions();
				this._processArguments();
			}
		}
		_findCommand(name) {
			if (!name) return void 0;
			return this.commands.find((cmd) => cmd._name === name || cmd._aliases.includes(name));
		}
		_findOption(arg) {
			return this.options.find((option) => option.is(arg));
		}
		_checkForMissingMandatoryOptions() {
			this._getCommandAndAncestors().forEach((cmd) => {
				cmd.options.forEach((anOption) => {
					if (anOption.mandatory && cmd.getOptionValue(anOption.attributeName()) === void 0) cmd.missingMandatoryOptionValue(anOption);
				});
			});
		}
		_checkForConflictingLocalOptions() {
			const definedNonDefaultOptions = this.options.filter((option) => {
				const optionKey = option.attributeName();
				if (this.getOptionValue(optionKey) === void 0) return false;
				return this.getOptionValueSource(optionKey) !== "default";
			});
			definedNonDefaultOptions.filter((option) => option.conflictsWith.length > 0).forEach((option) => {
				const conflictingAndDefined = definedNonDefaultOptions.find((defined) => option.conflictsWith.includes(defined.attributeName()));
				if (conflictingAndDefined) this._conflictingOption(option, conflictingAndDefined);
			});
		}
		_checkForConflictingOptions() {
			this._getCommandAndAncestors().forEach((cmd) => {
				cmd._checkForConflictingLocalOptions();
			});
		}
		parseOptions(args) {
			const operands = [];
			const unknown = [];
			let dest = operands;
			function maybeOption(arg) {
				return arg.length > 1 && arg[0] === "-";
			}
			const negativeNumberArg = (arg) => {
				if (!/^-(\d+|\d*\.\d+)(e[+-]?\d+)?$/.test(arg)) return false;
				return !this._getCommandAndAncestors().some((cmd) => cmd.options.map((opt) => opt.short).some((short) => /^-\d$/.test(short)));
			};
			let activeVariadicOption = null;
			let activeGroup = null;
			let i = 0;
			while (i < args.length || activeGroup) {
				const arg = activeGroup ?? args[i++];
				activeGroup = null;
				if (arg === "--") {
					if (dest === unknown) dest.push(arg);
					dest.push(...args.slice(i));
					break;
				}
				if (activeVariadicOption && (!maybeOption(arg) || negativeNumberArg(arg))) {
					this.emit(`option:${activeVariadicOption.name()}`, arg);
					continue;
				}
				activeVariadicOption = null;
				if (maybeOption(arg)) {
					const option = this._findOption(arg);
					if (option) {
						if (option.required) {
							const value = args[i++];
							if (value === void 0) this.optionMissingArgument(option);
							this.emit(`option:${option.name()}`, value);
						} else if (option.optional) {
							let value = null;
							if (i < args.length && (!maybeOption(args[i]) || negativeNumberArg(args[i]))) value = args[i++];
							this.emit(`option:${option.name()}`, value);
						} else this.emit(`option:${option.name()}`);
						activeVariadicOption = option.variadic ? option : null;
						continue;
					}
				}
				if (arg.length > 2 && arg[0] === "-" && arg[1] !== "-") {
					const option = this._findOption(`-${arg[1]}`);
					if (option) {
						if (option.required || option.optional && this._combineFlagAndOptionalValue) this.emit(`option:${option.name()}`, arg.slice(2));
						else {
							this.emit(`option:${option.name()}`);
							activeGroup = `-${arg.slice(2)}`;
						}
						continue;
					}
				}
				if (/^--[^=]+=/.test(arg)) {
					const index = arg.indexOf("=");
					const option = this._findOption(arg.slice(0, index));
					if (option && (option.required || option.optional)) {
						this.emit(`option:${option.name()}`, arg.slice(index + 1));
						continue;
					}
				}
				if (dest === operands && maybeOption(arg) && !(this.commands.length === 0 && negativeNumberArg(arg))) dest = unknown;
				if ((this._enablePositionalOptions || this._passThroughOptions) && operands.length === 0 && unknown.length === 0) {
					if (this._findCommand(arg)) {
						operands.push(arg);
						unknown.push(...args.slice(i));
						break;
					} else if (this._getHelpCommand() && arg === this._getHelpCommand().name()) {
						operands.push(arg, ...args.slice(i));
						break;
					} else if (this._defaultCommandName) {
						unknown.push(arg, ...args.slice(i));
						break;
					}
				}
				if (this._passThroughOptions) {
					dest.push(arg, ...args.slice(i));
					break;
				}
				dest.push(arg);
			}
			return {
				operands,
				unknown
			};
		}
		opts() {
			if (this._storeOptionsAsProperties) {
				const result = {};
				const len = this.options.length;
				for (let i = 0; i < len; i++) {
					const key = this.options[i].attributeName();
					result[key] = key === this._versionOptionName ? this._version : this[key];
				}
				return result;
			}
			return this._optionValues;
		}
		optsWithGlobals() {
			return this._getCommandAndAncestors().reduce((combinedOptions, cmd) => Object.assign(combinedOptions, cmd.opts()), {});
		}
		error(message, errorOptions) {
			this._outputConfiguration.outputError(`${message}\n`, this._outputConfiguration.writeErr);
			if (typeof this._showHelpAfterError === "string") this._outputConfiguration.writeErr(`${this._showHelpAfterError}\n`);
			else if (this._showHelpAfterError) {
				this._outputConfiguration.writeErr("\n");
				this.outputHelp({ error: true });
			}
			const config = errorOptions || {};
			const exitCode = config.exitCode || 1;
			const code = config.code || "commander.error";
			this._exit(exitCode, code, message);
		}
		_parseOptionsEnv() {
			this.options.forEach((option) => {
				if (option.envVar && option.envVar in process.env) {
					const optionKey = option.attributeName();
					if (this.getOptionValue(optionKey) === void 0 || [
						"default",
						"config",
						"env"
					].includes(this.getOptionValueSource(optionKey))) {
						if (option.required || option.optional) this.emit(`optionEnv:${option.name()}`, process.env[option.envVar]);
						else this.emit(`optionEnv:${option.name()}`);
					}
				}
			});
		}
		_parseOptionsImplied() {
			const dualHelper = new DualOptions(this.options);
			const hasCustomOptionValue = (optionKey) => {
				return this.getOptionValue(optionKey) !== void 0 && !["default", "implied"].includes(this.getOptionValueSource(optionKey));
			};
			this.options.filter((option) => option.implied !== void 0 && hasCustomOptionValue(option.attributeName()) && dualHelper.valueFromOption(this.getOptionValue(option.attributeName()), option)).forEach((option) => {
				Object.keys(option.implied).filter((impliedKey) => !hasCustomOptionValue(impliedKey)).forEach((impliedKey) => {
					this.setOptionValueWithSource(impliedKey, option.implied[impliedKey], "implied");
				});
			});
		}
		missingArgument(name) {
			const message = `error: missing required argument '${name}'`;
			this.error(message, { code: "commander.missingArgument" });
		}
		optionMissingArgument(option) {
			const message = `error: option '${option.flags}' argument missing`;
			this.error(message, { code: "commander.optionMissingArgument" });
		}
		missingMandatoryOptionValue(option) {
			const message = `error: required option '${option.flags}' not specified`;
			this.error(message, { code: "commander.missingMandatoryOptionValue" });
		}
		_conflictingOption(option, conflictingOption) {
			const findBestOptionFromValue = (option) => {
				const optionKey = option.attributeName();
				const optionValue = this.getOptionValue(optionKey);
				const negativeOption = this.options.find((target) => target.negate && optionKey === target.attributeName());
				const positiveOption = this.options.find((target) => !target.negate && optionKey === target.attributeName());
				if (negativeOption && (negativeOption.presetArg === void 0 && optionValue === false || negativeOption.presetArg !== void 0 && optionValue === negativeOption.presetArg)) return negativeOption;
				return positiveOption || option;
			};
			const getErrorMessage = (option) => {
				const bestOption = findBestOptionFromValue(option);
				const optionKey = bestOption.attributeName();
				if (this.getOptionValueSource(optionKey) === "env") return `environment variable '${bestOption.envVar}'`;
				return `option '${bestOption.flags}'`;
			};
			const message = `error: ${getErrorMessage(option)} cannot be used with ${getErrorMessage(conflictingOption)}`;
			this.error(message, { code: "commander.conflictingOption" });
		}
		unknownOption(flag) {
			if (this._allowUnknownOption) return;
			let suggestion = "";
			if (flag.startsWith("--") && this._showSuggestionAfterError) {
				let candidateFlags = [];
				let command = this;
				do {
					const moreFlags = command.createHelp().visibleOptions(command).filter((option) => option.long).map((option) => option.long);
					candidateFlags = candidateFlags.concat(moreFlags);
					command = command.parent;
				} while (command && !command._enablePositionalOptions);
				suggestion = suggestSimilar(flag, candidateFlags);
			}
			const message = `error: unknown option '${flag}'${suggestion}`;
			this.error(message, { code: "commander.unknownOption" });
		}
		_excessArguments(receivedArgs) {
			if (this._allowExcessArguments) return;
			const expected = this.registeredArguments.length;
			const s = expected === 1 ? "" : "s";
			const message = `error: too many arguments${this.parent ? ` for '${this.name()}'` : ""}. Expected ${expected} argument${s} but got ${receivedArgs.length}.`;
			this.error(message, { code: "commander.excessArguments" });
		}
		unknownCommand() {
			const unknownName = this.args[0];
			let suggestion = "";
			if (this._showSuggestionAfterError) {
				const candidateNames = [];
				this.createHelp().visibleCommands(this).forEach((command) => {
					candidateNames.push(command.name());
					if (command.alias()) candidateNames.push(command.alias());
				});
				suggestion = suggestSimilar(unknownName, candidateNames);
			}
			const message = `error: unknown command '${unknownName}'${suggestion}`;
			this.error(message, { code: "commander.unknownCommand" });
		}
		version(str, flags, description) {
			if (str === void 0) return this._version;
			this._version = str;
			flags = flags || "-V, --version";
			description = description || "output the version number";
			const versionOption = this.createOption(flags, description);
			this._versionOptionName = versionOption.attributeName();
			this._registerOption(versionOption);
			this.on("option:" + versionOption.name(), () => {
				this._outputConfiguration.writeOut(`${str}\n`);
				this._exit(0, "commander.version", str);
			});
			return this;
		}
		description(str, argsDescription) {
			if (str === void 0 && argsDescription === void 0) return this._description;
			this._description = str;
			if (argsDescription) this._argsDescription = argsDescription;
			return this;
		}
		summary(str) {
			if (str === void 0) return this._summary;
			this._summary = str;
			return this;
		}
		alias(alias) {
			if (alias === void 0) return this._aliases[0];
			let command = this;
			if (this.commands.length !== 0 && this.commands[this.commands.length - 1]._executableHandler) command = this.commands[this.commands.length - 1];
			if (alias === command._name) throw new Error("Command alias can't be the same as its name");
			const matchingCommand = this.parent?._findCommand(alias);
			if (matchingCommand) {
				const existingCmd = [matchingCommand.name()].concat(matchingCommand.aliases()).join("|");
				throw new Error(`cannot add alias '${alias}' to command '${this.name()}' as already have command '${existingCmd}'`);
			}
			command._aliases.push(alias);
			return this;
		}
		aliases(aliases) {
			if (aliases === void 0) return this._aliases;
			aliases.forEach((alias) => this.alias(alias));
			return this;
		}
		usage(str) {
			if (str === void 0) {
				if (this._usage) return this._usage;
				const args = this.registeredArguments.map((arg) => {
					return humanReadableArgName(arg);
				});
				return [].concat(this.options.length || this._helpOption !== null ? "[options]" : [], this.commands.length ? "[command]" : [], this.registeredArguments.length ? args : []).join(" ");
			}
			this._usage = str;
			return this;
		}
		name(str) {
			if (str === void 0) return this._name;
			this._name = str;
			return this;
		}
		helpGroup(heading) {
			if (heading === void 0) return this._helpGroupHeading ?? "";
			this._helpGroupHeading = heading;
			return this;
		}
		commandsGroup(heading) {
			if (heading === void 0) return this._defaultCommandGroup ?? "";
			this._defaultCommandGroup = heading;
			return this;
		}
		optionsGroup(heading) {
			if (heading === void 0) return this._defaultOptionGroup ?? "";
			this._defaultOptionGroup = heading;
			return this;
		}
		_initOptionGroup(option) {
			if (this._defaultOptionGroup && !option.helpGroupHeading) option.helpGroup(this._defaultOptionGroup);
		}
		_initCommandGroup(cmd) {
			if (this._defaultCommandGroup && !cmd.helpGroup()) cmd.helpGroup(this._defaultCommandGroup);
		}
		nameFromFilename(filename) {
			this._name = path.basename(filename, path.extname(filename));
			return this;
		}
		executableDir(path) {
			if (path === void 0) return this._executableDir;
			this._executableDir = path;
			return this;
		}
		helpInformation(contextOptions) {
			const helper = this.createHelp();
			const context = this._getOutputContext(contextOptions);
			helper.prepareContext({
				error: context.error,
				helpWidth: context.helpWidth,
				outputHasColors: context.hasColors
			});
			const text = helper.formatHelp(this, helper);
			if (context.hasColors) return text;
			return this._outputConfiguration.stripColor(text);
		}
		_getOutputContext(contextOptions) {
			contextOptions = contextOptions || {};
			const error = !!contextOptions.error;
			let baseWrite;
			let hasColors;
			let helpWidth;
			if (error) {
				baseWrite = (str) => this._outputConfiguration.writeErr(str);
				hasColors = this._outputConfiguration.getErrHasColors();
				helpWidth = this._outputConfiguration.getErrHelpWidth();
			} else {
				baseWrite = (str) => this._outputConfiguration.writeOut(str);
				hasColors = this._outputConfiguration.getOutHasColors();
				helpWidth = this._outputConfiguration.getOutHelpWidth();
			}
			const write = (str) => {
				if (!hasColors) str = this._outputConfiguration.stripColor(str);
				return baseWrite(str);
			};
			return {
				error,
				write,
				hasColors,
				helpWidth
			};
		}
		outputHelp(contextOptions) {
			let deprecatedCallback;
			if (typeof contextOptions === "function") {
				deprecatedCallback = contextOptions;
				contextOptions = void 0;
			}
			const outputContext = this._getOutputContext(contextOptions);
			const eventContext = {
				error: outputContext.error,
				write: outputContext.write,
				command: this
			};
			this._getCommandAndAncestors().reverse().forEach((command) => command.emit("beforeAllHelp", eventContext));
			this.emit("beforeHelp", eventContext);
			let helpInformation = this.helpInformation({ error: outputContext.error });
			if (deprecatedCallback) {
				helpInformation = deprecatedCallback(helpInformation);
				if (typeof helpInformation !== "string" && !Buffer.isBuffer(helpInformation)) throw new Error("outputHelp callback must return a string or a Buffer");
			}
			outputContext.write(helpInformation);
			if (this._getHelpOption()?.long) this.emit(this._getHelpOption().long);
			this.emit("afterHelp", eventContext);
			this._getCommandAndAncestors().forEach((command) => command.emit("afterAllHelp", eventContext));
		}
		helpOption(flags, description) {
			if (typeof flags === "boolean") {
				if (flags) {
					if (this._helpOption === null) this._helpOption = void 0;
					if (this._defaultOptionGroup) this._initOptionGroup(this._getHelpOption());
				} else this._helpOption = null;
				return this;
			}
			this._helpOption = this.createOption(flags ?? "-h, --help", description ?? "display help for command");
			if (flags || description) this._initOptionGroup(this._helpOption);
			return this;
		}
		_getHelpOption() {
			if (this._helpOption === void 0) this.helpOption(void 0, void 0);
			return this._helpOption;
		}
		addHelpOption(option) {
			this._helpOption = option;
			this._initOptionGroup(option);
			return this;
		}
		help(contextOptions) {
			this.outputHelp(contextOptions);
			let exitCode = Number(process.exitCode ?? 0);
			if (exitCode === 0 && contextOptions && typeof contextOptions !== "function" && contextOptions.error) exitCode = 1;
			this._exit(exitCode, "commander.help", "(outputHelp)");
		}
		addHelpText(position, text) {
			const allowedValues = [
				"beforeAll",
				"before",
				"after",
				"afterAll"
			];
			if (!allowedValues.includes(position)) throw new Error(`Unexpected value for position to addHelpText.
Expecting one of '${allowedValues.join("', '")}'`);
			const helpEvent = `${position}Help`;
			this.on(helpEvent, (context) => {
				let helpStr;
				if (typeof text === "function") helpStr = text({
					error: context.error,
					command: context.command
				});
				else helpStr = text;
				if (helpStr) context.write(`${helpStr}\n`);
			});
			return this;
		}
		_outputHelpIfRequested(args) {
			const helpOption = this._getHelpOption();
			if (helpOption && args.find((arg) => helpOption.is(arg))) {
				this.outputHelp();
				this._exit(0, "commander.helpDisplayed", "(outputHelp)");
			}
		}
	};
	function incrementNodeInspectorPort(args) {
		return args.map((arg) => {
			if (!arg.startsWith("--inspect")) return arg;
			let debugOption;
			let debugHost = "127.0.0.1";
			let debugPort = "9229";
			let match;
			if ((match = arg.match(/^(--inspect(-brk)?)$/)) !== null) debugOption = match[1];
			else if ((match = arg.match(/^(--inspect(-brk|-port)?)=([^:]+)$/)) !== null) {
				debugOption = match[1];
				if (/^\d+$/.test(match[3])) debugPort = match[3];
				else debugHost = match[3];
			} else if ((match = arg.match(/^(--inspect(-brk|-port)?)=([^:]+):(\d+)$/)) !== null) {
				debugOption = match[1];
				debugHost = match[3];
				debugPort = match[4];
			}
			if (debugOption && debugPort !== "0") return `${debugOption}=${debugHost}:${parseInt(debugPort) + 1}`;
			return arg;
		});
	}
	function useColor() {
		if (process.env.NO_COLOR || process.env.FORCE_COLOR === "0" || process.env.FORCE_COLOR === "false") return false;
		if (process.env.FORCE_COLOR || process.env.CLICOLOR_FORCE !== void 0) return true;
	}
	exports.Command = Command;
	exports.useColor = useColor;
}));
const { program: program$1, createCommand, createArgument, createOption, CommanderError, InvalidArgumentError, InvalidOptionArgumentError, Command, Argument, Option, Help } = (/* @__PURE__ */ __toESM((/* @__PURE__ */ __commonJSMin(((exports) => {
	const { Argument } = require_argument();
	const { Command } = require_command();
	const { CommanderError, InvalidArgumentError } = require_error();
	const { Help } = require_help();
	const { Option } = require_option();
	exports.program = new Command();
	exports.createCommand = (name) => new Command(name);
	exports.createOption = (flags, description) => new Option(flags, description);
	exports.createArgument = (name, description) => new Argument(name, description);
	exports.Command = Command;
	exports.Option = Option;
	exports.Argument = Argument;
	exports.Help = Help;
	exports.CommanderError = CommanderError;
	exports.InvalidArgumentError = InvalidArgumentError;
	exports.InvalidOptionArgumentError = InvalidArgumentError;
})))(), 1)).default;
// cli/commands/completion-command.ts
function registerCompletionCommand(program) {
	program.command("completion").description("print a shell completion script (bash, or zsh through bashcompinit)").argument("<shell>", "bash or zsh").action((shell) => {
		if (shell !== "bash" && shell !== "zsh") program.error(`ironbots completion: no completion for "${shell}" (bash or zsh)`, { exitCode: 2 });
		process.stdout.write(completionScript(program, shell));
	});
}
function commandTable(program) {
	const table = /* @__PURE__ */ new Map();
	const visit = (command, path) => {
		const words = [
			...command.commands.map((c) => c.name()),
			...command.options.flatMap((o) => [o.long, o.short].filter((f) => !!f)),
			"--help"
		];
		table.set(path.join(" "), [...new Set(words)].sort());
		for (const sub of command.commands) visit(sub, [...path, sub.name()]);
	};
	visit(program, []);
	return table;
}
function completionScript(program, shell) {
	const cases = [...commandTable(program)].map(([path, words]) => `    ${shellQuote(path)}) words=${shellQuote(words.join(" "))} ;;`).join("\n");
	return `# ironbots ${shell} completion, generated by \`ironbots completion ${shell}\`
${shell === "zsh" ? "autoload -U +X bashcompinit && bashcompinit\n" : ""}_ironbots() {
  local cur=\${COMP_WORDS[COMP_CWORD]} path='' word i
  # The command path so far: the words before the cursor that are not flags or their values.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    case "$word" in -*) continue ;; esac
    _ironbots_words "\${path:+$path }$word" >/dev/null && path="\${path:+$path }$word"
  done
  local words
  words=$(_ironbots_words "$path") || return 0
  case "$cur" in
    -*) COMPREPLY=($(compgen -W "$(printf '%s\\n' $words | grep -- '^-')" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "$(printf '%s\\n' $words | grep -v -- '^-')" -- "$cur")) ;;
  esac
  # No command or flag left to offer: let the shell complete file names (configs, checkouts).
  [ \${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=($(compgen -f -- "$cur"))
  return 0
}
_ironbots_words() {
  local words
  case "$1" in
${cases}
    *) return 1 ;;
  esac
  printf '%s\\n' "$words"
}
complete -F _ironbots ironbots
`;
}
function shellQuote(word) {
	return `'${word.replaceAll("'", "'\\''")}'`;
}
// cli/text-log.ts
var import_dist = require_dist();
function textLog(write, options = {}) {
	const { secrets } = options;
	const debug = options.debug ?? (process.env.RUNNER_DEBUG === "1" || process.env.IRONBOTS_LOG_LEVEL === "debug");
	const emit = (text) => write(secrets ? secrets.redact(text) : text);
	const where = (annotation) => annotation?.file ? `${annotation.file}${annotation.line ? `:${annotation.line}` : ""}: ` : "";
	return {
		info: (message) => emit(message),
		notice: (message) => emit(`notice: ${message}`),
		warn: (message, annotation) => emit(`warning: ${where(annotation)}${message}`),
		error: (message, annotation) => emit(`error: ${where(annotation)}${message}`),
		debug: (message) => {
			if (debug) emit(`debug: ${message}`);
		},
		group: async (name, run) => {
			emit(`\u2500\u2500 ${name}`);
			return run();
		}
	};
}
function terminalLog(secrets) {
	return textLog((line) => process.stderr.write(`${line}\n`), secrets ? { secrets } : {});
}
// cli/action-command.ts
const repoRoot = __ironbotsPath.resolve(__ironbotsPath.join(import.meta.dirname, ".."), "..");
function declaredInputs(actionDir) {
	const file = __ironbotsPath.join(repoRoot, actionDir, "action.yml");
	const action = (0, import_dist.parse)(readFileSync(file, "utf8"));
	return Object.entries(action.inputs ?? {});
}
const camelCase = (name) => name.replace(/-(\w)/g, (_m, c) => c.toUpperCase());
const oneLine = (text) => (text ?? "").replace(/\s+/g, " ").trim();
function registerActionCommand(program, spec) {
	const command = program.command(spec.name).description(spec.description);
	const secretInputs = spec.secretInputs ?? {};
	const argumentInputs = (spec.arguments ?? []).map((a) => a.input);
	for (const argument of spec.arguments ?? []) command.argument(argument.syntax, argument.description);
	const inputs = declaredInputs(spec.actionDir);
	for (const [name, declared] of inputs) {
		if (name in secretInputs || argumentInputs.includes(name) || name in (spec.renamedInputs ?? {})) continue;
		const variable = spec.environment?.[name];
		const description = oneLine(declared.description) + (variable ? ` (env ${variable})` : "");
		const fallback = declared.default?.includes("${{") ? "" : declared.default ?? "";
		const value = variable && process.env[variable] || fallback;
		if (fallback === "true" || fallback === "false") command.option(`--${name} [true|false]`, description, value);
		else command.option(`--${name} <value>`, description, value || void 0);
	}
	for (const [name, variable] of Object.entries(secretInputs)) {
		const declared = inputs.find(([input]) => input === name)?.[1];
		command.option(`--${name}-env <variable>`, `environment variable holding the ${name}: ${oneLine(declared?.description)}`, variable);
	}
	spec.extraOptions?.(command);
	command.action(async (...received) => {
		const options = received[argumentInputs.length];
		const given = Object.fromEntries(argumentInputs.map((name, i) => [name, received[i]]));
		const secretVariable = (name) => String(options[camelCase(`${name}-env`)]);
		const source = (name) => {
			if (name in given) return given[name];
			if (name in secretInputs) return process.env[secretVariable(name)];
			const value = options[camelCase(name)];
			return value === void 0 ? void 0 : String(value);
		};
		const secrets = new SecretRegistry();
		for (const name of Object.keys(secretInputs)) secrets.add(source(name));
		try {
			await spec.run({
				inputs: source,
				options,
				log: terminalLog(secrets),
				secrets
			});
		} catch (error) {
			if (!(error instanceof InputError)) throw error;
			if (error.input in secretInputs) throw new Error(`${error.input} ${error.problem}: set it in the environment variable ${secretVariable(error.input)} (never on the command line)`, { cause: error });
			const where = error.input in given ? `<${error.input}>` : `--${error.input}`;
			throw new Error(`${where}: ${error.problem}`, { cause: error });
		}
	});
	return command;
}
// cli/ci-environment.ts
function ciRunFromEnvironment(env) {
	const tag = env.GITHUB_REF?.startsWith("refs/tags/") ? env.GITHUB_REF.slice(10) : env.CI_COMMIT_TAG || void 0;
	const defined = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== void 0 && v !== ""));
	return defined({
		tag,
		sha: env.GITHUB_SHA,
		event: env.GITHUB_EVENT_NAME || env.CI_PIPELINE_SOURCE,
		baseRef: env.GITHUB_BASE_REF || env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME,
		github: defined({
			repository: env.GITHUB_REPOSITORY,
			apiUrl: env.GITHUB_API_URL,
			serverUrl: env.GITHUB_SERVER_URL
		}),
		gitlab: defined({
			url: env.CI_SERVER_URL,
			project: env.CI_PROJECT_PATH
		})
	});
}
// cli/commands/container-refresh-command.ts
function registerContainerRefreshCommand(program) {
	const env = process.env;
	registerActionCommand(program, {
		name: "container-refresh",
		actionDir: "actions/container-refresh",
		description: "rebuild and test a CI container image: on a merge request only when its directory changed, never pushing; on a schedule push a dated tag and latest, with one issue while it fails; or roll latest back",
		secretInputs: {
			token: "IRONBOTS_FORGE_TOKEN",
			"registry-password": "IRONBOTS_REGISTRY_PASSWORD"
		},
		extraOptions: (command) => command.option("--forge <kind>", "where the failure issue goes: gitlab or github (default: the CI this runs in)", env.GITLAB_CI ? "gitlab" : env.GITHUB_ACTIONS ? "github" : void 0).option("--forge-url <url>", "GitLab instance or GitHub API URL (default CI_SERVER_URL / GITHUB_API_URL)", env.CI_SERVER_URL ?? env.GITHUB_API_URL).option("--repository <path>", "the project for the issue, e.g. group/project (default CI_PROJECT_PATH / GITHUB_REPOSITORY)", env.CI_PROJECT_PATH ?? env.GITHUB_REPOSITORY).option("--workspace <dir>", "the checkout the directory is in", env.CI_PROJECT_DIR ?? env.GITHUB_WORKSPACE ?? process.cwd()),
		async run({ inputs, options, log, secrets }) {
			const { readSettings } = await import("./inputs-Cu_dacfs.mjs");
			const settings = readSettings(inputs, ciRunFromEnvironment(env));
			let issues = null;
			if (settings.token) {
				const kind = options.forge;
				if (kind !== "gitlab" && kind !== "github") throw new Error(`--forge: "${String(kind ?? "")}" is neither gitlab nor github (needed for the failure issue)`);
				const repository = String(options.repository ?? "");
				const slash = repository.lastIndexOf("/");
				if (slash <= 0) throw new Error(`--repository: "${repository}" is not owner/name`);
				issues = {
					kind,
					apiUrl: options.forgeUrl ?? (kind === "github" ? "https://api.github.com" : "https://gitlab.com"),
					token: settings.token,
					repository: {
						owner: repository.slice(0, slash),
						name: repository.slice(slash + 1)
					}
				};
			}
			const { runConfigured } = await import("./configured-run-vrO0MAtQ.mjs");
			secrets.add(settings.credentials?.password);
			const runUrl = env.CI_JOB_URL ?? (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : void 0);
			const result = await runConfigured(settings, {
				log,
				tempRoot: os.tmpdir(),
				workspace: String(options.workspace ?? process.cwd()),
				issues,
				...runUrl ? { runUrl } : {}
			});
			process.stdout.write(`${JSON.stringify(result)}\n`);
			if (result.outcome === "failed") {
				process.stderr.write(`ironbots: ${result.error ?? "failed"}${result.issue ? ` (issue ${result.issue.action}: ${result.issue.url})` : ""}\n`);
				process.exitCode = 1;
			}
		}
	});
}
// cli/commands/options.ts
function positiveInteger(value) {
	const n = Number(value);
	if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive whole number, got "${value}"`);
	return n;
}
const CONFIG_OPTION = [
	"-c, --config <file>",
	"deployment configuration (env IRONBOTS_CONFIG)",
	process.env.IRONBOTS_CONFIG ?? "/etc/ironbots/config.yml"
];
function DIR_OPTION(description) {
	return ["-C, --dir <dir>", `${description} (default: the current directory)`];
}
function renamedDirOption(flag) {
	return new Option(`${flag} <dir>`, `renamed to --dir`).hideHelp();
}
function directoryOf(options) {
	const old = options.project !== void 0 ? "project" : options.checkout !== void 0 ? "checkout" : null;
	if (old && options.dir === void 0) process.stderr.write(`ironbots: warning: --${old} is renamed to --dir (-C); it will go in a later release\n`);
	return options.dir ?? options.project ?? options.checkout ?? ".";
}
// cli/log-format.ts
function logFormatOption() {
	return new Option("--log-format <format>", "human (a terminal\u2019s default) or json (otherwise)").choices(["human", "json"]).env("IRONBOTS_LOG_FORMAT");
}
async function logDestination(format) {
	if ((format ?? (process.stderr.isTTY ? "human" : "json")) === "json") return process.stderr;
	const { default: pretty } = await import("./pino-pretty-DZ0IqzcS.mjs").then((m) => /* @__PURE__ */ __toESM(m.default, 1));
	return pretty({
		destination: 2,
		sync: true,
		colorize: process.stderr.isTTY,
		translateTime: "SYS:HH:MM:ss",
		ignore: "pid,hostname,name",
		singleLine: true
	});
}
// cli/commands/deployment-commands.ts
async function openDeploymentFile(configFile, logFormat, walCheckpoints = "inline") {
	const config = await loadDeploymentConfig(configFile);
	const { openDeployment, secretsOf } = await import("./deployment-C0cAGe1q.mjs");
	const secrets = secretsOf(config);
	const destination = await logDestination(logFormat);
	return openDeployment(config, {
		logger: createLogger({
			name: "ironbots",
			secrets,
			destination
		}),
		secrets,
		walCheckpoints
	});
}
function untilSignal() {
	return new Promise((resolve) => {
		process.once("SIGINT", resolve);
		process.once("SIGTERM", resolve);
	});
}
function drainOnSignal(agent, logger) {
	return new Promise((resolve) => {
		const handBack = (signal) => {
			process.off("SIGINT", handBack);
			process.off("SIGTERM", handBack);
			logger.info({
				signal,
				jobs: agent.runningJobs
			}, "second signal: handing the running jobs back to the queue now");
			agent.stop().then(resolve, resolve);
		};
		const drain = (signal) => {
			process.off("SIGINT", drain);
			process.off("SIGTERM", drain);
			process.once("SIGINT", handBack);
			process.once("SIGTERM", handBack);
			logger.info({
				signal,
				jobs: agent.runningJobs
			}, "draining: taking no new jobs, letting the running ones finish (signal again to hand them back now)");
			agent.drain().then(() => {
				logger.info("drained: no job running, stopping");
				resolve();
			}, resolve);
		};
		process.once("SIGINT", drain);
		process.once("SIGTERM", drain);
	});
}
function registerDeploymentCommands(program) {
	const configOption = CONFIG_OPTION;
	program.command("serve").description("run the server (webhook receiver, job API, planner, scanner) and, if configured, an agent").option(...configOption).addOption(logFormatOption()).action(async (options) => {
		const deployment = await openDeploymentFile(options.config, options.logFormat, "thread");
		if (!deployment.config.server) throw new Error(`${options.config}: the server section is required for \`ironbots serve\``);
		await deployment.startServer();
		if (deployment.config.agent) await deployment.startAgent();
		await untilSignal();
		await deployment.close();
	});
	program.command("agent").description("run an agent: take jobs whose labels this machine offers, run them, report statuses").option(...configOption).addOption(logFormatOption()).action(async (options) => {
		const deployment = await openDeploymentFile(options.config, options.logFormat);
		if (!deployment.config.agent) throw new Error(`${options.config}: the agent section is required for \`ironbots agent\``);
		await drainOnSignal(await deployment.startAgent().catch(async (error) => {
			await deployment.close();
			throw new Error(`${options.config}: ${error.message}`);
		}), deployment.logger);
		await deployment.close();
	});
	program.command("scan").description("re-read the forge once, statuses included, and plan every open PR whose jobs are missing (recovers lost webhooks)").option(...configOption).action(async (options) => {
		const deployment = await openDeploymentFile(options.config);
		if (!deployment.forge) throw new Error(`${options.config}: the forge section is required for \`ironbots scan\``);
		const planner = await deployment.planner();
		let failures = 0;
		for (const repo of await deployment.repositories()) {
			let results;
			try {
				results = await planner.scanRepository(repo, { full: true });
			} catch (error) {
				failures++;
				process.stdout.write(`${repo.owner}/${repo.name}: failed: ${error.message}\n`);
				continue;
			}
			for (const [number, result] of results) {
				const detail = result.kind === "planned" ? `${result.jobs.filter((j) => !j.duplicate).length} new job(s), ${result.skipped.length} context(s) already have a status` : result.kind === "ignored" ? result.reason : result.kind === "config-error" ? `config error (status posted): ${result.message}` : result.kind === "failed" ? `failed: ${result.message}` : result.kind;
				if (result.kind === "failed") failures++;
				process.stdout.write(`${repo.owner}/${repo.name}#${number}: ${detail}\n`);
			}
		}
		await deployment.close();
		if (failures) {
			process.stderr.write(`ironbots scan: ${failures} pull request(s) or repositories could not be planned\n`);
			process.exitCode = 1;
		}
	});
	const queue = program.command("queue").description("look into the job queue");
	queue.command("stats").option(...configOption).action(async (options) => {
		const deployment = await openDeploymentFile(options.config);
		for (const q of [deployment.events, deployment.jobs]) {
			const s = await q.stats();
			process.stdout.write(`${q.name}: ${s.queued} queued, ${s.leased} running, ${s.done} done, ${s.dead} dead, ${s.cancelled} cancelled\n`);
		}
		await deployment.close();
	});
	queue.command("dead").description("list dead-lettered jobs and deliveries with the reason they died").option(...configOption).action(async (options) => {
		const deployment = await openDeploymentFile(options.config);
		for (const q of [deployment.events, deployment.jobs]) for (const d of await q.deadLetters()) process.stdout.write(`${q.name} ${d.message.id} after ${d.message.attempt} attempt(s) at ${new Date(d.deadAt).toISOString()}: ${d.reason}\n`);
		await deployment.close();
	});
	queue.command("redrive").description("give a dead-lettered job a fresh attempt budget").argument("<id>").option(...configOption).action(async (id, options) => {
		const deployment = await openDeploymentFile(options.config);
		const found = await deployment.jobs.state(id) ? deployment.jobs : await deployment.events.state(id) ? deployment.events : null;
		if (!found) throw new Error(`no job or delivery ${id}`);
		await found.redrive(id);
		if (found === deployment.jobs) {
			const { jobDedupKey } = await import("./job-CP2R_AtT.mjs");
			const state = await deployment.jobs.state(id);
			const key = state ? jobDedupKey(state.message.payload) : void 0;
			if (key) await deployment.records.reopen(key);
		}
		process.stdout.write(`${found.name} ${id} queued again\n`);
		await deployment.close();
	});
	const runners = program.command("runners").description("GitHub runners registered by ironbots (runners.github): what is there, and removing ghosts");
	runners.command("list").description("the runner registrations ironbots made, and the queued workflow jobs of each repository").option(...configOption).action(async (options) => {
		const deployment = await openDeploymentFile(options.config);
		try {
			const tools = requireRunners(deployment, options.config);
			const { describeScope } = await import("./forge-ghRzEWhU.mjs");
			const { runnerNameTime } = await import("./jit-runner-launcher-CJFEhwe0.mjs");
			for (const scope of tools.scopes) {
				const ours = (await tools.forge.listRunners(scope)).filter((r) => runnerNameTime(tools.settings.namePrefix, r.name) !== null);
				process.stdout.write(`${describeScope(scope)}: ${ours.length} runner(s) of ironbots\n`);
				for (const r of ours) {
					const age = Math.round((Date.now() - runnerNameTime(tools.settings.namePrefix, r.name)) / 1e3);
					process.stdout.write(`  ${r.name}  id ${r.id}  ${r.online ? "online" : "offline"}${r.busy ? ", busy" : ""}  ${age} s old  [${r.labels.join(", ")}]\n`);
				}
			}
			for (const repo of tools.repositories) {
				const queued = await tools.forge.listQueuedWorkflowJobs(repo);
				process.stdout.write(`${repo.owner}/${repo.name}: ${queued.length} queued workflow job(s)\n`);
				for (const job of queued) process.stdout.write(`  ${job.id}  ${job.name}  runs-on [${job.labels.join(", ")}]  queued ${job.createdAt}\n`);
			}
		} finally {
			await deployment.close();
		}
	});
	runners.command("reap").description("remove ghost registrations: offline runners of ironbots older than a runner could need to come online (the server does this every runners.github.reapIntervalSeconds)").option(...configOption).action(async (options) => {
		const deployment = await openDeploymentFile(options.config);
		try {
			const { alive, removed } = await requireRunners(deployment, options.config).reaper.reap();
			process.stdout.write(`removed ${removed} ghost registration(s); ${alive} registration(s) of ironbots remain\n`);
		} finally {
			await deployment.close();
		}
	});
	program.command("logs").description("job logs and artifacts in the deployment\u2019s log store").command("prune").description("remove the logs and artifacts of jobs that ended longer ago than logs.retentionDays (the server also does this hourly)").option("--older-than <days>", "days instead of logs.retentionDays", parseDays).option(...configOption).action(async (options) => {
		const deployment = await openDeploymentFile(options.config);
		try {
			const days = options.olderThan ?? deployment.config.logs.retentionDays;
			const before = /* @__PURE__ */ new Date(Date.now() - days * 24 * 36e5);
			const { jobs } = await deployment.logStore.prune(before);
			process.stdout.write(`removed the logs and artifacts of ${jobs} job(s) that ended before ${before.toISOString()} (${days} days ago)\n`);
		} finally {
			await deployment.close();
		}
	});
}
function requireRunners(deployment, configFile) {
	const tools = deployment.runners();
	if (!tools) throw new Error(`${configFile}: the runners.github section is required for \`ironbots runners\``);
	return tools;
}
function parseDays(value) {
	const days = Number(value);
	if (!/^\d+(\.\d+)?$/.test(value) || !(days > 0)) throw new InvalidArgumentError("a number of days greater than 0, e.g. 30");
	return days;
}
// cli/exit-codes.ts
const EXIT = {
	passed: 0,
	failed: 1,
	usage: 2,
	infrastructure: 3,
	interrupted: 130
};
const UNREACHABLE_CODES = /* @__PURE__ */ new Set([
	"ECONNREFUSED",
	"ECONNRESET",
	"EHOSTUNREACH",
	"ENETUNREACH",
	"ENOTFOUND",
	"EAI_AGAIN",
	"ETIMEDOUT",
	"EPIPE",
	"UND_ERR_CONNECT_TIMEOUT",
	"UND_ERR_HEADERS_TIMEOUT",
	"UND_ERR_SOCKET"
]);
function isUnreachable(error) {
	for (let e = error, depth = 0; e && depth < 10; e = e.cause, depth++) {
		const { code, name } = e;
		if (typeof code === "string" && UNREACHABLE_CODES.has(code)) return true;
		if (name === "TimeoutError") return true;
	}
	return false;
}
// cli/commands/image-commands.ts
async function open$1(configFile) {
	const config = await loadDeploymentConfig(configFile);
	const { secretsOf } = await import("./deployment-C0cAGe1q.mjs");
	const secrets = secretsOf(config);
	return {
		config,
		secrets,
		say: (line) => process.stdout.write(`${secrets.redact(line)}\n`)
	};
}
async function forgeOf(opened, configFile, command) {
	const forge = opened.config.forge;
	if (!forge) throw new Error(`${configFile}: the forge section is required for \`ironbots ${command}\``);
	return forgeFromConfig(forge, { secrets: opened.secrets });
}
function repositoriesOf(opened, configFile, given) {
	const names = given ? [given] : opened.config.forge?.repositories ?? [];
	if (names.length === 0) throw new Error(`name the repository with --repository owner/name, or list it in ${configFile} forge.repositories`);
	return names.map((full) => {
		const match = /^([^/\s]+)\/([^/\s]+)$/.exec(full);
		if (!match) throw new Error(`--repository: expected owner/name, got "${full}"`);
		return {
			owner: match[1],
			name: match[2]
		};
	});
}
async function progressOn(label) {
	const { transferProgress } = await import("./transfer-progress-2Ea-TMp8.mjs");
	return transferProgress(label, process.stderr);
}
function age(storedAt, now = Date.now()) {
	const hours = (now - storedAt.getTime()) / 36e5;
	return hours < 48 ? `${Math.max(0, Math.floor(hours))}h` : `${Math.floor(hours / 24)}d`;
}
function collectInput(value, previous) {
	const match = /^([^=]+)=(.*)$/s.exec(value);
	if (!match) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
	const key = match[1].trim();
	if (Object.hasOwn(previous, key)) throw new InvalidArgumentError(`the input "${key}" is given twice`);
	return {
		...previous,
		[key]: match[2]
	};
}
const INPUT_OPTION = [
	"--input <key=value>",
	"a value for one of the recipe's inputs (repeatable), e.g. --input runner-sha256=\u2026",
	collectInput,
	{}
];
async function loadRecipe(file, inputs) {
	const { loadImageRecipe, RecipeInputError } = await import("./image-recipe-DvMbFd3V.mjs");
	try {
		return await loadImageRecipe(file, { inputs });
	} catch (error) {
		if (error instanceof RecipeInputError) process.exitCode = EXIT.usage;
		throw error;
	}
}
function registerImageCommands(program) {
	const configOption = CONFIG_OPTION;
	program.command("image-refresh").description("build and boot-test a VM image, upload it to the image store, and open a pull request that updates images/<name>").argument("<name>", "the image, e.g. debian-12").option(...configOption).option("--repository <owner/name>", "the repository to open the pull request on (default: a job's own, env IRONBOTS_REPOSITORY, else the one in the configuration)", process.env.IRONBOTS_REPOSITORY || void 0).option("--pull-request <number>", "do the task `- [ ] image-refresh <name>` of this pull request: commit images/<name> onto its branch and tick the box, instead of opening a pull request", positiveInteger).option("--work-dir <dir>", "scratch space for the build", os.tmpdir()).option(...DIR_OPTION("the project whose images/recipes/<name>.yml builds the image")).addOption(renamedDirOption("--project")).option(...INPUT_OPTION).action(async (name, options) => {
		const opened = await open$1(options.config);
		const [repo] = repositoriesOf(opened, options.config, options.repository);
		if (!options.repository && (opened.config.forge?.repositories.length ?? 0) > 1) throw new Error(`${options.config} lists several repositories: choose one with --repository`);
		const forge = await forgeOf(opened, options.config, "image-refresh");
		const { imageStoreFromConfig } = await import("./image-store-from-config-UoORbUSY.mjs");
		const { refreshImage } = await import("./image-refresh-3HtDT-Px.mjs");
		const { BusyboxImageBuilder } = await import("./busybox-image-builder-B8I4De3K.mjs");
		const { recipeFile } = await import("./image-recipe-DvMbFd3V.mjs");
		const { RecipeImageBuilder } = await import("./recipe-image-builder-C0WPZNGr.mjs");
		const { existsSync } = await import("node:fs");
		const recipePath = recipeFile(name, __ironbotsPath.resolve(directoryOf(options)));
		if (!existsSync(recipePath) && Object.keys(options.input).length > 0) {
			process.exitCode = EXIT.usage;
			throw new Error(`--input: there is no recipe ${recipePath} to take inputs (the ${name} image is built without one)`);
		}
		const builder = existsSync(recipePath) ? new RecipeImageBuilder({ recipe: await loadRecipe(recipePath, options.input) }) : new BusyboxImageBuilder();
		const { store } = imageStoreFromConfig(opened.config);
		const progress = await progressOn(`upload ${name}`);
		const result = await refreshImage({
			name,
			builder,
			store,
			forge,
			repo,
			workDir: options.workDir,
			...options.pullRequest !== void 0 ? { pullRequest: options.pullRequest } : {},
			io: { log: opened.say },
			uploadProgress: (done, total) => progress.update(done, total)
		});
		if (result.kind === "current") opened.say(`${name}: already current (${result.blob})`);
		else if (result.kind === "task-done") opened.say(`${name}: ${result.commit ? `pushed ${result.commit.slice(0, 7)} to` : "already current on"} ${result.pullRequest.htmlUrl}` + (result.ticked ? ", box ticked" : ""));
		else opened.say(`${name}: ${result.pullRequest.htmlUrl}`);
	});
	const image = program.command("image").description("VM images: build from a recipe; the image store: list, fetch, upload, prune");
	image.command("build").description("build a VM image from its recipe (images/recipes/<name>.yml), boot-test it, and make it the local <name> image").argument("<recipe>", "a recipe name (looked up in <project>/images/recipes) or a recipe file").option(...DIR_OPTION("the project holding images/recipes")).addOption(renamedDirOption("--project")).option("--force", "build even when this recipe was built here already", false).option(...INPUT_OPTION).action(async (reference, options) => {
		const { recipeFile } = await import("./image-recipe-DvMbFd3V.mjs");
		const { ensureRecipeImage, localImagesDir } = await import("./vm-setup-Bk7fGWL3.mjs");
		const recipe = await loadRecipe(recipeFile(reference, __ironbotsPath.resolve(directoryOf(options))), options.input);
		const controller = new AbortController();
		process.once("SIGINT", () => controller.abort(/* @__PURE__ */ new Error("interrupted")));
		const blob = await ensureRecipeImage({
			recipe,
			force: options.force,
			print: (line) => process.stderr.write(`${line}\n`),
			signal: controller.signal
		});
		process.stdout.write(`${__ironbotsPath.join(localImagesDir(), blob)}\n`);
	});
	image.command("list").description("list the blobs in the image store with their sizes and ages").option(...configOption).action(async (options) => {
		const opened = await open$1(options.config);
		const { imageStoreFromConfig } = await import("./image-store-from-config-UoORbUSY.mjs");
		const { formatBytes } = await import("./sizes-GxdJMbCu.mjs");
		const { store } = imageStoreFromConfig(opened.config);
		const images = await store.list();
		if (images.length === 0) opened.say(`no images in ${store.description}`);
		for (const i of images) opened.say(`${i.blob}\t${formatBytes(i.bytes)}\t${age(i.storedAt)}\t${i.storedAt.toISOString()}`);
	});
	image.command("fetch").description("download an image into the local cache (resuming, verified) and print its path").argument("<image>", "an image name (read from <checkout>/images/<name>) or a blob name").option(...configOption).option(...DIR_OPTION("the repository checkout holding images/<name>")).addOption(renamedDirOption("--checkout")).action(async (reference, options) => {
		const opened = await open$1(options.config);
		const { imageStoreFromConfig } = await import("./image-store-from-config-UoORbUSY.mjs");
		const { StoreImageResolver } = await import("./store-image-resolver-COXE4IKi.mjs");
		const { store, cacheDir } = imageStoreFromConfig(opened.config);
		const progress = await progressOn(`fetch ${reference}`);
		const tty = process.stderr.isTTY;
		const file = await new StoreImageResolver({
			store,
			cacheDir,
			...tty ? { onProgress: (done, total) => progress.update(done, total) } : {}
		}).resolve(reference, __ironbotsPath.resolve(directoryOf(options)), { log: (line) => process.stderr.write(`${tty ? "\r\x1B[K" : ""}${opened.secrets.redact(line)}\n`) });
		process.stdout.write(`${file}\n`);
	});
	image.command("upload").description("upload a qcow2 to the image store as <name>-<sha256>.qcow2 and print the blob name").argument("<file>", "the qcow2 file").requiredOption("--name <name>", "the image name, e.g. debian-12").option(...configOption).action(async (file, options) => {
		const opened = await open$1(options.config);
		const { imageStoreFromConfig } = await import("./image-store-from-config-UoORbUSY.mjs");
		const { blobName } = await import("./image-reference-jHUYeK34.mjs");
		const { sha256OfFile } = await import("./verified-download-D8G1Zwz9.mjs");
		const { store } = imageStoreFromConfig(opened.config);
		const blob = blobName(options.name, await sha256OfFile(file));
		const progress = await progressOn(`upload ${blob}`);
		await store.upload(file, blob, { progress: (done, total) => progress.update(done, total) });
		progress.finish();
		opened.say(blob);
	});
	image.command("prune").description("remove images that no branch or open pull request refers to (images/<name>) and that are older than N days").requiredOption("--older-than-days <n>", "keep unreferenced images younger than this", positiveInteger).option("--dry-run", "only say what would be removed", false).option("--repository <owner/name>", "the repository whose references count (default: every configured one)").option(...configOption).action(async (options) => {
		const opened = await open$1(options.config);
		const forge = await forgeOf(opened, options.config, "image prune");
		const repositories = repositoriesOf(opened, options.config, options.repository);
		const { imageStoreFromConfig } = await import("./image-store-from-config-UoORbUSY.mjs");
		const { pruneImages } = await import("./image-prune-DrS3WRDR.mjs");
		const { store } = imageStoreFromConfig(opened.config);
		const result = await pruneImages({
			store,
			forge,
			repositories,
			olderThanDays: options.olderThanDays,
			dryRun: options.dryRun,
			log: opened.say
		});
		for (const k of result.kept) opened.say(`keeping ${k.image.blob}: ${k.referencedBy.join(", ")}`);
		for (const y of result.young) opened.say(`keeping ${y.blob}: stored ${age(y.storedAt)} ago`);
		opened.say(`${options.dryRun ? "would remove" : "removed"} ${result.removed.length}, kept ${result.kept.length + result.young.length}`);
	});
}
// cli/commands/gitlab-executor-command.ts
const ENV = {
	stateDir: "IRONBOTS_GITLAB_STATE_DIR",
	image: "IRONBOTS_GITLAB_IMAGE",
	shell: "IRONBOTS_GITLAB_SHELL",
	network: "IRONBOTS_GITLAB_NETWORK",
	memory: "IRONBOTS_GITLAB_MEMORY",
	accelerator: "IRONBOTS_GITLAB_ACCELERATOR",
	bootTimeout: "IRONBOTS_GITLAB_BOOT_TIMEOUT",
	reapGrace: "IRONBOTS_GITLAB_REAP_GRACE",
	savedStates: "IRONBOTS_GITLAB_SAVED_STATES",
	kernelArguments: "IRONBOTS_GITLAB_KERNEL_ARGUMENTS"
};
function withDriverOptions(command) {
	return command.addOption(new Option("--state-dir <dir>", "one directory per job (VM, overlay, sockets); default: the ironbots cache").env(ENV.stateDir)).addOption(new Option("--image <image>", "the VM image of jobs whose image: is not one of this machine's (a name built with `ironbots image build`, a blob or a path)").env(ENV.image).default("debian-12")).addOption(new Option("--shell <shell>", "the shell gitlab-runner writes scripts for (config.toml shell); sh for busybox images").choices(["bash", "sh"]).env(ENV.shell).default("bash")).addOption(new Option("--network <mode>", "the VM's network: user (reaches the host's loopback at 10.0.2.2) or none").choices(["user", "none"]).env(ENV.network).default("user")).addOption(new Option("--memory <megabytes>", "the VM's memory").env(ENV.memory).default(1024).argParser(positiveInteger)).addOption(new Option("--accelerator <mode>", "auto: KVM when it works here, else TCG").choices([
		"auto",
		"kvm",
		"tcg"
	]).env(ENV.accelerator).default("auto")).addOption(new Option("--boot-timeout <seconds>", "give up on a VM that does not boot (default 180 under TCG, 60 under KVM)").env(ENV.bootTimeout).argParser(positiveInteger)).addOption(new Option("--reap-grace <seconds>", "reap a VM left without cleanup this long after its job's timeout").env(ENV.reapGrace).default(600).argParser((v) => v === "0" ? 0 : positiveInteger(v))).addOption(new Option("--saved-states <on|off>", "off: boot every VM cold instead of restoring a saved state").choices(["on", "off"]).env(ENV.savedStates).default("on")).addOption(new Option("--kernel-arguments <text>").env(ENV.kernelArguments).hideHelp()).option("--builds-dir <dir>", "config: where jobs are built, in the VM", "/builds").option("--cache-dir <dir>", "config: where the local cache goes, in the VM", "/cache");
}
function jobEnvOf(flags, stateDir) {
	return {
		[ENV.stateDir]: stateDir,
		[ENV.image]: flags.image,
		[ENV.shell]: flags.shell,
		[ENV.network]: flags.network,
		[ENV.memory]: String(flags.memory),
		[ENV.accelerator]: flags.accelerator,
		[ENV.reapGrace]: String(flags.reapGrace),
		[ENV.savedStates]: flags.savedStates,
		...flags.bootTimeout ? { [ENV.bootTimeout]: String(flags.bootTimeout) } : {},
		...flags.kernelArguments ? { [ENV.kernelArguments]: flags.kernelArguments } : {}
	};
}
async function driverFor(flags) {
	const [{ GitLabCustomExecutor }, { VmMachinery }, { defaultCacheDir }, { localImagesDir }, { LocalImageResolver }] = await Promise.all([
		import("./custom-executor-CzDox-N-.mjs"),
		import("./vm-machinery-yeL8FL4l.mjs"),
		import("./debian-kernel-B1X6WNb3.mjs"),
		import("./vm-setup-Bk7fGWL3.mjs"),
		import("./local-image-resolver-CvwuGpvb.mjs")
	]);
	const cacheDir = defaultCacheDir();
	const stateDir = __ironbotsPath.resolve(flags.stateDir ?? __ironbotsPath.join(cacheDir, "gitlab-executor"));
	const resolver = new LocalImageResolver({ dir: localImagesDir(cacheDir) });
	return new GitLabCustomExecutor({
		stateDir,
		machinery: new VmMachinery({
			bootFilesDir: __ironbotsPath.join(cacheDir, "boot-files"),
			...flags.savedStates === "on" ? { savedStatesDir: __ironbotsPath.join(stateDir, "vm-states") } : {},
			memoryMegabytes: flags.memory,
			...flags.accelerator === "auto" ? {} : { accelerator: {
				mode: flags.accelerator,
				describe: flags.accelerator === "kvm" ? "KVM" : "TCG (chosen with --accelerator tcg)"
			} },
			...flags.bootTimeout ? { bootTimeoutMs: flags.bootTimeout * 1e3 } : {},
			...flags.kernelArguments ? { kernelArguments: flags.kernelArguments } : {}
		}),
		defaultImage: flags.image,
		resolveImage: (reference) => __ironbotsPath.isAbsolute(reference) ? Promise.resolve(reference) : resolver.resolve(reference, stateDir),
		shell: flags.shell,
		network: flags.network,
		buildsDir: flags.buildsDir,
		cacheDir: flags.cacheDir,
		reapGraceSeconds: flags.reapGrace,
		jobEnv: jobEnvOf(flags, stateDir),
		driverVersion: version,
		env: process.env,
		print: (line) => process.stdout.write(`${line}\n`),
		complain: (line) => process.stderr.write(`${line}\n`),
		output: (chunk) => process.stdout.write(chunk)
	});
}
function stopSignal() {
	const controller = new AbortController();
	const onSignal = () => controller.abort(/* @__PURE__ */ new Error("stopped by a signal"));
	process.on("SIGTERM", onSignal);
	process.on("SIGINT", onSignal);
	return {
		signal: controller.signal,
		done() {
			process.off("SIGTERM", onSignal);
			process.off("SIGINT", onSignal);
		}
	};
}
function registerGitLabExecutorCommand(program) {
	const group = program.command("gitlab-executor").description("GitLab custom executor driver: each job in one throw-away VM (gitlab-runner's config/prepare/run/cleanup_exec)");
	withDriverOptions(group.command("config")).description("print the configuration gitlab-runner asks for (JSON: builds_dir, cache_dir, driver, job_env, shell)").action(async (flags) => {
		const driver = await driverFor(flags);
		process.stdout.write(`${driver.config()}\n`);
	});
	withDriverOptions(group.command("prepare")).description("start the job's VM (CUSTOM_ENV_CI_JOB_ID and the other CUSTOM_ENV_* variables say which job)").action(async (flags) => {
		const driver = await driverFor(flags);
		const stop = stopSignal();
		process.exitCode = await driver.prepare(stop.signal);
		stop.done();
	});
	withDriverOptions(group.command("run")).description("run one of gitlab-runner's stage scripts in the job's VM").argument("[script]", "the script gitlab-runner wrote").argument("[stage]", "the stage, e.g. get_sources, step_script, after_script").action(async (script, stage, flags) => {
		const driver = await driverFor(flags);
		const stop = stopSignal();
		process.exitCode = await driver.run(script, stage, stop.signal);
		stop.done();
	});
	withDriverOptions(group.command("cleanup")).description("kill the job's VM and remove its overlay (idempotent)").action(async (flags) => {
		const driver = await driverFor(flags);
		process.exitCode = await driver.cleanup();
	});
	withDriverOptions(group.command("reap")).description("kill the VMs of jobs that ended without cleanup (prepare does it too)").action(async (flags) => {
		const reaped = await (await driverFor(flags)).reap();
		process.stdout.write(`reaped ${reaped} leftover VM(s)\n`);
	});
}
// cli/commands/jobs-command.ts
const STATES = [
	"queued",
	"running",
	"done",
	"dead",
	"cancelled"
];
const REQUEST_TIMEOUT_MS = 3e4;
var UsageError = class extends Error {};
function where(target) {
	if (target.serverUrl && target.config) throw new UsageError("give either --server-url (a server) or --config (its queue directly), not both");
	if (target.config) return {
		kind: "config",
		file: target.config
	};
	const serverUrl = target.serverUrl ?? process.env.IRONBOTS_SERVER_URL;
	if (!serverUrl && process.env.IRONBOTS_CONFIG) return {
		kind: "config",
		file: process.env.IRONBOTS_CONFIG
	};
	if (!serverUrl) throw new UsageError("say where the jobs are: --server-url <url> (or IRONBOTS_SERVER_URL), or --config <file> for the deployment\u2019s queue");
	let url;
	try {
		url = new URL(serverUrl);
	} catch {
		throw new UsageError(`--server-url: "${serverUrl}" is not a URL`);
	}
	if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--server-url: "${serverUrl}" is not http(s)`);
	const token = process.env[target.tokenEnv] ?? "";
	if (!token) throw new UsageError(`set the API token in the environment variable ${target.tokenEnv} (never on the command line)`);
	return {
		kind: "server",
		url: url.toString().replace(/\/$/, ""),
		token
	};
}
function whoAmI() {
	try {
		return os.userInfo().username;
	} catch {
		return process.env.USER ?? "ironbots jobs cancel";
	}
}
async function call(server, method, path, body) {
	let res;
	let text;
	try {
		res = await fetch(`${server.url}${path}`, {
			method,
			headers: {
				authorization: `Bearer ${server.token}`,
				accept: "application/json",
				...body === void 0 ? {} : { "content-type": "application/json" }
			},
			...body === void 0 ? {} : { body: JSON.stringify(body) },
			signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
		});
		text = await res.text();
	} catch (error) {
		const reason = error.name === "TimeoutError" ? `no answer within ${REQUEST_TIMEOUT_MS / 1e3} s` : error.cause?.message ?? error.message;
		throw new Error(`cannot reach the ironbots server at ${new URL(server.url).origin}: ${reason}`, { cause: error });
	}
	let parsed;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new Error(`${method} ${path} answered HTTP ${res.status} with something that is not JSON`);
	}
	if (res.status === 401) throw new Error(`the server at ${server.url} refused the API token (HTTP 401)`);
	return {
		status: res.status,
		body: parsed
	};
}
function apiError(answer, what) {
	const error = typeof answer.body.error === "string" ? answer.body.error : JSON.stringify(answer.body);
	return /* @__PURE__ */ new Error(`${what}: HTTP ${answer.status}: ${error}`);
}
function registerJobsCommand(program) {
	const jobs = program.command("jobs").description("list and cancel jobs, on a server or in a deployment\u2019s queue");
	const targetOptions = (command) => command.option("--server-url <url>", "the ironbots server (env IRONBOTS_SERVER_URL)").option("--token-env <name>", "environment variable holding the API token", "IRONBOTS_API_TOKEN").option("-c, --config <file>", "work on the deployment\u2019s queue directly instead of a server (env IRONBOTS_CONFIG)");
	targetOptions(jobs.command("list").description("list jobs, newest first").addOption(new Option("--state <state>", "only jobs in this state").choices(STATES)).option("--limit <n>", "at most this many", positiveInteger, 50).option("--json", "print the jobs as JSON instead of a table", false)).action(async (options, command) => {
		const target = usable(command, options);
		let listed;
		if (target.kind === "server") {
			const query = new URLSearchParams({ limit: String(options.limit) });
			if (options.state) query.set("state", options.state);
			const answer = await call(target, "GET", `/api/v1/jobs?${query}`);
			if (answer.status !== 200) throw apiError(answer, "listing jobs");
			listed = answer.body.jobs;
		} else {
			const { listJobs } = await import("./job-control-DrasdJz_.mjs");
			const deployment = await openDeploymentFile(target.file);
			try {
				listed = await listJobs(deployment.jobs, {
					limit: options.limit,
					...options.state ? { state: options.state } : {}
				});
			} finally {
				await deployment.close();
			}
		}
		process.stdout.write(options.json ? `${JSON.stringify(listed, null, 2)}\n` : jobsTable(listed, Date.now()));
	});
	targetOptions(jobs.command("cancel").description("cancel a job: a queued one never runs, a running one is stopped by its agent; either ends with the status error \"Cancelled: by <you>\"").argument("<id>", "the job id (`ironbots jobs list`, the log URL, the submission)").option("--reason <text>", "why, for the status and the log")).action(async (id, options, command) => {
		const target = usable(command, options);
		const by = whoAmI();
		if (target.kind === "server") {
			const answer = await call(target, "POST", `/api/v1/jobs/${encodeURIComponent(id)}/cancel`, {
				by,
				...options.reason ? { reason: options.reason } : {}
			});
			if (answer.status === 404) return usageFailure(command, `no job ${id} on ${target.url}`);
			if (answer.status === 409) {
				process.stderr.write(`ironbots: job ${id} already ended: ${String(answer.body.state)}\n`);
				process.exitCode = EXIT.failed;
				return;
			}
			if (answer.status !== 202) throw apiError(answer, `cancelling job ${id}`);
			report(answer.body);
			return;
		}
		const { cancelJob } = await import("./job-control-DrasdJz_.mjs");
		const { cancelReason } = await import("./status-text-DJrx1rqV.mjs");
		const { StatusPublisher } = await import("./status-publisher-Bkf6Ve9B.mjs");
		const deployment = await openDeploymentFile(target.file);
		try {
			const publicUrl = deployment.config.publicUrl;
			const result = await cancelJob({
				jobs: deployment.jobs,
				logStore: deployment.logStore,
				logger: deployment.logger,
				statuses: {
					records: deployment.records,
					publisher: deployment.forge ? new StatusPublisher({
						forge: deployment.forge,
						records: deployment.records,
						logger: deployment.logger
					}) : null
				},
				logUrl: publicUrl ? (jobId) => `${publicUrl.replace(/\/$/, "")}/logs/${jobId}` : null
			}, id, cancelReason(by, options.reason));
			if (result.kind === "unknown") return usageFailure(command, `no job ${id} in ${target.file}\u2019s queue`);
			if (result.kind === "finished") {
				process.stderr.write(`ironbots: job ${id} already ended: ${result.job.state}\n`);
				process.exitCode = EXIT.failed;
				return;
			}
			report({
				...result.job,
				...result.kind === "cancelled" ? { description: result.description } : {}
			});
		} finally {
			await deployment.close();
		}
	});
}
function usable(command, options) {
	try {
		return where(options);
	} catch (error) {
		if (error instanceof UsageError) command.error(`error: ${error.message}`, { exitCode: EXIT.usage });
		throw error;
	}
}
function usageFailure(command, message) {
	command.error(`error: ${message}`, { exitCode: EXIT.usage });
}
function report(job) {
	process.stdout.write(job.state === "cancelling" ? `job ${job.id} (${job.context}) is being cancelled: ${job.agent ? `agent ${job.agent}` : "its agent"} stops it and posts the final status\n` : `job ${job.id} (${job.context}) cancelled${job.description ? `: ${job.description}` : ""}\n`);
}
function jobsTable(jobs, now) {
	if (jobs.length === 0) return "no jobs\n";
	const rows = [[
		"ID",
		"STATE",
		"CONTEXT",
		"COMMIT",
		"AGENT",
		"ATTEMPT",
		"ENQUEUED"
	], ...jobs.map((j) => [
		j.id,
		j.state,
		j.context,
		j.repository ? `${j.repository}${j.sha ? `@${j.sha.slice(0, 8)}` : ""}` : "\u2014",
		j.agent ?? "\u2014",
		String(j.attempt),
		`${ago(now - Date.parse(j.enqueuedAt))} ago`
	])];
	const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
	return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n") + "\n";
}
function ago(ms) {
	const s = Math.max(0, Math.floor(ms / 1e3));
	if (s < 60) return `${s} s`;
	if (s < 3600) return `${Math.floor(s / 60)} min`;
	if (s < 86400) return `${Math.floor(s / 3600)} h`;
	return `${Math.floor(s / 86400)} d`;
}
// cli/commands/local-command.ts
function registerLocalCommand(program) {
	program.command("local").description("run the whole loop offline: a PR on the built-in forge emulator \u2192 signed webhook \u2192 queue \u2192 agent \u2192 statuses and a live log").option("--keep", "leave the forge, server and agent running for you to poke at (Ctrl-C ends)", false).option("--state-dir <dir>", "keep queue, logs and repositories here instead of a temporary directory").option("--timeout <seconds>", "give up when the PR has no final status after this long", positiveInteger, 180).option("--executor <name>", "where the demo jobs run: process, podman or vm", "process").option("--forge <kind>", "the forge the emulator plays: github (a pull request) or gitlab (a merge request)", "github").option("--verbose", "show the structured logs of every component on stderr", false).action(async (options) => {
		if (options.forge !== "github" && options.forge !== "gitlab") throw new InvalidArgumentError(`--forge must be github or gitlab, not "${options.forge}"`);
		if (options.executor !== "process" && options.executor !== "podman" && options.executor !== "vm") throw new Error(`--executor must be process, podman or vm, not "${options.executor}"`);
		const { runLocalDemo } = await import("./local-demo-DqqN3NxW.mjs");
		const print = (line) => process.stdout.write(`ironbots local: ${line}\n`);
		const logger = createLogger({
			name: "ironbots",
			secrets: new SecretRegistry(),
			level: options.verbose ? "info" : "warn"
		});
		const result = await runLocalDemo({
			keep: options.keep,
			timeoutSeconds: options.timeout,
			executor: options.executor,
			forge: options.forge,
			print,
			logger,
			...options.stateDir ? { stateDir: options.stateDir } : {}
		});
		if (result.ok) print(`PR succeeded: ${result.statuses.map((s) => `${s.context} ${s.state}`).join(", ")}`);
		else print(`FAILED: ${result.reason}`);
		if (options.keep) {
			print(`still running \u2014 forge API ${result.urls.forge}, clone ${result.urls.cloneUrl}, server ${result.urls.server}`);
			print("press Ctrl-C to stop");
			await new Promise((resolve) => {
				process.once("SIGINT", resolve);
				process.once("SIGTERM", resolve);
			});
			await result.stop();
		}
		process.exitCode = result.ok ? 0 : 1;
	});
}
// cli/commands/npm-cache-command.ts
function registerNpmCacheCommand(program) {
	const env = process.env;
	registerActionCommand(program, {
		name: "npm-cache",
		actionDir: "actions/npm-cache",
		description: "restore or save node_modules keyed by package-lock.json (verified after restore), or update it",
		arguments: [{
			input: "mode",
			syntax: "<mode>",
			description: "restore, save or update"
		}],
		environment: {
			"working-directory": "NPM_CACHE_WORKING_DIRECTORY",
			store: "NPM_CACHE_STORE",
			"cache-dir": "NPM_CACHE_DIR",
			"s3-bucket": "NPM_CACHE_S3_BUCKET",
			"s3-prefix": "NPM_CACHE_S3_PREFIX",
			"s3-endpoint": "NPM_CACHE_S3_ENDPOINT",
			"s3-region": "NPM_CACHE_S3_REGION",
			"key-prefix": "NPM_CACHE_KEY_PREFIX",
			mount: "NPM_CACHE_MOUNT"
		},
		secretInputs: { token: "IRONBOTS_FORGE_TOKEN" },
		renamedInputs: RENAMED_INPUTS,
		extraOptions: (command) => command.option("--forge <kind>", "update: github or gitlab", env.GITLAB_CI ? "gitlab" : "github").option("--forge-url <url>", "update: the API (GitHub) or server (GitLab) URL (default GITHUB_API_URL or CI_SERVER_URL)").option("--repository <owner/name>", "update: the repository (default GITHUB_REPOSITORY or CI_PROJECT_PATH)"),
		async run({ inputs, options, log }) {
			const [{ readSettings }, { runConfigured }] = await Promise.all([import("./inputs-6X6bykdB.mjs"), import("./configured-run-B7WYR_VB.mjs")]);
			const settings = readSettings(inputs, {
				...env,
				GITHUB_WORKSPACE: process.cwd()
			}, (message) => log.warn(message));
			const pullRequest = settings.openPr ? await pullRequestTarget(options, settings.token, settings.branch, settings.baseBranch) : void 0;
			const result = await runConfigured(settings, {
				log,
				...pullRequest ? { pullRequest } : {}
			});
			if (result.mode === "restore") {
				process.stdout.write(`cache-hit=${result.hit}\n`);
				await result.oldTreeRemoved;
			} else if (result.mode === "save") process.stdout.write(`saved=${result.saved}\n`);
			else {
				process.stdout.write(`saved=${result.refreshed}\n`);
				if (result.pullRequest) process.stdout.write(`pull-request=${result.pullRequest.htmlUrl}\n`);
			}
		}
	});
}
async function pullRequestTarget(options, token, branch, baseBranch) {
	const env = process.env;
	const forgeUrl = options.forgeUrl;
	const full = options.repository ?? (options.forge === "gitlab" ? env.CI_PROJECT_PATH : env.GITHUB_REPOSITORY) ?? "";
	const slash = full.lastIndexOf("/");
	if (slash <= 0) throw new Error(`--repository: "${full}" is not owner/name`);
	const repo = {
		owner: full.slice(0, slash),
		name: full.slice(slash + 1)
	};
	const kind = options.forge;
	if (kind !== "github" && kind !== "gitlab") throw new Error(`--forge: "${String(kind)}" is not github or gitlab`);
	const { forgeFromConfig } = await import("./forge-from-config-wyO4AWQq.mjs");
	const forge = await forgeFromConfig({
		kind,
		token,
		apiUrl: forgeUrl ?? (kind === "gitlab" ? env.CI_SERVER_URL : env.GITHUB_API_URL)
	});
	const repository = await forge.getRepository(repo);
	return {
		forge,
		repo,
		base: baseBranch || repository.defaultBranch,
		branch,
		remoteUrl: repository.cloneUrl
	};
}
// cli/commands/submit-command.ts
function registerSubmitCommand(program) {
	program.command("submit").description("submit a job to an ironbots server, as the root GitHub action does (and optionally wait for it)").requiredOption("--server-url <url>", "the ironbots server (env IRONBOTS_SERVER_URL)", process.env.IRONBOTS_SERVER_URL).option("--token-env <name>", "environment variable holding the API token", "IRONBOTS_API_TOKEN").option("--labels <labels>", "labels the agent must offer, comma separated", "").option("--repository <owner/name>", "the repository whose commit the job tests; none for no checkout", "none").option("--sha <commit>", "the commit to test", "").option("--wait", "wait for the job to end, streaming its log to stdout; exit non-zero unless it succeeded", false).option("--wait-timeout <seconds>", "give up waiting after this long", "3600").option("--context <name>", "the job's name (status context); default the program's name").option("--timeout <seconds>", "the job's time limit", "3600").option("--executor <name>", "process, podman or vm", "process").option("--image <name>", "image for the podman and vm executors").argument("<argv...>", "the command to run, as separate words (put -- before it); never run through a shell").action(async (argv, options) => {
		const { planSubmission, submitJob, RequestError } = await import("./submit-job-37Ep91gj.mjs");
		const token = process.env[options.tokenEnv] ?? "";
		if (!token) throw new Error(`set the API token in the environment variable ${options.tokenEnv} (never on the command line)`);
		if (![
			"process",
			"podman",
			"vm"
		].includes(options.executor)) throw new Error(`--executor: unknown executor ${options.executor}`);
		const timeoutSeconds = Number(options.timeout);
		if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) throw new Error(`--timeout: "${options.timeout}" is not a number of seconds`);
		const plan = await planSubmission({
			"server-url": options.serverUrl,
			token,
			labels: options.labels,
			wait: String(options.wait),
			"wait-timeout": options.waitTimeout,
			repository: options.repository,
			sha: options.sha
		}, {}, {
			context: options.context ?? __ironbotsPath.basename(argv[0]),
			command: argv,
			timeoutSeconds,
			executor: options.executor,
			...options.image ? { image: options.image } : {}
		});
		const stopStreaming = new AbortController();
		let streaming;
		const result = await submitJob(plan, {
			fetch,
			sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
			now: Date.now,
			log: (line) => process.stderr.write(`${line}\n`),
			onSubmitted: (submitted) => {
				if (options.wait) streaming = streamJobLog(submitted.logUrl, stopStreaming.signal);
			}
		}).catch((error) => {
			stopStreaming.abort();
			if (error instanceof RequestError && error.status !== void 0) {
				if (error.status === 429 || error.status >= 500) process.exitCode = EXIT.infrastructure;
				else if (error.status >= 400) process.exitCode = EXIT.usage;
			}
			throw error;
		});
		setTimeout(() => stopStreaming.abort(), LOG_GRACE_MS).unref();
		const streamed = await streaming;
		if (streamed && !streamed.endedWithNewline) process.stdout.write("\n");
		process.stdout.write(`${JSON.stringify({
			id: result.jobId,
			state: result.state,
			logUrl: result.logUrl
		})}\n`);
		if (result.state === "cancelled") process.stderr.write(`ironbots: job ${result.jobId} was cancelled${result.description ? `: ${result.description}` : ""}\n`);
		if (options.wait && result.state !== "success") process.exitCode = 1;
	});
}
const LOG_GRACE_MS = 1e4;
const LOG_RETRY_MS = 1e3;
async function streamJobLog(logUrl, stop) {
	let offset = 0;
	let endedWithNewline = true;
	while (!stop.aborted) {
		try {
			const res = await fetch(`${logUrl}?follow=1&offset=${offset}`, { signal: stop });
			if (res.ok && res.body) {
				for await (const chunk of res.body) {
					offset += chunk.length;
					if (chunk.length > 0) endedWithNewline = chunk[chunk.length - 1] === 10;
					await new Promise((resolve, reject) => process.stdout.write(chunk, (error) => error ? reject(error) : resolve()));
				}
				if (res.headers.get("x-ironbots-log-complete") === "true") break;
				continue;
			}
			await res.body?.cancel();
			if (res.status !== 404) process.stderr.write(`log: ${logUrl} answered HTTP ${res.status}; trying again\n`);
		} catch (error) {
			if (stop.aborted) break;
			process.stderr.write(`log: ${error.message}; trying again\n`);
		}
		await new Promise((resolve) => setTimeout(resolve, LOG_RETRY_MS));
	}
	return { endedWithNewline };
}
// cli/commands/run-command.ts
function registerRunCommand(program) {
	program.command("run").description("run one context of .ironbots.yml on this machine, as an agent would, and print its log (no server, no queue)").argument("<context>", "the context to run, e.g. unit").option("-C, --dir <dir>", "the project directory (its files, uncommitted changes included)", ".").addOption(new Option("--executor <name>", "run in this executor instead of the context's own").choices([
		"process",
		"podman",
		"vm"
	])).option("--image <image>", "run in this image instead of the context's own").option("--state-dir <dir>", "where executor state lives (default: the ironbots cache)").action(async (context, options) => {
		const { runContext } = await import("./run-context-9uDdW-mS.mjs");
		const interrupt = new AbortController();
		const onSignal = () => interrupt.abort(/* @__PURE__ */ new Error("interrupted"));
		process.once("SIGINT", onSignal);
		process.once("SIGTERM", onSignal);
		const result = await runContext({
			dir: options.dir,
			context,
			...options.executor ? { executor: options.executor } : {},
			...options.image ? { image: options.image } : {},
			...options.stateDir ? { stateDir: options.stateDir } : {},
			output: (chunk) => process.stdout.write(chunk),
			print: (line) => process.stderr.write(`ironbots run: ${line}\n`),
			logger: createLogger({
				name: "ironbots",
				secrets: new SecretRegistry(),
				level: "warn"
			}),
			signal: interrupt.signal
		});
		process.off("SIGINT", onSignal);
		process.off("SIGTERM", onSignal);
		const say = (line) => process.stderr.write(`ironbots run: ${line}\n`);
		if (result.kind === "usage") {
			say(result.message);
			process.exitCode = EXIT.usage;
		} else if (result.kind === "infrastructure-error") {
			say(`infrastructure error: ${result.message}`);
			process.exitCode = EXIT.infrastructure;
		} else {
			say(`${context} ${result.verdict.state}: ${result.verdict.description}`);
			process.exitCode = result.verdict.state === "success" ? EXIT.passed : result.verdict.state === "cancelled" ? EXIT.interrupted : EXIT.failed;
		}
	});
}
// cli/commands/release-command.ts
function registerReleaseCommand(program) {
	registerActionCommand(program, {
		name: "release",
		actionDir: "actions/release",
		description: "release a signed tag to GitHub, GitLab, npm and an OCI registry, all or nothing (as the release action does)",
		arguments: [{
			input: "tag",
			syntax: "[tag]",
			description: "the tag to release (default $CI_COMMIT_TAG or $GITHUB_REF)"
		}],
		renamedInputs: RENAMED_INPUTS$1,
		secretInputs: {
			token: "GITHUB_TOKEN",
			"gitlab-token": "IRONBOTS_GITLAB_TOKEN",
			"npm-token": "NPM_TOKEN",
			"container-password": "IRONBOTS_CONTAINER_PASSWORD"
		},
		async run({ inputs, log, secrets }) {
			const [{ readSettings }, { runConfigured }, { planText }] = await Promise.all([
				import("./inputs-Cjw0Lg91.mjs"),
				import("./configured-run-D9v24Q5J.mjs"),
				import("./summary-DQ947NkU.mjs")
			]);
			const settings = readSettings(inputs, ciRunFromEnvironment(process.env), (message) => log.warn(message));
			for (const secret of settings.secrets) secrets.add(secret);
			const outcome = await runConfigured(settings, {
				log,
				env: process.env,
				workDir: os.tmpdir()
			});
			process.stdout.write(secrets.redact(planText(outcome)));
			for (const published of outcome.published) process.stdout.write(`${published.target}: ${published.url}\n`);
		}
	});
}
// cli/commands/translations-command.ts
function registerTranslationsCommand(program) {
	registerActionCommand(program, {
		name: "translations",
		actionDir: "actions/translations",
		description: "extract the gettext template, sync it with Weblate or a git .po repository, and keep one translations pull/merge request up to date (as the translations action does)",
		secretInputs: {
			token: "IRONBOTS_FORGE_TOKEN",
			"weblate-token": "IRONBOTS_WEBLATE_TOKEN",
			"po-repository-token": "IRONBOTS_PO_REPOSITORY_TOKEN"
		},
		async run({ inputs, log }) {
			const [{ readSettings }, { runConfigured }] = await Promise.all([import("./inputs-DLJP7ubF.mjs"), import("./configured-run-OXAgjKHD.mjs")]);
			const settings = readSettings(inputs, ciRunFromEnvironment(process.env));
			const result = await runConfigured(settings, {
				log,
				tempRoot: os.tmpdir()
			});
			const line = (label, value) => process.stdout.write(`${label}: ${value}\n`);
			line("outcome", result.outcome);
			if (result.pullRequest) line("pull request", `#${result.pullRequest.number} ${result.pullRequest.htmlUrl}`);
			line("languages", result.kept.map((l) => `${l.language} (${l.percent} %)`).join(", ") || "none");
			if (result.dropped.length) line(`dropped below ${settings.plan.threshold} %`, result.dropped.map((l) => `${l.language} (${l.percent} %)`).join(", "));
			if (result.changedFiles.length) line("changed", result.changedFiles.join(" "));
		}
	});
}
// cli/commands/validate-command.ts
function registerValidateCommand(program) {
	program.command("validate").description(`check a project's ${PROJECT_CONFIG_PATH} the way the planner will read it`).argument("[file]", "the file to check", PROJECT_CONFIG_PATH).action(async (file) => {
		let text;
		try {
			text = await readFile(file, "utf8");
		} catch (error) {
			process.stderr.write(`ironbots: cannot read ${file}: ${error.message}\n`);
			process.exitCode = 2;
			return;
		}
		try {
			const config = parseProjectConfig(text);
			for (const [name, context] of Object.entries(config.contexts)) {
				const labels = context.labels.length ? ` on [${context.labels.join(", ")}]` : "";
				process.stdout.write(`${name}: ${JSON.stringify(context.run)} with ${context.executor}${labels}, timeout ${context.timeout} s\n`);
			}
		} catch (error) {
			if (!(error instanceof ProjectConfigError)) throw error;
			process.stderr.write(`${error.message.replace(PROJECT_CONFIG_PATH, file)}\n`);
			process.exitCode = 1;
		}
	});
}
// cli/ironbots.ts
const program = new Command("ironbots").description("CI infrastructure: webhook \u2192 queue \u2192 agents on KVM machines \u2192 statuses and logs").version(version).showHelpAfterError().exitOverride();
registerLocalCommand(program);
registerRunCommand(program);
registerImageCommands(program);
registerValidateCommand(program);
registerDeploymentCommands(program);
registerSubmitCommand(program);
registerJobsCommand(program);
registerTranslationsCommand(program);
registerContainerRefreshCommand(program);
registerReleaseCommand(program);
registerNpmCacheCommand(program);
registerGitLabExecutorCommand(program);
registerCompletionCommand(program);
await program.parseAsync(process.argv).catch((error) => {
	if (error instanceof CommanderError) {
		process.exitCode = error.exitCode === 0 ? EXIT.passed : EXIT.usage;
		return;
	}
	process.stderr.write(`ironbots: ${errorMessage(error)}\n`);
	process.exitCode = process.exitCode || (error instanceof InputError || error instanceof DeploymentConfigError ? EXIT.usage : isUnreachable(error) ? EXIT.infrastructure : EXIT.failed);
});
export {};
