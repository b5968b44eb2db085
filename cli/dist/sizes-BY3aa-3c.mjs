// node_modules/pretty-bytes/index.js
const UNIT_SETS = [
	[
		"B",
		"kB",
		"MB",
		"GB",
		"TB",
		"PB",
		"EB",
		"ZB",
		"YB"
	],
	[
		"B",
		"KiB",
		"MiB",
		"GiB",
		"TiB",
		"PiB",
		"EiB",
		"ZiB",
		"YiB"
	],
	[
		"b",
		"kbit",
		"Mbit",
		"Gbit",
		"Tbit",
		"Pbit",
		"Ebit",
		"Zbit",
		"Ybit"
	],
	[
		"b",
		"kibit",
		"Mibit",
		"Gibit",
		"Tibit",
		"Pibit",
		"Eibit",
		"Zibit",
		"Yibit"
	]
];
const toDecimalString = (number) => {
	if (number >= 1e-6 && number < 1e21) return String(number);
	const [mantissa, exponentString] = number.toExponential().split("e");
	const digits = mantissa.replace(".", "");
	const pointPosition = Number(exponentString) + 1;
	const isPositive = pointPosition > 0;
	const padded = isPositive ? digits.padEnd(pointPosition, "0") : "0".repeat(1 - pointPosition) + digits;
	const integerPart = padded.slice(0, isPositive ? pointPosition : 1);
	const fractionPart = padded.slice(isPositive ? pointPosition : 1).replace(/0+$/, "");
	return fractionPart ? `${integerPart}.${fractionPart}` : integerPart;
};
const toLocaleString = (number, locale, options) => {
	if (typeof locale === "string" || Array.isArray(locale) || locale === true) {
		const locales = locale === true ? void 0 : locale;
		if (options !== void 0) return number.toLocaleString(locales, options);
		const text = toDecimalString(number);
		const pointIndex = text.indexOf(".");
		const maximumFractionDigits = pointIndex === -1 ? 0 : text.length - pointIndex - 1;
		if (maximumFractionDigits > 100) return text;
		return number.toLocaleString(locales, { maximumFractionDigits });
	}
	if (options === void 0) return toDecimalString(number);
	return number.toLocaleString("en-US", {
		...options,
		useGrouping: false
	});
};
const log10 = (numberOrBigInt) => {
	if (typeof numberOrBigInt === "number") return Math.log10(numberOrBigInt);
	const string = numberOrBigInt.toString(10);
	return string.length + Math.log10(`0.${string.slice(0, 15)}`);
};
const log = (numberOrBigInt) => {
	if (typeof numberOrBigInt === "number") return Math.log(numberOrBigInt);
	return log10(numberOrBigInt) * Math.log(10);
};
const divide = (numberOrBigInt, base, exponent) => {
	const divisor = base ** exponent;
	if (typeof numberOrBigInt === "number" || numberOrBigInt <= Number.MAX_SAFE_INTEGER) return Number(numberOrBigInt) / divisor;
	const bigintDivisor = BigInt(base) ** BigInt(exponent);
	const integerPart = numberOrBigInt / bigintDivisor;
	const remainder = numberOrBigInt % bigintDivisor;
	return Number(integerPart) + Number(remainder) / divisor;
};
const toUnrepresentableString = (number, base, exponent, localeOptions) => {
	const scale = BigInt(base) ** BigInt(exponent);
	const whole = number / scale;
	if (localeOptions === void 0) return whole.toString();
	const minimumFractionDigits = localeOptions.minimumFractionDigits ?? 0;
	const maximumFractionDigits = Math.max(localeOptions.maximumFractionDigits ?? 3, minimumFractionDigits);
	const fraction = (number % scale * 10n ** BigInt(maximumFractionDigits) / scale).toString().padStart(maximumFractionDigits, "0").replace(/0+$/, "").padEnd(minimumFractionDigits, "0");
	return fraction ? `${whole}.${fraction}` : whole.toString();
};
const signOf = (number, signed) => {
	if (number < 0) return "-";
	if (!signed) return "";
	return number === 0 || number === 0n ? " " : "+";
};
const assertFixedWidth = (fixedWidth) => {
	if (fixedWidth !== void 0 && (typeof fixedWidth !== "number" || !Number.isSafeInteger(fixedWidth) || fixedWidth < 0)) throw new TypeError(`Expected fixedWidth to be a non-negative integer, got ${typeof fixedWidth}: ${fixedWidth}`);
};
const assertFractionDigits = (name, value) => {
	if (value !== void 0 && (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 100)) throw new TypeError(`Expected ${name} to be an integer between 0 and 100, got ${typeof value}: ${value}`);
};
const buildLocaleOptions = (options) => {
	const { minimumFractionDigits, maximumFractionDigits } = options;
	if (minimumFractionDigits === void 0 && maximumFractionDigits === void 0) return;
	assertFractionDigits("minimumFractionDigits", minimumFractionDigits);
	assertFractionDigits("maximumFractionDigits", maximumFractionDigits);
	if (minimumFractionDigits > maximumFractionDigits) throw new RangeError(`Expected minimumFractionDigits (${minimumFractionDigits}) to not be greater than maximumFractionDigits (${maximumFractionDigits})`);
	return {
		...minimumFractionDigits !== void 0 && { minimumFractionDigits },
		...maximumFractionDigits !== void 0 && { maximumFractionDigits },
		roundingMode: "trunc"
	};
};
function prettyBytes(number, options) {
	if (typeof number !== "bigint" && !Number.isFinite(number)) throw new TypeError(`Expected a finite number, got ${typeof number}: ${number}`);
	options = {
		bits: false,
		binary: false,
		space: true,
		nonBreakingSpace: false,
		...options
	};
	assertFixedWidth(options.fixedWidth);
	const localeOptions = buildLocaleOptions(options);
	const UNITS = UNIT_SETS[(options.bits ? 2 : 0) + (options.binary ? 1 : 0)];
	const separator = options.space ? options.nonBreakingSpace ? "\u00A0" : " " : "";
	if (Object.is(number, -0)) number = 0;
	const prefix = signOf(number, options.signed);
	if (number < 0) number = -number;
	const base = options.binary ? 1024 : 1e3;
	let exponent = 0;
	if (number >= 1) exponent = Math.min(Math.floor(options.binary ? log(number) / Math.log(base) : log10(number) / 3), UNITS.length - 1);
	const scaled = divide(number, base, exponent);
	let numberString;
	if (Number.isFinite(scaled)) {
		number = scaled;
		if (number < 1 && exponent > 0) {
			number *= base;
			exponent -= 1;
		}
		if (!localeOptions) {
			const minimumPrecision = Math.max(3, Math.floor(number).toString().length);
			number = Number(number.toPrecision(minimumPrecision));
			if (number >= base && exponent < UNITS.length - 1) {
				number /= base;
				exponent += 1;
			}
		}
		numberString = toLocaleString(number, options.locale, localeOptions);
	} else numberString = toUnrepresentableString(number, base, exponent, localeOptions);
	return (prefix + numberString + separator + UNITS[exponent]).padStart(options.fixedWidth ?? 0);
}
// core/sizes.ts
function formatBytes(bytes) {
	return prettyBytes(bytes, { binary: true });
}
function formatDuration(ms) {
	return ms < 1e3 ? `${Math.round(ms)} ms` : `${(ms / 1e3).toFixed(1)} s`;
}
function formatRate(bytes, ms) {
	return ms > 0 ? `${formatBytes(bytes * 1e3 / ms)}/s` : "instant";
}
export { formatDuration as n, formatRate as r, formatBytes as t };
