import { i as __require, o as __toESM, r as __exportAll, t as __commonJSMin } from "./rolldown-runtime-C-QR9u70.mjs";
import { r as truncateDescription, t as ForgeError } from "./forge-CSA4ojXu.mjs";
// node_modules/es-errors/type.js
var require_type = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = TypeError;
}));
// node_modules/object-inspect/util.inspect.js
var require_util_inspect = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = __require("util").inspect;
}));
// node_modules/object-inspect/stringWidthRanges.js
var require_stringWidthRanges = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = Array.prototype.join.call([
		"00.v,02n.w,0gw.33,07n.6,07b.18,01.0,01.1,01.1,01.0,01k.5,0a.a,01.0,01a.k,0g.0,02t.7,01.5,02.1,01.3,",
		"0x.0,01.0,0u.q,02j.a,01m.8,09.0,0o.3,01.8,01.2,01.4,017.2,01g.1,05.8,016.1k,01j.0,01.0,04.7,04.0,",
		"03.6,0a.1,0t.0,01m.0,04.3,08.0,0k.1,0q.0,02.1,01l.0,04.1,04.1,02.2,03.0,0u.1,03.0,0b.1,01l.0,04.4,",
		"01.1,04.0,0k.1,0m.5,01.0,01m.0,02.0,01.3,08.0,07.1,0b.1,0u.0,01p.0,0c.0,01e.0,03.0,01j.0,01.2,05.2,",
		"01.3,07.1,0b.1,0t.0,01m.0,02.0,06.0,05.1,0k.1,0s.1,01l.1,04.3,08.0,0k.1,0t.0,020.0,07.2,01.0,02i.0,",
		"02.6,0c.7,02q.0,02.8,0b.6,021.1,0r.0,01.0,01.0,01j.d,01.4,01.1,05.a,01.z,09.0,02u.3,01.5,01.1,02.1,",
		"0p.1,04.2,0g.3,0d.0,02.1,06.0,0f.0,22q.2n,0e5.2,0qa.2,0t.1,0u.1,0u.1,01s.1,01.6,08.0,02.a,09.0,",
		"019.4,039.1,0y.0,03a.2,04.1,09.0,06.2,063.1,02.0,01m.0,01.6,01.0,01.0,02.7,06.9,02.0,01c.19,02.b,",
		"0k.3,01c.0,01.4,01.0,05.0,014.8,0c.1,0w.3,02.1,01.2,01k.0,01.1,03.0,01.2,01m.7,02.1,048.2,01.c,01.6,",
		"04.0,06.0,03.1,05i.1r,0ej.4,0q.4,01d.4,01.9,02o.w,2fd.1,2d.1,25a.3,23.0,22.0,2eh.1,2l.1,2q.7,2g.b,",
		"217.0,2a.5,23.0,2d.0,28.1,2h.1,25.1,28.0,25.0,2l.0,27.1,21.0,24.0,22.0,27.0,24.1,2s.0,2z.0,21.0,",
		"24.2,21.0,21p.2,2o.0,2e.0,2nv.1,21f.0,24.0,0bd.2,03x.0,02o.v,23k.p,21.2g,2c.5x,2q.26,22.2d,22.2u,",
		"25.16,21.2l,21.2d,29.1b,21.13,28.mkc,23.1i,0bs.3,01.9,0w.1,028.1,07k.0,03.0,04.0,0p.1,05.0,047.1,",
		"0q.h,0d.0,012.7,0p.a,2e.s,03.2,01c.0,02.3,02.1,013.0,01v.5,02.1,02.1,0c.0,08.0,01b.0,01f.0,01.2,",
		"02.1,05.1,01.0,016.1,08.0,06m.0,02.0,04.0,2i.8mb,26l8.e7,0u.0,0kh.f,20.9,06.f,20.y,21.i,21.3,043.0,",
		"21.2n,23j.6,0i.2,0e9.0,06a.0,045.4,01ae.2,01.1,05.3,014.2,04.0,04l.1,0fx.3,01t.4,08t.1,025.5,01y.a,",
		"01d.3,03f.0,01i.e,015.0,02.1,0a.2,01d.3,02.1,02.0,04.0,0a.0,01e.2,010.4,01.7,01q.0,0c.1,01g.8,0a.3,",
		"02.0,02n.2,02.0,01.1,06.0,02.0,04d.0,03.7,0l.1,01l.1,03.0,011.6,03.4,01y.5,0d.0,01.0,01.0,0e.1,",
		"02d.7,02.2,01.0,0n.0,02c.5,01.0,04.1,01.1,06m.3,06.1,01.1,0r.1,02d.7,02.0,01.1,02y.0,01.0,02.5,01.0,",
		"02t.0,01.0,02.3,01.4,077.8,01.1,074.1,01.0,04.0,040.3,02.1,04.0,0w.9,014.5,02.3,08.0,09.5,02.2,",
		"01a.c,01.1,05i.0,01.2,01.0,05l.6,01.5,01.0,02a.l,02.6,01.1,01.1,03e.5,03.0,01.1,01.6,01.0,020.1,",
		"03.0,01.0,09n.1,0b.1,01g.4,05.0,01.0,0n.0,0445.g,06.e,08ug.b,03.2,01xc.4,01n.6,0t4.0,01r.3,225.4,",
		"2b.6,29.5p1,215.v,22p.36,26pp.3,21.6,21.1,21.82,2f.0,2t.2,22.0,2e.3,28.az,01wh.1,01.3,03mk.19,02.m,",
		"2ev.1,30.4,02.2,09.f,02.6,0u.3,2d.1,30.3,03l.2,257.2e,29.m,01ah.1i,04.1d,08.0,0e.0,0m.4,01.e,011s.6,",
		"01.g,02.6,01.1,01.4,02s.0,04g.6,0af.0,01p.3,0e4.3,072.1,06r.0,02.0,07.1,05.0,0d6.6,031.6,21bt.0,",
		"25m.0,25a.0,22.9,223.s,2d.17,24.8,27.1,2e.5,24a.w,2c.8,21.1x,21.l,2c.16,24.4,2c.g,23.0,23.1y,21.0,",
		"21.56,22.1q,2d.3,21.n,2i.0,2q.1,2d.0,22e.2c,21c.1x,26.0,23.2,22.3,23.3,2b.1,27.8,26b.b,24.0,27v.1a,",
		"21.9,21.54,234.c,23.a,23.1k,21.0,24.f,22.b,24.9,2zr.1ekd,22.1ekd,0e1oj.0,0u.2n,03k.6n"
	], "");
}));
// node_modules/object-inspect/stringWidth.js
var require_stringWidth = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var $charCodeAt = String.prototype.charCodeAt;
	var $indexOf = String.prototype.indexOf;
	var $normalize = String.prototype.normalize;
	var $slice = String.prototype.slice;
	var $split = String.prototype.split;
	var $floor = Math.floor;
	var $parseInt = parseInt;
	var ranges = require_stringWidthRanges();
	var starts = [];
	var ends = [];
	var widths = [];
	var tokens = $split.call(ranges, ",");
	var previousEnd = -1;
	for (var t = 0; t < tokens.length; t++) {
		var dot = $indexOf.call(tokens[t], ".");
		starts[t] = previousEnd + 1 + $parseInt($slice.call(tokens[t], 1, dot), 36);
		previousEnd = starts[t] + $parseInt($slice.call(tokens[t], dot + 1), 36);
		ends[t] = previousEnd;
		widths[t] = Number($slice.call(tokens[t], 0, 1));
	}
	function codePointWidth(code) {
		var low = 0;
		var high = starts.length - 1;
		while (low <= high) {
			var mid = $floor((low + high) / 2);
			if (code < starts[mid]) high = mid - 1;
			else if (code > ends[mid]) low = mid + 1;
			else return widths[mid];
		}
		return 1;
	}
	function unicodeWidth(str) {
		var width = 0;
		for (var i = 0; i < str.length; i++) {
			var code = $charCodeAt.call(str, i);
			if (code >= 55296 && code <= 56319 && i + 1 < str.length) {
				var next = $charCodeAt.call(str, i + 1);
				if (next >= 56320 && next <= 57343) {
					code = (code - 55296) * 1024 + (next - 56320) + 65536;
					i += 1;
				}
			}
			width += codePointWidth(code);
		}
		return width;
	}
	module.exports = function getStringWidth(str) {
		var width = 0;
		for (var i = 0; i < str.length; i++) {
			var code = $charCodeAt.call(str, i);
			if (code >= 127) {
				var rest = $slice.call(str, i);
				return width + unicodeWidth($normalize ? $normalize.call(rest, "NFC") : rest);
			}
			width += code >= 32 ? 1 : 0;
		}
		return width;
	};
}));
// node_modules/object-inspect/index.js
var require_object_inspect = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var hasMap = typeof Map === "function" && Map.prototype;
	var mapSizeDescriptor = Object.getOwnPropertyDescriptor && hasMap ? Object.getOwnPropertyDescriptor(Map.prototype, "size") : null;
	var mapSize = hasMap && mapSizeDescriptor && typeof mapSizeDescriptor.get === "function" ? mapSizeDescriptor.get : null;
	var mapForEach = hasMap && Map.prototype.forEach;
	var mapEntries = hasMap && Map.prototype.entries;
	var hasSet = typeof Set === "function" && Set.prototype;
	var setSizeDescriptor = Object.getOwnPropertyDescriptor && hasSet ? Object.getOwnPropertyDescriptor(Set.prototype, "size") : null;
	var setSize = hasSet && setSizeDescriptor && typeof setSizeDescriptor.get === "function" ? setSizeDescriptor.get : null;
	var setForEach = hasSet && Set.prototype.forEach;
	var setValues = hasSet && Set.prototype.values;
	var weakMapHas = typeof WeakMap === "function" && WeakMap.prototype ? WeakMap.prototype.has : null;
	var weakSetHas = typeof WeakSet === "function" && WeakSet.prototype ? WeakSet.prototype.has : null;
	var weakRefDeref = typeof WeakRef === "function" && WeakRef.prototype ? WeakRef.prototype.deref : null;
	var booleanValueOf = Boolean.prototype.valueOf;
	var objectToString = Object.prototype.toString;
	var functionToString = Function.prototype.toString;
	var $match = String.prototype.match;
	var $slice = String.prototype.slice;
	var $replace = String.prototype.replace;
	var $toUpperCase = String.prototype.toUpperCase;
	var $toLowerCase = String.prototype.toLowerCase;
	var $test = RegExp.prototype.test;
	var $concat = Array.prototype.concat;
	var $join = Array.prototype.join;
	var $arrSlice = Array.prototype.slice;
	var $floor = Math.floor;
	var $max = Math.max;
	var $min = Math.min;
	var $round = Math.round;
	var $sqrt = Math.sqrt;
	var bigIntValueOf = typeof BigInt === "function" ? BigInt.prototype.valueOf : null;
	var gOPS = Object.getOwnPropertySymbols;
	var symToString = typeof Symbol === "function" && typeof Symbol.iterator === "symbol" ? Symbol.prototype.toString : null;
	var hasShammedSymbols = typeof Symbol === "function" && typeof Symbol.iterator === "object";
	var toStringTag = typeof Symbol === "function" && Symbol.toStringTag && (hasShammedSymbols ? typeof Symbol.toStringTag === "object" : typeof Symbol.toStringTag === "symbol") ? Symbol.toStringTag : null;
	var isEnumerable = Object.prototype.propertyIsEnumerable;
	var gPO = (typeof Reflect === "function" ? Reflect.getPrototypeOf : Object.getPrototypeOf) || ([].__proto__ === Array.prototype ? function(O) {
		return O.__proto__;
	} : null);
	var mapIteratorNext = mapEntries && gPO ? gPO(mapEntries.call(/* @__PURE__ */ new Map())).next : null;
	var setIteratorNext = setValues && gPO ? gPO(setValues.call(/* @__PURE__ */ new Set())).next : null;
	var typedArrayProto = typeof Uint8Array === "function" && gPO ? gPO(Uint8Array.prototype) : null;
	var typedArrayTag = typedArrayProto && toStringTag ? getterOf(typedArrayProto, toStringTag) : null;
	var typedArrayLength = typedArrayProto ? getterOf(typedArrayProto, "length") : null;
	var typedArrayToString = /^\[object (?:Int8|Uint8|Uint8Clamped|Int16|Uint16|Int32|Uint32|Float16|Float32|Float64|BigInt64|BigUint64)Array\]$/;
	var typedArrayLengths = { __proto__: null };
	if (!typedArrayLength) {
		var TypedArrays = [
			typeof Int8Array === "function" && Int8Array,
			typeof Uint8Array === "function" && Uint8Array,
			typeof Uint8ClampedArray === "function" && Uint8ClampedArray,
			typeof Int16Array === "function" && Int16Array,
			typeof Uint16Array === "function" && Uint16Array,
			typeof Int32Array === "function" && Int32Array,
			typeof Uint32Array === "function" && Uint32Array,
			typeof Float32Array === "function" && Float32Array,
			typeof Float64Array === "function" && Float64Array
		];
		for (var ta = 0; ta < TypedArrays.length; ta++) {
			var TypedArray = TypedArrays[ta];
			var lengthGetter = TypedArray && getterOf(TypedArray.prototype, "length");
			if (lengthGetter) typedArrayLengths[toStr(new TypedArray(0))] = lengthGetter;
		}
	}
	function addNumericSeparator(num, str) {
		if (num === Infinity || num === -Infinity || num !== num || num && num > -1e3 && num < 1e3 || $test.call(/e/, str)) return str;
		var sepRegex = /[0-9](?=(?:[0-9]{3})+(?![0-9]))/g;
		if (typeof num === "number") {
			var int = num < 0 ? -$floor(-num) : $floor(num);
			if (int !== num) {
				var intStr = String(int);
				var dec = $slice.call(str, intStr.length + 1);
				return $replace.call(intStr, sepRegex, "$&_") + "." + $replace.call($replace.call(dec, /([0-9]{3})/g, "$&_"), /_$/, "");
			}
		}
		return $replace.call(str, sepRegex, "$&_");
	}
	var utilInspect = require_util_inspect();
	var getStringWidth = require_stringWidth();
	var inspectCustom = utilInspect.custom;
	var inspectSymbol = isSymbol(inspectCustom) ? inspectCustom : null;
	var quotes = {
		__proto__: null,
		"double": "\"",
		single: "'"
	};
	var quoteREs = {
		__proto__: null,
		"double": /(["\\])/g,
		single: /(['\\])/g
	};
	module.exports = function inspect_(obj, options, depth, seen, breakState) {
		var opts = options || {};
		if (has(opts, "quoteStyle") && !has(quotes, opts.quoteStyle)) throw new TypeError("option \"quoteStyle\" must be \"single\" or \"double\"");
		if (has(opts, "maxStringLength") && (typeof opts.maxStringLength === "number" ? opts.maxStringLength < 0 && opts.maxStringLength !== Infinity : opts.maxStringLength !== null)) throw new TypeError("option \"maxStringLength\", if provided, must be a non-negative integer, Infinity, or `null`");
		if (has(opts, "maxCollectionLength") && opts.maxCollectionLength !== null && opts.maxCollectionLength !== Infinity && !(typeof opts.maxCollectionLength === "number" && opts.maxCollectionLength >= 0 && $floor(opts.maxCollectionLength) === opts.maxCollectionLength)) throw new TypeError("option \"maxCollectionLength\", if provided, must be a non-negative integer, Infinity, or `null`");
		var maxCollectionLength = typeof opts.maxCollectionLength === "number" ? opts.maxCollectionLength : Infinity;
		var customInspect = has(opts, "customInspect") ? opts.customInspect : true;
		if (typeof customInspect !== "boolean" && customInspect !== "symbol") throw new TypeError("option \"customInspect\", if provided, must be `true`, `false`, or `'symbol'`");
		if (has(opts, "indent") && opts.indent !== null && opts.indent !== "	" && !(parseInt(opts.indent, 10) === opts.indent && opts.indent > 0)) throw new TypeError("option \"indent\" must be \"\\t\", an integer > 0, or `null`");
		if (has(opts, "numericSeparator") && typeof opts.numericSeparator !== "boolean") throw new TypeError("option \"numericSeparator\", if provided, must be `true` or `false`");
		var numericSeparator = opts.numericSeparator;
		if (has(opts, "multilineStrings") && typeof opts.multilineStrings !== "boolean") throw new TypeError("option \"multilineStrings\", if provided, must be `true` or `false`");
		var hasBreakLength = has(opts, "breakLength");
		if (hasBreakLength && opts.breakLength !== Infinity && (typeof opts.breakLength !== "number" || opts.breakLength < 0 || parseInt(opts.breakLength, 10) !== opts.breakLength)) throw new TypeError("option \"breakLength\", if provided, must be a non-negative integer or `Infinity`");
		if (typeof obj === "undefined") return "undefined";
		if (obj === null) return "null";
		if (typeof obj === "boolean") return obj ? "true" : "false";
		if (typeof obj === "string") return inspectString(obj, opts);
		if (typeof obj === "number") {
			if (obj === 0) return Infinity / obj > 0 ? "0" : "-0";
			var str = String(obj);
			return numericSeparator ? addNumericSeparator(obj, str) : str;
		}
		if (typeof obj === "bigint") {
			var bigIntStr = String(obj) + "n";
			return numericSeparator ? addNumericSeparator(obj, bigIntStr) : bigIntStr;
		}
		var maxDepth = typeof opts.depth === "undefined" ? 5 : opts.depth;
		if (typeof depth === "undefined") depth = 0;
		if (depth >= maxDepth && maxDepth > 0 && typeof obj === "object") return isArray(obj) ? "[Array]" : "[Object]";
		var indent = getIndent(hasBreakLength && (typeof opts.indent === "undefined" || opts.indent === null) ? { indent: 2 } : opts, depth);
		var layout = hasBreakLength ? {
			breakLength: opts.breakLength,
			depth,
			indent,
			maxCollectionLength,
			state: breakState || { currentDepth: depth }
		} : null;
		if (typeof seen === "undefined") seen = [];
		else if (indexOf(seen, obj) >= 0) return "[Circular]";
		function inspect(value, from, noIndent) {
			var nextSeen = seen;
			if (from) {
				nextSeen = $arrSlice.call(seen);
				nextSeen.push(from);
			}
			if (noIndent && !layout) {
				var newOpts = { depth: opts.depth };
				if (has(opts, "quoteStyle")) newOpts.quoteStyle = opts.quoteStyle;
				if (has(opts, "maxCollectionLength")) newOpts.maxCollectionLength = opts.maxCollectionLength;
				return inspect_(value, newOpts, depth + 1, nextSeen);
			}
			return inspect_(value, opts, depth + 1, nextSeen, layout ? layout.state : breakState);
		}
		function enter() {
			if (layout) {
				var previousDepth = layout.state.currentDepth;
				layout.state.currentDepth = depth;
				return previousDepth;
			}
			return null;
		}
		function leaveIfEmpty(entries, previousDepth) {
			if (layout && entries.length === 0) layout.state.currentDepth = previousDepth;
		}
		if (typeof obj === "function" && !isRegExp(obj)) {
			var name = nameOf(obj);
			var fnDepth = enter();
			var keys = arrObjKeys(obj, inspect);
			leaveIfEmpty(keys, fnDepth);
			if (layout && keys.length > 0) return breakLines(keys, bracesOf("{", "}", "[Function" + (name ? ": " + name : " (anonymous)") + "]", " "), layout);
			return "[Function" + (name ? ": " + name : " (anonymous)") + "]" + (keys.length > 0 ? " { " + $join.call(keys, ", ") + " }" : "");
		}
		if (isSymbol(obj)) {
			var symString = hasShammedSymbols ? $replace.call(String(obj), /^(Symbol\(.*\))_[^)]*$/, "$1") : symToString.call(obj);
			return typeof obj === "object" && !hasShammedSymbols ? markBoxed(symString) : symString;
		}
		if (isElement(obj)) {
			var s = "<" + $toLowerCase.call(String(obj.nodeName));
			var attrs = obj.attributes || [];
			for (var i = 0; i < attrs.length; i++) s += " " + attrs[i].name + "=" + wrapQuotes(quote(attrs[i].value), "double", opts);
			s += ">";
			if (obj.childNodes && obj.childNodes.length) s += "...";
			s += "</" + $toLowerCase.call(String(obj.nodeName)) + ">";
			return s;
		}
		if (isArray(obj)) {
			if (obj.length === 0) return "[]";
			enter();
			var xs = arrObjKeys(obj, inspect, maxCollectionLength);
			if (layout) return breakLines(xs, bracesOf("[", "]", "", " "), layout, obj);
			if (indent && !singleLineValues(xs)) return "[" + indentedJoin(xs, indent) + "]";
			return "[ " + $join.call(xs, ", ") + " ]";
		}
		if (isError(obj)) {
			var errorDepth = enter();
			var parts = arrObjKeys(obj, inspect);
			if (!("cause" in Error.prototype) && "cause" in obj && !isEnumerable.call(obj, "cause")) parts = $concat.call(["[cause]: " + inspect(obj.cause)], parts);
			leaveIfEmpty(parts, errorDepth);
			if (parts.length === 0) return "[" + String(obj) + "]";
			if (layout) return breakLines(parts, bracesOf("{ [" + String(obj) + "]", "}", "", " "), layout);
			return "{ [" + String(obj) + "] " + $join.call(parts, ", ") + " }";
		}
		if (typeof obj === "object" && customInspect) {
			if (inspectSymbol && typeof obj[inspectSymbol] === "function" && utilInspect) return utilInspect(obj, { depth: maxDepth - depth });
			else if (customInspect !== "symbol" && typeof obj.inspect === "function") return obj.inspect();
		}
		if (isMap(obj)) {
			var mapParts = [];
			var mapDepth = enter();
			if (mapIteratorNext && maxCollectionLength < mapSize.call(obj)) {
				var mapIterator = mapEntries.call(obj);
				var mapStep;
				while (mapParts.length < maxCollectionLength && !(mapStep = mapIteratorNext.call(mapIterator)).done) mapParts.push(inspect(mapStep.value[0], obj, true) + " => " + inspect(mapStep.value[1], obj));
			} else if (mapForEach) mapForEach.call(obj, function(value, key) {
				if (mapParts.length < maxCollectionLength) mapParts.push(inspect(key, obj, true) + " => " + inspect(value, obj));
			});
			var mapLength = mapSize.call(obj);
			if (maxCollectionLength !== Infinity && mapLength > mapParts.length) mapParts.push(moreItems(mapLength - mapParts.length));
			leaveIfEmpty(mapParts, mapDepth);
			if (layout) return breakLines(mapParts, bracesOf("Map (" + mapLength + ") {", "}", "", ""), layout);
			return collectionOf("Map", mapLength, mapParts, indent);
		}
		if (isSet(obj)) {
			var setParts = [];
			var setDepth = enter();
			if (setIteratorNext && maxCollectionLength < setSize.call(obj)) {
				var setIterator = setValues.call(obj);
				var setStep;
				while (setParts.length < maxCollectionLength && !(setStep = setIteratorNext.call(setIterator)).done) setParts.push(inspect(setStep.value, obj));
			} else if (setForEach) setForEach.call(obj, function(value) {
				if (setParts.length < maxCollectionLength) setParts.push(inspect(value, obj));
			});
			var setLength = setSize.call(obj);
			if (maxCollectionLength !== Infinity && setLength > setParts.length) setParts.push(moreItems(setLength - setParts.length));
			leaveIfEmpty(setParts, setDepth);
			if (layout) return breakLines(setParts, bracesOf("Set (" + setLength + ") {", "}", "", ""), layout);
			return collectionOf("Set", setLength, setParts, indent);
		}
		if (isWeakMap(obj)) return weakCollectionOf("WeakMap");
		if (isWeakSet(obj)) return weakCollectionOf("WeakSet");
		if (isWeakRef(obj)) return weakCollectionOf("WeakRef");
		if (isNumber(obj)) return markBoxed(inspect(Number(obj)));
		if (isBigInt(obj)) return markBoxed(inspect(bigIntValueOf.call(obj)));
		if (isBoolean(obj)) return markBoxed(booleanValueOf.call(obj));
		if (isString(obj)) return markBoxed(inspect(String(obj)));
		if (typeof window !== "undefined" && obj === window) return "{ [object Window] }";
		if (typeof globalThis !== "undefined" && obj === globalThis || typeof global !== "undefined" && obj === global) return "{ [object globalThis] }";
		if (!isDate(obj) && !isRegExp(obj)) {
			var objectDepth = enter();
			var ys = arrObjKeys(obj, inspect, maxCollectionLength);
			leaveIfEmpty(ys, objectDepth);
			var isPlainObject = gPO ? gPO(obj) === Object.prototype : obj instanceof Object || obj.constructor === Object;
			var protoTag = (gPO ? gPO(obj) === null : !(obj instanceof Object)) ? "null prototype" : "";
			var stringTag = !isPlainObject && toStringTag && Object(obj) === obj && toStringTag in obj ? $slice.call(toStr(obj), 8, -1) : protoTag ? "Object" : "";
			var tag = (isPlainObject || typeof obj.constructor !== "function" ? "" : obj.constructor.name ? obj.constructor.name + " " : "") + (stringTag || protoTag ? "[" + $join.call($concat.call([], stringTag || [], protoTag || []), ": ") + "] " : "");
			if (ys.length === 0) return tag + "{}";
			if (layout) return breakLines(ys, bracesOf(tag + "{", "}", "", " "), layout);
			if (indent) return tag + "{" + indentedJoin(ys, indent) + "}";
			return tag + "{ " + $join.call(ys, ", ") + " }";
		}
		return String(obj);
	};
	function wrapQuotes(s, defaultStyle, opts) {
		var quoteChar = quotes[opts.quoteStyle || defaultStyle];
		return quoteChar + s + quoteChar;
	}
	function quote(s) {
		return $replace.call(String(s), /"/g, "&quot;");
	}
	function canTrustToString(obj) {
		return !toStringTag || !(typeof obj === "object" && (toStringTag in obj || typeof obj[toStringTag] !== "undefined"));
	}
	function isArray(obj) {
		return toStr(obj) === "[object Array]" && canTrustToString(obj);
	}
	function isDate(obj) {
		return toStr(obj) === "[object Date]" && canTrustToString(obj);
	}
	function isRegExp(obj) {
		return toStr(obj) === "[object RegExp]" && canTrustToString(obj);
	}
	function isError(obj) {
		return toStr(obj) === "[object Error]" && canTrustToString(obj);
	}
	function isString(obj) {
		return toStr(obj) === "[object String]" && canTrustToString(obj);
	}
	function isNumber(obj) {
		return toStr(obj) === "[object Number]" && canTrustToString(obj);
	}
	function isBoolean(obj) {
		return toStr(obj) === "[object Boolean]" && canTrustToString(obj);
	}
	function isSymbol(obj) {
		if (hasShammedSymbols) return obj && typeof obj === "object" && obj instanceof Symbol;
		if (typeof obj === "symbol") return true;
		if (!obj || typeof obj !== "object" || !symToString) return false;
		try {
			symToString.call(obj);
			return true;
		} catch (e) {}
		return false;
	}
	function isBigInt(obj) {
		if (!obj || typeof obj !== "object" || !bigIntValueOf) return false;
		try {
			bigIntValueOf.call(obj);
			return true;
		} catch (e) {}
		return false;
	}
	var hasOwn = Object.prototype.hasOwnProperty || function(key) {
		return key in this;
	};
	function has(obj, key) {
		return hasOwn.call(obj, key);
	}
	function toStr(obj) {
		return objectToString.call(obj);
	}
	function isTypedArray(obj) {
		if (typedArrayTag) return !!typedArrayTag.call(obj);
		return !toStringTag && $test.call(typedArrayToString, toStr(obj));
	}
	function getTypedArrayLength(obj) {
		if (typedArrayLength) return typedArrayLength.call(obj);
		var getter = typedArrayLengths[toStr(obj)];
		return getter ? getter.call(obj) : obj.length;
	}
	function getterOf(obj, key) {
		var descriptor = Object.getOwnPropertyDescriptor ? Object.getOwnPropertyDescriptor(obj, key) : null;
		return descriptor && typeof descriptor.get === "function" ? descriptor.get : null;
	}
	function moreItems(count) {
		return "... " + count + " more item" + (count > 1 ? "s" : "");
	}
	function nameOf(f) {
		if (f.name) return f.name;
		var m = $match.call(functionToString.call(f), /^function\s*([\w$]+)/);
		if (m) return m[1];
		return null;
	}
	function indexOf(xs, x) {
		if (xs.indexOf) return xs.indexOf(x);
		for (var i = 0, l = xs.length; i < l; i++) if (xs[i] === x) return i;
		return -1;
	}
	function isMap(x) {
		if (!mapSize || !x || typeof x !== "object") return false;
		try {
			mapSize.call(x);
			try {
				setSize.call(x);
			} catch (s) {
				return true;
			}
			return x instanceof Map;
		} catch (e) {}
		return false;
	}
	function isWeakMap(x) {
		if (!weakMapHas || !x || typeof x !== "object") return false;
		try {
			weakMapHas.call(x, weakMapHas);
			try {
				weakSetHas.call(x, weakSetHas);
			} catch (s) {
				return true;
			}
			return x instanceof WeakMap;
		} catch (e) {}
		return false;
	}
	function isWeakRef(x) {
		if (!weakRefDeref || !x || typeof x !== "object") return false;
		try {
			weakRefDeref.call(x);
			return true;
		} catch (e) {}
		return false;
	}
	function isSet(x) {
		if (!setSize || !x || typeof x !== "object") return false;
		try {
			setSize.call(x);
			try {
				mapSize.call(x);
			} catch (m) {
				return true;
			}
			return x instanceof Set;
		} catch (e) {}
		return false;
	}
	function isWeakSet(x) {
		if (!weakSetHas || !x || typeof x !== "object") return false;
		try {
			weakSetHas.call(x, weakSetHas);
			try {
				weakMapHas.call(x, weakMapHas);
			} catch (s) {
				return true;
			}
			return x instanceof WeakSet;
		} catch (e) {}
		return false;
	}
	function isElement(x) {
		if (!x || typeof x !== "object") return false;
		if (typeof HTMLElement !== "undefined" && x instanceof HTMLElement) return true;
		return typeof x.nodeName === "string" && typeof x.getAttribute === "function";
	}
	function inspectString(str, opts) {
		if (str.length > opts.maxStringLength) {
			var remaining = str.length - opts.maxStringLength;
			var trailer = "... " + remaining + " more character" + (remaining > 1 ? "s" : "");
			return inspectString($slice.call(str, 0, opts.maxStringLength), opts) + trailer;
		}
		var quoteRE = quoteREs[opts.quoteStyle || "single"];
		quoteRE.lastIndex = 0;
		return wrapQuotes($replace.call($replace.call(str, quoteRE, "\\$1"), opts.multilineStrings ? /[\x00-\x09\x0b-\x1f]/g : /[\x00-\x1f]/g, lowbyte), "single", opts);
	}
	function lowbyte(c) {
		var n = c.charCodeAt(0);
		var x = {
			8: "b",
			9: "t",
			10: "n",
			12: "f",
			13: "r"
		}[n];
		if (x) return "\\" + x;
		return "\\x" + (n < 16 ? "0" : "") + $toUpperCase.call(n.toString(16));
	}
	function markBoxed(str) {
		return "Object(" + str + ")";
	}
	function weakCollectionOf(type) {
		return type + " { ? }";
	}
	function collectionOf(type, size, entries, indent) {
		var joinedEntries = indent ? indentedJoin(entries, indent) : $join.call(entries, ", ");
		return type + " (" + size + ") {" + joinedEntries + "}";
	}
	function isBelowBreakLength(entries, start, breakLength) {
		if (breakLength === Infinity) return singleLineValues(entries);
		var totalLength = entries.length + start;
		if (totalLength + entries.length > breakLength) return false;
		for (var i = 0; i < entries.length; i++) {
			totalLength += entries[i].length;
			if (totalLength > breakLength) return false;
		}
		return true;
	}
	function padTo(str, width, atStart) {
		var fill = width > str.length ? $join.call(Array(width - str.length + 1), " ") : "";
		return atStart ? fill + str : str + fill;
	}
	function groupArrayElements(entries, layout, value) {
		var separatorSpace = 2;
		var totalLength = 0;
		var maxLength = 0;
		var outputLength = entries.length;
		if (layout.maxCollectionLength < entries.length) outputLength -= 1;
		var dataLen = [];
		for (var i = 0; i < outputLength; i++) {
			dataLen[i] = getStringWidth(entries[i]);
			totalLength += dataLen[i] + separatorSpace;
			if (maxLength < dataLen[i]) maxLength = dataLen[i];
		}
		var actualMax = maxLength + separatorSpace;
		var indentationLvl = layout.indent.prev.length;
		if (actualMax * 3 + indentationLvl >= layout.breakLength || totalLength / actualMax <= 5 && maxLength > 6) return entries;
		var averageBias = $sqrt(actualMax - totalLength / entries.length);
		var biasedMax = $max(actualMax - 3 - averageBias, 1);
		var columns = $min($round($sqrt(2.5 * biasedMax * outputLength) / biasedMax), $floor((layout.breakLength - indentationLvl) / actualMax), 12, 15);
		if (columns <= 1) return entries;
		var maxLineLength = [];
		for (var c = 0; c < columns; c++) {
			var lineMaxLength = 0;
			for (var j = c; j < entries.length; j += columns) if (dataLen[j] > lineMaxLength) lineMaxLength = dataLen[j];
			maxLineLength[c] = lineMaxLength + separatorSpace;
		}
		var numeric = true;
		for (var k = 0; k < entries.length && numeric; k++) numeric = typeof value[k] === "number" || typeof value[k] === "bigint";
		var grouped = [];
		for (var row = 0; row < outputLength; row += columns) {
			var max = $min(row + columns, outputLength);
			var str = "";
			var col = row;
			for (; col < max - 1; col++) str += padTo(entries[col] + ", ", maxLineLength[col - row] + (entries[col].length - dataLen[col]), numeric);
			var lastPadding = maxLineLength[col - row] + (entries[col].length - dataLen[col]) - separatorSpace;
			str += numeric ? padTo(entries[col], lastPadding, true) : entries[col];
			grouped.push(str);
		}
		if (outputLength < entries.length) grouped.push(entries[outputLength]);
		return grouped;
	}
	function bracesOf(opening, closing, base, padding) {
		return [
			opening,
			closing,
			base,
			padding
		];
	}
	function breakLines(entries, braces, layout, arrayValue) {
		var output = arrayValue && entries.length > 6 ? groupArrayElements(entries, layout, arrayValue) : entries;
		var base = braces[2] ? braces[2] + " " : "";
		if (layout.state.currentDepth - layout.depth < 3 && output.length === entries.length) {
			if (isBelowBreakLength(output, output.length + layout.indent.prev.length + braces[0].length + braces[2].length + 10, layout.breakLength)) {
				var joined = $join.call(output, ", ");
				if (indexOf(joined, "\n") < 0) return base + braces[0] + braces[3] + joined + braces[3] + braces[1];
			}
		}
		return base + braces[0] + indentedJoin(output, layout.indent) + braces[1];
	}
	function singleLineValues(xs) {
		for (var i = 0; i < xs.length; i++) if (indexOf(xs[i], "\n") >= 0) return false;
		return true;
	}
	function getIndent(opts, depth) {
		var baseIndent;
		if (opts.indent === "	") baseIndent = "	";
		else if (typeof opts.indent === "number" && opts.indent > 0) baseIndent = $join.call(Array(opts.indent + 1), " ");
		else return null;
		return {
			base: baseIndent,
			prev: $join.call(Array(depth + 1), baseIndent)
		};
	}
	function indentedJoin(xs, indent) {
		if (xs.length === 0) return "";
		var lineJoiner = "\n" + indent.prev + indent.base;
		return lineJoiner + $join.call(xs, "," + lineJoiner) + "\n" + indent.prev;
	}
	function arrObjKeys(obj, inspect, maxLength) {
		var isArr = isArray(obj);
		var limit = typeof maxLength === "number" ? maxLength : Infinity;
		var typedLength = !isArr && limit !== Infinity && isTypedArray(obj) ? getTypedArrayLength(obj) : null;
		if (typeof typedLength !== "number" || typedLength <= limit) typedLength = null;
		var xs = [];
		if (isArr) {
			xs.length = obj.length < limit ? obj.length : limit;
			for (var i = 0; i < obj.length && i < limit; i++) xs[i] = has(obj, i) ? inspect(obj[i], obj) : "";
			if (obj.length > limit) xs.push(moreItems(obj.length - limit));
		} else if (typedLength !== null) {
			for (var t = 0; t < limit; t++) xs.push(t + ": " + inspect(obj[t], obj));
			xs.push(moreItems(typedLength - limit));
		}
		var syms = typeof gOPS === "function" ? gOPS(obj) : [];
		var symMap;
		if (hasShammedSymbols) {
			symMap = {};
			for (var k = 0; k < syms.length; k++) symMap["$" + syms[k]] = syms[k];
		}
		for (var key in obj) {
			if (!has(obj, key)) continue;
			if (isArr && String(Number(key)) === key && key < obj.length) continue;
			if (typedLength !== null && String(Number(key)) === key && key < typedLength) continue;
			if (hasShammedSymbols && symMap["$" + key] instanceof Symbol) continue;
			else if ($test.call(/[^\w$]/, key)) xs.push(inspect(key, obj) + ": " + inspect(obj[key], obj));
			else xs.push(key + ": " + inspect(obj[key], obj));
		}
		if (typeof gOPS === "function") {
			for (var j = 0; j < syms.length; j++) if (isEnumerable.call(obj, syms[j])) xs.push("[" + inspect(syms[j]) + "]: " + inspect(obj[syms[j]], obj));
		}
		return xs;
	}
}));
// node_modules/side-channel-list/index.js
var require_side_channel_list = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var inspect = require_object_inspect();
	var $TypeError = require_type();
	var listGetNode = function(list, key, isDelete) {
		var prev = list;
		var curr;
		for (; (curr = prev.next) != null; prev = curr) if (curr.key === key) {
			prev.next = curr.next;
			if (!isDelete) {
				curr.next = list.next;
				list.next = curr;
			}
			return curr;
		}
	};
	var listGet = function(objects, key) {
		if (!objects) return;
		var node = listGetNode(objects, key);
		return node && node.value;
	};
	var listSet = function(objects, key, value) {
		var node = listGetNode(objects, key);
		if (node) node.value = value;
		else objects.next = {
			key,
			next: objects.next,
			value
		};
	};
	var listHas = function(objects, key) {
		if (!objects) return false;
		return !!listGetNode(objects, key);
	};
	var listDelete = function(objects, key) {
		if (objects) return listGetNode(objects, key, true);
	};
	module.exports = function getSideChannelList() {
		var $o;
		var channel = {
			assert: function(key) {
				if (!channel.has(key)) throw new $TypeError("Side channel does not contain " + inspect(key));
			},
			"delete": function(key) {
				var deletedNode = listDelete($o, key);
				if (deletedNode && $o && !$o.next) $o = void 0;
				return !!deletedNode;
			},
			get: function(key) {
				return listGet($o, key);
			},
			has: function(key) {
				return listHas($o, key);
			},
			set: function(key, value) {
				if (!$o) $o = { next: void 0 };
				listSet($o, key, value);
			}
		};
		return channel;
	};
}));
// node_modules/es-object-atoms/index.js
var require_es_object_atoms = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = Object;
}));
// node_modules/es-errors/index.js
var require_es_errors = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = Error;
}));
// node_modules/es-errors/eval.js
var require_eval = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = EvalError;
}));
// node_modules/es-errors/range.js
var require_range = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = RangeError;
}));
// node_modules/es-errors/ref.js
var require_ref = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = ReferenceError;
}));
// node_modules/es-errors/syntax.js
var require_syntax = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = SyntaxError;
}));
// node_modules/es-errors/uri.js
var require_uri = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = URIError;
}));
// node_modules/math-intrinsics/abs.js
var require_abs = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = Math.abs;
}));
// node_modules/math-intrinsics/floor.js
var require_floor = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = Math.floor;
}));
// node_modules/math-intrinsics/max.js
var require_max = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = Math.max;
}));
// node_modules/math-intrinsics/min.js
var require_min = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = Math.min;
}));
// node_modules/math-intrinsics/pow.js
var require_pow = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = Math.pow;
}));
// node_modules/math-intrinsics/round.js
var require_round = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = Math.round;
}));
// node_modules/math-intrinsics/isNaN.js
var require_isNaN = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = Number.isNaN || function isNaN(a) {
		return a !== a;
	};
}));
// node_modules/math-intrinsics/sign.js
var require_sign = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var $isNaN = require_isNaN();
	module.exports = function sign(number) {
		if ($isNaN(number) || number === 0) return number;
		return number < 0 ? -1 : 1;
	};
}));
// node_modules/gopd/gOPD.js
var require_gOPD = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = Object.getOwnPropertyDescriptor;
}));
// node_modules/gopd/index.js
var require_gopd = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var $gOPD = require_gOPD();
	if ($gOPD) try {
		$gOPD([], "length");
	} catch (e) {
		$gOPD = null;
	}
	module.exports = $gOPD;
}));
// node_modules/es-define-property/index.js
var require_es_define_property = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var $defineProperty = Object.defineProperty || false;
	if ($defineProperty) try {
		$defineProperty({}, "a", { value: 1 });
	} catch (e) {
		$defineProperty = false;
	}
	module.exports = $defineProperty;
}));
// node_modules/has-symbols/shams.js
var require_shams = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = function hasSymbols() {
		if (typeof Symbol !== "function" || typeof Object.getOwnPropertySymbols !== "function") return false;
		if (typeof Symbol.iterator === "symbol") return true;
		var obj = {};
		var sym = Symbol("test");
		var symObj = Object(sym);
		if (typeof sym === "string") return false;
		if (Object.prototype.toString.call(sym) !== "[object Symbol]") return false;
		if (Object.prototype.toString.call(symObj) !== "[object Symbol]") return false;
		var symVal = 42;
		obj[sym] = symVal;
		for (var _ in obj) return false;
		if (typeof Object.keys === "function" && Object.keys(obj).length !== 0) return false;
		if (typeof Object.getOwnPropertyNames === "function" && Object.getOwnPropertyNames(obj).length !== 0) return false;
		var syms = Object.getOwnPropertySymbols(obj);
		if (syms.length !== 1 || syms[0] !== sym) return false;
		if (!Object.prototype.propertyIsEnumerable.call(obj, sym)) return false;
		if (typeof Object.getOwnPropertyDescriptor === "function") {
			var descriptor = Object.getOwnPropertyDescriptor(obj, sym);
			if (descriptor.value !== symVal || descriptor.enumerable !== true) return false;
		}
		return true;
	};
}));
// node_modules/has-symbols/index.js
var require_has_symbols = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var origSymbol = typeof Symbol !== "undefined" && Symbol;
	var hasSymbolSham = require_shams();
	module.exports = function hasNativeSymbols() {
		if (typeof origSymbol !== "function") return false;
		if (typeof Symbol !== "function") return false;
		if (typeof origSymbol("foo") !== "symbol") return false;
		if (typeof Symbol("bar") !== "symbol") return false;
		return hasSymbolSham();
	};
}));
// node_modules/get-proto/Reflect.getPrototypeOf.js
var require_Reflect_getPrototypeOf = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = typeof Reflect !== "undefined" && Reflect.getPrototypeOf || null;
}));
// node_modules/get-proto/Object.getPrototypeOf.js
var require_Object_getPrototypeOf = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = require_es_object_atoms().getPrototypeOf || null;
}));
// node_modules/function-bind/implementation.js
var require_implementation = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var ERROR_MESSAGE = "Function.prototype.bind called on incompatible ";
	var toStr = Object.prototype.toString;
	var max = Math.max;
	var funcType = "[object Function]";
	var concatty = function concatty(a, b) {
		var arr = [];
		for (var i = 0; i < a.length; i += 1) arr[i] = a[i];
		for (var j = 0; j < b.length; j += 1) arr[j + a.length] = b[j];
		return arr;
	};
	var slicy = function slicy(arrLike, offset) {
		var arr = [];
		for (var i = offset || 0, j = 0; i < arrLike.length; i += 1, j += 1) arr[j] = arrLike[i];
		return arr;
	};
	var joiny = function(arr, joiner) {
		var str = "";
		for (var i = 0; i < arr.length; i += 1) {
			str += arr[i];
			if (i + 1 < arr.length) str += joiner;
		}
		return str;
	};
	module.exports = function bind(that) {
		var target = this;
		if (typeof target !== "function" || toStr.apply(target) !== funcType) throw new TypeError(ERROR_MESSAGE + target);
		var args = slicy(arguments, 1);
		var bound;
		var binder = function() {
			if (this instanceof bound) {
				var result = target.apply(this, concatty(args, arguments));
				if (Object(result) === result) return result;
				return this;
			}
			return target.apply(that, concatty(args, arguments));
		};
		var boundLength = max(0, target.length - args.length);
		var boundArgs = [];
		for (var i = 0; i < boundLength; i++) boundArgs[i] = "$" + i;
		bound = Function("binder", "return function (" + joiny(boundArgs, ",") + "){ return binder.apply(this,arguments); }")(binder);
		if (target.prototype) {
			var Empty = function Empty() {};
			Empty.prototype = target.prototype;
			bound.prototype = new Empty();
			Empty.prototype = null;
		}
		return bound;
	};
}));
// node_modules/function-bind/index.js
var require_function_bind = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var implementation = require_implementation();
	module.exports = Function.prototype.bind || implementation;
}));
// node_modules/call-bind-apply-helpers/functionCall.js
var require_functionCall = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = Function.prototype.call;
}));
// node_modules/call-bind-apply-helpers/functionApply.js
var require_functionApply = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = Function.prototype.apply;
}));
// node_modules/call-bind-apply-helpers/reflectApply.js
var require_reflectApply = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = typeof Reflect !== "undefined" && Reflect && Reflect.apply;
}));
// node_modules/call-bind-apply-helpers/actualApply.js
var require_actualApply = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var bind = require_function_bind();
	var $apply = require_functionApply();
	var $call = require_functionCall();
	module.exports = require_reflectApply() || bind.call($call, $apply);
}));
// node_modules/call-bind-apply-helpers/index.js
var require_call_bind_apply_helpers = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var bind = require_function_bind();
	var $TypeError = require_type();
	var $call = require_functionCall();
	var $actualApply = require_actualApply();
	module.exports = function callBindBasic(args) {
		if (args.length < 1 || typeof args[0] !== "function") throw new $TypeError("a function is required");
		return $actualApply(bind, $call, args);
	};
}));
// node_modules/dunder-proto/get.js
var require_get = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var callBind = require_call_bind_apply_helpers();
	var gOPD = require_gopd();
	var hasProtoAccessor;
	try {
		hasProtoAccessor = [].__proto__ === Array.prototype;
	} catch (e) {
		if (!e || typeof e !== "object" || !("code" in e) || e.code !== "ERR_PROTO_ACCESS") throw e;
	}
	var desc = !!hasProtoAccessor && gOPD && gOPD(Object.prototype, "__proto__");
	var $Object = Object;
	var $getPrototypeOf = $Object.getPrototypeOf;
	module.exports = desc && typeof desc.get === "function" ? callBind([desc.get]) : typeof $getPrototypeOf === "function" ? function getDunder(value) {
		return $getPrototypeOf(value == null ? value : $Object(value));
	} : false;
}));
// node_modules/get-proto/index.js
var require_get_proto = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var reflectGetProto = require_Reflect_getPrototypeOf();
	var originalGetProto = require_Object_getPrototypeOf();
	var getDunderProto = require_get();
	module.exports = reflectGetProto ? function getProto(O) {
		return reflectGetProto(O);
	} : originalGetProto ? function getProto(O) {
		if (!O || typeof O !== "object" && typeof O !== "function") throw new TypeError("getProto: not an object");
		return originalGetProto(O);
	} : getDunderProto ? function getProto(O) {
		return getDunderProto(O);
	} : null;
}));
// node_modules/async-function/index.js
var require_async_function = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const cached = async function() {}.constructor;
	module.exports = () => cached;
}));
// node_modules/generator-function/index.js
var require_generator_function = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const cached = function* () {}.constructor;
	module.exports = () => cached;
}));
// node_modules/async-generator-function/index.js
var require_async_generator_function = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const cached = async function* () {}.constructor;
	module.exports = () => cached;
}));
// node_modules/hasown/index.js
var require_hasown = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var call = Function.prototype.call;
	var $hasOwn = Object.prototype.hasOwnProperty;
	module.exports = require_function_bind().call(call, $hasOwn);
}));
// node_modules/get-intrinsic/index.js
var require_get_intrinsic = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var undefined;
	var $Object = require_es_object_atoms();
	var $Error = require_es_errors();
	var $EvalError = require_eval();
	var $RangeError = require_range();
	var $ReferenceError = require_ref();
	var $SyntaxError = require_syntax();
	var $TypeError = require_type();
	var $URIError = require_uri();
	var abs = require_abs();
	var floor = require_floor();
	var max = require_max();
	var min = require_min();
	var pow = require_pow();
	var round = require_round();
	var sign = require_sign();
	var $gOPD = require_gopd();
	var $defineProperty = require_es_define_property();
	var throwTypeError = function() {
		throw new $TypeError();
	};
	var ThrowTypeError = $gOPD ? function() {
		try {
			arguments.callee;
			return throwTypeError;
		} catch (calleeThrows) {
			try {
				return $gOPD(arguments, "callee").get;
			} catch (gOPDthrows) {
				return throwTypeError;
			}
		}
	}() : throwTypeError;
	var hasSymbols = require_has_symbols()();
	var getProto = require_get_proto();
	var $ObjectGPO = require_Object_getPrototypeOf();
	var $ReflectGPO = require_Reflect_getPrototypeOf();
	var $apply = require_functionApply();
	var $call = require_functionCall();
	var needsEval = {};
	var TypedArray = typeof Uint8Array === "undefined" || !getProto ? undefined : getProto(Uint8Array);
	var INTRINSICS = {
		__proto__: null,
		"%AggregateError%": typeof AggregateError === "undefined" ? undefined : AggregateError,
		"%Array%": Array,
		"%ArrayBuffer%": typeof ArrayBuffer === "undefined" ? undefined : ArrayBuffer,
		"%ArrayIteratorPrototype%": hasSymbols && getProto ? getProto([][Symbol.iterator]()) : undefined,
		"%AsyncFromSyncIteratorPrototype%": undefined,
		"%AsyncFunction%": needsEval,
		"%AsyncGenerator%": needsEval,
		"%AsyncGeneratorFunction%": needsEval,
		"%AsyncIteratorPrototype%": needsEval,
		"%Atomics%": typeof Atomics === "undefined" ? undefined : Atomics,
		"%BigInt%": typeof BigInt === "undefined" ? undefined : BigInt,
		"%BigInt64Array%": typeof BigInt64Array === "undefined" ? undefined : BigInt64Array,
		"%BigUint64Array%": typeof BigUint64Array === "undefined" ? undefined : BigUint64Array,
		"%Boolean%": Boolean,
		"%DataView%": typeof DataView === "undefined" ? undefined : DataView,
		"%Date%": Date,
		"%decodeURI%": decodeURI,
		"%decodeURIComponent%": decodeURIComponent,
		"%encodeURI%": encodeURI,
		"%encodeURIComponent%": encodeURIComponent,
		"%Error%": $Error,
		"%eval%": eval,
		"%EvalError%": $EvalError,
		"%Float16Array%": typeof Float16Array === "undefined" ? undefined : Float16Array,
		"%Float32Array%": typeof Float32Array === "undefined" ? undefined : Float32Array,
		"%Float64Array%": typeof Float64Array === "undefined" ? undefined : Float64Array,
		"%FinalizationRegistry%": typeof FinalizationRegistry === "undefined" ? undefined : FinalizationRegistry,
		"%Function%": Function,
		"%GeneratorFunction%": needsEval,
		"%Int8Array%": typeof Int8Array === "undefined" ? undefined : Int8Array,
		"%Int16Array%": typeof Int16Array === "undefined" ? undefined : Int16Array,
		"%Int32Array%": typeof Int32Array === "undefined" ? undefined : Int32Array,
		"%isFinite%": isFinite,
		"%isNaN%": isNaN,
		"%IteratorPrototype%": hasSymbols && getProto ? getProto(getProto([][Symbol.iterator]())) : undefined,
		"%JSON%": typeof JSON === "object" ? JSON : undefined,
		"%Map%": typeof Map === "undefined" ? undefined : Map,
		"%MapIteratorPrototype%": typeof Map === "undefined" || !hasSymbols || !getProto ? undefined : getProto((/* @__PURE__ */ new Map())[Symbol.iterator]()),
		"%Math%": Math,
		"%Number%": Number,
		"%Object%": $Object,
		"%Object.getOwnPropertyDescriptor%": $gOPD,
		"%parseFloat%": parseFloat,
		"%parseInt%": parseInt,
		"%Promise%": typeof Promise === "undefined" ? undefined : Promise,
		"%Proxy%": typeof Proxy === "undefined" ? undefined : Proxy,
		"%RangeError%": $RangeError,
		"%ReferenceError%": $ReferenceError,
		"%Reflect%": typeof Reflect === "undefined" ? undefined : Reflect,
		"%RegExp%": RegExp,
		"%Set%": typeof Set === "undefined" ? undefined : Set,
		"%SetIteratorPrototype%": typeof Set === "undefined" || !hasSymbols || !getProto ? undefined : getProto((/* @__PURE__ */ new Set())[Symbol.iterator]()),
		"%SharedArrayBuffer%": typeof SharedArrayBuffer === "undefined" ? undefined : SharedArrayBuffer,
		"%String%": String,
		"%StringIteratorPrototype%": hasSymbols && getProto ? getProto(""[Symbol.iterator]()) : undefined,
		"%Symbol%": hasSymbols ? Symbol : undefined,
		"%SyntaxError%": $SyntaxError,
		"%ThrowTypeError%": ThrowTypeError,
		"%TypedArray%": TypedArray,
		"%TypeError%": $TypeError,
		"%Uint8Array%": typeof Uint8Array === "undefined" ? undefined : Uint8Array,
		"%Uint8ClampedArray%": typeof Uint8ClampedArray === "undefined" ? undefined : Uint8ClampedArray,
		"%Uint16Array%": typeof Uint16Array === "undefined" ? undefined : Uint16Array,
		"%Uint32Array%": typeof Uint32Array === "undefined" ? undefined : Uint32Array,
		"%URIError%": $URIError,
		"%WeakMap%": typeof WeakMap === "undefined" ? undefined : WeakMap,
		"%WeakRef%": typeof WeakRef === "undefined" ? undefined : WeakRef,
		"%WeakSet%": typeof WeakSet === "undefined" ? undefined : WeakSet,
		"%Function.prototype.call%": $call,
		"%Function.prototype.apply%": $apply,
		"%Object.defineProperty%": $defineProperty,
		"%Object.getPrototypeOf%": $ObjectGPO,
		"%Math.abs%": abs,
		"%Math.floor%": floor,
		"%Math.max%": max,
		"%Math.min%": min,
		"%Math.pow%": pow,
		"%Math.round%": round,
		"%Math.sign%": sign,
		"%Reflect.getPrototypeOf%": $ReflectGPO
	};
	if (getProto) try {
		null.error;
	} catch (e) {
		INTRINSICS["%Error.prototype%"] = getProto(getProto(e));
	}
	var getAsyncFunction = require_async_function();
	var getGeneratorFunction = require_generator_function();
	var getAsyncGeneratorFunction = require_async_generator_function();
	var doEval = function doEval(name) {
		var value;
		if (name === "%AsyncFunction%") value = getAsyncFunction() || void 0;
		else if (name === "%GeneratorFunction%") value = getGeneratorFunction() || void 0;
		else if (name === "%AsyncGeneratorFunction%") value = getAsyncGeneratorFunction() || void 0;
		else if (name === "%AsyncGenerator%") {
			var fn = doEval("%AsyncGeneratorFunction%");
			if (fn) value = fn.prototype;
		} else if (name === "%AsyncIteratorPrototype%") {
			var gen = doEval("%AsyncGenerator%");
			if (gen && getProto) value = getProto(gen.prototype);
		}
		INTRINSICS[name] = value;
		return value;
	};
	var LEGACY_ALIASES = {
		__proto__: null,
		"%ArrayBufferPrototype%": ["ArrayBuffer", "prototype"],
		"%ArrayPrototype%": ["Array", "prototype"],
		"%ArrayProto_entries%": [
			"Array",
			"prototype",
			"entries"
		],
		"%ArrayProto_forEach%": [
			"Array",
			"prototype",
			"forEach"
		],
		"%ArrayProto_keys%": [
			"Array",
			"prototype",
			"keys"
		],
		"%ArrayProto_values%": [
			"Array",
			"prototype",
			"values"
		],
		"%AsyncFunctionPrototype%": ["AsyncFunction", "prototype"],
		"%AsyncGenerator%": ["AsyncGeneratorFunction", "prototype"],
		"%AsyncGeneratorPrototype%": [
			"AsyncGeneratorFunction",
			"prototype",
			"prototype"
		],
		"%BooleanPrototype%": ["Boolean", "prototype"],
		"%DataViewPrototype%": ["DataView", "prototype"],
		"%DatePrototype%": ["Date", "prototype"],
		"%ErrorPrototype%": ["Error", "prototype"],
		"%EvalErrorPrototype%": ["EvalError", "prototype"],
		"%Float32ArrayPrototype%": ["Float32Array", "prototype"],
		"%Float64ArrayPrototype%": ["Float64Array", "prototype"],
		"%FunctionPrototype%": ["Function", "prototype"],
		"%Generator%": ["GeneratorFunction", "prototype"],
		"%GeneratorPrototype%": [
			"GeneratorFunction",
			"prototype",
			"prototype"
		],
		"%Int8ArrayPrototype%": ["Int8Array", "prototype"],
		"%Int16ArrayPrototype%": ["Int16Array", "prototype"],
		"%Int32ArrayPrototype%": ["Int32Array", "prototype"],
		"%JSONParse%": ["JSON", "parse"],
		"%JSONStringify%": ["JSON", "stringify"],
		"%MapPrototype%": ["Map", "prototype"],
		"%NumberPrototype%": ["Number", "prototype"],
		"%ObjectPrototype%": ["Object", "prototype"],
		"%ObjProto_toString%": [
			"Object",
			"prototype",
			"toString"
		],
		"%ObjProto_valueOf%": [
			"Object",
			"prototype",
			"valueOf"
		],
		"%PromisePrototype%": ["Promise", "prototype"],
		"%PromiseProto_then%": [
			"Promise",
			"prototype",
			"then"
		],
		"%Promise_all%": ["Promise", "all"],
		"%Promise_reject%": ["Promise", "reject"],
		"%Promise_resolve%": ["Promise", "resolve"],
		"%RangeErrorPrototype%": ["RangeError", "prototype"],
		"%ReferenceErrorPrototype%": ["ReferenceError", "prototype"],
		"%RegExpPrototype%": ["RegExp", "prototype"],
		"%SetPrototype%": ["Set", "prototype"],
		"%SharedArrayBufferPrototype%": ["SharedArrayBuffer", "prototype"],
		"%StringPrototype%": ["String", "prototype"],
		"%SymbolPrototype%": ["Symbol", "prototype"],
		"%SyntaxErrorPrototype%": ["SyntaxError", "prototype"],
		"%TypedArrayPrototype%": ["TypedArray", "prototype"],
		"%TypeErrorPrototype%": ["TypeError", "prototype"],
		"%Uint8ArrayPrototype%": ["Uint8Array", "prototype"],
		"%Uint8ClampedArrayPrototype%": ["Uint8ClampedArray", "prototype"],
		"%Uint16ArrayPrototype%": ["Uint16Array", "prototype"],
		"%Uint32ArrayPrototype%": ["Uint32Array", "prototype"],
		"%URIErrorPrototype%": ["URIError", "prototype"],
		"%WeakMapPrototype%": ["WeakMap", "prototype"],
		"%WeakSetPrototype%": ["WeakSet", "prototype"]
	};
	var bind = require_function_bind();
	var hasOwn = require_hasown();
	var $concat = bind.call($call, Array.prototype.concat);
	var $spliceApply = bind.call($apply, Array.prototype.splice);
	var $replace = bind.call($call, String.prototype.replace);
	var $strSlice = bind.call($call, String.prototype.slice);
	var $exec = bind.call($call, RegExp.prototype.exec);
	var rePropName = /[^%.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|(["'])((?:(?!\2)[^\\]|\\.)*?)\2)\]|(?=(?:\.|\[\])(?:\.|\[\]|%$))/g;
	var reEscapeChar = /\\(\\)?/g;
	var stringToPath = function stringToPath(string) {
		var first = $strSlice(string, 0, 1);
		var last = $strSlice(string, -1);
		if (first === "%" && last !== "%") throw new $SyntaxError("invalid intrinsic syntax, expected closing `%`");
		else if (last === "%" && first !== "%") throw new $SyntaxError("invalid intrinsic syntax, expected opening `%`");
		var result = [];
		$replace(string, rePropName, function(match, number, quote, subString) {
			result[result.length] = quote ? $replace(subString, reEscapeChar, "$1") : number || match;
		});
		return result;
	};
	var getBaseIntrinsic = function getBaseIntrinsic(name, allowMissing) {
		var intrinsicName = name;
		var alias;
		if (hasOwn(LEGACY_ALIASES, intrinsicName)) {
			alias = LEGACY_ALIASES[intrinsicName];
			intrinsicName = "%" + alias[0] + "%";
		}
		if (hasOwn(INTRINSICS, intrinsicName)) {
			var value = INTRINSICS[intrinsicName];
			if (value === needsEval) value = doEval(intrinsicName);
			if (typeof value === "undefined" && !allowMissing) throw new $TypeError("intrinsic " + name + " exists, but is not available. Please file an issue!");
			return {
				alias,
				name: intrinsicName,
				value
			};
		}
		throw new $SyntaxError("intrinsic " + name + " does not exist!");
	};
	module.exports = function GetIntrinsic(name, allowMissing) {
		if (typeof name !== "string" || name.length === 0) throw new $TypeError("intrinsic name must be a non-empty string");
		if (arguments.length > 1 && typeof allowMissing !== "boolean") throw new $TypeError("\"allowMissing\" argument must be a boolean");
		if ($exec(/^%?[^%]*%?$/, name) === null) throw new $SyntaxError("`%` may not be present anywhere but at the beginning and end of the intrinsic name");
		var parts = stringToPath(name);
		var intrinsicBaseName = parts.length > 0 ? parts[0] : "";
		var intrinsic = getBaseIntrinsic("%" + intrinsicBaseName + "%", allowMissing);
		var intrinsicRealName = intrinsic.name;
		var value = intrinsic.value;
		var skipFurtherCaching = false;
		var alias = intrinsic.alias;
		if (alias) {
			intrinsicBaseName = alias[0];
			$spliceApply(parts, $concat([0, 1], alias));
		}
		for (var i = 1, isOwn = true; i < parts.length; i += 1) {
			var part = parts[i];
			var first = $strSlice(part, 0, 1);
			var last = $strSlice(part, -1);
			if ((first === "\"" || first === "'" || first === "`" || last === "\"" || last === "'" || last === "`") && first !== last) throw new $SyntaxError("property names with quotes must have matching quotes");
			if (part === "constructor" || !isOwn) skipFurtherCaching = true;
			intrinsicBaseName += "." + part;
			intrinsicRealName = "%" + intrinsicBaseName + "%";
			if (hasOwn(INTRINSICS, intrinsicRealName)) value = INTRINSICS[intrinsicRealName];
			else if (value != null) {
				if (!(part in value)) {
					if (!allowMissing) throw new $TypeError("base intrinsic for " + name + " exists, but the property is not available.");
					return;
				}
				if ($gOPD && i + 1 >= parts.length) {
					var desc = $gOPD(value, part);
					isOwn = !!desc;
					if (isOwn && "get" in desc && !("originalValue" in desc.get)) value = desc.get;
					else value = value[part];
				} else {
					isOwn = hasOwn(value, part);
					value = value[part];
				}
				if (isOwn && !skipFurtherCaching) INTRINSICS[intrinsicRealName] = value;
			}
		}
		return value;
	};
}));
// node_modules/call-bound/index.js
var require_call_bound = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var GetIntrinsic = require_get_intrinsic();
	var callBindBasic = require_call_bind_apply_helpers();
	var $indexOf = callBindBasic([GetIntrinsic("%String.prototype.indexOf%")]);
	module.exports = function callBoundIntrinsic(name, allowMissing) {
		var intrinsic = GetIntrinsic(name, !!allowMissing);
		if (typeof intrinsic === "function" && $indexOf(name, ".prototype.") > -1) return callBindBasic([intrinsic]);
		return intrinsic;
	};
}));
// node_modules/side-channel-map/index.js
var require_side_channel_map = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var GetIntrinsic = require_get_intrinsic();
	var callBound = require_call_bound();
	var inspect = require_object_inspect();
	var $TypeError = require_type();
	var $Map = GetIntrinsic("%Map%", true);
	var $mapGet = callBound("Map.prototype.get", true);
	var $mapSet = callBound("Map.prototype.set", true);
	var $mapHas = callBound("Map.prototype.has", true);
	var $mapDelete = callBound("Map.prototype.delete", true);
	var $mapSize = callBound("Map.prototype.size", true);
	module.exports = !!$Map && function getSideChannelMap() {
		var $m;
		var channel = {
			assert: function(key) {
				if (!channel.has(key)) throw new $TypeError("Side channel does not contain " + inspect(key));
			},
			"delete": function(key) {
				if ($m) {
					var result = $mapDelete($m, key);
					if ($mapSize($m) === 0) $m = void 0;
					return result;
				}
				return false;
			},
			get: function(key) {
				if ($m) return $mapGet($m, key);
			},
			has: function(key) {
				if ($m) return $mapHas($m, key);
				return false;
			},
			set: function(key, value) {
				if (!$m) $m = new $Map();
				$mapSet($m, key, value);
			}
		};
		return channel;
	};
}));
// node_modules/side-channel-weakmap/index.js
var require_side_channel_weakmap = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var GetIntrinsic = require_get_intrinsic();
	var callBound = require_call_bound();
	var inspect = require_object_inspect();
	var getSideChannelMap = require_side_channel_map();
	var $TypeError = require_type();
	var $WeakMap = GetIntrinsic("%WeakMap%", true);
	var $weakMapGet = callBound("WeakMap.prototype.get", true);
	var $weakMapSet = callBound("WeakMap.prototype.set", true);
	var $weakMapHas = callBound("WeakMap.prototype.has", true);
	var $weakMapDelete = callBound("WeakMap.prototype.delete", true);
	module.exports = $WeakMap ? function getSideChannelWeakMap() {
		var $wm;
		var $m;
		var channel = {
			assert: function(key) {
				if (!channel.has(key)) throw new $TypeError("Side channel does not contain " + inspect(key));
			},
			"delete": function(key) {
				if ($WeakMap && key && (typeof key === "object" || typeof key === "function")) {
					if ($wm) return $weakMapDelete($wm, key);
				} else if (getSideChannelMap) {
					if ($m) return $m["delete"](key);
				}
				return false;
			},
			get: function(key) {
				if ($WeakMap && key && (typeof key === "object" || typeof key === "function")) {
					if ($wm) return $weakMapGet($wm, key);
				}
				return $m && $m.get(key);
			},
			has: function(key) {
				if ($WeakMap && key && (typeof key === "object" || typeof key === "function")) {
					if ($wm) return $weakMapHas($wm, key);
				}
				return !!$m && $m.has(key);
			},
			set: function(key, value) {
				if ($WeakMap && key && (typeof key === "object" || typeof key === "function")) {
					if (!$wm) $wm = new $WeakMap();
					$weakMapSet($wm, key, value);
				} else if (getSideChannelMap) {
					if (!$m) $m = getSideChannelMap();
					$m.set(key, value);
				}
			}
		};
		return channel;
	} : getSideChannelMap;
}));
// node_modules/side-channel/index.js
var require_side_channel = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var $TypeError = require_type();
	var inspect = require_object_inspect();
	var getSideChannelList = require_side_channel_list();
	var getSideChannelMap = require_side_channel_map();
	var makeChannel = require_side_channel_weakmap() || getSideChannelMap || getSideChannelList;
	module.exports = function getSideChannel() {
		var $channelData;
		var channel = {
			assert: function(key) {
				if (!channel.has(key)) throw new $TypeError("Side channel does not contain " + (key && Object(key) === key ? "the given object key" : inspect(key)));
			},
			"delete": function(key) {
				return !!$channelData && $channelData["delete"](key);
			},
			get: function(key) {
				return $channelData && $channelData.get(key);
			},
			has: function(key) {
				return !!$channelData && $channelData.has(key);
			},
			set: function(key, value) {
				if (!$channelData) $channelData = makeChannel();
				$channelData.set(key, value);
			}
		};
		return channel;
	};
}));
// node_modules/qs/lib/formats.js
var require_formats = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var replace = String.prototype.replace;
	var percentTwenties = /%20/g;
	var Format = {
		RFC1738: "RFC1738",
		RFC3986: "RFC3986",
		WHATWG: "WHATWG"
	};
	module.exports = {
		"default": Format.RFC3986,
		formatters: {
			RFC1738: function(value) {
				return replace.call(value, percentTwenties, "+");
			},
			RFC3986: function(value) {
				return String(value);
			},
			WHATWG: function(value) {
				return replace.call(value, percentTwenties, "+");
			}
		},
		RFC1738: Format.RFC1738,
		RFC3986: Format.RFC3986,
		WHATWG: Format.WHATWG
	};
}));
// node_modules/qs/lib/utils.js
var require_utils$1 = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var formats = require_formats();
	var getSideChannel = require_side_channel();
	var defineProperty = require_es_define_property();
	var has = Object.prototype.hasOwnProperty;
	var isArray = Array.isArray;
	var overflowChannel = getSideChannel();
	var markOverflow = function markOverflow(obj, maxIndex) {
		overflowChannel.set(obj, maxIndex);
		return obj;
	};
	var isOverflow = function isOverflow(obj) {
		return overflowChannel.has(obj);
	};
	var getMaxIndex = function getMaxIndex(obj) {
		return overflowChannel.get(obj);
	};
	var setMaxIndex = function setMaxIndex(obj, maxIndex) {
		overflowChannel.set(obj, maxIndex);
	};
	var conflictChannel = getSideChannel();
	var markConflict = function markConflict(obj, maxIndex) {
		conflictChannel.set(obj, maxIndex);
		return obj;
	};
	var isConflict = function isConflict(obj) {
		return conflictChannel.has(obj);
	};
	var getConflictIndex = function getConflictIndex(obj) {
		return conflictChannel.get(obj);
	};
	var hexTable = function() {
		var array = [];
		for (var i = 0; i < 256; ++i) array[array.length] = "%" + ((i < 16 ? "0" : "") + i.toString(16)).toUpperCase();
		return array;
	}();
	var compactQueue = function compactQueue(queue) {
		while (queue.length > 1) {
			var item = queue.pop();
			var obj = item.obj[item.prop];
			if (isArray(obj)) {
				var compacted = [];
				for (var j = 0; j < obj.length; ++j) if (typeof obj[j] !== "undefined") compacted[compacted.length] = obj[j];
				item.obj[item.prop] = compacted;
			}
		}
	};
	var arrayToObject = function arrayToObject(source, options) {
		var obj = options && options.plainObjects ? { __proto__: null } : {};
		for (var i = 0; i < source.length; ++i) if (typeof source[i] !== "undefined") obj[i] = source[i];
		return obj;
	};
	var setProperty = function setProperty(obj, key, value) {
		if (key === "__proto__" && defineProperty) defineProperty(obj, key, {
			configurable: true,
			enumerable: true,
			value,
			writable: true
		});
		else obj[key] = value;
	};
	var maxNumericIndex = function maxNumericIndex(obj, min) {
		var max = min;
		var keys = Object.keys(obj);
		for (var i = 0; i < keys.length; ++i) {
			var num = parseInt(keys[i], 10);
			if (String(num) === keys[i] && num > max) max = num;
		}
		return max;
	};
	var countElements = function countElements(arr) {
		var count = 0;
		for (var i = 0; i < arr.length; ++i) if (has.call(arr, i)) count += 1;
		return count;
	};
	var limitedPair = function limitedPair(first, second, options) {
		var pair = [first, second];
		if (options && typeof options.arrayLimit === "number" && pair.length > options.arrayLimit) {
			if (options.throwOnLimitExceeded) throw new RangeError("Array limit exceeded. Only " + options.arrayLimit + " element" + (options.arrayLimit === 1 ? "" : "s") + " allowed in an array.");
			return markOverflow(arrayToObject(pair, options), 1);
		}
		return pair;
	};
	var merge = function merge(target, source, options) {
		if (!source) return target;
		if (typeof source !== "object" && typeof source !== "function") {
			if (isArray(target)) {
				var nextIndex = target.length;
				if (options && typeof options.arrayLimit === "number" && countElements(target) >= options.arrayLimit) {
					if (options.throwOnLimitExceeded) throw new RangeError("Array limit exceeded. Only " + options.arrayLimit + " element" + (options.arrayLimit === 1 ? "" : "s") + " allowed in an array.");
					return markOverflow(arrayToObject(target.concat(source), options), nextIndex);
				}
				target[nextIndex] = source;
			} else if (target && typeof target === "object") {
				if (isOverflow(target)) {
					var newIndex = getMaxIndex(target) + 1;
					target[newIndex] = source;
					setMaxIndex(target, newIndex);
				} else if (options && options.strictMerge && isConflict(target)) {
					var nextConflict = getConflictIndex(target) + 1;
					if (options.throwOnLimitExceeded && typeof options.arrayLimit === "number" && nextConflict >= options.arrayLimit) throw new RangeError("Array limit exceeded. Only " + options.arrayLimit + " element" + (options.arrayLimit === 1 ? "" : "s") + " allowed in an array.");
					target[nextConflict] = source;
					markConflict(target, nextConflict);
				} else if (options && options.strictMerge) {
					var conflict = limitedPair(target, source, options);
					return isArray(conflict) ? markConflict(conflict, 1) : conflict;
				} else if (options && (options.plainObjects || options.allowPrototypes) || !has.call(Object.prototype, source)) target[source] = true;
			} else return limitedPair(target, source, options);
			return target;
		}
		if (!target || typeof target !== "object") {
			if (isOverflow(source)) {
				var sourceKeys = Object.keys(source);
				var result = options && options.plainObjects ? {
					__proto__: null,
					0: target
				} : { 0: target };
				for (var m = 0; m < sourceKeys.length; m++) {
					var oldKey = parseInt(sourceKeys[m], 10);
					result[oldKey + 1] = source[sourceKeys[m]];
				}
				return markOverflow(result, getMaxIndex(source) + 1);
			}
			var combined = [target].concat(source);
			if (options && typeof options.arrayLimit === "number" && combined.length > options.arrayLimit) {
				if (options.throwOnLimitExceeded) throw new RangeError("Array limit exceeded. Only " + options.arrayLimit + " element" + (options.arrayLimit === 1 ? "" : "s") + " allowed in an array.");
				return markOverflow(arrayToObject(combined, options), combined.length - 1);
			}
			return combined;
		}
		var mergeTarget = target;
		if (isArray(target) && !isArray(source)) {
			mergeTarget = arrayToObject(target, options);
			if (isConflict(target)) markConflict(mergeTarget, target.length - 1);
		}
		if (isArray(target) && isArray(source)) {
			source.forEach(function(item, i) {
				if (has.call(target, i)) {
					var targetItem = target[i];
					if (targetItem && typeof targetItem === "object" && item && typeof item === "object") target[i] = merge(targetItem, item, options);
					else target[target.length] = item;
				} else target[i] = item;
			});
			if (options && typeof options.arrayLimit === "number" && countElements(target) > options.arrayLimit) {
				if (options.throwOnLimitExceeded) throw new RangeError("Array limit exceeded. Only " + options.arrayLimit + " element" + (options.arrayLimit === 1 ? "" : "s") + " allowed in an array.");
				return markOverflow(arrayToObject(target, options), target.length - 1);
			}
			return target;
		}
		return Object.keys(source).reduce(function(acc, key) {
			var value = source[key];
			if (has.call(acc, key)) setProperty(acc, key, merge(acc[key], value, options));
			else setProperty(acc, key, value);
			if (isOverflow(source) && !isOverflow(acc)) markOverflow(acc, maxNumericIndex(acc, getMaxIndex(source)));
			if (isOverflow(acc)) {
				var keyNum = parseInt(key, 10);
				if (String(keyNum) === key && keyNum >= 0 && keyNum > getMaxIndex(acc)) setMaxIndex(acc, keyNum);
			}
			if (isConflict(acc)) {
				var conflictKey = parseInt(key, 10);
				if (String(conflictKey) === key && conflictKey > getConflictIndex(acc)) markConflict(acc, conflictKey);
			}
			return acc;
		}, mergeTarget);
	};
	var assign = function assignSingleSource(target, source) {
		return Object.keys(source).reduce(function(acc, key) {
			setProperty(acc, key, source[key]);
			return acc;
		}, target);
	};
	var decode = function(str, defaultDecoder, charset) {
		if (typeof str === "string" && str.indexOf("%") === -1) return str.indexOf("+") === -1 ? str : str.replace(/\+/g, " ");
		var strWithoutPlus = str.replace(/\+/g, " ");
		if (charset === "iso-8859-1") return strWithoutPlus.replace(/%[0-9a-f]{2}/gi, unescape);
		try {
			return decodeURIComponent(strWithoutPlus);
		} catch (e) {
			return strWithoutPlus;
		}
	};
	var hasToPrimitive = typeof Symbol === "function" && typeof Symbol.toPrimitive === "symbol";
	var arrayJoin = Array.prototype.join;
	var arrayToString = Array.prototype.toString;
	var objectToString = Object.prototype.toString;
	var toCoercible = function toCoercible(value, joining) {
		if (!value || typeof value !== "object" && typeof value !== "function") return value;
		if (hasToPrimitive && value[Symbol.toPrimitive] != null) return value;
		if (isArray(value) && value.toString === arrayToString && value.join === arrayJoin) {
			var ancestors = joining || getSideChannel();
			if (ancestors.has(value)) return "";
			ancestors.set(value, true);
			var copy;
			for (var i = 0; i < value.length; i += 1) {
				var item = value[i];
				var coerced = toCoercible(item, ancestors);
				if (!copy && coerced !== item) {
					copy = [];
					for (var j = 0; j < i; j += 1) copy[j] = value[j];
				}
				if (copy) copy[i] = coerced;
			}
			ancestors["delete"](value);
			return copy || value;
		}
		if (typeof value.toString === "function") return value;
		var valueOf = value.valueOf;
		if (typeof valueOf === "function") {
			var primitive = valueOf.call(value);
			if (!primitive || typeof primitive !== "object" && typeof primitive !== "function") return String(primitive);
		}
		return objectToString.call(value);
	};
	var limit = 1024;
	module.exports = {
		arrayToObject,
		assign,
		combine: function combine(a, b, arrayLimit, plainObjects, throwOnLimitExceeded) {
			if (isOverflow(a)) {
				if (throwOnLimitExceeded) throw new RangeError("Array limit exceeded. Only " + arrayLimit + " element" + (arrayLimit === 1 ? "" : "s") + " allowed in an array.");
				var bValues = isArray(b) ? b : [b];
				var newIndex = getMaxIndex(a);
				for (var i = 0; i < bValues.length; ++i) {
					newIndex += 1;
					a[newIndex] = bValues[i];
				}
				setMaxIndex(a, newIndex);
				return a;
			}
			var result = [].concat(a, b);
			if (result.length > arrayLimit) {
				if (throwOnLimitExceeded) throw new RangeError("Array limit exceeded. Only " + arrayLimit + " element" + (arrayLimit === 1 ? "" : "s") + " allowed in an array.");
				return markOverflow(arrayToObject(result, { plainObjects }), result.length - 1);
			}
			return result;
		},
		compact: function compact(value) {
			var queue = [{
				obj: { o: value },
				prop: "o"
			}];
			var refs = getSideChannel();
			for (var i = 0; i < queue.length; ++i) {
				var item = queue[i];
				var obj = item.obj[item.prop];
				var keys = Object.keys(obj);
				for (var j = 0; j < keys.length; ++j) {
					var key = keys[j];
					var val = obj[key];
					if (typeof val === "object" && val !== null && !refs.has(val)) {
						queue[queue.length] = {
							obj,
							prop: key
						};
						refs.set(val, true);
					}
				}
			}
			compactQueue(queue);
			return value;
		},
		decode,
		encode: function encode(str, defaultEncoder, charset, kind, format) {
			if (str.length === 0) return str;
			var string = str;
			if (typeof str === "symbol") string = Symbol.prototype.toString.call(str);
			else if (typeof str !== "string") string = String(toCoercible(str));
			if (charset === "iso-8859-1") return escape(string).replace(/%u[0-9a-f]{4}/gi, function($0) {
				return "%26%23" + parseInt($0.slice(2), 16) + "%3B";
			}).replace(/\+/g, "%2B");
			var out = "";
			for (var j = 0; j < string.length; j += limit) {
				var segment = string.length >= limit ? string.slice(j, j + limit) : string;
				if (j + limit < string.length) {
					var last = segment.charCodeAt(segment.length - 1);
					if (last >= 55296 && last <= 56319) {
						segment = segment.slice(0, -1);
						j -= 1;
					}
				}
				var arr = [];
				for (var i = 0; i < segment.length; ++i) {
					var c = segment.charCodeAt(i);
					if (c === 45 || c === 46 || c === 95 || c === 126 && format !== formats.WHATWG || c >= 48 && c <= 57 || c >= 65 && c <= 90 || c >= 97 && c <= 122 || format === formats.RFC1738 && (c === 40 || c === 41) || format === formats.WHATWG && c === 42) {
						arr[arr.length] = segment.charAt(i);
						continue;
					}
					if (c < 128) {
						arr[arr.length] = hexTable[c];
						continue;
					}
					if (c < 2048) {
						arr[arr.length] = hexTable[192 | c >> 6] + hexTable[128 | c & 63];
						continue;
					}
					if (c < 55296 || c >= 57344) {
						arr[arr.length] = hexTable[224 | c >> 12] + hexTable[128 | c >> 6 & 63] + hexTable[128 | c & 63];
						continue;
					}
					var next = segment.charCodeAt(i + 1);
					if (c <= 56319 && next >= 56320 && next <= 57343) {
						i += 1;
						c = 65536 + ((c & 1023) << 10 | next & 1023);
						arr[arr.length] = hexTable[240 | c >> 18] + hexTable[128 | c >> 12 & 63] + hexTable[128 | c >> 6 & 63] + hexTable[128 | c & 63];
					} else arr[arr.length] = "%EF%BF%BD";
				}
				out += arr.join("");
			}
			return out;
		},
		isBuffer: function isBuffer(obj) {
			if (!obj || typeof obj !== "object") return false;
			return !!(obj.constructor && typeof obj.constructor.isBuffer === "function" && obj.constructor.isBuffer(obj));
		},
		isOverflow,
		isRegExp: function isRegExp(obj) {
			return Object.prototype.toString.call(obj) === "[object RegExp]";
		},
		markOverflow,
		maybeMap: function maybeMap(val, fn) {
			if (isArray(val)) {
				var mapped = [];
				for (var i = 0; i < val.length; i += 1) mapped[mapped.length] = fn(val[i]);
				return mapped;
			}
			return fn(val);
		},
		merge,
		setProperty,
		toCoercible
	};
}));
// node_modules/qs/lib/stringify.js
var require_stringify = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var getSideChannel = require_side_channel();
	var utils = require_utils$1();
	var formats = require_formats();
	var has = Object.prototype.hasOwnProperty;
	var arrayPrefixGenerators = {
		brackets: function brackets(prefix) {
			return prefix + "[]";
		},
		comma: "comma",
		indices: function indices(prefix, key) {
			return prefix + "[" + key + "]";
		},
		repeat: function repeat(prefix) {
			return prefix;
		}
	};
	var isArray = Array.isArray;
	var push = Array.prototype.push;
	var pushToArray = function(arr, valueOrArray) {
		push.apply(arr, isArray(valueOrArray) ? valueOrArray : [valueOrArray]);
	};
	var toISO = Date.prototype.toISOString;
	var defaultFormat = formats["default"];
	var defaults = {
		addQueryPrefix: false,
		allowDots: false,
		allowEmptyArrays: false,
		arrayFormat: "indices",
		charset: "utf-8",
		charsetSentinel: false,
		commaRoundTrip: false,
		delimiter: "&",
		depth: Infinity,
		encode: true,
		encodeDotInKeys: false,
		encoder: utils.encode,
		encodeValuesOnly: false,
		filter: void 0,
		format: defaultFormat,
		formatter: formats.formatters[defaultFormat],
		indices: false,
		serializeDate: function serializeDate(date) {
			return toISO.call(date);
		},
		skipNulls: false,
		strictNullHandling: false
	};
	var isNonNullishPrimitive = function isNonNullishPrimitive(v) {
		return typeof v === "string" || typeof v === "number" || typeof v === "boolean" || typeof v === "symbol" || typeof v === "bigint";
	};
	var sentinel = {};
	var stringify = function stringify(object, prefix, generateArrayPrefix, commaRoundTrip, allowEmptyArrays, strictNullHandling, skipNulls, encodeDotInKeys, encoder, filter, sort, allowDots, serializeDate, format, formatter, encodeValuesOnly, charset, sideChannel, depth, currentDepth) {
		var obj = object;
		if (currentDepth > depth) throw new RangeError("Input depth exceeded depth option of " + depth);
		var tmpSc = sideChannel;
		var step = 0;
		var findFlag = false;
		while ((tmpSc = tmpSc.get(sentinel)) !== void 0 && !findFlag) {
			var pos = tmpSc.get(object);
			step += 1;
			if (typeof pos !== "undefined") {
				if (pos === step) throw new RangeError("Cyclic object value");
				else findFlag = true;
			}
			if (typeof tmpSc.get(sentinel) === "undefined") step = 0;
		}
		obj = typeof filter === "function" ? filter(prefix, obj) : obj;
		if (obj instanceof Date) obj = serializeDate(obj);
		else if (generateArrayPrefix === "comma" && isArray(obj)) obj = utils.maybeMap(obj, function(value) {
			if (value instanceof Date) return serializeDate(value);
			return value;
		});
		if (obj === null) {
			if (strictNullHandling) return formatter(encoder && !encodeValuesOnly ? encoder(prefix, defaults.encoder, charset, "key", format) : prefix);
			obj = "";
		}
		if (isNonNullishPrimitive(obj) || utils.isBuffer(obj)) {
			if (encoder) return [formatter(encodeValuesOnly ? prefix : encoder(prefix, defaults.encoder, charset, "key", format)) + "=" + formatter(encoder(obj, defaults.encoder, charset, "value", format))];
			return [formatter(prefix) + "=" + formatter(String(obj))];
		}
		var values = [];
		if (typeof obj === "undefined") return values;
		var objKeys;
		if (generateArrayPrefix === "comma" && isArray(obj)) {
			if (encodeValuesOnly && encoder) obj = utils.maybeMap(obj, function(v) {
				return v == null ? v : encoder(v, defaults.encoder, charset, "value", format);
			});
			objKeys = [{ value: obj.length > 0 ? utils.toCoercible(obj).join(",") || null : void 0 }];
		} else if (isArray(filter)) objKeys = filter;
		else {
			var keys = Object.keys(obj);
			objKeys = sort ? keys.sort(sort) : keys;
		}
		var encodedPrefix = String(prefix);
		var adjustedPrefix = commaRoundTrip && isArray(obj) && obj.length === 1 ? encodedPrefix + "[]" : encodedPrefix;
		if (allowEmptyArrays && isArray(obj) && obj.length === 0 && Object.keys(obj).length === 0) return formatter(encoder && !encodeValuesOnly ? encoder(adjustedPrefix, defaults.encoder, charset, "key", format) : adjustedPrefix) + "[]";
		for (var j = 0; j < objKeys.length; ++j) {
			var key = objKeys[j];
			var value = typeof key === "object" && key && typeof key.value !== "undefined" ? key.value : obj[key];
			if (skipNulls && value === null) continue;
			var encodedKey = allowDots && encodeDotInKeys ? String(key).replace(/\./g, "%2E") : String(key);
			var keyPrefix = isArray(obj) ? typeof generateArrayPrefix === "function" ? generateArrayPrefix(adjustedPrefix, encodedKey) : adjustedPrefix : adjustedPrefix + (allowDots ? "." + encodedKey : "[" + encodedKey + "]");
			sideChannel.set(object, step);
			var valueSideChannel = getSideChannel();
			valueSideChannel.set(sentinel, sideChannel);
			pushToArray(values, stringify(value, keyPrefix, generateArrayPrefix, commaRoundTrip, allowEmptyArrays, strictNullHandling, skipNulls, encodeDotInKeys, generateArrayPrefix === "comma" && encodeValuesOnly && isArray(obj) ? null : encoder, filter, sort, allowDots, serializeDate, format, formatter, encodeValuesOnly, charset, valueSideChannel, depth, currentDepth + 1));
		}
		return values;
	};
	var normalizeStringifyOptions = function normalizeStringifyOptions(opts) {
		if (!opts) return defaults;
		if (typeof opts.allowEmptyArrays !== "undefined" && typeof opts.allowEmptyArrays !== "boolean") throw new TypeError("`allowEmptyArrays` option can only be `true` or `false`, when provided");
		if (typeof opts.encodeDotInKeys !== "undefined" && typeof opts.encodeDotInKeys !== "boolean") throw new TypeError("`encodeDotInKeys` option can only be `true` or `false`, when provided");
		if (opts.encoder !== null && typeof opts.encoder !== "undefined" && typeof opts.encoder !== "function") throw new TypeError("Encoder has to be a function.");
		var charset = opts.charset || defaults.charset;
		if (typeof opts.charset !== "undefined" && opts.charset !== "utf-8" && opts.charset !== "iso-8859-1") throw new TypeError("The charset option must be either utf-8, iso-8859-1, or undefined");
		var format = formats["default"];
		if (typeof opts.format !== "undefined") {
			if (!has.call(formats.formatters, opts.format)) throw new TypeError("Unknown format option provided.");
			format = opts.format;
		}
		var formatter = formats.formatters[format];
		var filter = defaults.filter;
		if (typeof opts.filter === "function" || isArray(opts.filter)) filter = opts.filter;
		var arrayFormat;
		if (has.call(arrayPrefixGenerators, opts.arrayFormat)) arrayFormat = opts.arrayFormat;
		else if ("indices" in opts) arrayFormat = opts.indices ? "indices" : "repeat";
		else arrayFormat = defaults.arrayFormat;
		if ("commaRoundTrip" in opts && typeof opts.commaRoundTrip !== "boolean") throw new TypeError("`commaRoundTrip` must be a boolean, or absent");
		var allowDots = typeof opts.allowDots === "undefined" ? opts.encodeDotInKeys === true ? true : defaults.allowDots : !!opts.allowDots;
		return {
			addQueryPrefix: typeof opts.addQueryPrefix === "boolean" ? opts.addQueryPrefix : defaults.addQueryPrefix,
			allowDots,
			allowEmptyArrays: typeof opts.allowEmptyArrays === "boolean" ? !!opts.allowEmptyArrays : defaults.allowEmptyArrays,
			arrayFormat,
			charset,
			charsetSentinel: typeof opts.charsetSentinel === "boolean" ? opts.charsetSentinel : defaults.charsetSentinel,
			commaRoundTrip: !!opts.commaRoundTrip,
			delimiter: typeof opts.delimiter === "undefined" ? defaults.delimiter : opts.delimiter,
			depth: typeof opts.depth === "number" ? opts.depth : defaults.depth,
			encode: typeof opts.encode === "boolean" ? opts.encode : defaults.encode,
			encodeDotInKeys: typeof opts.encodeDotInKeys === "boolean" ? opts.encodeDotInKeys : defaults.encodeDotInKeys,
			encoder: typeof opts.encoder === "function" ? opts.encoder : defaults.encoder,
			encodeValuesOnly: typeof opts.encodeValuesOnly === "boolean" ? opts.encodeValuesOnly : defaults.encodeValuesOnly,
			filter,
			format,
			formatter,
			serializeDate: typeof opts.serializeDate === "function" ? opts.serializeDate : defaults.serializeDate,
			skipNulls: typeof opts.skipNulls === "boolean" ? opts.skipNulls : defaults.skipNulls,
			sort: typeof opts.sort === "function" ? opts.sort : null,
			strictNullHandling: typeof opts.strictNullHandling === "boolean" ? opts.strictNullHandling : defaults.strictNullHandling
		};
	};
	module.exports = function(object, opts) {
		var obj = object;
		var options = normalizeStringifyOptions(opts);
		var objKeys;
		var filter;
		if (typeof options.filter === "function") {
			filter = options.filter;
			obj = filter("", obj);
		} else if (isArray(options.filter)) {
			filter = options.filter.slice();
			objKeys = filter;
		}
		var keys = [];
		if (typeof obj !== "object" || obj === null) return "";
		var generateArrayPrefix = arrayPrefixGenerators[options.arrayFormat];
		var commaRoundTrip = generateArrayPrefix === "comma" && options.commaRoundTrip;
		if (!objKeys) objKeys = Object.keys(obj);
		if (options.sort) objKeys.sort(options.sort);
		var sideChannel = getSideChannel();
		for (var i = 0; i < objKeys.length; ++i) {
			var key = objKeys[i];
			if (typeof key === "undefined" || key === null) continue;
			var value = obj[key];
			if (options.skipNulls && value === null) continue;
			pushToArray(keys, stringify(value, options.encodeDotInKeys ? String(key).replace(/\./g, "%2E") : String(key), generateArrayPrefix, commaRoundTrip, options.allowEmptyArrays, options.strictNullHandling, options.skipNulls, options.encodeDotInKeys, options.encode ? options.encoder : null, filter, options.sort, options.allowDots, options.serializeDate, options.format, options.formatter, options.encodeValuesOnly, options.charset, sideChannel, options.depth, 0));
		}
		var joined = keys.join(options.delimiter);
		var prefix = options.addQueryPrefix === true ? "?" : "";
		if (options.charsetSentinel) {
			if (options.charset === "iso-8859-1") prefix += "utf8=%26%2310003%3B" + options.delimiter;
			else prefix += "utf8=%E2%9C%93" + options.delimiter;
		}
		return joined.length > 0 ? prefix + joined : "";
	};
}));
// node_modules/qs/lib/parse.js
var require_parse$1 = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var getSideChannel = require_side_channel();
	var utils = require_utils$1();
	var has = Object.prototype.hasOwnProperty;
	var isArray = Array.isArray;
	var getPrototypeOf = Object.getPrototypeOf;
	var fromCharCode = String.fromCharCode;
	var isPlainContainer = function isPlainContainer(value) {
		if (!value || typeof value !== "object") return false;
		if (isArray(value)) return true;
		var proto = getPrototypeOf(value);
		return proto === Object.prototype || proto === null;
	};
	var emptyCopyOf = function emptyCopyOf(value) {
		if (isArray(value)) {
			var arr = [];
			arr.length = value.length;
			return arr;
		}
		return getPrototypeOf(value) === null ? { __proto__: null } : {};
	};
	var copyInput = function copyInput(input) {
		var copies = getSideChannel();
		var result = {};
		var queue = [{
			source: input,
			target: result
		}];
		for (var i = 0; i < queue.length; ++i) {
			var source = queue[i].source;
			var target = queue[i].target;
			var keys = Object.keys(source);
			for (var j = 0; j < keys.length; ++j) {
				var value = source[keys[j]];
				if (isPlainContainer(value)) {
					if (!copies.has(value)) {
						var copy = emptyCopyOf(value);
						copies.set(value, copy);
						queue[queue.length] = {
							source: value,
							target: copy
						};
					}
					utils.setProperty(target, keys[j], copies.get(value));
				} else utils.setProperty(target, keys[j], value);
			}
		}
		return result;
	};
	var defaults = {
		allowDots: false,
		allowEmptyArrays: false,
		allowPrototypes: false,
		allowSparse: false,
		arrayLimit: 20,
		charset: "utf-8",
		charsetSentinel: false,
		comma: false,
		decodeDotInKeys: false,
		decoder: utils.decode,
		delimiter: "&",
		depth: 5,
		duplicates: "combine",
		ignoreQueryPrefix: false,
		interpretNumericEntities: false,
		parameterLimit: 1e3,
		parseArrays: true,
		plainObjects: false,
		strictDepth: false,
		strictMerge: true,
		strictNullHandling: false,
		throwOnLimitExceeded: false
	};
	var interpretNumericEntities = function(str) {
		return str.replace(/&#(\d+);/g, function($0, numberStr) {
			var c = parseInt(numberStr, 10);
			if (c > 65535 && c <= 1114111) {
				c -= 65536;
				return fromCharCode(55296 | c >> 10, 56320 | c & 1023);
			}
			return fromCharCode(c);
		});
	};
	var parseArrayValue = function(val, options, currentArrayLength) {
		if (val && typeof val === "string" && options.comma && val.indexOf(",") > -1) {
			if (options.throwOnLimitExceeded) {
				var commaCount = 0;
				var commaIndex = val.indexOf(",");
				while (commaIndex > -1) {
					commaCount += 1;
					if (commaCount >= options.arrayLimit) throw new RangeError("Array limit exceeded. Only " + options.arrayLimit + " element" + (options.arrayLimit === 1 ? "" : "s") + " allowed in an array.");
					commaIndex = val.indexOf(",", commaIndex + 1);
				}
			}
			return val.split(",");
		}
		if (options.throwOnLimitExceeded && currentArrayLength >= options.arrayLimit && currentArrayLength > 0) throw new RangeError("Array limit exceeded. Only " + options.arrayLimit + " element" + (options.arrayLimit === 1 ? "" : "s") + " allowed in an array.");
		return val;
	};
	var isoSentinel = "utf8=%26%2310003%3B";
	var charsetSentinel = "utf8=%E2%9C%93";
	var parseValues = function parseQueryStringValues(str, options) {
		var obj = { __proto__: null };
		var cleanStr = options.ignoreQueryPrefix ? str.replace(/^\?/, "") : str;
		cleanStr = cleanStr.replace(/%5B/gi, "[").replace(/%5D/gi, "]");
		var limit = options.parameterLimit === Infinity ? void 0 : options.parameterLimit;
		var parts = cleanStr.split(options.delimiter, options.throwOnLimitExceeded && typeof limit !== "undefined" ? limit + 1 : limit);
		if (options.throwOnLimitExceeded && typeof limit !== "undefined" && parts.length > limit) throw new RangeError("Parameter limit exceeded. Only " + limit + " parameter" + (limit === 1 ? "" : "s") + " allowed.");
		var skipIndex = -1;
		var i;
		var charset = options.charset;
		if (options.charsetSentinel) {
			for (i = 0; i < parts.length; ++i) if (parts[i].indexOf("utf8=") === 0) {
				if (parts[i] === charsetSentinel) charset = "utf-8";
				else if (parts[i] === isoSentinel) charset = "iso-8859-1";
				skipIndex = i;
				i = parts.length;
			}
		}
		for (i = 0; i < parts.length; ++i) {
			if (i === skipIndex) continue;
			var part = parts[i];
			var bracketEqualsPos = part.indexOf("]=");
			var pos = bracketEqualsPos === -1 ? part.indexOf("=") : bracketEqualsPos + 1;
			var isEmptyBracketKey = pos > 1 && part.slice(pos - 2, pos) === "[]";
			var key;
			var val;
			if (pos === -1) {
				key = options.decoder(part, defaults.decoder, charset, "key");
				val = options.strictNullHandling ? null : "";
			} else {
				key = options.decoder(part.slice(0, pos), defaults.decoder, charset, "key");
				if (key !== null) val = utils.maybeMap(parseArrayValue(part.slice(pos + 1), options, isArray(obj[key]) && (options.duplicates === "combine" || isEmptyBracketKey) ? obj[key].length : 0), function(encodedVal) {
					return options.decoder(encodedVal, defaults.decoder, charset, "value");
				});
			}
			if (val && options.interpretNumericEntities && charset === "iso-8859-1") val = utils.maybeMap(val, function(value) {
				return value ? interpretNumericEntities(String(value)) : value;
			});
			if (isEmptyBracketKey) val = isArray(val) ? [val] : val;
			if (options.comma && isArray(val) && val.length > options.arrayLimit) val = utils.combine([], val, options.arrayLimit, options.plainObjects, options.throwOnLimitExceeded);
			if (key !== null) {
				var existing = has.call(obj, key);
				if (existing && (options.duplicates === "combine" || isEmptyBracketKey)) obj[key] = utils.combine(obj[key], val, options.arrayLimit, options.plainObjects, options.throwOnLimitExceeded);
				else if (!existing || options.duplicates === "last") obj[key] = val;
			}
		}
		return obj;
	};
	var stripWrappingBrackets = function stripWrappingBrackets(key) {
		return key.charAt(0) === "[" && key.charAt(key.length - 1) === "]" ? key.slice(1, -1) : key;
	};
	var parseObject = function(chain, val, options, valuesParsed) {
		var currentArrayLength = 0;
		if (chain.length > 0 && chain[chain.length - 1] === "[]") {
			var parentKey = chain.slice(0, -1).join("");
			currentArrayLength = Array.isArray(val) && val[parentKey] ? val[parentKey].length : 0;
		}
		var leaf = valuesParsed ? val : parseArrayValue(val, options, currentArrayLength);
		for (var i = chain.length - 1; i >= 0; --i) {
			var obj;
			var root = chain[i];
			if (root === "[]" && options.parseArrays) {
				if (utils.isOverflow(leaf)) obj = leaf;
				else obj = options.allowEmptyArrays && (leaf === "" || options.strictNullHandling && leaf === null) ? [] : utils.combine([], leaf, options.arrayLimit, options.plainObjects, options.throwOnLimitExceeded);
			} else {
				obj = options.plainObjects ? { __proto__: null } : {};
				var cleanRoot = stripWrappingBrackets(root);
				var decodedRoot = options.decodeDotInKeys ? cleanRoot.replace(/%2E/gi, ".") : cleanRoot;
				var index = parseInt(decodedRoot, 10);
				var isValidArrayIndex = !isNaN(index) && root !== decodedRoot && String(index) === decodedRoot && index >= 0 && options.parseArrays;
				if (!options.parseArrays && decodedRoot === "") obj[0] = leaf;
				else if (isValidArrayIndex && index < options.arrayLimit) {
					obj = [];
					obj[index] = leaf;
				} else if (isValidArrayIndex && options.throwOnLimitExceeded) throw new RangeError("Array limit exceeded. Only " + options.arrayLimit + " element" + (options.arrayLimit === 1 ? "" : "s") + " allowed in an array.");
				else if (isValidArrayIndex) {
					obj[index] = leaf;
					utils.markOverflow(obj, index);
				} else if (decodedRoot !== "__proto__") obj[decodedRoot] = leaf;
			}
			leaf = obj;
		}
		return leaf;
	};
	var topLevelDotsToBrackets = function topLevelDotsToBrackets(key) {
		var result = "";
		var depth = 0;
		for (var i = 0; i < key.length; i += 1) {
			var cu = key.charCodeAt(i);
			if (cu === 91) {
				depth += 1;
				result += "[";
			} else if (cu === 93) {
				if (depth > 0) depth -= 1;
				result += "]";
			} else if (cu === 46 && depth === 0 && i + 1 < key.length && key.charCodeAt(i + 1) !== 46 && key.charCodeAt(i + 1) !== 91) {
				var start = i + 1;
				var j = start;
				while (j < key.length && key.charCodeAt(j) !== 46 && key.charCodeAt(j) !== 91) j += 1;
				result += "[" + key.slice(start, j) + "]";
				i = j - 1;
			} else result += key.charAt(i);
		}
		return result;
	};
	var splitKeyIntoSegments = function splitKeyIntoSegments(originalKey, options) {
		var key = options.allowDots ? topLevelDotsToBrackets(originalKey) : originalKey;
		if (options.depth <= 0) {
			if (!options.plainObjects && has.call(Object.prototype, stripWrappingBrackets(key))) {
				if (!options.allowPrototypes) return;
			}
			return [key];
		}
		var segments = [];
		var first = key.indexOf("[");
		var parent = first >= 0 ? key.slice(0, first) : key;
		if (parent) {
			if (!options.plainObjects && has.call(Object.prototype, parent)) {
				if (!options.allowPrototypes) return;
			}
			segments[segments.length] = parent;
		}
		var n = key.length;
		var open = first;
		var collected = 0;
		while (open >= 0 && collected < options.depth) {
			var level = 1;
			var i = open + 1;
			var close = -1;
			while (i < n && close < 0) {
				var cu = key.charCodeAt(i);
				if (cu === 91) level += 1;
				else if (cu === 93) {
					level -= 1;
					if (level === 0) close = i;
				}
				i += 1;
			}
			if (close < 0) {
				segments[segments.length] = "[" + key.slice(open) + "]";
				return segments;
			}
			var seg = key.slice(open, close + 1);
			var content = seg.slice(1, -1);
			if (!options.plainObjects && has.call(Object.prototype, content) && !options.allowPrototypes) return;
			segments[segments.length] = seg;
			collected += 1;
			open = key.indexOf("[", close + 1);
		}
		if (open >= 0) {
			if (options.strictDepth === true) throw new RangeError("Input depth exceeded depth option of " + options.depth + " and strictDepth is true");
			segments[segments.length] = "[" + key.slice(open) + "]";
		}
		return segments;
	};
	var parseKeys = function parseQueryStringKeys(givenKey, val, options, valuesParsed) {
		if (!givenKey) return;
		var keys = splitKeyIntoSegments(givenKey, options);
		if (!keys) return;
		return parseObject(keys, val, options, valuesParsed);
	};
	var normalizeParseOptions = function normalizeParseOptions(opts) {
		if (!opts) return defaults;
		if (typeof opts.allowEmptyArrays !== "undefined" && typeof opts.allowEmptyArrays !== "boolean") throw new TypeError("`allowEmptyArrays` option can only be `true` or `false`, when provided");
		if (typeof opts.decodeDotInKeys !== "undefined" && typeof opts.decodeDotInKeys !== "boolean") throw new TypeError("`decodeDotInKeys` option can only be `true` or `false`, when provided");
		if (opts.decoder !== null && typeof opts.decoder !== "undefined" && typeof opts.decoder !== "function") throw new TypeError("Decoder has to be a function.");
		if (typeof opts.charset !== "undefined" && opts.charset !== "utf-8" && opts.charset !== "iso-8859-1") throw new TypeError("The charset option must be either utf-8, iso-8859-1, or undefined");
		if (typeof opts.throwOnLimitExceeded !== "undefined" && typeof opts.throwOnLimitExceeded !== "boolean") throw new TypeError("`throwOnLimitExceeded` option must be a boolean");
		var charset = typeof opts.charset === "undefined" ? defaults.charset : opts.charset;
		var duplicates = typeof opts.duplicates === "undefined" ? defaults.duplicates : opts.duplicates;
		if (duplicates !== "combine" && duplicates !== "first" && duplicates !== "last") throw new TypeError("The duplicates option must be either combine, first, or last");
		return {
			allowDots: typeof opts.allowDots === "undefined" ? opts.decodeDotInKeys === true ? true : defaults.allowDots : !!opts.allowDots,
			allowEmptyArrays: typeof opts.allowEmptyArrays === "boolean" ? !!opts.allowEmptyArrays : defaults.allowEmptyArrays,
			allowPrototypes: typeof opts.allowPrototypes === "boolean" ? opts.allowPrototypes : defaults.allowPrototypes,
			allowSparse: typeof opts.allowSparse === "boolean" ? opts.allowSparse : defaults.allowSparse,
			arrayLimit: typeof opts.arrayLimit === "number" ? opts.arrayLimit : defaults.arrayLimit,
			charset,
			charsetSentinel: typeof opts.charsetSentinel === "boolean" ? opts.charsetSentinel : defaults.charsetSentinel,
			comma: typeof opts.comma === "boolean" ? opts.comma : defaults.comma,
			decodeDotInKeys: typeof opts.decodeDotInKeys === "boolean" ? opts.decodeDotInKeys : defaults.decodeDotInKeys,
			decoder: typeof opts.decoder === "function" ? opts.decoder : defaults.decoder,
			delimiter: typeof opts.delimiter === "string" || utils.isRegExp(opts.delimiter) ? opts.delimiter : defaults.delimiter,
			depth: typeof opts.depth === "number" || opts.depth === false ? +opts.depth : defaults.depth,
			duplicates,
			ignoreQueryPrefix: opts.ignoreQueryPrefix === true,
			interpretNumericEntities: typeof opts.interpretNumericEntities === "boolean" ? opts.interpretNumericEntities : defaults.interpretNumericEntities,
			parameterLimit: typeof opts.parameterLimit === "number" ? opts.parameterLimit : defaults.parameterLimit,
			parseArrays: opts.parseArrays !== false,
			plainObjects: typeof opts.plainObjects === "boolean" ? opts.plainObjects : defaults.plainObjects,
			strictDepth: typeof opts.strictDepth === "boolean" ? !!opts.strictDepth : defaults.strictDepth,
			strictMerge: typeof opts.strictMerge === "boolean" ? !!opts.strictMerge : defaults.strictMerge,
			strictNullHandling: typeof opts.strictNullHandling === "boolean" ? opts.strictNullHandling : defaults.strictNullHandling,
			throwOnLimitExceeded: typeof opts.throwOnLimitExceeded === "boolean" ? opts.throwOnLimitExceeded : false
		};
	};
	module.exports = function(str, opts) {
		var options = normalizeParseOptions(opts);
		if (str === "" || str === null || typeof str === "undefined") return options.plainObjects ? { __proto__: null } : {};
		var tempObj = typeof str === "string" ? parseValues(str, options) : copyInput(str);
		var obj = options.plainObjects ? { __proto__: null } : {};
		var keys = Object.keys(tempObj);
		for (var i = 0; i < keys.length; ++i) {
			var key = keys[i];
			var newObj = parseKeys(key, tempObj[key], options, typeof str === "string");
			obj = utils.merge(obj, newObj, options);
		}
		if (options.allowSparse === true) return obj;
		return utils.compact(obj);
	};
}));
// node_modules/qs/lib/index.js
var require_lib = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var stringify = require_stringify();
	var parse = require_parse$1();
	module.exports = {
		formats: require_formats(),
		parse,
		stringify
	};
}));
// node_modules/xcase/es5/index.js
var require_es5 = /* @__PURE__ */ __commonJSMin(((exports) => {
	Object.defineProperty(exports, "__esModule", { value: true });
	var _typeof = typeof Symbol === "function" && typeof Symbol.iterator === "symbol" ? function(obj) {
		return typeof obj;
	} : function(obj) {
		return obj && typeof Symbol === "function" && obj.constructor === Symbol ? "symbol" : typeof obj;
	};
	function isLower(char) {
		return char >= 97 && char <= 122;
	}
	function isUpper(char) {
		return char >= 65 && char <= 90;
	}
	function isDigit(char) {
		return char >= 48 && char <= 57;
	}
	function toUpperSafe(char) {
		if (isLower(char)) return char - 32;
		return char;
	}
	function toLower(char) {
		return char + 32;
	}
	function camelize$1(str, separator) {
		var firstChar = str.charCodeAt(0);
		if (isDigit(firstChar) || isUpper(firstChar) || firstChar == separator) return str;
		var out = [];
		var changed = false;
		if (isUpper(firstChar)) {
			changed = true;
			out.push(toLower(firstChar));
		} else out.push(firstChar);
		var length = str.length;
		for (var i = 1; i < length; ++i) {
			var c = str.charCodeAt(i);
			if (c === separator) {
				changed = true;
				c = str.charCodeAt(++i);
				if (isNaN(c)) return str;
				out.push(toUpperSafe(c));
			} else out.push(c);
		}
		return changed ? String.fromCharCode.apply(void 0, out) : str;
	}
	function decamelize$1(str, separator) {
		if (!isLower(str.charCodeAt(0))) return str;
		var length = str.length;
		var changed = false;
		var out = [];
		for (var i = 0; i < length; ++i) {
			var c = str.charCodeAt(i);
			if (isUpper(c)) {
				out.push(separator);
				out.push(toLower(c));
				changed = true;
			} else out.push(c);
		}
		return changed ? String.fromCharCode.apply(void 0, out) : str;
	}
	function shouldProcessValue(value) {
		return value && (typeof value === "undefined" ? "undefined" : _typeof(value)) == "object" && !(value instanceof Date) && !(value instanceof Function);
	}
	function processKeys(obj, fun, opts) {
		var obj2 = void 0;
		if (obj instanceof Array) obj2 = [];
		else {
			if (typeof obj.prototype !== "undefined") return obj;
			obj2 = {};
		}
		for (var key in obj) {
			var value = obj[key];
			if (typeof key === "string") key = fun(key, opts && opts.separator);
			if (shouldProcessValue(value)) obj2[key] = processKeys(value, fun, opts);
			else obj2[key] = value;
		}
		return obj2;
	}
	function processKeysInPlace(obj, fun, opts) {
		var keys = Object.keys(obj);
		for (var idx = 0; idx < keys.length; ++idx) {
			var key = keys[idx];
			var value = obj[key];
			var newKey = fun(key, opts && opts.separator);
			if (newKey !== key) delete obj[key];
			if (shouldProcessValue(value)) obj[newKey] = processKeys(value, fun, opts);
			else obj[newKey] = value;
		}
		return obj;
	}
	function camelize$$1(str, separator) {
		return camelize$1(str, separator && separator.charCodeAt(0) || 95);
	}
	function decamelize$$1(str, separator) {
		return decamelize$1(str, separator && separator.charCodeAt(0) || 95);
	}
	function camelizeKeys(obj, opts) {
		opts = opts || {};
		if (!shouldProcessValue(obj)) return obj;
		if (opts.inPlace) return processKeysInPlace(obj, camelize$$1, opts);
		return processKeys(obj, camelize$$1, opts);
	}
	function decamelizeKeys(obj, opts) {
		opts = opts || {};
		if (!shouldProcessValue(obj)) return obj;
		if (opts.inPlace) return processKeysInPlace(obj, decamelize$$1, opts);
		return processKeys(obj, decamelize$$1, opts);
	}
	exports.camelizeKeys = camelizeKeys;
	exports.decamelizeKeys = decamelizeKeys;
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterAbstract.js
var require_RateLimiterAbstract = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = class RateLimiterAbstract {
		constructor(opts = {}) {
			this.points = opts.points;
			this.duration = opts.duration;
			this.blockDuration = opts.blockDuration;
			this.execEvenly = opts.execEvenly;
			this.execEvenlyMinDelayMs = opts.execEvenlyMinDelayMs;
			this.keyPrefix = opts.keyPrefix;
		}
		get points() {
			return this._points;
		}
		set points(value) {
			this._points = value >= 0 ? value : 4;
		}
		get duration() {
			return this._duration;
		}
		set duration(value) {
			this._duration = typeof value === "undefined" ? 1 : value;
		}
		get msDuration() {
			return this.duration * 1e3;
		}
		get blockDuration() {
			return this._blockDuration;
		}
		set blockDuration(value) {
			this._blockDuration = typeof value === "undefined" ? 0 : value;
		}
		get msBlockDuration() {
			return this.blockDuration * 1e3;
		}
		get execEvenly() {
			return this._execEvenly;
		}
		set execEvenly(value) {
			this._execEvenly = typeof value === "undefined" ? false : Boolean(value);
		}
		get execEvenlyMinDelayMs() {
			return this._execEvenlyMinDelayMs;
		}
		set execEvenlyMinDelayMs(value) {
			this._execEvenlyMinDelayMs = typeof value === "undefined" ? Math.ceil(this.msDuration / this.points) : value;
		}
		get keyPrefix() {
			return this._keyPrefix;
		}
		set keyPrefix(value) {
			if (typeof value === "undefined") value = "rlflx";
			if (typeof value !== "string") throw new Error("keyPrefix must be string");
			this._keyPrefix = value;
		}
		_getKeySecDuration(options = {}) {
			return options && options.customDuration >= 0 ? options.customDuration : this.duration;
		}
		getKey(key) {
			return this.keyPrefix.length > 0 ? `${this.keyPrefix}:${key}` : key;
		}
		parseKey(rlKey) {
			return rlKey.substring(this.keyPrefix.length);
		}
		consume() {
			throw new Error("You have to implement the method 'consume'!");
		}
		penalty() {
			throw new Error("You have to implement the method 'penalty'!");
		}
		reward() {
			throw new Error("You have to implement the method 'reward'!");
		}
		get() {
			throw new Error("You have to implement the method 'get'!");
		}
		set() {
			throw new Error("You have to implement the method 'set'!");
		}
		block() {
			throw new Error("You have to implement the method 'block'!");
		}
		delete() {
			throw new Error("You have to implement the method 'delete'!");
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/component/BlockedKeys/BlockedKeys.js
var require_BlockedKeys$1 = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = class BlockedKeys {
		constructor() {
			this._keys = {};
			this._addedKeysAmount = 0;
		}
		collectExpired() {
			const now = Date.now();
			Object.keys(this._keys).forEach((key) => {
				if (this._keys[key] <= now) delete this._keys[key];
			});
			this._addedKeysAmount = Object.keys(this._keys).length;
		}
		add(key, sec) {
			this.addMs(key, sec * 1e3);
		}
		addMs(key, ms) {
			this._keys[key] = Date.now() + ms;
			this._addedKeysAmount++;
			if (this._addedKeysAmount > 999) this.collectExpired();
		}
		msBeforeExpire(key) {
			const expire = this._keys[key];
			if (expire && expire >= Date.now()) {
				this.collectExpired();
				const now = Date.now();
				return expire >= now ? expire - now : 0;
			}
			return 0;
		}
		delete(key) {
			if (key) delete this._keys[key];
			else Object.keys(this._keys).forEach((key) => {
				delete this._keys[key];
			});
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/component/BlockedKeys/index.js
var require_BlockedKeys = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = require_BlockedKeys$1();
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterRes.js
var require_RateLimiterRes = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = class RateLimiterRes {
		constructor(remainingPoints, msBeforeNext, consumedPoints, isFirstInDuration) {
			this.remainingPoints = typeof remainingPoints === "undefined" ? 0 : remainingPoints;
			this.msBeforeNext = typeof msBeforeNext === "undefined" ? 0 : msBeforeNext;
			this.consumedPoints = typeof consumedPoints === "undefined" ? 0 : consumedPoints;
			this.isFirstInDuration = typeof isFirstInDuration === "undefined" ? false : isFirstInDuration;
		}
		get msBeforeNext() {
			return this._msBeforeNext;
		}
		set msBeforeNext(ms) {
			this._msBeforeNext = ms;
			return this;
		}
		get remainingPoints() {
			return this._remainingPoints;
		}
		set remainingPoints(p) {
			this._remainingPoints = p;
			return this;
		}
		get consumedPoints() {
			return this._consumedPoints;
		}
		set consumedPoints(p) {
			this._consumedPoints = p;
			return this;
		}
		get isFirstInDuration() {
			return this._isFirstInDuration;
		}
		set isFirstInDuration(value) {
			this._isFirstInDuration = Boolean(value);
		}
		_getDecoratedProperties() {
			return {
				remainingPoints: this.remainingPoints,
				msBeforeNext: this.msBeforeNext,
				consumedPoints: this.consumedPoints,
				isFirstInDuration: this.isFirstInDuration
			};
		}
		[Symbol.for("nodejs.util.inspect.custom")]() {
			return this._getDecoratedProperties();
		}
		toString() {
			return JSON.stringify(this._getDecoratedProperties());
		}
		toJSON() {
			return this._getDecoratedProperties();
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterInsuredAbstract.js
var require_RateLimiterInsuredAbstract = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterAbstract = require_RateLimiterAbstract();
	const RateLimiterRes = require_RateLimiterRes();
	module.exports = class RateLimiterInsuredAbstract extends RateLimiterAbstract {
		constructor(opts = {}) {
			super(opts);
			this.insuranceLimiter = opts.insuranceLimiter;
		}
		get insuranceLimiter() {
			return this._insuranceLimiter;
		}
		set insuranceLimiter(value) {
			if (typeof value !== "undefined" && !(value instanceof RateLimiterAbstract)) throw new Error("insuranceLimiter must be instance of RateLimiterAbstract");
			this._insuranceLimiter = value;
			if (this._insuranceLimiter) {
				this._insuranceLimiter.blockDuration = this.blockDuration;
				this._insuranceLimiter.execEvenly = this.execEvenly;
			}
		}
		_handleError(err, funcName, resolve, reject, params) {
			if (err instanceof RateLimiterRes) reject(err);
			else if (!(this.insuranceLimiter instanceof RateLimiterAbstract)) reject(err);
			else this.insuranceLimiter[funcName](...params).then((res) => {
				resolve(res);
			}).catch((res) => {
				reject(res);
			});
		}
		_operation(funcName, params) {
			const promise = this[funcName](...params);
			return new Promise((resolve, reject) => {
				return promise.then((res) => {
					resolve(res);
				}).catch((err) => {
					if (funcName.startsWith("_")) funcName = funcName.slice(1);
					this._handleError(err, funcName, resolve, reject, params);
				});
			});
		}
		consume(key, pointsToConsume = 1, options = {}) {
			return this._operation("_consume", [
				key,
				pointsToConsume,
				options
			]);
		}
		penalty(key, points = 1, options = {}) {
			return this._operation("_penalty", [
				key,
				points,
				options
			]);
		}
		reward(key, points = 1, options = {}) {
			return this._operation("_reward", [
				key,
				points,
				options
			]);
		}
		get(key, options = {}) {
			return this._operation("_get", [key, options]);
		}
		set(key, points, secDuration, options = {}) {
			return this._operation("_set", [
				key,
				points,
				secDuration,
				options
			]);
		}
		block(key, secDuration, options = {}) {
			return this._operation("_block", [
				key,
				secDuration,
				options
			]);
		}
		delete(key, options = {}) {
			return this._operation("_delete", [key, options]);
		}
		_consume() {
			throw new Error("You have to implement the method '_consume'!");
		}
		_penalty() {
			throw new Error("You have to implement the method '_penalty'!");
		}
		_reward() {
			throw new Error("You have to implement the method '_reward'!");
		}
		_get() {
			throw new Error("You have to implement the method '_get'!");
		}
		_set() {
			throw new Error("You have to implement the method '_set'!");
		}
		_block() {
			throw new Error("You have to implement the method '_block'!");
		}
		_delete() {
			throw new Error("You have to implement the method '_delete'!");
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterStoreAbstract.js
var require_RateLimiterStoreAbstract = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	require_RateLimiterAbstract();
	const BlockedKeys = require_BlockedKeys();
	const RateLimiterRes = require_RateLimiterRes();
	const RateLimiterInsuredAbstract = require_RateLimiterInsuredAbstract();
	module.exports = class RateLimiterStoreAbstract extends RateLimiterInsuredAbstract {
		constructor(opts = {}) {
			super(opts);
			this.inMemoryBlockOnConsumed = opts.inMemoryBlockOnConsumed;
			this.inMemoryBlockDuration = opts.inMemoryBlockDuration;
			this._inMemoryBlockedKeys = new BlockedKeys();
		}
		get client() {
			return this._client;
		}
		set client(value) {
			if (typeof value === "undefined") throw new Error("storeClient is not set");
			this._client = value;
		}
		_afterConsume(resolve, reject, rlKey, changedPoints, storeResult, options = {}) {
			const res = this._getRateLimiterRes(rlKey, changedPoints, storeResult);
			if (this.inMemoryBlockOnConsumed > 0 && !(this.inMemoryBlockDuration > 0) && res.consumedPoints >= this.inMemoryBlockOnConsumed) {
				this._inMemoryBlockedKeys.addMs(rlKey, res.msBeforeNext);
				if (res.consumedPoints > this.points) return reject(res);
				else return resolve(res);
			} else if (res.consumedPoints > this.points) {
				let blockPromise = Promise.resolve();
				if (this.blockDuration > 0 && res.consumedPoints <= this.points + changedPoints) {
					res.msBeforeNext = this.msBlockDuration;
					blockPromise = this._block(rlKey, res.consumedPoints, this.msBlockDuration, options);
				}
				if (this.inMemoryBlockOnConsumed > 0 && res.consumedPoints >= this.inMemoryBlockOnConsumed) {
					this._inMemoryBlockedKeys.add(rlKey, this.inMemoryBlockDuration);
					res.msBeforeNext = this.msInMemoryBlockDuration;
				}
				blockPromise.then(() => {
					reject(res);
				}).catch((err) => {
					reject(err);
				});
			} else if (this.execEvenly && res.msBeforeNext > 0 && !res.isFirstInDuration) {
				let delay = Math.ceil(res.msBeforeNext / (res.remainingPoints + 2));
				if (delay < this.execEvenlyMinDelayMs) delay = res.consumedPoints * this.execEvenlyMinDelayMs;
				setTimeout(resolve, delay, res);
			} else resolve(res);
		}
		getInMemoryBlockMsBeforeExpire(rlKey) {
			if (this.inMemoryBlockOnConsumed > 0) return this._inMemoryBlockedKeys.msBeforeExpire(rlKey);
			return 0;
		}
		get inMemoryBlockOnConsumed() {
			return this._inMemoryBlockOnConsumed;
		}
		set inMemoryBlockOnConsumed(value) {
			this._inMemoryBlockOnConsumed = value ? parseInt(value) : 0;
			if (this.inMemoryBlockOnConsumed > 0 && this.points > this.inMemoryBlockOnConsumed) throw new Error("inMemoryBlockOnConsumed option must be greater or equal \"points\" option");
		}
		get inMemoryBlockDuration() {
			return this._inMemoryBlockDuration;
		}
		set inMemoryBlockDuration(value) {
			this._inMemoryBlockDuration = value ? parseInt(value) : 0;
			if (this.inMemoryBlockDuration > 0 && this.inMemoryBlockOnConsumed === 0) throw new Error("inMemoryBlockOnConsumed option must be set up");
		}
		get msInMemoryBlockDuration() {
			return this._inMemoryBlockDuration * 1e3;
		}
		block(key, secDuration, options = {}) {
			const msDuration = secDuration * 1e3;
			return this._block(this.getKey(key), this.points + 1, msDuration, options);
		}
		set(key, points, secDuration, options = {}) {
			const msDuration = (secDuration >= 0 ? secDuration : this.duration) * 1e3;
			return this._block(this.getKey(key), points, msDuration, options);
		}
		_consume(key, pointsToConsume = 1, options = {}) {
			return new Promise((resolve, reject) => {
				const rlKey = this.getKey(key);
				const inMemoryBlockMsBeforeExpire = this.getInMemoryBlockMsBeforeExpire(rlKey);
				if (inMemoryBlockMsBeforeExpire > 0) return reject(new RateLimiterRes(0, inMemoryBlockMsBeforeExpire));
				this._upsert(rlKey, pointsToConsume, this._getKeySecDuration(options) * 1e3, false, options).then((res) => {
					this._afterConsume(resolve, reject, rlKey, pointsToConsume, res);
				}).catch((err) => reject(err));
			});
		}
		_penalty(key, points = 1, options = {}) {
			const rlKey = this.getKey(key);
			return new Promise((resolve, reject) => {
				this._upsert(rlKey, points, this._getKeySecDuration(options) * 1e3, false, options).then((res) => {
					resolve(this._getRateLimiterRes(rlKey, points, res));
				}).catch((res) => reject(res));
			});
		}
		_reward(key, points = 1, options = {}) {
			const rlKey = this.getKey(key);
			return new Promise((resolve, reject) => {
				this._upsert(rlKey, -points, this._getKeySecDuration(options) * 1e3, false, options).then((res) => {
					resolve(this._getRateLimiterRes(rlKey, -points, res));
				}).catch((res) => reject(res));
			});
		}
		get(key, options = {}) {
			const rlKey = this.getKey(key);
			return new Promise((resolve, reject) => {
				this._get(rlKey, options).then((res) => {
					if (res === null || typeof res === "undefined") resolve(null);
					else resolve(this._getRateLimiterRes(rlKey, 0, res));
				}).catch((err) => {
					this._handleError(err, "get", resolve, reject, [key, options]);
				});
			});
		}
		delete(key, options = {}) {
			const rlKey = this.getKey(key);
			return new Promise((resolve, reject) => {
				this._delete(rlKey, options).then((res) => {
					this._inMemoryBlockedKeys.delete(rlKey);
					resolve(res);
				}).catch((err) => {
					this._handleError(err, "delete", resolve, reject, [key, options]);
				});
			});
		}
		deleteInMemoryBlockedAll() {
			this._inMemoryBlockedKeys.delete();
		}
		_getRateLimiterRes(rlKey, changedPoints, storeResult) {
			throw new Error("You have to implement the method '_getRateLimiterRes'!");
		}
		_block(rlKey, initPoints, msDuration, options = {}) {
			return new Promise((resolve, reject) => {
				this._upsert(rlKey, initPoints, msDuration, true, options).then(() => {
					resolve(new RateLimiterRes(0, msDuration > 0 ? msDuration : -1, initPoints));
				}).catch((err) => {
					this._handleError(err, "block", resolve, reject, [
						this.parseKey(rlKey),
						msDuration / 1e3,
						options
					]);
				});
			});
		}
		_get(rlKey, options = {}) {
			throw new Error("You have to implement the method '_get'!");
		}
		_delete(rlKey, options = {}) {
			throw new Error("You have to implement the method '_delete'!");
		}
		_upsert(rlKey, points, msDuration, forceExpire = false, options = {}) {
			throw new Error("You have to implement the method '_upsert'!");
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterRedis.js
var require_RateLimiterRedis = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterStoreAbstract = require_RateLimiterStoreAbstract();
	const RateLimiterRes = require_RateLimiterRes();
	const incrTtlLuaScript = `redis.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX') \
local consumed = redis.call('incrby', KEYS[1], ARGV[1]) \
local ttl = redis.call('pttl', KEYS[1]) \
if ttl == -1 then \
  redis.call('expire', KEYS[1], ARGV[2]) \
  ttl = 1000 * ARGV[2] \
end \
return {consumed, ttl} \
`;
	var RateLimiterRedis = class extends RateLimiterStoreAbstract {
		constructor(opts) {
			super(opts);
			this.client = opts.storeClient;
			this._rejectIfRedisNotReady = !!opts.rejectIfRedisNotReady;
			this._incrTtlLuaScript = opts.customIncrTtlLuaScript || incrTtlLuaScript;
			this.useRedisPackage = opts.useRedisPackage || this.client.constructor.name === "Commander" || false;
			this.useRedis3AndLowerPackage = opts.useRedis3AndLowerPackage;
			if (typeof this.client.defineCommand === "function") this.client.defineCommand("rlflxIncr", {
				numberOfKeys: 1,
				lua: this._incrTtlLuaScript
			});
		}
		_isRedisReady(rlKey, isReadonly) {
			if (!this._rejectIfRedisNotReady) return true;
			if (this.client.status) return this.client.status === "ready";
			if (typeof this.client.isReady === "function") return this.client.isReady();
			if (typeof this.client.isReady === "boolean") return this.client.isReady === true;
			if (this.client._slots && typeof this.client._slots.getClient === "function") {
				if (typeof this.client.isOpen === "boolean" && this.client.isOpen !== true) return false;
				try {
					const slotClient = this.client._slots.getClient(rlKey, isReadonly);
					return slotClient && slotClient.isReady === true;
				} catch (error) {
					return false;
				}
			}
			return true;
		}
		_getRateLimiterRes(rlKey, changedPoints, result) {
			let [consumed, resTtlMs] = result;
			if (Array.isArray(consumed)) {
				[, consumed] = consumed;
				[, resTtlMs] = resTtlMs;
			}
			const res = new RateLimiterRes();
			res.consumedPoints = parseInt(consumed);
			res.isFirstInDuration = res.consumedPoints === changedPoints;
			res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
			res.msBeforeNext = resTtlMs;
			return res;
		}
		async _upsert(rlKey, points, msDuration, forceExpire = false) {
			if (typeof points == "string") {
				if (!RegExp("^[1-9][0-9]*$").test(points)) throw new Error("Consuming string different than integer values is not supported by this package");
			} else if (!Number.isInteger(points)) throw new Error("Consuming decimal number of points is not supported by this package");
			if (!this._isRedisReady(rlKey, false)) throw new Error("Redis connection is not ready");
			const secDuration = Math.floor(msDuration / 1e3);
			const multi = this.client.multi();
			if (forceExpire) {
				if (secDuration > 0) {
					if (!this.useRedisPackage && !this.useRedis3AndLowerPackage) multi.set(rlKey, points, "EX", secDuration);
					else multi.set(rlKey, points, { EX: secDuration });
				} else multi.set(rlKey, points);
				if (!this.useRedisPackage && !this.useRedis3AndLowerPackage) return multi.pttl(rlKey).exec(true);
				return multi.pTTL(rlKey).exec(true);
			}
			if (secDuration > 0) {
				if (!this.useRedisPackage && !this.useRedis3AndLowerPackage) return this.client.rlflxIncr([rlKey].concat([
					String(points),
					String(secDuration),
					String(this.points),
					String(this.duration)
				]));
				if (this.useRedis3AndLowerPackage) return new Promise((resolve, reject) => {
					const incrCallback = function(err, result) {
						if (err) return reject(err);
						return resolve(result);
					};
					if (typeof this.client.rlflxIncr === "function") this.client.rlflxIncr(rlKey, points, secDuration, this.points, this.duration, incrCallback);
					else this.client.eval(this._incrTtlLuaScript, 1, rlKey, points, secDuration, this.points, this.duration, incrCallback);
				});
				else return this.client.eval(this._incrTtlLuaScript, {
					keys: [rlKey],
					arguments: [
						String(points),
						String(secDuration),
						String(this.points),
						String(this.duration)
					]
				});
			} else {
				if (!this.useRedisPackage && !this.useRedis3AndLowerPackage) return multi.incrby(rlKey, points).pttl(rlKey).exec(true);
				return multi.incrBy(rlKey, points).pTTL(rlKey).exec(true);
			}
		}
		async _get(rlKey) {
			if (!this._isRedisReady(rlKey, true)) throw new Error("Redis connection is not ready");
			if (!this.useRedisPackage && !this.useRedis3AndLowerPackage) return this.client.multi().get(rlKey).pttl(rlKey).exec().then((result) => {
				const [[, points]] = result;
				if (points === null) return null;
				return result;
			});
			return this.client.multi().get(rlKey).pTTL(rlKey).exec(true).then((result) => {
				const [points] = result;
				if (points === null) return null;
				return result;
			});
		}
		_delete(rlKey) {
			return this.client.del(rlKey).then((result) => result > 0);
		}
	};
	module.exports = RateLimiterRedis;
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterMongo.js
var require_RateLimiterMongo = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterStoreAbstract = require_RateLimiterStoreAbstract();
	const RateLimiterRes = require_RateLimiterRes();
	function getDriverVersion(client) {
		try {
			const _client = client.client ? client.client : client;
			let _v = [
				0,
				0,
				0
			];
			if (typeof _client.topology === "undefined") {
				const { version } = _client.options.metadata.driver;
				_v = version.split("|", 1)[0].split(".").map((v) => parseInt(v));
			} else {
				const { version } = _client.topology.s.options.metadata.driver;
				_v = version.split(".").map((v) => parseInt(v));
			}
			return {
				major: _v[0],
				feature: _v[1],
				patch: _v[2]
			};
		} catch (err) {
			return {
				major: 0,
				feature: 0,
				patch: 0
			};
		}
	}
	module.exports = class RateLimiterMongo extends RateLimiterStoreAbstract {
		constructor(opts) {
			super(opts);
			this.dbName = opts.dbName;
			this.tableName = opts.tableName;
			this.indexKeyPrefix = opts.indexKeyPrefix;
			this.disableIndexesCreation = opts.disableIndexesCreation;
			if (opts.mongo) this.client = opts.mongo;
			else this.client = opts.storeClient;
			if (typeof this.client.then === "function") this.client.then((conn) => {
				this.client = conn;
				this._initCollection();
				this._driverVersion = getDriverVersion(this.client);
			});
			else {
				this._initCollection();
				this._driverVersion = getDriverVersion(this.client);
			}
		}
		get dbName() {
			return this._dbName;
		}
		set dbName(value) {
			this._dbName = typeof value === "undefined" ? RateLimiterMongo.getDbName() : value;
		}
		static getDbName() {
			return "node-rate-limiter-flexible";
		}
		get tableName() {
			return this._tableName;
		}
		set tableName(value) {
			this._tableName = typeof value === "undefined" ? this.keyPrefix : value;
		}
		get client() {
			return this._client;
		}
		set client(value) {
			if (typeof value === "undefined") throw new Error("mongo is not set");
			this._client = value;
		}
		get indexKeyPrefix() {
			return this._indexKeyPrefix;
		}
		set indexKeyPrefix(obj) {
			this._indexKeyPrefix = obj || {};
		}
		get disableIndexesCreation() {
			return this._disableIndexesCreation;
		}
		set disableIndexesCreation(value) {
			this._disableIndexesCreation = !!value;
		}
		async createIndexes() {
			const collection = (typeof this.client.db === "function" ? this.client.db(this.dbName) : this.client).collection(this.tableName);
			await collection.createIndex({ expire: -1 }, { expireAfterSeconds: 0 });
			await collection.createIndex(Object.assign({}, this.indexKeyPrefix, { key: 1 }), { unique: true });
		}
		_initCollection() {
			const collection = (typeof this.client.db === "function" ? this.client.db(this.dbName) : this.client).collection(this.tableName);
			if (!this.disableIndexesCreation) this.createIndexes().catch((err) => {
				console.error(`Cannot create indexes for mongo collection ${this.tableName}`, err);
			});
			this._collection = collection;
		}
		_getRateLimiterRes(rlKey, changedPoints, result) {
			const res = new RateLimiterRes();
			let doc;
			if (typeof result.value === "undefined") doc = result;
			else doc = result.value;
			res.isFirstInDuration = doc.points === changedPoints;
			res.consumedPoints = doc.points;
			res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
			res.msBeforeNext = doc.expire !== null ? Math.max(new Date(doc.expire).getTime() - Date.now(), 0) : -1;
			return res;
		}
		_upsert(key, points, msDuration, forceExpire = false, options = {}) {
			if (!this._collection) return Promise.reject(Error("Mongo connection is not established"));
			const docAttrs = options.attrs || {};
			let where;
			let upsertData;
			if (forceExpire) {
				where = { key };
				where = Object.assign(where, docAttrs);
				upsertData = { $set: {
					key,
					points,
					expire: msDuration > 0 ? new Date(Date.now() + msDuration) : null
				} };
				upsertData.$set = Object.assign(upsertData.$set, docAttrs);
			} else {
				where = {
					$or: [{ expire: { $gt: /* @__PURE__ */ new Date() } }, { expire: { $eq: null } }],
					key
				};
				where = Object.assign(where, docAttrs);
				upsertData = {
					$setOnInsert: {
						key,
						expire: msDuration > 0 ? new Date(Date.now() + msDuration) : null
					},
					$inc: { points }
				};
				upsertData.$setOnInsert = Object.assign(upsertData.$setOnInsert, docAttrs);
			}
			const upsertOptions = { upsert: true };
			if (this._driverVersion.major >= 4 || this._driverVersion.major === 3 && this._driverVersion.feature >= 7 || this._driverVersion.feature >= 6 && this._driverVersion.patch >= 7) upsertOptions.returnDocument = "after";
			else upsertOptions.returnOriginal = false;
			return new Promise((resolve, reject) => {
				this._collection.findOneAndUpdate(where, upsertData, upsertOptions).then((res) => {
					resolve(res);
				}).catch((errUpsert) => {
					if (errUpsert && errUpsert.code === 11e3) {
						const replaceWhere = Object.assign({
							$or: [{ expire: { $lte: /* @__PURE__ */ new Date() } }, { expire: { $eq: null } }],
							key
						}, docAttrs);
						const replaceTo = { $set: Object.assign({
							key,
							points,
							expire: msDuration > 0 ? new Date(Date.now() + msDuration) : null
						}, docAttrs) };
						this._collection.findOneAndUpdate(replaceWhere, replaceTo, upsertOptions).then((res) => {
							resolve(res);
						}).catch((errReplace) => {
							if (errReplace && errReplace.code === 11e3) this._upsert(key, points, msDuration, forceExpire).then((res) => resolve(res)).catch((err) => reject(err));
							else reject(errReplace);
						});
					} else reject(errUpsert);
				});
			});
		}
		_get(rlKey, options = {}) {
			if (!this._collection) return Promise.reject(Error("Mongo connection is not established"));
			const docAttrs = options.attrs || {};
			const where = Object.assign({
				key: rlKey,
				$or: [{ expire: { $gt: /* @__PURE__ */ new Date() } }, { expire: { $eq: null } }]
			}, docAttrs);
			return this._collection.findOne(where);
		}
		_delete(rlKey, options = {}) {
			if (!this._collection) return Promise.reject(Error("Mongo connection is not established"));
			const docAttrs = options.attrs || {};
			const where = Object.assign({ key: rlKey }, docAttrs);
			return this._collection.deleteOne(where).then((res) => res.deletedCount > 0);
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterMySQL.js
var require_RateLimiterMySQL = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterStoreAbstract = require_RateLimiterStoreAbstract();
	const RateLimiterRes = require_RateLimiterRes();
	var RateLimiterMySQL = class extends RateLimiterStoreAbstract {
		constructor(opts, cb = null) {
			super(opts);
			this.client = opts.storeClient;
			this.clientType = opts.storeType;
			this.dbName = opts.dbName;
			this.tableName = opts.tableName;
			this.clearExpiredByTimeout = opts.clearExpiredByTimeout;
			this.tableCreated = opts.tableCreated;
			if (!this.tableCreated) this._createDbAndTable().then(() => {
				this.tableCreated = true;
				if (this.clearExpiredByTimeout) this._clearExpiredHourAgo();
				if (typeof cb === "function") cb();
			}).catch((err) => {
				if (typeof cb === "function") cb(err);
				else throw err;
			});
			else {
				if (this.clearExpiredByTimeout) this._clearExpiredHourAgo();
				if (typeof cb === "function") cb();
			}
		}
		clearExpired(expire) {
			return new Promise((resolve) => {
				this._getConnection().then((conn) => {
					conn.query(`DELETE FROM ??.?? WHERE expire < ?`, [
						this.dbName,
						this.tableName,
						expire
					], () => {
						this._releaseConnection(conn);
						resolve();
					});
				}).catch(() => {
					resolve();
				});
			});
		}
		_clearExpiredHourAgo() {
			if (this._clearExpiredTimeoutId) clearTimeout(this._clearExpiredTimeoutId);
			this._clearExpiredTimeoutId = setTimeout(() => {
				this.clearExpired(Date.now() - 36e5).then(() => {
					this._clearExpiredHourAgo();
				});
			}, 3e5);
			this._clearExpiredTimeoutId.unref();
		}
		_getConnection() {
			switch (this.clientType) {
				case "pool": return new Promise((resolve, reject) => {
					this.client.getConnection((errConn, conn) => {
						if (errConn) return reject(errConn);
						resolve(conn);
					});
				});
				case "sequelize": return this.client.connectionManager.getConnection();
				case "knex": return this.client.client.acquireConnection();
				default: return Promise.resolve(this.client);
			}
		}
		_releaseConnection(conn) {
			switch (this.clientType) {
				case "pool": return conn.release();
				case "sequelize": return this.client.connectionManager.releaseConnection(conn);
				case "knex": return this.client.client.releaseConnection(conn);
				default: return true;
			}
		}
		_createDbAndTable() {
			return new Promise((resolve, reject) => {
				this._getConnection().then((conn) => {
					conn.query(`CREATE DATABASE IF NOT EXISTS \`${this.dbName}\`;`, (errDb) => {
						if (errDb) {
							this._releaseConnection(conn);
							return reject(errDb);
						}
						conn.query(this._getCreateTableStmt(), (err) => {
							if (err) {
								this._releaseConnection(conn);
								return reject(err);
							}
							this._releaseConnection(conn);
							resolve();
						});
					});
				}).catch((err) => {
					reject(err);
				});
			});
		}
		_getCreateTableStmt() {
			return `CREATE TABLE IF NOT EXISTS \`${this.dbName}\`.\`${this.tableName}\` (\`key\` VARCHAR(255) CHARACTER SET utf8 NOT NULL,\`points\` INT(9) NOT NULL default 0,\`expire\` BIGINT UNSIGNED,PRIMARY KEY (\`key\`)) ENGINE = INNODB;`;
		}
		get clientType() {
			return this._clientType;
		}
		set clientType(value) {
			if (typeof value === "undefined") {
				if (this.client.constructor.name === "Connection") value = "connection";
				else if (this.client.constructor.name === "Pool") value = "pool";
				else if (this.client.constructor.name === "Sequelize") value = "sequelize";
				else throw new Error("storeType is not defined");
			}
			this._clientType = value.toLowerCase();
		}
		get dbName() {
			return this._dbName;
		}
		set dbName(value) {
			this._dbName = typeof value === "undefined" ? "rtlmtrflx" : value;
		}
		get tableName() {
			return this._tableName;
		}
		set tableName(value) {
			this._tableName = typeof value === "undefined" ? this.keyPrefix : value;
		}
		get tableCreated() {
			return this._tableCreated;
		}
		set tableCreated(value) {
			this._tableCreated = typeof value === "undefined" ? false : !!value;
		}
		get clearExpiredByTimeout() {
			return this._clearExpiredByTimeout;
		}
		set clearExpiredByTimeout(value) {
			this._clearExpiredByTimeout = typeof value === "undefined" ? true : Boolean(value);
		}
		_getRateLimiterRes(rlKey, changedPoints, result) {
			const res = new RateLimiterRes();
			const [row] = result;
			res.isFirstInDuration = changedPoints === row.points;
			res.consumedPoints = res.isFirstInDuration ? changedPoints : row.points;
			res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
			res.msBeforeNext = row.expire ? Math.max(row.expire - Date.now(), 0) : -1;
			return res;
		}
		_upsertTransaction(conn, key, points, msDuration, forceExpire) {
			return new Promise((resolve, reject) => {
				conn.query("BEGIN", (errBegin) => {
					if (errBegin) {
						conn.rollback();
						return reject(errBegin);
					}
					const dateNow = Date.now();
					const newExpire = msDuration > 0 ? dateNow + msDuration : null;
					let q;
					let values;
					if (forceExpire) {
						q = `INSERT INTO ??.?? VALUES (?, ?, ?)
          ON DUPLICATE KEY UPDATE 
            points = ?, 
            expire = ?;`;
						values = [
							this.dbName,
							this.tableName,
							key,
							points,
							newExpire,
							points,
							newExpire
						];
					} else {
						q = `INSERT INTO ??.?? VALUES (?, ?, ?)
          ON DUPLICATE KEY UPDATE 
            points = IF(expire <= ?, ?, points + (?)), 
            expire = IF(expire <= ?, ?, expire);`;
						values = [
							this.dbName,
							this.tableName,
							key,
							points,
							newExpire,
							dateNow,
							points,
							points,
							dateNow,
							newExpire
						];
					}
					conn.query(q, values, (errUpsert) => {
						if (errUpsert) {
							conn.rollback();
							return reject(errUpsert);
						}
						conn.query("SELECT points, expire FROM ??.?? WHERE `key` = ?;", [
							this.dbName,
							this.tableName,
							key
						], (errSelect, res) => {
							if (errSelect) {
								conn.rollback();
								return reject(errSelect);
							}
							conn.query("COMMIT", (err) => {
								if (err) {
									conn.rollback();
									return reject(err);
								}
								resolve(res);
							});
						});
					});
				});
			});
		}
		_upsert(key, points, msDuration, forceExpire = false) {
			if (!this.tableCreated) return Promise.reject(Error("Table is not created yet"));
			return new Promise((resolve, reject) => {
				this._getConnection().then((conn) => {
					this._upsertTransaction(conn, key, points, msDuration, forceExpire).then((res) => {
						resolve(res);
						this._releaseConnection(conn);
					}).catch((err) => {
						reject(err);
						this._releaseConnection(conn);
					});
				}).catch((err) => {
					reject(err);
				});
			});
		}
		_get(rlKey) {
			if (!this.tableCreated) return Promise.reject(Error("Table is not created yet"));
			return new Promise((resolve, reject) => {
				this._getConnection().then((conn) => {
					conn.query("SELECT points, expire FROM ??.?? WHERE `key` = ? AND (`expire` > ? OR `expire` IS NULL)", [
						this.dbName,
						this.tableName,
						rlKey,
						Date.now()
					], (err, res) => {
						if (err) reject(err);
						else if (res.length === 0) resolve(null);
						else resolve(res);
						this._releaseConnection(conn);
					});
				}).catch((err) => {
					reject(err);
				});
			});
		}
		_delete(rlKey) {
			if (!this.tableCreated) return Promise.reject(Error("Table is not created yet"));
			return new Promise((resolve, reject) => {
				this._getConnection().then((conn) => {
					conn.query("DELETE FROM ??.?? WHERE `key` = ?", [
						this.dbName,
						this.tableName,
						rlKey
					], (err, res) => {
						if (err) reject(err);
						else resolve(res.affectedRows > 0);
						this._releaseConnection(conn);
					});
				}).catch((err) => {
					reject(err);
				});
			});
		}
	};
	module.exports = RateLimiterMySQL;
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterPostgres.js
var require_RateLimiterPostgres = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterStoreAbstract = require_RateLimiterStoreAbstract();
	const RateLimiterRes = require_RateLimiterRes();
	var RateLimiterPostgres = class extends RateLimiterStoreAbstract {
		constructor(opts, cb = null) {
			super(opts);
			this.client = opts.storeClient;
			this.clientType = opts.storeType;
			this.tableName = opts.tableName;
			this.schemaName = opts.schemaName;
			this.clearExpiredByTimeout = opts.clearExpiredByTimeout;
			this.tableCreated = opts.tableCreated;
			if (!this.tableCreated) this._createTable().then(() => {
				this.tableCreated = true;
				if (this.clearExpiredByTimeout) this._clearExpiredHourAgo();
				if (typeof cb === "function") cb();
			}).catch((err) => {
				if (typeof cb === "function") cb(err);
				else throw err;
			});
			else {
				if (this.clearExpiredByTimeout) this._clearExpiredHourAgo();
				if (typeof cb === "function") cb();
			}
		}
		_getTableIdentifier() {
			return this.schemaName ? `"${this.schemaName}"."${this.tableName}"` : `"${this.tableName}"`;
		}
		clearExpired(expire) {
			return new Promise((resolve) => {
				const q = {
					name: "rlflx-clear-expired",
					text: `DELETE FROM ${this._getTableIdentifier()} WHERE expire < $1`,
					values: [expire]
				};
				this._query(q).then(() => {
					resolve();
				}).catch(() => {
					resolve();
				});
			});
		}
		_clearExpiredHourAgo() {
			if (this._clearExpiredTimeoutId) clearTimeout(this._clearExpiredTimeoutId);
			this._clearExpiredTimeoutId = setTimeout(() => {
				this.clearExpired(Date.now() - 36e5).then(() => {
					this._clearExpiredHourAgo();
				});
			}, 3e5);
			this._clearExpiredTimeoutId.unref();
		}
		_getConnection() {
			switch (this.clientType) {
				case "pool": return Promise.resolve(this.client);
				case "sequelize": return this.client.connectionManager.getConnection();
				case "knex": return this.client.client.acquireConnection();
				case "typeorm": return Promise.resolve(this.client.driver.master);
				default: return Promise.resolve(this.client);
			}
		}
		_releaseConnection(conn) {
			switch (this.clientType) {
				case "pool": return true;
				case "sequelize": return this.client.connectionManager.releaseConnection(conn);
				case "knex": return this.client.client.releaseConnection(conn);
				case "typeorm": return true;
				default: return true;
			}
		}
		_createTable() {
			return new Promise((resolve, reject) => {
				this._query({ text: this._getCreateTableStmt() }).then(() => {
					resolve();
				}).catch((err) => {
					if (err.code === "23505") resolve();
					else reject(err);
				});
			});
		}
		_getCreateTableStmt() {
			return `CREATE TABLE IF NOT EXISTS ${this._getTableIdentifier()} (
      key varchar(255) PRIMARY KEY,
      points integer NOT NULL DEFAULT 0,
      expire bigint
    );`;
		}
		get clientType() {
			return this._clientType;
		}
		set clientType(value) {
			const constructorName = this.client.constructor.name;
			if (typeof value === "undefined") {
				if (constructorName === "Client") value = "client";
				else if (constructorName === "Pool" || constructorName === "BoundPool") value = "pool";
				else if (constructorName === "Sequelize") value = "sequelize";
				else throw new Error("storeType is not defined");
			}
			this._clientType = value.toLowerCase();
		}
		get tableName() {
			return this._tableName;
		}
		set tableName(value) {
			this._tableName = typeof value === "undefined" ? this.keyPrefix : value;
		}
		get schemaName() {
			return this._schemaName;
		}
		set schemaName(value) {
			this._schemaName = value;
		}
		get tableCreated() {
			return this._tableCreated;
		}
		set tableCreated(value) {
			this._tableCreated = typeof value === "undefined" ? false : !!value;
		}
		get clearExpiredByTimeout() {
			return this._clearExpiredByTimeout;
		}
		set clearExpiredByTimeout(value) {
			this._clearExpiredByTimeout = typeof value === "undefined" ? true : Boolean(value);
		}
		_getRateLimiterRes(rlKey, changedPoints, result) {
			const res = new RateLimiterRes();
			const row = result.rows[0];
			res.isFirstInDuration = changedPoints === row.points;
			res.consumedPoints = res.isFirstInDuration ? changedPoints : row.points;
			res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
			res.msBeforeNext = row.expire ? Math.max(row.expire - Date.now(), 0) : -1;
			return res;
		}
		_query(q) {
			const queryObj = {
				name: `${this.tableName.toLowerCase()}:${q.name}`,
				text: q.text,
				values: q.values
			};
			return new Promise((resolve, reject) => {
				this._getConnection().then((conn) => {
					conn.query(queryObj).then((res) => {
						resolve(res);
						this._releaseConnection(conn);
					}).catch((err) => {
						reject(err);
						this._releaseConnection(conn);
					});
				}).catch((err) => {
					reject(err);
				});
			});
		}
		_upsert(key, points, msDuration, forceExpire = false) {
			if (!this.tableCreated) return Promise.reject(Error("Table is not created yet"));
			const newExpire = msDuration > 0 ? Date.now() + msDuration : null;
			const expireQ = forceExpire ? " $3 " : ` CASE
             WHEN ${this._getTableIdentifier()}.expire <= $4 THEN $3
             ELSE ${this._getTableIdentifier()}.expire
            END `;
			return this._query({
				name: forceExpire ? "rlflx-upsert-force" : "rlflx-upsert",
				text: `
            INSERT INTO ${this._getTableIdentifier()} VALUES ($1, $2, $3)
              ON CONFLICT(key) DO UPDATE SET
                points = CASE
                          WHEN (${this._getTableIdentifier()}.expire <= $4 OR 1=${forceExpire ? 1 : 0}) THEN $2
                          ELSE ${this._getTableIdentifier()}.points + ($2)
                         END,
                expire = ${expireQ}
            RETURNING points, expire;`,
				values: [
					key,
					points,
					newExpire,
					Date.now()
				]
			});
		}
		_get(rlKey) {
			if (!this.tableCreated) return Promise.reject(Error("Table is not created yet"));
			return new Promise((resolve, reject) => {
				this._query({
					name: "rlflx-get",
					text: `
            SELECT points, expire FROM ${this._getTableIdentifier()} WHERE key = $1 AND (expire > $2 OR expire IS NULL);`,
					values: [rlKey, Date.now()]
				}).then((res) => {
					if (res.rowCount === 0) res = null;
					resolve(res);
				}).catch((err) => {
					reject(err);
				});
			});
		}
		_delete(rlKey) {
			if (!this.tableCreated) return Promise.reject(Error("Table is not created yet"));
			return this._query({
				name: "rlflx-delete",
				text: `DELETE FROM ${this._getTableIdentifier()} WHERE key = $1`,
				values: [rlKey]
			}).then((res) => res.rowCount > 0);
		}
	};
	module.exports = RateLimiterPostgres;
}));
// node_modules/rate-limiter-flexible/lib/component/MemoryStorage/Record.js
var require_Record = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = class Record {
		constructor(value, expiresAt, timeoutId = null) {
			this.value = value;
			this.expiresAt = expiresAt;
			this.timeoutId = timeoutId;
		}
		get value() {
			return this._value;
		}
		set value(value) {
			this._value = parseInt(value);
		}
		get expiresAt() {
			return this._expiresAt;
		}
		set expiresAt(value) {
			if (!(value instanceof Date) && Number.isInteger(value)) value = new Date(value);
			this._expiresAt = value;
		}
		get timeoutId() {
			return this._timeoutId;
		}
		set timeoutId(value) {
			this._timeoutId = value;
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/component/MemoryStorage/MemoryStorage.js
var require_MemoryStorage = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const Record = require_Record();
	const RateLimiterRes = require_RateLimiterRes();
	module.exports = class MemoryStorage {
		constructor() {
			this._storage = {};
		}
		incrby(key, value, durationSec) {
			if (this._storage[key]) {
				const msBeforeExpires = this._storage[key].expiresAt ? this._storage[key].expiresAt.getTime() - (/* @__PURE__ */ new Date()).getTime() : -1;
				if (!this._storage[key].expiresAt || msBeforeExpires > 0) {
					this._storage[key].value = this._storage[key].value + value;
					return new RateLimiterRes(0, msBeforeExpires, this._storage[key].value, false);
				}
				return this.set(key, value, durationSec);
			}
			return this.set(key, value, durationSec);
		}
		set(key, value, durationSec) {
			const durationMs = durationSec * 1e3;
			if (this._storage[key] && this._storage[key].timeoutId) clearTimeout(this._storage[key].timeoutId);
			this._storage[key] = new Record(value, durationMs > 0 ? new Date(Date.now() + durationMs) : null);
			if (durationMs > 0) {
				this._storage[key].timeoutId = setTimeout(() => {
					delete this._storage[key];
				}, durationMs);
				if (this._storage[key].timeoutId.unref) this._storage[key].timeoutId.unref();
			}
			return new RateLimiterRes(0, durationMs === 0 ? -1 : durationMs, this._storage[key].value, true);
		}
		get(key) {
			if (this._storage[key]) {
				const msBeforeExpires = this._storage[key].expiresAt ? this._storage[key].expiresAt.getTime() - (/* @__PURE__ */ new Date()).getTime() : -1;
				return new RateLimiterRes(0, msBeforeExpires, this._storage[key].value, false);
			}
			return null;
		}
		delete(key) {
			if (this._storage[key]) {
				if (this._storage[key].timeoutId) clearTimeout(this._storage[key].timeoutId);
				delete this._storage[key];
				return true;
			}
			return false;
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterMemory.js
var require_RateLimiterMemory = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterAbstract = require_RateLimiterAbstract();
	const MemoryStorage = require_MemoryStorage();
	const RateLimiterRes = require_RateLimiterRes();
	var RateLimiterMemory = class extends RateLimiterAbstract {
		constructor(opts = {}) {
			super(opts);
			this._memoryStorage = new MemoryStorage();
		}
		consume(key, pointsToConsume = 1, options = {}) {
			return new Promise((resolve, reject) => {
				const rlKey = this.getKey(key);
				const secDuration = this._getKeySecDuration(options);
				let res = this._memoryStorage.incrby(rlKey, pointsToConsume, secDuration);
				res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
				if (res.consumedPoints > this.points) {
					if (this.blockDuration > 0 && res.consumedPoints <= this.points + pointsToConsume) res = this._memoryStorage.set(rlKey, res.consumedPoints, this.blockDuration);
					reject(res);
				} else if (this.execEvenly && res.msBeforeNext > 0 && !res.isFirstInDuration) {
					let delay = Math.ceil(res.msBeforeNext / (res.remainingPoints + 2));
					if (delay < this.execEvenlyMinDelayMs) delay = res.consumedPoints * this.execEvenlyMinDelayMs;
					setTimeout(resolve, delay, res);
				} else resolve(res);
			});
		}
		penalty(key, points = 1, options = {}) {
			const rlKey = this.getKey(key);
			return new Promise((resolve) => {
				const secDuration = this._getKeySecDuration(options);
				const res = this._memoryStorage.incrby(rlKey, points, secDuration);
				res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
				resolve(res);
			});
		}
		reward(key, points = 1, options = {}) {
			const rlKey = this.getKey(key);
			return new Promise((resolve) => {
				const secDuration = this._getKeySecDuration(options);
				const res = this._memoryStorage.incrby(rlKey, -points, secDuration);
				res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
				resolve(res);
			});
		}
		block(key, secDuration) {
			const msDuration = secDuration * 1e3;
			const initPoints = this.points + 1;
			this._memoryStorage.set(this.getKey(key), initPoints, secDuration);
			return Promise.resolve(new RateLimiterRes(0, msDuration === 0 ? -1 : msDuration, initPoints));
		}
		set(key, points, secDuration) {
			const msDuration = (secDuration >= 0 ? secDuration : this.duration) * 1e3;
			this._memoryStorage.set(this.getKey(key), points, secDuration);
			return Promise.resolve(new RateLimiterRes(0, msDuration === 0 ? -1 : msDuration, points));
		}
		get(key) {
			const res = this._memoryStorage.get(this.getKey(key));
			if (res !== null) res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
			return Promise.resolve(res);
		}
		delete(key) {
			return Promise.resolve(this._memoryStorage.delete(this.getKey(key)));
		}
	};
	module.exports = RateLimiterMemory;
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterCluster.js
var require_RateLimiterCluster = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const cluster = __require("cluster");
	const crypto = __require("crypto");
	const RateLimiterAbstract = require_RateLimiterAbstract();
	const RateLimiterMemory = require_RateLimiterMemory();
	const RateLimiterRes = require_RateLimiterRes();
	const channel = "rate_limiter_flexible";
	let masterInstance = null;
	const masterSendToWorker = function(worker, msg, type, res) {
		let data;
		if (res === null || res === true || res === false) data = res;
		else data = {
			remainingPoints: res.remainingPoints,
			msBeforeNext: res.msBeforeNext,
			consumedPoints: res.consumedPoints,
			isFirstInDuration: res.isFirstInDuration
		};
		worker.send({
			channel,
			keyPrefix: msg.keyPrefix,
			promiseId: msg.promiseId,
			type,
			data
		});
	};
	const workerWaitInit = function(payload) {
		setTimeout(() => {
			if (this._initiated) process.send(payload);
			else if (typeof this._promises[payload.promiseId] !== "undefined") workerWaitInit.call(this, payload);
		}, 30);
	};
	const workerSendToMaster = function(func, promiseId, key, arg, opts) {
		const payload = {
			channel,
			keyPrefix: this.keyPrefix,
			func,
			promiseId,
			data: {
				key,
				arg,
				opts
			}
		};
		if (!this._initiated) workerWaitInit.call(this, payload);
		else process.send(payload);
	};
	const masterProcessMsg = function(worker, msg) {
		if (!msg || msg.channel !== channel || typeof this._rateLimiters[msg.keyPrefix] === "undefined") return false;
		let promise;
		switch (msg.func) {
			case "consume":
				promise = this._rateLimiters[msg.keyPrefix].consume(msg.data.key, msg.data.arg, msg.data.opts);
				break;
			case "penalty":
				promise = this._rateLimiters[msg.keyPrefix].penalty(msg.data.key, msg.data.arg, msg.data.opts);
				break;
			case "reward":
				promise = this._rateLimiters[msg.keyPrefix].reward(msg.data.key, msg.data.arg, msg.data.opts);
				break;
			case "block":
				promise = this._rateLimiters[msg.keyPrefix].block(msg.data.key, msg.data.arg, msg.data.opts);
				break;
			case "get":
				promise = this._rateLimiters[msg.keyPrefix].get(msg.data.key, msg.data.opts);
				break;
			case "delete":
				promise = this._rateLimiters[msg.keyPrefix].delete(msg.data.key, msg.data.opts);
				break;
			default: return false;
		}
		if (promise) promise.then((res) => {
			masterSendToWorker(worker, msg, "resolve", res);
		}).catch((rejRes) => {
			masterSendToWorker(worker, msg, "reject", rejRes);
		});
	};
	const workerProcessMsg = function(msg) {
		if (!msg || msg.channel !== channel || msg.keyPrefix !== this.keyPrefix) return false;
		if (this._promises[msg.promiseId]) {
			clearTimeout(this._promises[msg.promiseId].timeoutId);
			let res;
			if (msg.data === null || msg.data === true || msg.data === false) res = msg.data;
			else res = new RateLimiterRes(msg.data.remainingPoints, msg.data.msBeforeNext, msg.data.consumedPoints, msg.data.isFirstInDuration);
			switch (msg.type) {
				case "resolve":
					this._promises[msg.promiseId].resolve(res);
					break;
				case "reject":
					this._promises[msg.promiseId].reject(res);
					break;
				default: throw new Error(`RateLimiterCluster: no such message type '${msg.type}'`);
			}
			delete this._promises[msg.promiseId];
		}
	};
	const getOpts = function() {
		return {
			points: this.points,
			duration: this.duration,
			blockDuration: this.blockDuration,
			execEvenly: this.execEvenly,
			execEvenlyMinDelayMs: this.execEvenlyMinDelayMs,
			keyPrefix: this.keyPrefix
		};
	};
	const savePromise = function(resolve, reject) {
		const hrtime = process.hrtime();
		let promiseId = hrtime[0].toString() + hrtime[1].toString();
		if (typeof this._promises[promiseId] !== "undefined") promiseId += crypto.randomBytes(12).toString("base64");
		this._promises[promiseId] = {
			resolve,
			reject,
			timeoutId: setTimeout(() => {
				delete this._promises[promiseId];
				reject(/* @__PURE__ */ new Error("RateLimiterCluster timeout: no answer from master in time"));
			}, this.timeoutMs)
		};
		return promiseId;
	};
	var RateLimiterClusterMaster = class {
		constructor() {
			if (masterInstance) return masterInstance;
			this._rateLimiters = {};
			cluster.setMaxListeners(0);
			cluster.on("message", (worker, msg) => {
				if (msg && msg.channel === channel && msg.type === "init") {
					if (typeof this._rateLimiters[msg.opts.keyPrefix] === "undefined") this._rateLimiters[msg.opts.keyPrefix] = new RateLimiterMemory(msg.opts);
					worker.send({
						channel,
						type: "init",
						keyPrefix: msg.opts.keyPrefix
					});
				} else masterProcessMsg.call(this, worker, msg);
			});
			masterInstance = this;
		}
	};
	var RateLimiterClusterMasterPM2 = class {
		constructor(pm2) {
			if (masterInstance) return masterInstance;
			this._rateLimiters = {};
			pm2.launchBus((err, pm2Bus) => {
				pm2Bus.on("process:msg", (packet) => {
					const msg = packet.raw;
					if (msg && msg.channel === channel && msg.type === "init") {
						if (typeof this._rateLimiters[msg.opts.keyPrefix] === "undefined") this._rateLimiters[msg.opts.keyPrefix] = new RateLimiterMemory(msg.opts);
						pm2.sendDataToProcessId(packet.process.pm_id, {
							data: {},
							topic: channel,
							channel,
							type: "init",
							keyPrefix: msg.opts.keyPrefix
						}, (sendErr, res) => {
							if (sendErr) console.log(sendErr, res);
						});
					} else masterProcessMsg.call(this, { send: (msgData) => {
						const pm2Message = msgData;
						pm2Message.topic = channel;
						if (typeof pm2Message.data === "undefined") pm2Message.data = {};
						pm2.sendDataToProcessId(packet.process.pm_id, pm2Message, (sendErr, res) => {
							if (sendErr) console.log(sendErr, res);
						});
					} }, msg);
				});
			});
			masterInstance = this;
		}
	};
	var RateLimiterClusterWorker = class extends RateLimiterAbstract {
		get timeoutMs() {
			return this._timeoutMs;
		}
		set timeoutMs(value) {
			this._timeoutMs = typeof value === "undefined" ? 5e3 : Math.abs(parseInt(value));
		}
		constructor(opts = {}) {
			super(opts);
			process.setMaxListeners(0);
			this.timeoutMs = opts.timeoutMs;
			this._initiated = false;
			process.on("message", (msg) => {
				if (msg && msg.channel === channel && msg.type === "init" && msg.keyPrefix === this.keyPrefix) this._initiated = true;
				else workerProcessMsg.call(this, msg);
			});
			process.send({
				channel,
				type: "init",
				opts: getOpts.call(this)
			});
			this._promises = {};
		}
		consume(key, pointsToConsume = 1, options = {}) {
			return new Promise((resolve, reject) => {
				const promiseId = savePromise.call(this, resolve, reject);
				workerSendToMaster.call(this, "consume", promiseId, key, pointsToConsume, options);
			});
		}
		penalty(key, points = 1, options = {}) {
			return new Promise((resolve, reject) => {
				const promiseId = savePromise.call(this, resolve, reject);
				workerSendToMaster.call(this, "penalty", promiseId, key, points, options);
			});
		}
		reward(key, points = 1, options = {}) {
			return new Promise((resolve, reject) => {
				const promiseId = savePromise.call(this, resolve, reject);
				workerSendToMaster.call(this, "reward", promiseId, key, points, options);
			});
		}
		block(key, secDuration, options = {}) {
			return new Promise((resolve, reject) => {
				const promiseId = savePromise.call(this, resolve, reject);
				workerSendToMaster.call(this, "block", promiseId, key, secDuration, options);
			});
		}
		get(key, options = {}) {
			return new Promise((resolve, reject) => {
				const promiseId = savePromise.call(this, resolve, reject);
				workerSendToMaster.call(this, "get", promiseId, key, options);
			});
		}
		delete(key, options = {}) {
			return new Promise((resolve, reject) => {
				const promiseId = savePromise.call(this, resolve, reject);
				workerSendToMaster.call(this, "delete", promiseId, key, options);
			});
		}
	};
	module.exports = {
		RateLimiterClusterMaster,
		RateLimiterClusterMasterPM2,
		RateLimiterCluster: RateLimiterClusterWorker
	};
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterMemcache.js
var require_RateLimiterMemcache = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterStoreAbstract = require_RateLimiterStoreAbstract();
	const RateLimiterRes = require_RateLimiterRes();
	var RateLimiterMemcache = class extends RateLimiterStoreAbstract {
		constructor(opts) {
			super(opts);
			this.client = opts.storeClient;
		}
		_getRateLimiterRes(rlKey, changedPoints, result) {
			const res = new RateLimiterRes();
			res.consumedPoints = parseInt(result.consumedPoints);
			res.isFirstInDuration = result.consumedPoints === changedPoints;
			res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
			res.msBeforeNext = result.msBeforeNext;
			return res;
		}
		_upsert(rlKey, points, msDuration, forceExpire = false, options = {}) {
			return new Promise((resolve, reject) => {
				const nowMs = Date.now();
				const secDuration = Math.floor(msDuration / 1e3);
				if (forceExpire) this.client.set(rlKey, points, secDuration, (err) => {
					if (!err) this.client.set(`${rlKey}_expire`, secDuration > 0 ? nowMs + secDuration * 1e3 : -1, secDuration, () => {
						resolve({
							consumedPoints: points,
							msBeforeNext: secDuration > 0 ? secDuration * 1e3 : -1
						});
					});
					else reject(err);
				});
				else this.client.incr(rlKey, points, (err, consumedPoints) => {
					if (err || consumedPoints === false) this.client.add(rlKey, points, secDuration, (errAddKey, createdNew) => {
						if (errAddKey || !createdNew) {
							if (typeof options.attemptNumber === "undefined" || options.attemptNumber < 3) {
								const nextOptions = Object.assign({}, options);
								nextOptions.attemptNumber = nextOptions.attemptNumber ? nextOptions.attemptNumber + 1 : 1;
								this._upsert(rlKey, points, msDuration, forceExpire, nextOptions).then((resUpsert) => resolve(resUpsert)).catch((errUpsert) => reject(errUpsert));
							} else reject(/* @__PURE__ */ new Error("Can not add key"));
						} else this.client.add(`${rlKey}_expire`, secDuration > 0 ? nowMs + secDuration * 1e3 : -1, secDuration, () => {
							resolve({
								consumedPoints: points,
								msBeforeNext: secDuration > 0 ? secDuration * 1e3 : -1
							});
						});
					});
					else this.client.get(`${rlKey}_expire`, (errGetExpire, resGetExpireMs) => {
						if (errGetExpire) reject(errGetExpire);
						else {
							const expireMs = resGetExpireMs === false ? 0 : resGetExpireMs;
							resolve({
								consumedPoints,
								msBeforeNext: expireMs >= 0 ? Math.max(expireMs - nowMs, 0) : -1
							});
						}
					});
				});
			});
		}
		_get(rlKey) {
			return new Promise((resolve, reject) => {
				const nowMs = Date.now();
				this.client.get(rlKey, (err, consumedPoints) => {
					if (!consumedPoints) resolve(null);
					else this.client.get(`${rlKey}_expire`, (errGetExpire, resGetExpireMs) => {
						if (errGetExpire) reject(errGetExpire);
						else {
							const expireMs = resGetExpireMs === false ? 0 : resGetExpireMs;
							resolve({
								consumedPoints,
								msBeforeNext: expireMs >= 0 ? Math.max(expireMs - nowMs, 0) : -1
							});
						}
					});
				});
			});
		}
		_delete(rlKey) {
			return new Promise((resolve, reject) => {
				this.client.del(rlKey, (err, res) => {
					if (err) reject(err);
					else if (res === false) resolve(res);
					else this.client.del(`${rlKey}_expire`, (errDelExpire) => {
						if (errDelExpire) reject(errDelExpire);
						else resolve(res);
					});
				});
			});
		}
	};
	module.exports = RateLimiterMemcache;
}));
// node_modules/rate-limiter-flexible/lib/RLWrapperBlackAndWhite.js
var require_RLWrapperBlackAndWhite = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterRes = require_RateLimiterRes();
	module.exports = class RLWrapperBlackAndWhite {
		constructor(opts = {}) {
			this.limiter = opts.limiter;
			this.blackList = opts.blackList;
			this.whiteList = opts.whiteList;
			this.isBlackListed = opts.isBlackListed;
			this.isWhiteListed = opts.isWhiteListed;
			this.runActionAnyway = opts.runActionAnyway;
		}
		get limiter() {
			return this._limiter;
		}
		set limiter(value) {
			if (typeof value === "undefined") throw new Error("limiter is not set");
			this._limiter = value;
		}
		get runActionAnyway() {
			return this._runActionAnyway;
		}
		set runActionAnyway(value) {
			this._runActionAnyway = typeof value === "undefined" ? false : value;
		}
		get blackList() {
			return this._blackList;
		}
		set blackList(value) {
			this._blackList = Array.isArray(value) ? value : [];
		}
		get isBlackListed() {
			return this._isBlackListed;
		}
		set isBlackListed(func) {
			if (typeof func === "undefined") func = () => false;
			if (typeof func !== "function") throw new Error("isBlackListed must be function");
			this._isBlackListed = func;
		}
		get whiteList() {
			return this._whiteList;
		}
		set whiteList(value) {
			this._whiteList = Array.isArray(value) ? value : [];
		}
		get isWhiteListed() {
			return this._isWhiteListed;
		}
		set isWhiteListed(func) {
			if (typeof func === "undefined") func = () => false;
			if (typeof func !== "function") throw new Error("isWhiteListed must be function");
			this._isWhiteListed = func;
		}
		isBlackListedSomewhere(key) {
			return this.blackList.indexOf(key) >= 0 || this.isBlackListed(key);
		}
		isWhiteListedSomewhere(key) {
			return this.whiteList.indexOf(key) >= 0 || this.isWhiteListed(key);
		}
		getBlackRes() {
			return new RateLimiterRes(0, Number.MAX_SAFE_INTEGER, 0, false);
		}
		getWhiteRes() {
			return new RateLimiterRes(Number.MAX_SAFE_INTEGER, 0, 0, false);
		}
		rejectBlack() {
			return Promise.reject(this.getBlackRes());
		}
		resolveBlack() {
			return Promise.resolve(this.getBlackRes());
		}
		resolveWhite() {
			return Promise.resolve(this.getWhiteRes());
		}
		consume(key, pointsToConsume = 1) {
			let res;
			if (this.isWhiteListedSomewhere(key)) res = this.resolveWhite();
			else if (this.isBlackListedSomewhere(key)) res = this.rejectBlack();
			if (typeof res === "undefined") return this.limiter.consume(key, pointsToConsume);
			if (this.runActionAnyway) this.limiter.consume(key, pointsToConsume).catch(() => {});
			return res;
		}
		block(key, secDuration) {
			let res;
			if (this.isWhiteListedSomewhere(key)) res = this.resolveWhite();
			else if (this.isBlackListedSomewhere(key)) res = this.resolveBlack();
			if (typeof res === "undefined") return this.limiter.block(key, secDuration);
			if (this.runActionAnyway) this.limiter.block(key, secDuration).catch(() => {});
			return res;
		}
		penalty(key, points) {
			let res;
			if (this.isWhiteListedSomewhere(key)) res = this.resolveWhite();
			else if (this.isBlackListedSomewhere(key)) res = this.resolveBlack();
			if (typeof res === "undefined") return this.limiter.penalty(key, points);
			if (this.runActionAnyway) this.limiter.penalty(key, points).catch(() => {});
			return res;
		}
		reward(key, points) {
			let res;
			if (this.isWhiteListedSomewhere(key)) res = this.resolveWhite();
			else if (this.isBlackListedSomewhere(key)) res = this.resolveBlack();
			if (typeof res === "undefined") return this.limiter.reward(key, points);
			if (this.runActionAnyway) this.limiter.reward(key, points).catch(() => {});
			return res;
		}
		get(key) {
			let res;
			if (this.isWhiteListedSomewhere(key)) res = this.resolveWhite();
			else if (this.isBlackListedSomewhere(key)) res = this.resolveBlack();
			if (typeof res === "undefined" || this.runActionAnyway) return this.limiter.get(key);
			return res;
		}
		delete(key) {
			return this.limiter.delete(key);
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/RLWrapperTimeouts.js
var require_RLWrapperTimeouts = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterAbstract = require_RateLimiterAbstract();
	const RateLimiterInsuredAbstract = require_RateLimiterInsuredAbstract();
	module.exports = class RLWrapperTimeouts extends RateLimiterInsuredAbstract {
		constructor(opts = {}) {
			super(opts);
			this.limiter = opts.limiter;
			this.timeoutMs = opts.timeoutMs || 0;
		}
		get limiter() {
			return this._limiter;
		}
		set limiter(limiter) {
			if (!(limiter instanceof RateLimiterAbstract)) throw new TypeError("limiter must be an instance of RateLimiterAbstract");
			this._limiter = limiter;
			if (!this.insuranceLimiter && limiter instanceof RateLimiterInsuredAbstract) this.insuranceLimiter = limiter.insuranceLimiter;
		}
		get timeoutMs() {
			return this._timeoutMs;
		}
		set timeoutMs(value) {
			if (typeof value !== "number" || value < 0) throw new TypeError("timeoutMs must be a non-negative number");
			this._timeoutMs = value;
		}
		_run(funcName, params) {
			return new Promise(async (resolve, reject) => {
				const timeout = setTimeout(() => {
					return reject(/* @__PURE__ */ new Error("Operation timed out"));
				}, this.timeoutMs);
				await this.limiter[funcName](...params).then((result) => {
					clearTimeout(timeout);
					resolve(result);
				}).catch((err) => {
					clearTimeout(timeout);
					reject(err);
				});
			});
		}
		_consume(key, pointsToConsume = 1, options = {}) {
			return this._run("consume", [
				key,
				pointsToConsume,
				options
			]);
		}
		_penalty(key, points = 1, options = {}) {
			return this._run("penalty", [
				key,
				points,
				options
			]);
		}
		_reward(key, points = 1, options = {}) {
			return this._run("reward", [
				key,
				points,
				options
			]);
		}
		_get(key, options = {}) {
			return this._run("get", [key, options]);
		}
		_set(key, points, secDuration, options = {}) {
			return this._run("set", [
				key,
				points,
				secDuration,
				options
			]);
		}
		_block(key, secDuration, options = {}) {
			return this._run("block", [
				key,
				secDuration,
				options
			]);
		}
		_delete(key, options = {}) {
			return this._run("delete", [key, options]);
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterUnion.js
var require_RateLimiterUnion = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterAbstract = require_RateLimiterAbstract();
	module.exports = class RateLimiterUnion {
		constructor(...limiters) {
			if (limiters.length < 1) throw new Error("RateLimiterUnion: at least one limiter have to be passed");
			limiters.forEach((limiter) => {
				if (!(limiter instanceof RateLimiterAbstract)) throw new Error("RateLimiterUnion: all limiters have to be instance of RateLimiterAbstract");
			});
			this._limiters = limiters;
		}
		consume(key, points = 1) {
			return new Promise((resolve, reject) => {
				const promises = [];
				this._limiters.forEach((limiter) => {
					promises.push(limiter.consume(key, points).catch((rej) => ({
						rejected: true,
						rej
					})));
				});
				Promise.all(promises).then((res) => {
					const resObj = {};
					let rejected = false;
					res.forEach((item) => {
						if (item.rejected === true) rejected = true;
					});
					for (let i = 0; i < res.length; i++) if (rejected && res[i].rejected === true) resObj[this._limiters[i].keyPrefix] = res[i].rej;
					else if (!rejected) resObj[this._limiters[i].keyPrefix] = res[i];
					if (rejected) reject(resObj);
					else resolve(resObj);
				});
			});
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/component/RateLimiterQueueError.js
var require_RateLimiterQueueError = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = class RateLimiterQueueError extends Error {
		constructor(message, extra) {
			super();
			if (Error.captureStackTrace) Error.captureStackTrace(this, this.constructor);
			this.name = "CustomError";
			this.message = message;
			if (extra) this.extra = extra;
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterQueue.js
var require_RateLimiterQueue = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterQueueError = require_RateLimiterQueueError();
	const MAX_QUEUE_SIZE = 4294967295;
	const KEY_DEFAULT = "limiter";
	module.exports = class RateLimiterQueue {
		constructor(limiterFlexible, opts = { maxQueueSize: MAX_QUEUE_SIZE }) {
			this._queueLimiters = { KEY_DEFAULT: new RateLimiterQueueInternal(limiterFlexible, opts) };
			this._limiterFlexible = limiterFlexible;
			this._maxQueueSize = opts.maxQueueSize;
		}
		getTokensRemaining(key = KEY_DEFAULT) {
			if (this._queueLimiters[key]) return this._queueLimiters[key].getTokensRemaining();
			else return Promise.resolve(this._limiterFlexible.points);
		}
		removeTokens(tokens, key = KEY_DEFAULT) {
			if (!this._queueLimiters[key]) this._queueLimiters[key] = new RateLimiterQueueInternal(this._limiterFlexible, {
				key,
				maxQueueSize: this._maxQueueSize
			});
			return this._queueLimiters[key].removeTokens(tokens);
		}
	};
	var RateLimiterQueueInternal = class {
		constructor(limiterFlexible, opts = {
			maxQueueSize: MAX_QUEUE_SIZE,
			key: KEY_DEFAULT
		}) {
			this._key = opts.key;
			this._waitTimeout = null;
			this._queue = [];
			this._limiterFlexible = limiterFlexible;
			this._maxQueueSize = opts.maxQueueSize;
		}
		getTokensRemaining() {
			return this._limiterFlexible.get(this._key).then((rlRes) => {
				return rlRes !== null ? rlRes.remainingPoints : this._limiterFlexible.points;
			});
		}
		removeTokens(tokens) {
			const _this = this;
			return new Promise((resolve, reject) => {
				if (tokens > _this._limiterFlexible.points) {
					reject(new RateLimiterQueueError(`Requested tokens ${tokens} exceeds maximum ${_this._limiterFlexible.points} tokens per interval`));
					return;
				}
				if (_this._queue.length > 0) _this._queueRequest.call(_this, resolve, reject, tokens);
				else _this._limiterFlexible.consume(_this._key, tokens).then((res) => {
					resolve(res.remainingPoints);
				}).catch((rej) => {
					if (rej instanceof Error) reject(rej);
					else {
						_this._queueRequest.call(_this, resolve, reject, tokens);
						if (_this._waitTimeout === null) _this._waitTimeout = setTimeout(_this._processFIFO.bind(_this), rej.msBeforeNext);
					}
				});
			});
		}
		_queueRequest(resolve, reject, tokens) {
			const _this = this;
			if (_this._queue.length < _this._maxQueueSize) _this._queue.push({
				resolve,
				reject,
				tokens
			});
			else reject(new RateLimiterQueueError(`Number of requests reached it's maximum ${_this._maxQueueSize}`));
		}
		_processFIFO() {
			const _this = this;
			if (_this._waitTimeout !== null) {
				clearTimeout(_this._waitTimeout);
				_this._waitTimeout = null;
			}
			if (_this._queue.length === 0) return;
			const item = _this._queue.shift();
			_this._limiterFlexible.consume(_this._key, item.tokens).then((res) => {
				item.resolve(res.remainingPoints);
				_this._processFIFO.call(_this);
			}).catch((rej) => {
				if (rej instanceof Error) {
					item.reject(rej);
					_this._processFIFO.call(_this);
				} else {
					_this._queue.unshift(item);
					if (_this._waitTimeout === null) _this._waitTimeout = setTimeout(_this._processFIFO.bind(_this), rej.msBeforeNext);
				}
			});
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/BurstyRateLimiter.js
var require_BurstyRateLimiter = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterRes = require_RateLimiterRes();
	module.exports = class BurstyRateLimiter {
		constructor(rateLimiter, burstLimiter) {
			this._rateLimiter = rateLimiter;
			this._burstLimiter = burstLimiter;
		}
		_combineRes(rlRes, blRes) {
			if (!rlRes) return null;
			return new RateLimiterRes(rlRes.remainingPoints, Math.min(rlRes.msBeforeNext, blRes ? blRes.msBeforeNext : 0), rlRes.consumedPoints, rlRes.isFirstInDuration);
		}
		consume(key, pointsToConsume = 1, options = {}) {
			return this._rateLimiter.consume(key, pointsToConsume, options).catch((rlRej) => {
				if (rlRej instanceof RateLimiterRes) return this._burstLimiter.consume(key, pointsToConsume, options).then((blRes) => {
					return Promise.resolve(this._combineRes(rlRej, blRes));
				}).catch((blRej) => {
					if (blRej instanceof RateLimiterRes) return Promise.reject(this._combineRes(rlRej, blRej));
					else return Promise.reject(blRej);
				});
				else return Promise.reject(rlRej);
			});
		}
		get(key) {
			return Promise.all([this._rateLimiter.get(key), this._burstLimiter.get(key)]).then(([rlRes, blRes]) => {
				return this._combineRes(rlRes, blRes);
			});
		}
		get points() {
			return this._rateLimiter.points;
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterDynamo.js
var require_RateLimiterDynamo = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterRes = require_RateLimiterRes();
	const RateLimiterStoreAbstract = require_RateLimiterStoreAbstract();
	var DynamoItem = class {
		constructor(rlKey, points, expire) {
			this.key = rlKey;
			this.points = points;
			this.expire = expire;
		}
	};
	const DEFAULT_READ_CAPACITY_UNITS = 25;
	const DEFAULT_WRITE_CAPACITY_UNITS = 25;
	var RateLimiterDynamo = class extends RateLimiterStoreAbstract {
		constructor(opts, cb = null) {
			super(opts);
			this.client = opts.storeClient;
			this.tableName = opts.tableName;
			this.tableCreated = opts.tableCreated;
			this.ttlManuallySet = opts.ttlSet;
			if (!this.tableCreated) this._createTable(opts.dynamoTableOpts).then((data) => {
				this.tableCreated = true;
				this._setTTL().finally(() => {
					if (typeof cb === "function") cb();
				});
			}).catch((err) => {
				if (typeof cb === "function") cb(err);
				else throw err;
			});
			else this._setTTL().finally(() => {
				if (typeof cb === "function") cb();
			});
		}
		get tableName() {
			return this._tableName;
		}
		set tableName(value) {
			this._tableName = typeof value === "undefined" ? "node-rate-limiter-flexible" : value;
		}
		get tableCreated() {
			return this._tableCreated;
		}
		set tableCreated(value) {
			this._tableCreated = typeof value === "undefined" ? false : !!value;
		}
		async _createTable(tableOpts) {
			const params = {
				TableName: this.tableName,
				AttributeDefinitions: [{
					AttributeName: "key",
					AttributeType: "S"
				}],
				KeySchema: [{
					AttributeName: "key",
					KeyType: "HASH"
				}],
				ProvisionedThroughput: {
					ReadCapacityUnits: tableOpts && tableOpts.readCapacityUnits ? tableOpts.readCapacityUnits : DEFAULT_READ_CAPACITY_UNITS,
					WriteCapacityUnits: tableOpts && tableOpts.writeCapacityUnits ? tableOpts.writeCapacityUnits : DEFAULT_WRITE_CAPACITY_UNITS
				}
			};
			try {
				return await this.client.createTable(params);
			} catch (err) {
				if (err.__type && err.__type.includes("ResourceInUseException")) return null;
				else throw err;
			}
		}
		async _get(rlKey) {
			if (!this.tableCreated) throw new Error("Table is not created yet");
			const params = {
				TableName: this.tableName,
				Key: { key: { S: rlKey } }
			};
			const data = await this.client.getItem(params);
			if (data.Item) return new DynamoItem(data.Item.key.S, Number(data.Item.points.N), Number(data.Item.expire.N));
			else return null;
		}
		async _delete(rlKey) {
			if (!this.tableCreated) throw new Error("Table is not created yet");
			const params = {
				TableName: this.tableName,
				Key: { key: { S: rlKey } },
				ConditionExpression: "attribute_exists(#k)",
				ExpressionAttributeNames: { "#k": "key" }
			};
			try {
				return (await this._client.deleteItem(params)).$metadata.httpStatusCode === 200;
			} catch (err) {
				if (err.__type && err.__type.includes("ConditionalCheckFailedException")) return false;
				else throw err;
			}
		}
		async _upsert(rlKey, points, msDuration, forceExpire = false, options = {}) {
			if (!this.tableCreated) throw new Error("Table is not created yet");
			const dateNow = Date.now();
			const dateNowSec = dateNow / 1e3;
			const newExpireSec = msDuration > 0 ? (dateNow + msDuration) / 1e3 : -1;
			if (forceExpire) return await this._baseUpsert({
				TableName: this.tableName,
				Key: { key: { S: rlKey } },
				UpdateExpression: "SET points = :points, expire = :expire",
				ExpressionAttributeValues: {
					":points": { N: points.toString() },
					":expire": { N: newExpireSec.toString() }
				},
				ReturnValues: "ALL_NEW"
			});
			try {
				return await this._baseUpsert({
					TableName: this.tableName,
					Key: { key: { S: rlKey } },
					UpdateExpression: "SET points = :new_points, expire = :new_expire",
					ExpressionAttributeValues: {
						":new_points": { N: points.toString() },
						":new_expire": { N: newExpireSec.toString() },
						":where_expire": { N: dateNowSec.toString() }
					},
					ConditionExpression: "expire <= :where_expire OR attribute_not_exists(points)",
					ReturnValues: "ALL_NEW"
				});
			} catch (err) {
				return await this._baseUpsert({
					TableName: this.tableName,
					Key: { key: { S: rlKey } },
					UpdateExpression: "SET points = points + :new_points",
					ExpressionAttributeValues: {
						":new_points": { N: points.toString() },
						":where_expire": { N: dateNowSec.toString() }
					},
					ConditionExpression: "expire > :where_expire",
					ReturnValues: "ALL_NEW"
				});
			}
		}
		async _baseUpsert(params) {
			if (!this.tableCreated) throw new Error("Table is not created yet");
			try {
				const data = await this.client.updateItem(params);
				return new DynamoItem(data.Attributes.key.S, Number(data.Attributes.points.N), Number(data.Attributes.expire.N));
			} catch (err) {
				throw err;
			}
		}
		async _setTTL() {
			if (!this.tableCreated) throw new Error("Table is not created yet");
			try {
				if (await this._isTTLSet()) return;
				const params = {
					TableName: this.tableName,
					TimeToLiveSpecification: {
						AttributeName: "expire",
						Enabled: true
					}
				};
				return await this.client.updateTimeToLive(params);
			} catch (err) {
				throw err;
			}
		}
		async _isTTLSet() {
			if (!this.tableCreated) throw new Error("Table is not created yet");
			if (this.ttlManuallySet) return true;
			try {
				const res = await this.client.describeTimeToLive({ TableName: this.tableName });
				return res.$metadata.httpStatusCode == 200 && res.TimeToLiveDescription.TimeToLiveStatus === "ENABLED" && res.TimeToLiveDescription.AttributeName === "expire";
			} catch (err) {
				throw err;
			}
		}
		_getRateLimiterRes(rlKey, changedPoints, result) {
			const res = new RateLimiterRes();
			res.isFirstInDuration = changedPoints === result.points;
			res.consumedPoints = res.isFirstInDuration ? changedPoints : result.points;
			res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
			res.msBeforeNext = result.expire != -1 ? Math.max(result.expire * 1e3 - Date.now(), 0) : -1;
			return res;
		}
	};
	module.exports = RateLimiterDynamo;
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterPrisma.js
var require_RateLimiterPrisma = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterStoreAbstract = require_RateLimiterStoreAbstract();
	const RateLimiterRes = require_RateLimiterRes();
	var RateLimiterPrisma = class extends RateLimiterStoreAbstract {
		constructor(opts) {
			super(opts);
			this.modelName = opts.tableName || "RateLimiterFlexible";
			this.prismaClient = opts.storeClient;
			this.clearExpiredByTimeout = opts.clearExpiredByTimeout || true;
			if (!this.prismaClient) throw new Error("Prisma client is not provided");
			if (this.clearExpiredByTimeout) this._clearExpiredHourAgo();
		}
		_getRateLimiterRes(rlKey, changedPoints, result) {
			const res = new RateLimiterRes();
			let doc = result;
			res.isFirstInDuration = doc.points === changedPoints;
			res.consumedPoints = doc.points;
			res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
			res.msBeforeNext = doc.expire !== null ? Math.max(new Date(doc.expire).getTime() - Date.now(), 0) : -1;
			return res;
		}
		_upsert(key, points, msDuration, forceExpire = false) {
			if (!this.prismaClient) return Promise.reject(/* @__PURE__ */ new Error("Prisma client is not established"));
			const now = /* @__PURE__ */ new Date();
			const newExpire = msDuration > 0 ? new Date(now.getTime() + msDuration) : null;
			return this.prismaClient.$transaction(async (prisma) => {
				const existingRecord = await prisma[this.modelName].findFirst({ where: { key } });
				if (existingRecord) {
					const shouldUpdateExpire = forceExpire || !existingRecord.expire || existingRecord.expire <= now || newExpire === null;
					return prisma[this.modelName].update({
						where: { key },
						data: {
							points: !shouldUpdateExpire ? existingRecord.points + points : points,
							...shouldUpdateExpire && { expire: newExpire }
						}
					});
				} else return prisma[this.modelName].create({ data: {
					key,
					points,
					expire: newExpire
				} });
			});
		}
		_get(rlKey) {
			if (!this.prismaClient) return Promise.reject(/* @__PURE__ */ new Error("Prisma client is not established"));
			return this.prismaClient[this.modelName].findFirst({ where: { AND: [{ key: rlKey }, { OR: [{ expire: { gt: /* @__PURE__ */ new Date() } }, { expire: null }] }] } });
		}
		_delete(rlKey) {
			if (!this.prismaClient) return Promise.reject(/* @__PURE__ */ new Error("Prisma client is not established"));
			return this.prismaClient[this.modelName].deleteMany({ where: { key: rlKey } }).then((res) => res.count > 0);
		}
		_clearExpiredHourAgo() {
			if (this._clearExpiredTimeoutId) clearTimeout(this._clearExpiredTimeoutId);
			this._clearExpiredTimeoutId = setTimeout(async () => {
				await this.prismaClient[this.modelName].deleteMany({ where: { expire: { lt: /* @__PURE__ */ new Date(Date.now() - 36e5) } } });
				this._clearExpiredHourAgo();
			}, 3e5);
			this._clearExpiredTimeoutId.unref();
		}
	};
	module.exports = RateLimiterPrisma;
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterDrizzle.js
var require_RateLimiterDrizzle = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	let drizzleOperators = null;
	const CLEANUP_INTERVAL_MS = 3e5;
	const EXPIRED_THRESHOLD_MS = 36e5;
	var RateLimiterDrizzleError = class extends Error {
		constructor(message) {
			super(message);
			this.name = "RateLimiterDrizzleError";
		}
	};
	async function getDrizzleOperators() {
		if (drizzleOperators) return drizzleOperators;
		try {
			function getPackageName() {
				return ["drizzle", "orm"].join("-");
			}
			const drizzleOrm = await import(`${getPackageName()}`);
			const { and, or, gt, lt, eq, isNull, sql } = drizzleOrm.default || drizzleOrm;
			drizzleOperators = {
				and,
				or,
				gt,
				lt,
				eq,
				isNull,
				sql
			};
			return drizzleOperators;
		} catch (error) {
			throw new RateLimiterDrizzleError("drizzle-orm is not installed. Please install drizzle-orm to use RateLimiterDrizzle.");
		}
	}
	const RateLimiterStoreAbstract = require_RateLimiterStoreAbstract();
	const RateLimiterRes = require_RateLimiterRes();
	var RateLimiterDrizzle = class extends RateLimiterStoreAbstract {
		constructor(opts) {
			super(opts);
			if (!opts?.schema) throw new RateLimiterDrizzleError("Drizzle schema is required");
			if (!opts?.storeClient) throw new RateLimiterDrizzleError("Drizzle client is required");
			this.schema = opts.schema;
			this.drizzleClient = opts.storeClient;
			this.clearExpiredByTimeout = opts.clearExpiredByTimeout ?? true;
			if (this.clearExpiredByTimeout) this._clearExpiredHourAgo();
		}
		_getRateLimiterRes(rlKey, changedPoints, result) {
			const res = new RateLimiterRes();
			let doc = result;
			res.isFirstInDuration = doc.points === changedPoints;
			res.consumedPoints = doc.points;
			res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
			res.msBeforeNext = doc.expire !== null ? Math.max(new Date(doc.expire).getTime() - Date.now(), 0) : -1;
			return res;
		}
		async _upsert(key, points, msDuration, forceExpire = false) {
			if (!this.drizzleClient) return Promise.reject(new RateLimiterDrizzleError("Drizzle client is not established"));
			const { eq, sql } = await getDrizzleOperators();
			const now = /* @__PURE__ */ new Date();
			const newExpire = msDuration > 0 ? new Date(now.getTime() + msDuration) : null;
			return await this.drizzleClient.transaction(async (tx) => {
				const [existingRecord] = await tx.select().from(this.schema).where(eq(this.schema.key, key)).limit(1);
				const shouldUpdateExpire = forceExpire || !existingRecord?.expire || existingRecord?.expire <= now || newExpire === null;
				const [data] = await tx.insert(this.schema).values({
					key,
					points,
					expire: newExpire
				}).onConflictDoUpdate({
					target: this.schema.key,
					set: {
						points: !shouldUpdateExpire ? sql`${this.schema.points} + ${points}` : points,
						...shouldUpdateExpire && { expire: newExpire }
					}
				}).returning();
				return data;
			});
		}
		async _get(rlKey) {
			if (!this.drizzleClient) return Promise.reject(new RateLimiterDrizzleError("Drizzle client is not established"));
			const { and, or, gt, eq, isNull } = await getDrizzleOperators();
			const [response] = await this.drizzleClient.select().from(this.schema).where(and(eq(this.schema.key, rlKey), or(gt(this.schema.expire, /* @__PURE__ */ new Date()), isNull(this.schema.expire)))).limit(1);
			return response || null;
		}
		async _delete(rlKey) {
			if (!this.drizzleClient) return Promise.reject(new RateLimiterDrizzleError("Drizzle client is not established"));
			const { eq } = await getDrizzleOperators();
			const [result] = await this.drizzleClient.delete(this.schema).where(eq(this.schema.key, rlKey)).returning({ key: this.schema.key });
			return !!result?.key;
		}
		_clearExpiredHourAgo() {
			if (this._clearExpiredTimeoutId) clearTimeout(this._clearExpiredTimeoutId);
			this._clearExpiredTimeoutId = setTimeout(async () => {
				try {
					const { lt } = await getDrizzleOperators();
					await this.drizzleClient.delete(this.schema).where(lt(this.schema.expire, /* @__PURE__ */ new Date(Date.now() - EXPIRED_THRESHOLD_MS)));
				} catch (error) {
					console.warn("Failed to clear expired records:", error);
				}
				this._clearExpiredHourAgo();
			}, CLEANUP_INTERVAL_MS);
			this._clearExpiredTimeoutId.unref();
		}
	};
	module.exports = RateLimiterDrizzle;
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterDrizzleNonAtomic.js
var require_RateLimiterDrizzleNonAtomic = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	let drizzleOperators = null;
	const CLEANUP_INTERVAL_MS = 3e5;
	const EXPIRED_THRESHOLD_MS = 36e5;
	var RateLimiterDrizzleError = class extends Error {
		constructor(message) {
			super(message);
			this.name = "RateLimiterDrizzleError";
		}
	};
	async function getDrizzleOperators() {
		if (drizzleOperators) return drizzleOperators;
		try {
			function getPackageName() {
				return ["drizzle", "orm"].join("-");
			}
			const drizzleOrm = await import(`${getPackageName()}`);
			const { and, or, gt, lt, eq, isNull, sql } = drizzleOrm.default || drizzleOrm;
			drizzleOperators = {
				and,
				or,
				gt,
				lt,
				eq,
				isNull,
				sql
			};
			return drizzleOperators;
		} catch (error) {
			throw new RateLimiterDrizzleError("drizzle-orm is not installed. Please install drizzle-orm to use RateLimiterDrizzleNonAtomic.");
		}
	}
	const RateLimiterStoreAbstract = require_RateLimiterStoreAbstract();
	const RateLimiterRes = require_RateLimiterRes();
	var RateLimiterDrizzleNonAtomic = class extends RateLimiterStoreAbstract {
		constructor(opts) {
			super(opts);
			if (!opts?.schema) throw new RateLimiterDrizzleError("Drizzle schema is required");
			if (!opts?.storeClient) throw new RateLimiterDrizzleError("Drizzle client is required");
			this.schema = opts.schema;
			this.drizzleClient = opts.storeClient;
			this.clearExpiredByTimeout = opts.clearExpiredByTimeout ?? true;
			if (this.clearExpiredByTimeout) this._clearExpiredHourAgo();
		}
		_getRateLimiterRes(rlKey, changedPoints, result) {
			const res = new RateLimiterRes();
			let doc = result;
			res.isFirstInDuration = doc.points === changedPoints;
			res.consumedPoints = doc.points;
			res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
			res.msBeforeNext = doc.expire !== null ? Math.max(new Date(doc.expire).getTime() - Date.now(), 0) : -1;
			return res;
		}
		async _upsert(key, points, msDuration, forceExpire = false) {
			if (!this.drizzleClient) return Promise.reject(new RateLimiterDrizzleError("Drizzle client is not established"));
			const { eq } = await getDrizzleOperators();
			const now = /* @__PURE__ */ new Date();
			const newExpire = msDuration > 0 ? new Date(now.getTime() + msDuration) : null;
			const [existingRecord] = await this.drizzleClient.select().from(this.schema).where(eq(this.schema.key, key)).limit(1);
			const shouldUpdateExpire = forceExpire || !existingRecord || !existingRecord.expire || existingRecord.expire <= now || newExpire === null;
			let newPoints;
			if (existingRecord && !shouldUpdateExpire) newPoints = existingRecord.points + points;
			else newPoints = points;
			const [data] = await this.drizzleClient.insert(this.schema).values({
				key,
				points: newPoints,
				expire: newExpire
			}).onConflictDoUpdate({
				target: this.schema.key,
				set: {
					points: newPoints,
					...shouldUpdateExpire && { expire: newExpire }
				}
			}).returning();
			return data;
		}
		async _get(rlKey) {
			if (!this.drizzleClient) return Promise.reject(new RateLimiterDrizzleError("Drizzle client is not established"));
			const { and, or, gt, eq, isNull } = await getDrizzleOperators();
			const [response] = await this.drizzleClient.select().from(this.schema).where(and(eq(this.schema.key, rlKey), or(gt(this.schema.expire, /* @__PURE__ */ new Date()), isNull(this.schema.expire)))).limit(1);
			return response || null;
		}
		async _delete(rlKey) {
			if (!this.drizzleClient) return Promise.reject(new RateLimiterDrizzleError("Drizzle client is not established"));
			const { eq } = await getDrizzleOperators();
			const [result] = await this.drizzleClient.delete(this.schema).where(eq(this.schema.key, rlKey)).returning({ key: this.schema.key });
			return !!(result && result.key);
		}
		_clearExpiredHourAgo() {
			if (this._clearExpiredTimeoutId) clearTimeout(this._clearExpiredTimeoutId);
			this._clearExpiredTimeoutId = setTimeout(async () => {
				try {
					const { lt } = await getDrizzleOperators();
					await this.drizzleClient.delete(this.schema).where(lt(this.schema.expire, /* @__PURE__ */ new Date(Date.now() - EXPIRED_THRESHOLD_MS)));
				} catch (error) {
					console.warn("Failed to clear expired records:", error);
				}
				this._clearExpiredHourAgo();
			}, CLEANUP_INTERVAL_MS);
			this._clearExpiredTimeoutId.unref();
		}
	};
	module.exports = RateLimiterDrizzleNonAtomic;
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterValkey.js
var require_RateLimiterValkey = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterStoreAbstract = require_RateLimiterStoreAbstract();
	const RateLimiterRes = require_RateLimiterRes();
	const incrTtlLuaScript = `
server.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX')
local consumed = server.call('incrby', KEYS[1], ARGV[1])
local ttl = server.call('pttl', KEYS[1])
return {consumed, ttl}
`;
	var RateLimiterValkey = class extends RateLimiterStoreAbstract {
		constructor(opts) {
			super(opts);
			this.client = opts.storeClient;
			this._rejectIfValkeyNotReady = !!opts.rejectIfValkeyNotReady;
			this._incrTtlLuaScript = opts.customIncrTtlLuaScript || incrTtlLuaScript;
			this.client.defineCommand("rlflxIncr", {
				numberOfKeys: 1,
				lua: this._incrTtlLuaScript
			});
		}
		_isValkeyReady() {
			if (!this._rejectIfValkeyNotReady) return true;
			return this.client.status === "ready";
		}
		_getRateLimiterRes(rlKey, changedPoints, result) {
			let consumed;
			let resTtlMs;
			if (Array.isArray(result[0])) [[, consumed], [, resTtlMs]] = result;
			else [consumed, resTtlMs] = result;
			const res = new RateLimiterRes();
			res.consumedPoints = +consumed;
			res.isFirstInDuration = res.consumedPoints === changedPoints;
			res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
			res.msBeforeNext = resTtlMs;
			return res;
		}
		_upsert(rlKey, points, msDuration, forceExpire = false) {
			if (!this._isValkeyReady()) throw new Error("Valkey connection is not ready");
			const secDuration = Math.floor(msDuration / 1e3);
			if (forceExpire) {
				const multi = this.client.multi();
				if (secDuration > 0) multi.set(rlKey, points, "EX", secDuration);
				else multi.set(rlKey, points);
				return multi.pttl(rlKey).exec();
			}
			if (secDuration > 0) return this.client.rlflxIncr([
				rlKey,
				String(points),
				String(secDuration),
				String(this.points),
				String(this.duration)
			]);
			return this.client.multi().incrby(rlKey, points).pttl(rlKey).exec();
		}
		_get(rlKey) {
			if (!this._isValkeyReady()) throw new Error("Valkey connection is not ready");
			return this.client.multi().get(rlKey).pttl(rlKey).exec().then((result) => {
				const [[, points]] = result;
				if (points === null) return null;
				return result;
			});
		}
		_delete(rlKey) {
			return this.client.del(rlKey).then((result) => result > 0);
		}
	};
	module.exports = RateLimiterValkey;
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterValkeyGlide.js
var require_RateLimiterValkeyGlide = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterStoreAbstract = require_RateLimiterStoreAbstract();
	const RateLimiterRes = require_RateLimiterRes();
	const DEFAULT_LIBRARY_NAME = "ratelimiterflexible";
	const DEFAULT_VALKEY_SCRIPT = `local key = KEYS[1]
local pointsToConsume = tonumber(ARGV[1])
if tonumber(ARGV[2]) > 0 then
  server.call('set', key, "0", 'EX', ARGV[2], 'NX')
  local consumed = server.call('incrby', key, pointsToConsume)
  local pttl = server.call('pttl', key)
  return {consumed, pttl}
end
local consumed = server.call('incrby', key, pointsToConsume)
local pttl = server.call('pttl', key)
return {consumed, pttl}`;
	const GET_VALKEY_SCRIPT = `local key = KEYS[1]
local value = server.call('get', key)
if value == nil then
  return value
end
local pttl = server.call('pttl', key)
return {tonumber(value), pttl}`;
	var RateLimiterValkeyGlide = class extends RateLimiterStoreAbstract {
		constructor(opts) {
			super(opts);
			this.client = opts.storeClient;
			this._scriptLoaded = false;
			this._getScriptLoaded = false;
			this._rejectIfValkeyNotReady = !!opts.rejectIfValkeyNotReady;
			this._luaScript = opts.customFunction || DEFAULT_VALKEY_SCRIPT;
			this._libraryName = opts.customFunctionLibName || DEFAULT_LIBRARY_NAME;
		}
		async _loadScripts() {
			if (this._scriptLoaded && this._getScriptLoaded) return true;
			if (!this.client) throw new Error("Valkey client is not set");
			const promises = [];
			if (!this._scriptLoaded) {
				const script = Buffer.from(`#!lua name=${this._libraryName}
        local function consume(KEYS, ARGV)
          ${this._luaScript.trim()}
        end
        server.register_function('consume', consume)`);
				promises.push(this.client.functionLoad(script, { replace: true }));
			} else promises.push(Promise.resolve(this._libraryName));
			if (!this._getScriptLoaded) {
				const script = Buffer.from(`#!lua name=ratelimiter_get
        local function getValue(KEYS, ARGV)
          ${GET_VALKEY_SCRIPT.trim()}
        end
        server.register_function('getValue', getValue)`);
				promises.push(this.client.functionLoad(script, { replace: true }));
			} else promises.push(Promise.resolve("ratelimiter_get"));
			const results = await Promise.all(promises);
			this._scriptLoaded = results[0] === this._libraryName;
			this._getScriptLoaded = results[1] === "ratelimiter_get";
			if (!this._scriptLoaded || !this._getScriptLoaded) throw new Error("Valkey connection is not ready, scripts not loaded");
			return true;
		}
		async _upsert(rlKey, pointsToConsume, msDuration, forceExpire = false, options = {}) {
			await this._loadScripts();
			const secDuration = Math.floor(msDuration / 1e3);
			if (forceExpire) {
				if (secDuration > 0) {
					await this.client.set(rlKey, String(pointsToConsume), { expiry: {
						type: "EX",
						count: secDuration
					} });
					return [pointsToConsume, secDuration * 1e3];
				}
				await this.client.set(rlKey, String(pointsToConsume));
				return [pointsToConsume, -1];
			}
			return await this.client.fcall("consume", [rlKey], [String(pointsToConsume), String(secDuration)]);
		}
		async _get(rlKey, options = {}) {
			await this._loadScripts();
			const res = await this.client.fcall("getValue", [rlKey], []);
			return res.length > 0 ? res : null;
		}
		async _delete(rlKey, options = {}) {
			return await this.client.del([rlKey]) > 0;
		}
		_getRateLimiterRes(rlKey, changedPoints, result) {
			if (result === null) return null;
			const res = new RateLimiterRes();
			const [consumedPointsStr, pttl] = result;
			const consumedPoints = Number(consumedPointsStr);
			res.isFirstInDuration = consumedPoints === changedPoints;
			res.consumedPoints = consumedPoints;
			res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
			res.msBeforeNext = pttl;
			return res;
		}
		async close() {
			if (this._scriptLoaded) {
				await this.client.functionDelete(this._libraryName);
				this._scriptLoaded = false;
			}
			if (this._getScriptLoaded) {
				await this.client.functionDelete("ratelimiter_get");
				this._getScriptLoaded = false;
			}
			if (this.insuranceLimiter) try {
				await this.insuranceLimiter.close();
			} catch (e) {}
			this.client = null;
			this._scriptLoaded = false;
			this._getScriptLoaded = false;
			this._rejectIfValkeyNotReady = false;
			this._luaScript = null;
			this._libraryName = null;
			this.insuranceLimiter = null;
		}
	};
	module.exports = RateLimiterValkeyGlide;
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterSQLite.js
var require_RateLimiterSQLite = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterStoreAbstract = require_RateLimiterStoreAbstract();
	const RateLimiterRes = require_RateLimiterRes();
	var RateLimiterSQLite = class extends RateLimiterStoreAbstract {
		_internalStoreType = null;
		constructor(opts, cb = null) {
			super(opts);
			this.client = opts.storeClient;
			this.storeType = opts.storeType || "sqlite3";
			this.tableName = opts.tableName;
			this.tableCreated = opts.tableCreated || false;
			this.clearExpiredByTimeout = opts.clearExpiredByTimeout;
			this._validateStoreTypes(cb);
			this._validateStoreClient(cb);
			this._setInternalStoreType(cb);
			this._validateTableName(cb);
			if (!this.tableCreated) this._createDbAndTable().then(() => {
				this.tableCreated = true;
				if (this.clearExpiredByTimeout) this._clearExpiredHourAgo();
				if (typeof cb === "function") cb();
			}).catch((err) => {
				if (typeof cb === "function") cb(err);
				else throw err;
			});
			else {
				if (this.clearExpiredByTimeout) this._clearExpiredHourAgo();
				if (typeof cb === "function") cb();
			}
		}
		_validateStoreTypes(cb) {
			const validStoreTypes = [
				"sqlite3",
				"better-sqlite3",
				"knex"
			];
			if (!validStoreTypes.includes(this.storeType)) {
				const err = /* @__PURE__ */ new Error(`storeType must be one of: ${validStoreTypes.join(", ")}`);
				if (typeof cb === "function") return cb(err);
				throw err;
			}
		}
		_validateStoreClient(cb) {
			if (this.storeType === "sqlite3") {
				if (typeof this.client.run !== "function") {
					const err = /* @__PURE__ */ new Error("storeClient must be an instance of sqlite3.Database when storeType is 'sqlite3' or no storeType was provided");
					if (typeof cb === "function") return cb(err);
					throw err;
				}
			} else if (this.storeType === "better-sqlite3") {
				if (typeof this.client.prepare !== "function" || typeof this.client.run !== "undefined") {
					const err = /* @__PURE__ */ new Error("storeClient must be an instance of better-sqlite3.Database when storeType is 'better-sqlite3'");
					if (typeof cb === "function") return cb(err);
					throw err;
				}
			} else if (this.storeType === "knex") {
				if (typeof this.client.raw !== "function") {
					const err = /* @__PURE__ */ new Error("storeClient must be an instance of Knex when storeType is 'knex'");
					if (typeof cb === "function") return cb(err);
					throw err;
				}
			}
		}
		_setInternalStoreType(cb) {
			if (this.storeType === "knex") {
				const knexClientType = this.client.client.config.client;
				if (knexClientType === "sqlite3") this._internalStoreType = "sqlite3";
				else if (knexClientType === "better-sqlite3") this._internalStoreType = "better-sqlite3";
				else {
					const err = /* @__PURE__ */ new Error("Knex must be configured with 'sqlite3' or 'better-sqlite3' for RateLimiterSQLite");
					if (typeof cb === "function") return cb(err);
					throw err;
				}
			} else this._internalStoreType = this.storeType;
		}
		_validateTableName(cb) {
			if (!/^[A-Za-z0-9_]*$/.test(this.tableName)) {
				const err = /* @__PURE__ */ new Error("Table name must contain only letters and numbers");
				if (typeof cb === "function") return cb(err);
				throw err;
			}
		}
		async _getConnection() {
			if (this.storeType === "knex") return this.client.client.acquireConnection();
			return this.client;
		}
		_releaseConnection(conn) {
			if (this.storeType === "knex") this.client.client.releaseConnection(conn);
		}
		async _createDbAndTable() {
			const conn = await this._getConnection();
			try {
				switch (this._internalStoreType) {
					case "sqlite3":
						await new Promise((resolve, reject) => {
							conn.run(this._getCreateTableSQL(), (err) => err ? reject(err) : resolve());
						});
						break;
					case "better-sqlite3":
						conn.prepare(this._getCreateTableSQL()).run();
						break;
					default: throw new Error("Unsupported internalStoreType");
				}
			} finally {
				this._releaseConnection(conn);
			}
		}
		_getCreateTableSQL() {
			return `CREATE TABLE IF NOT EXISTS ${this.tableName} (
      key TEXT PRIMARY KEY,
      points INTEGER NOT NULL DEFAULT 0,
      expire INTEGER
    )`;
		}
		_clearExpiredHourAgo() {
			if (this._clearExpiredTimeoutId) clearTimeout(this._clearExpiredTimeoutId);
			this._clearExpiredTimeoutId = setTimeout(() => {
				this.clearExpired(Date.now() - 36e5).then(() => this._clearExpiredHourAgo());
			}, 3e5);
			this._clearExpiredTimeoutId.unref();
		}
		async clearExpired(nowMs) {
			const sql = `DELETE FROM ${this.tableName} WHERE expire < ?`;
			const conn = await this._getConnection();
			try {
				switch (this._internalStoreType) {
					case "sqlite3":
						await new Promise((resolve, reject) => {
							conn.run(sql, [nowMs], (err) => err ? reject(err) : resolve());
						});
						break;
					case "better-sqlite3":
						conn.prepare(sql).run(nowMs);
						break;
					default: throw new Error("Unsupported internalStoreType");
				}
			} finally {
				this._releaseConnection(conn);
			}
		}
		_getRateLimiterRes(rlKey, changedPoints, result) {
			const res = new RateLimiterRes();
			res.isFirstInDuration = changedPoints === result.points;
			res.consumedPoints = res.isFirstInDuration ? changedPoints : result.points;
			res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
			res.msBeforeNext = result.expire ? Math.max(result.expire - Date.now(), 0) : -1;
			return res;
		}
		async _upsertTransactionSQLite3(conn, upsertQuery, upsertParams) {
			return await new Promise((resolve, reject) => {
				conn.serialize(() => {
					conn.run("SAVEPOINT rate_limiter_trx;", (err) => {
						if (err) return reject(err);
						conn.get(upsertQuery, upsertParams, (err, row) => {
							if (err) {
								conn.run("ROLLBACK TO SAVEPOINT rate_limiter_trx;", () => reject(err));
								return;
							}
							conn.run("RELEASE SAVEPOINT rate_limiter_trx;", () => resolve(row));
						});
					});
				});
			});
		}
		async _upsertTransactionBetterSQLite3(conn, upsertQuery, upsertParams) {
			return conn.transaction(() => conn.prepare(upsertQuery).get(...upsertParams))();
		}
		async _upsertTransaction(rlKey, points, msDuration, forceExpire) {
			const dateNow = Date.now();
			const newExpire = msDuration > 0 ? dateNow + msDuration : null;
			const upsertQuery = forceExpire ? `INSERT OR REPLACE INTO ${this.tableName} (key, points, expire) VALUES (?, ?, ?) RETURNING points, expire` : `INSERT INTO ${this.tableName} (key, points, expire)
         VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET
           points = CASE WHEN expire IS NULL OR expire > ? THEN points + excluded.points ELSE excluded.points END,
           expire = CASE WHEN expire IS NULL OR expire > ? THEN expire ELSE excluded.expire END
         RETURNING points, expire`;
			const upsertParams = forceExpire ? [
				rlKey,
				points,
				newExpire
			] : [
				rlKey,
				points,
				newExpire,
				dateNow,
				dateNow
			];
			const conn = await this._getConnection();
			try {
				switch (this._internalStoreType) {
					case "sqlite3": return this._upsertTransactionSQLite3(conn, upsertQuery, upsertParams);
					case "better-sqlite3": return this._upsertTransactionBetterSQLite3(conn, upsertQuery, upsertParams);
					default: throw new Error("Unsupported internalStoreType");
				}
			} finally {
				this._releaseConnection(conn);
			}
		}
		_upsert(rlKey, points, msDuration, forceExpire = false) {
			if (!this.tableCreated) return Promise.reject(/* @__PURE__ */ new Error("Table is not created yet"));
			return this._upsertTransaction(rlKey, points, msDuration, forceExpire);
		}
		async _get(rlKey) {
			const sql = `SELECT points, expire FROM ${this.tableName} WHERE key = ? AND (expire > ? OR expire IS NULL)`;
			const now = Date.now();
			const conn = await this._getConnection();
			try {
				switch (this._internalStoreType) {
					case "sqlite3": return await new Promise((resolve, reject) => {
						conn.get(sql, [rlKey, now], (err, row) => err ? reject(err) : resolve(row || null));
					});
					case "better-sqlite3": return conn.prepare(sql).get(rlKey, now) || null;
					default: throw new Error("Unsupported internalStoreType");
				}
			} finally {
				this._releaseConnection(conn);
			}
		}
		async _delete(rlKey) {
			if (!this.tableCreated) return Promise.reject(/* @__PURE__ */ new Error("Table is not created yet"));
			const sql = `DELETE FROM ${this.tableName} WHERE key = ?`;
			const conn = await this._getConnection();
			try {
				switch (this._internalStoreType) {
					case "sqlite3": return await new Promise((resolve, reject) => {
						conn.run(sql, [rlKey], function(err) {
							if (err) reject(err);
							else resolve(this.changes > 0);
						});
					});
					case "better-sqlite3": return conn.prepare(sql).run(rlKey).changes > 0;
					default: throw new Error("Unsupported internalStoreType");
				}
			} finally {
				this._releaseConnection(conn);
			}
		}
	};
	module.exports = RateLimiterSQLite;
}));
// node_modules/rate-limiter-flexible/lib/component/RateLimiterEtcdTransactionFailedError.js
var require_RateLimiterEtcdTransactionFailedError = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = class RateLimiterEtcdTransactionFailedError extends Error {
		constructor(message) {
			super();
			if (Error.captureStackTrace) Error.captureStackTrace(this, this.constructor);
			this.name = "RateLimiterEtcdTransactionFailedError";
			this.message = message;
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/component/RateLimiterSetupError.js
var require_RateLimiterSetupError = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = class RateLimiterSetupError extends Error {
		constructor(message) {
			super();
			if (Error.captureStackTrace) Error.captureStackTrace(this, this.constructor);
			this.name = "RateLimiterSetupError";
			this.message = message;
		}
	};
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterEtcdNonAtomic.js
var require_RateLimiterEtcdNonAtomic = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterStoreAbstract = require_RateLimiterStoreAbstract();
	const RateLimiterRes = require_RateLimiterRes();
	const RateLimiterSetupError = require_RateLimiterSetupError();
	var RateLimiterEtcdNonAtomic = class extends RateLimiterStoreAbstract {
		constructor(opts) {
			super(opts);
			if (!opts.storeClient) throw new RateLimiterSetupError("You need to set the option \"storeClient\" to an instance of class \"Etcd3\".");
			this.client = opts.storeClient;
		}
		_getRateLimiterRes(rlKey, changedPoints, result) {
			const res = new RateLimiterRes();
			res.isFirstInDuration = changedPoints === result.points;
			res.consumedPoints = res.isFirstInDuration ? changedPoints : result.points;
			res.remainingPoints = Math.max(this.points - res.consumedPoints, 0);
			res.msBeforeNext = result.expire ? Math.max(result.expire - Date.now(), 0) : -1;
			return res;
		}
		async _upsert(rlKey, points, msDuration, forceExpire = false) {
			const expire = msDuration > 0 ? Date.now() + msDuration : null;
			let newValue = {
				points,
				expire
			};
			if (forceExpire) await this.client.put(rlKey).value(JSON.stringify(newValue));
			else {
				const oldValue = await this._get(rlKey);
				newValue = {
					points: (oldValue !== null ? oldValue.points : 0) + points,
					expire
				};
				await this.client.put(rlKey).value(JSON.stringify(newValue));
			}
			return newValue;
		}
		async _get(rlKey) {
			return this.client.get(rlKey).string().then((result) => result !== null ? JSON.parse(result) : null);
		}
		async _delete(rlKey) {
			return this.client.delete().key(rlKey).then((result) => result.deleted === "1");
		}
	};
	module.exports = RateLimiterEtcdNonAtomic;
}));
// node_modules/rate-limiter-flexible/lib/RateLimiterEtcd.js
var require_RateLimiterEtcd = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterEtcdTransactionFailedError = require_RateLimiterEtcdTransactionFailedError();
	const RateLimiterEtcdNonAtomic = require_RateLimiterEtcdNonAtomic();
	const MAX_TRANSACTION_TRIES = 5;
	var RateLimiterEtcd = class extends RateLimiterEtcdNonAtomic {
		async _upsert(rlKey, points, msDuration, forceExpire = false) {
			const expire = msDuration > 0 ? Date.now() + msDuration : null;
			let newValue = {
				points,
				expire
			};
			let oldValue;
			if (forceExpire) await this.client.put(rlKey).value(JSON.stringify(newValue));
			else if (!await this.client.if(rlKey, "Version", "===", "0").then(this.client.put(rlKey).value(JSON.stringify(newValue))).commit().then((result) => !!result.succeeded)) {
				let success = false;
				for (let i = 0; i < MAX_TRANSACTION_TRIES; i++) {
					oldValue = await this._get(rlKey);
					newValue = {
						points: oldValue.points + points,
						expire
					};
					success = await this.client.if(rlKey, "Value", "===", JSON.stringify(oldValue)).then(this.client.put(rlKey).value(JSON.stringify(newValue))).commit().then((result) => !!result.succeeded);
					if (success) break;
				}
				if (!success) throw new RateLimiterEtcdTransactionFailedError("Could not set new value in a transaction.");
			}
			return newValue;
		}
	};
	module.exports = RateLimiterEtcd;
}));
// node_modules/rate-limiter-flexible/index.js
var require_rate_limiter_flexible = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const RateLimiterRedis = require_RateLimiterRedis();
	const RateLimiterMongo = require_RateLimiterMongo();
	const RateLimiterMySQL = require_RateLimiterMySQL();
	const RateLimiterPostgres = require_RateLimiterPostgres();
	const { RateLimiterClusterMaster, RateLimiterClusterMasterPM2, RateLimiterCluster } = require_RateLimiterCluster();
	const RateLimiterMemory = require_RateLimiterMemory();
	const RateLimiterMemcache = require_RateLimiterMemcache();
	const RLWrapperBlackAndWhite = require_RLWrapperBlackAndWhite();
	const RLWrapperTimeouts = require_RLWrapperTimeouts();
	const RateLimiterUnion = require_RateLimiterUnion();
	const RateLimiterQueue = require_RateLimiterQueue();
	const BurstyRateLimiter = require_BurstyRateLimiter();
	const RateLimiterRes = require_RateLimiterRes();
	const RateLimiterDynamo = require_RateLimiterDynamo();
	const RateLimiterPrisma = require_RateLimiterPrisma();
	const RateLimiterDrizzle = require_RateLimiterDrizzle();
	const RateLimiterDrizzleNonAtomic = require_RateLimiterDrizzleNonAtomic();
	module.exports = {
		RateLimiterRedis,
		RateLimiterMongo,
		RateLimiterMySQL,
		RateLimiterPostgres,
		RateLimiterMemory,
		RateLimiterMemcache,
		RateLimiterClusterMaster,
		RateLimiterClusterMasterPM2,
		RateLimiterCluster,
		RLWrapperBlackAndWhite,
		RLWrapperTimeouts,
		RateLimiterUnion,
		RateLimiterQueue,
		BurstyRateLimiter,
		RateLimiterRes,
		RateLimiterDynamo,
		RateLimiterPrisma,
		RateLimiterValkey: require_RateLimiterValkey(),
		RateLimiterValkeyGlide: require_RateLimiterValkeyGlide(),
		RateLimiterSQLite: require_RateLimiterSQLite(),
		RateLimiterEtcd: require_RateLimiterEtcd(),
		RateLimiterDrizzle,
		RateLimiterDrizzleNonAtomic,
		RateLimiterEtcdNonAtomic: require_RateLimiterEtcdNonAtomic(),
		RateLimiterQueueError: require_RateLimiterQueueError(),
		RateLimiterEtcdTransactionFailedError: require_RateLimiterEtcdTransactionFailedError()
	};
}));
// node_modules/picomatch-browser/lib/constants.js
var require_constants = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const WIN_SLASH = "\\\\/";
	const WIN_NO_SLASH = `[^${WIN_SLASH}]`;
	const DOT_LITERAL = "\\.";
	const PLUS_LITERAL = "\\+";
	const QMARK_LITERAL = "\\?";
	const SLASH_LITERAL = "\\/";
	const ONE_CHAR = "(?=.)";
	const QMARK = "[^/]";
	const END_ANCHOR = `(?:${SLASH_LITERAL}|$)`;
	const START_ANCHOR = `(?:^|${SLASH_LITERAL})`;
	const DOTS_SLASH = `${DOT_LITERAL}{1,2}${END_ANCHOR}`;
	const POSIX_CHARS = {
		DOT_LITERAL,
		PLUS_LITERAL,
		QMARK_LITERAL,
		SLASH_LITERAL,
		ONE_CHAR,
		QMARK,
		END_ANCHOR,
		DOTS_SLASH,
		NO_DOT: `(?!${DOT_LITERAL})`,
		NO_DOTS: `(?!${START_ANCHOR}${DOTS_SLASH})`,
		NO_DOT_SLASH: `(?!${DOT_LITERAL}{0,1}${END_ANCHOR})`,
		NO_DOTS_SLASH: `(?!${DOTS_SLASH})`,
		QMARK_NO_DOT: `[^.${SLASH_LITERAL}]`,
		STAR: `${QMARK}*?`,
		START_ANCHOR,
		SEP: "/"
	};
	const WINDOWS_CHARS = {
		...POSIX_CHARS,
		SLASH_LITERAL: `[${WIN_SLASH}]`,
		QMARK: WIN_NO_SLASH,
		STAR: `${WIN_NO_SLASH}*?`,
		DOTS_SLASH: `${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$)`,
		NO_DOT: `(?!${DOT_LITERAL})`,
		NO_DOTS: `(?!(?:^|[${WIN_SLASH}])${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
		NO_DOT_SLASH: `(?!${DOT_LITERAL}{0,1}(?:[${WIN_SLASH}]|$))`,
		NO_DOTS_SLASH: `(?!${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
		QMARK_NO_DOT: `[^.${WIN_SLASH}]`,
		START_ANCHOR: `(?:^|[${WIN_SLASH}])`,
		END_ANCHOR: `(?:[${WIN_SLASH}]|$)`,
		SEP: "\\"
	};
	module.exports = {
		MAX_LENGTH: 65536,
		POSIX_REGEX_SOURCE: {
			alnum: "a-zA-Z0-9",
			alpha: "a-zA-Z",
			ascii: "\\x00-\\x7F",
			blank: " \\t",
			cntrl: "\\x00-\\x1F\\x7F",
			digit: "0-9",
			graph: "\\x21-\\x7E",
			lower: "a-z",
			print: "\\x20-\\x7E ",
			punct: "\\-!\"#$%&'()\\*+,./:;<=>?@[\\]^_`{|}~",
			space: " \\t\\r\\n\\v\\f",
			upper: "A-Z",
			word: "A-Za-z0-9_",
			xdigit: "A-Fa-f0-9"
		},
		REGEX_BACKSLASH: /\\(?![*+?^${}(|)[\]])/g,
		REGEX_NON_SPECIAL_CHARS: /^[^@![\].,$*+?^{}()|\\/]+/,
		REGEX_SPECIAL_CHARS: /[-*+?.^${}(|)[\]]/,
		REGEX_SPECIAL_CHARS_BACKREF: /(\\?)((\W)(\3*))/g,
		REGEX_SPECIAL_CHARS_GLOBAL: /([-*+?.^${}(|)[\]])/g,
		REGEX_REMOVE_BACKSLASH: /(?:\[.*?[^\\]\]|\\(?=.))/g,
		REPLACEMENTS: {
			"***": "*",
			"**/**": "**",
			"**/**/**": "**"
		},
		CHAR_0: 48,
		CHAR_9: 57,
		CHAR_UPPERCASE_A: 65,
		CHAR_LOWERCASE_A: 97,
		CHAR_UPPERCASE_Z: 90,
		CHAR_LOWERCASE_Z: 122,
		CHAR_LEFT_PARENTHESES: 40,
		CHAR_RIGHT_PARENTHESES: 41,
		CHAR_ASTERISK: 42,
		CHAR_AMPERSAND: 38,
		CHAR_AT: 64,
		CHAR_BACKWARD_SLASH: 92,
		CHAR_CARRIAGE_RETURN: 13,
		CHAR_CIRCUMFLEX_ACCENT: 94,
		CHAR_COLON: 58,
		CHAR_COMMA: 44,
		CHAR_DOT: 46,
		CHAR_DOUBLE_QUOTE: 34,
		CHAR_EQUAL: 61,
		CHAR_EXCLAMATION_MARK: 33,
		CHAR_FORM_FEED: 12,
		CHAR_FORWARD_SLASH: 47,
		CHAR_GRAVE_ACCENT: 96,
		CHAR_HASH: 35,
		CHAR_HYPHEN_MINUS: 45,
		CHAR_LEFT_ANGLE_BRACKET: 60,
		CHAR_LEFT_CURLY_BRACE: 123,
		CHAR_LEFT_SQUARE_BRACKET: 91,
		CHAR_LINE_FEED: 10,
		CHAR_NO_BREAK_SPACE: 160,
		CHAR_PERCENT: 37,
		CHAR_PLUS: 43,
		CHAR_QUESTION_MARK: 63,
		CHAR_RIGHT_ANGLE_BRACKET: 62,
		CHAR_RIGHT_CURLY_BRACE: 125,
		CHAR_RIGHT_SQUARE_BRACKET: 93,
		CHAR_SEMICOLON: 59,
		CHAR_SINGLE_QUOTE: 39,
		CHAR_SPACE: 32,
		CHAR_TAB: 9,
		CHAR_UNDERSCORE: 95,
		CHAR_VERTICAL_LINE: 124,
		CHAR_ZERO_WIDTH_NOBREAK_SPACE: 65279,
		extglobChars(chars) {
			return {
				"!": {
					type: "negate",
					open: "(?:(?!(?:",
					close: `))${chars.STAR})`
				},
				"?": {
					type: "qmark",
					open: "(?:",
					close: ")?"
				},
				"+": {
					type: "plus",
					open: "(?:",
					close: ")+"
				},
				"*": {
					type: "star",
					open: "(?:",
					close: ")*"
				},
				"@": {
					type: "at",
					open: "(?:",
					close: ")"
				}
			};
		},
		globChars(win32) {
			return win32 === true ? WINDOWS_CHARS : POSIX_CHARS;
		}
	};
}));
// node_modules/picomatch-browser/lib/utils.js
var require_utils = /* @__PURE__ */ __commonJSMin(((exports) => {
	const { REGEX_BACKSLASH, REGEX_REMOVE_BACKSLASH, REGEX_SPECIAL_CHARS, REGEX_SPECIAL_CHARS_GLOBAL } = require_constants();
	exports.isObject = (val) => val !== null && typeof val === "object" && !Array.isArray(val);
	exports.hasRegexChars = (str) => REGEX_SPECIAL_CHARS.test(str);
	exports.isRegexChar = (str) => str.length === 1 && exports.hasRegexChars(str);
	exports.escapeRegex = (str) => str.replace(REGEX_SPECIAL_CHARS_GLOBAL, "\\$1");
	exports.toPosixSlashes = (str) => str.replace(REGEX_BACKSLASH, "/");
	exports.removeBackslashes = (str) => {
		return str.replace(REGEX_REMOVE_BACKSLASH, (match) => {
			return match === "\\" ? "" : match;
		});
	};
	exports.supportsLookbehinds = () => {
		const segs = process.version.slice(1).split(".").map(Number);
		if (segs.length === 3 && segs[0] >= 9 || segs[0] === 8 && segs[1] >= 10) return true;
		return false;
	};
	exports.escapeLast = (input, char, lastIdx) => {
		const idx = input.lastIndexOf(char, lastIdx);
		if (idx === -1) return input;
		if (input[idx - 1] === "\\") return exports.escapeLast(input, char, idx - 1);
		return `${input.slice(0, idx)}\\${input.slice(idx)}`;
	};
	exports.removePrefix = (input, state = {}) => {
		let output = input;
		if (output.startsWith("./")) {
			output = output.slice(2);
			state.prefix = "./";
		}
		return output;
	};
	exports.wrapOutput = (input, state = {}, options = {}) => {
		let output = `${options.contains ? "" : "^"}(?:${input})${options.contains ? "" : "$"}`;
		if (state.negated === true) output = `(?:^(?!${output}).*$)`;
		return output;
	};
	exports.basename = (path, { windows } = {}) => {
		if (windows) return path.replace(/[\\/]$/, "").replace(/.*[\\/]/, "");
		else return path.replace(/\/$/, "").replace(/.*\//, "");
	};
}));
// node_modules/picomatch-browser/lib/scan.js
var require_scan = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const utils = require_utils();
	const { CHAR_ASTERISK, CHAR_AT, CHAR_BACKWARD_SLASH, CHAR_COMMA, CHAR_DOT, CHAR_EXCLAMATION_MARK, CHAR_FORWARD_SLASH, CHAR_LEFT_CURLY_BRACE, CHAR_LEFT_PARENTHESES, CHAR_LEFT_SQUARE_BRACKET, CHAR_PLUS, CHAR_QUESTION_MARK, CHAR_RIGHT_CURLY_BRACE, CHAR_RIGHT_PARENTHESES, CHAR_RIGHT_SQUARE_BRACKET } = require_constants();
	const isPathSeparator = (code) => {
		return code === CHAR_FORWARD_SLASH || code === CHAR_BACKWARD_SLASH;
	};
	const depth = (token) => {
		if (token.isPrefix !== true) token.depth = token.isGlobstar ? Infinity : 1;
	};
	const scan = (input, options) => {
		const opts = options || {};
		const length = input.length - 1;
		const scanToEnd = opts.parts === true || opts.scanToEnd === true;
		const slashes = [];
		const tokens = [];
		const parts = [];
		let str = input;
		let index = -1;
		let start = 0;
		let lastIndex = 0;
		let isBrace = false;
		let isBracket = false;
		let isGlob = false;
		let isExtglob = false;
		let isGlobstar = false;
		let braceEscaped = false;
		let backslashes = false;
		let negated = false;
		let finished = false;
		let braces = 0;
		let prev;
		let code;
		let token = {
			value: "",
			depth: 0,
			isGlob: false
		};
		const eos = () => index >= length;
		const peek = () => str.charCodeAt(index + 1);
		const advance = () => {
			prev = code;
			return str.charCodeAt(++index);
		};
		while (index < length) {
			code = advance();
			let next;
			if (code === CHAR_BACKWARD_SLASH) {
				backslashes = token.backslashes = true;
				code = advance();
				if (code === CHAR_LEFT_CURLY_BRACE) braceEscaped = true;
				continue;
			}
			if (braceEscaped === true || code === CHAR_LEFT_CURLY_BRACE) {
				braces++;
				while (eos() !== true && (code = advance())) {
					if (code === CHAR_BACKWARD_SLASH) {
						backslashes = token.backslashes = true;
						advance();
						continue;
					}
					if (code === CHAR_LEFT_CURLY_BRACE) {
						braces++;
						continue;
					}
					if (braceEscaped !== true && code === CHAR_DOT && (code = advance()) === CHAR_DOT) {
						isBrace = token.isBrace = true;
						isGlob = token.isGlob = true;
						finished = true;
						if (scanToEnd === true) continue;
						break;
					}
					if (braceEscaped !== true && code === CHAR_COMMA) {
						isBrace = token.isBrace = true;
						isGlob = token.isGlob = true;
						finished = true;
						if (scanToEnd === true) continue;
						break;
					}
					if (code === CHAR_RIGHT_CURLY_BRACE) {
						braces--;
						if (braces === 0) {
							braceEscaped = false;
							isBrace = token.isBrace = true;
							finished = true;
							break;
						}
					}
				}
				if (scanToEnd === true) continue;
				break;
			}
			if (code === CHAR_FORWARD_SLASH) {
				slashes.push(index);
				tokens.push(token);
				token = {
					value: "",
					depth: 0,
					isGlob: false
				};
				if (finished === true) continue;
				if (prev === CHAR_DOT && index === start + 1) {
					start += 2;
					continue;
				}
				lastIndex = index + 1;
				continue;
			}
			if (opts.noext !== true) {
				if ((code === CHAR_PLUS || code === CHAR_AT || code === CHAR_ASTERISK || code === CHAR_QUESTION_MARK || code === CHAR_EXCLAMATION_MARK) === true && peek() === CHAR_LEFT_PARENTHESES) {
					isGlob = token.isGlob = true;
					isExtglob = token.isExtglob = true;
					finished = true;
					if (scanToEnd === true) {
						while (eos() !== true && (code = advance())) {
							if (code === CHAR_BACKWARD_SLASH) {
								backslashes = token.backslashes = true;
								code = advance();
								continue;
							}
							if (code === CHAR_RIGHT_PARENTHESES) {
								isGlob = token.isGlob = true;
								finished = true;
								break;
							}
						}
						continue;
					}
					break;
				}
			}
			if (code === CHAR_ASTERISK) {
				if (prev === CHAR_ASTERISK) isGlobstar = token.isGlobstar = true;
				isGlob = token.isGlob = true;
				finished = true;
				if (scanToEnd === true) continue;
				break;
			}
			if (code === CHAR_QUESTION_MARK) {
				isGlob = token.isGlob = true;
				finished = true;
				if (scanToEnd === true) continue;
				break;
			}
			if (code === CHAR_LEFT_SQUARE_BRACKET) while (eos() !== true && (next = advance())) {
				if (next === CHAR_BACKWARD_SLASH) {
					backslashes = token.backslashes = true;
					advance();
					continue;
				}
				if (next === CHAR_RIGHT_SQUARE_BRACKET) {
					isBracket = token.isBracket = true;
					isGlob = token.isGlob = true;
					finished = true;
					if (scanToEnd === true) continue;
					break;
				}
			}
			if (opts.nonegate !== true && code === CHAR_EXCLAMATION_MARK && index === start) {
				negated = token.negated = true;
				start++;
				continue;
			}
			if (opts.noparen !== true && code === CHAR_LEFT_PARENTHESES) {
				isGlob = token.isGlob = true;
				if (scanToEnd === true) {
					while (eos() !== true && (code = advance())) {
						if (code === CHAR_LEFT_PARENTHESES) {
							backslashes = token.backslashes = true;
							code = advance();
							continue;
						}
						if (code === CHAR_RIGHT_PARENTHESES) {
							finished = true;
							break;
						}
					}
					continue;
				}
				break;
			}
			if (isGlob === true) {
				finished = true;
				if (scanToEnd === true) continue;
				break;
			}
		}
		if (opts.noext === true) {
			isExtglob = false;
			isGlob = false;
		}
		let base = str;
		let prefix = "";
		let glob = "";
		if (start > 0) {
			prefix = str.slice(0, start);
			str = str.slice(start);
			lastIndex -= start;
		}
		if (base && isGlob === true && lastIndex > 0) {
			base = str.slice(0, lastIndex);
			glob = str.slice(lastIndex);
		} else if (isGlob === true) {
			base = "";
			glob = str;
		} else base = str;
		if (base && base !== "" && base !== "/" && base !== str) {
			if (isPathSeparator(base.charCodeAt(base.length - 1))) base = base.slice(0, -1);
		}
		if (opts.unescape === true) {
			if (glob) glob = utils.removeBackslashes(glob);
			if (base && backslashes === true) base = utils.removeBackslashes(base);
		}
		const state = {
			prefix,
			input,
			start,
			base,
			glob,
			isBrace,
			isBracket,
			isGlob,
			isExtglob,
			isGlobstar,
			negated
		};
		if (opts.tokens === true) {
			state.maxDepth = 0;
			if (!isPathSeparator(code)) tokens.push(token);
			state.tokens = tokens;
		}
		if (opts.parts === true || opts.tokens === true) {
			let prevIndex;
			for (let idx = 0; idx < slashes.length; idx++) {
				const n = prevIndex ? prevIndex + 1 : start;
				const i = slashes[idx];
				const value = input.slice(n, i);
				if (opts.tokens) {
					if (idx === 0 && start !== 0) {
						tokens[idx].isPrefix = true;
						tokens[idx].value = prefix;
					} else tokens[idx].value = value;
					depth(tokens[idx]);
					state.maxDepth += tokens[idx].depth;
				}
				if (idx !== 0 || value !== "") parts.push(value);
				prevIndex = i;
			}
			if (prevIndex && prevIndex + 1 < input.length) {
				const value = input.slice(prevIndex + 1);
				parts.push(value);
				if (opts.tokens) {
					tokens[tokens.length - 1].value = value;
					depth(tokens[tokens.length - 1]);
					state.maxDepth += tokens[tokens.length - 1].depth;
				}
			}
			state.slashes = slashes;
			state.parts = parts;
		}
		return state;
	};
	module.exports = scan;
}));
// node_modules/picomatch-browser/lib/parse.js
var require_parse = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const constants = require_constants();
	const utils = require_utils();
	const { MAX_LENGTH, POSIX_REGEX_SOURCE, REGEX_NON_SPECIAL_CHARS, REGEX_SPECIAL_CHARS_BACKREF, REPLACEMENTS } = constants;
	const expandRange = (args, options) => {
		if (typeof options.expandRange === "function") return options.expandRange(...args, options);
		args.sort();
		const value = `[${args.join("-")}]`;
		try {
			new RegExp(value);
		} catch (ex) {
			return args.map((v) => utils.escapeRegex(v)).join("..");
		}
		return value;
	};
	const syntaxError = (type, char) => {
		return `Missing ${type}: "${char}" - use "\\\\${char}" to match literal characters`;
	};
	const parse = (input, options) => {
		if (typeof input !== "string") throw new TypeError("Expected a string");
		input = REPLACEMENTS[input] || input;
		const opts = { ...options };
		const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
		let len = input.length;
		if (len > max) throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
		const bos = {
			type: "bos",
			value: "",
			output: opts.prepend || ""
		};
		const tokens = [bos];
		const capture = opts.capture ? "" : "?:";
		const PLATFORM_CHARS = constants.globChars(opts.windows);
		const EXTGLOB_CHARS = constants.extglobChars(PLATFORM_CHARS);
		const { DOT_LITERAL, PLUS_LITERAL, SLASH_LITERAL, ONE_CHAR, DOTS_SLASH, NO_DOT, NO_DOT_SLASH, NO_DOTS_SLASH, QMARK, QMARK_NO_DOT, STAR, START_ANCHOR } = PLATFORM_CHARS;
		const globstar = (opts) => {
			return `(${capture}(?:(?!${START_ANCHOR}${opts.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
		};
		const nodot = opts.dot ? "" : NO_DOT;
		const qmarkNoDot = opts.dot ? QMARK : QMARK_NO_DOT;
		let star = opts.bash === true ? globstar(opts) : STAR;
		if (opts.capture) star = `(${star})`;
		if (typeof opts.noext === "boolean") opts.noextglob = opts.noext;
		const state = {
			input,
			index: -1,
			start: 0,
			dot: opts.dot === true,
			consumed: "",
			output: "",
			prefix: "",
			backtrack: false,
			negated: false,
			brackets: 0,
			braces: 0,
			parens: 0,
			quotes: 0,
			globstar: false,
			tokens
		};
		input = utils.removePrefix(input, state);
		len = input.length;
		const extglobs = [];
		const braces = [];
		const stack = [];
		let prev = bos;
		let value;
		const eos = () => state.index === len - 1;
		const peek = state.peek = (n = 1) => input[state.index + n];
		const advance = state.advance = () => input[++state.index];
		const remaining = () => input.slice(state.index + 1);
		const consume = (value = "", num = 0) => {
			state.consumed += value;
			state.index += num;
		};
		const append = (token) => {
			state.output += token.output != null ? token.output : token.value;
			consume(token.value);
		};
		const negate = () => {
			let count = 1;
			while (peek() === "!" && (peek(2) !== "(" || peek(3) === "?")) {
				advance();
				state.start++;
				count++;
			}
			if (count % 2 === 0) return false;
			state.negated = true;
			state.start++;
			return true;
		};
		const increment = (type) => {
			state[type]++;
			stack.push(type);
		};
		const decrement = (type) => {
			state[type]--;
			stack.pop();
		};
		const push = (tok) => {
			if (prev.type === "globstar") {
				const isBrace = state.braces > 0 && (tok.type === "comma" || tok.type === "brace");
				const isExtglob = tok.extglob === true || extglobs.length && (tok.type === "pipe" || tok.type === "paren");
				if (tok.type !== "slash" && tok.type !== "paren" && !isBrace && !isExtglob) {
					state.output = state.output.slice(0, -prev.output.length);
					prev.type = "star";
					prev.value = "*";
					prev.output = star;
					state.output += prev.output;
				}
			}
			if (extglobs.length && tok.type !== "paren" && !EXTGLOB_CHARS[tok.value]) extglobs[extglobs.length - 1].inner += tok.value;
			if (tok.value || tok.output) append(tok);
			if (prev && prev.type === "text" && tok.type === "text") {
				prev.value += tok.value;
				prev.output = (prev.output || "") + tok.value;
				return;
			}
			tok.prev = prev;
			tokens.push(tok);
			prev = tok;
		};
		const extglobOpen = (type, value) => {
			const token = {
				...EXTGLOB_CHARS[value],
				conditions: 1,
				inner: ""
			};
			token.prev = prev;
			token.parens = state.parens;
			token.output = state.output;
			const output = (opts.capture ? "(" : "") + token.open;
			increment("parens");
			push({
				type,
				value,
				output: state.output ? "" : ONE_CHAR
			});
			push({
				type: "paren",
				extglob: true,
				value: advance(),
				output
			});
			extglobs.push(token);
		};
		const extglobClose = (token) => {
			let output = token.close + (opts.capture ? ")" : "");
			if (token.type === "negate") {
				let extglobStar = star;
				if (token.inner && token.inner.length > 1 && token.inner.includes("/")) extglobStar = globstar(opts);
				if (extglobStar !== star || eos() || /^\)+$/.test(remaining())) output = token.close = `)$))${extglobStar}`;
				if (token.prev.type === "bos" && eos()) state.negatedExtglob = true;
			}
			push({
				type: "paren",
				extglob: true,
				value,
				output
			});
			decrement("parens");
		};
		if (opts.fastpaths !== false && !/(^[*!]|[/()[\]{}"])/.test(input)) {
			let backslashes = false;
			let output = input.replace(REGEX_SPECIAL_CHARS_BACKREF, (m, esc, chars, first, rest, index) => {
				if (first === "\\") {
					backslashes = true;
					return m;
				}
				if (first === "?") {
					if (esc) return esc + first + (rest ? QMARK.repeat(rest.length) : "");
					if (index === 0) return qmarkNoDot + (rest ? QMARK.repeat(rest.length) : "");
					return QMARK.repeat(chars.length);
				}
				if (first === ".") return DOT_LITERAL.repeat(chars.length);
				if (first === "*") {
					if (esc) return esc + first + (rest ? star : "");
					return star;
				}
				return esc ? m : `\\${m}`;
			});
			if (backslashes === true) {
				if (opts.unescape === true) output = output.replace(/\\/g, "");
				else output = output.replace(/\\+/g, (m) => {
					return m.length % 2 === 0 ? "\\\\" : m ? "\\" : "";
				});
			}
			if (output === input && opts.contains === true) {
				state.output = input;
				return state;
			}
			state.output = utils.wrapOutput(output, state, options);
			return state;
		}
		while (!eos()) {
			value = advance();
			if (value === "\0") continue;
			if (value === "\\") {
				const next = peek();
				if (next === "/" && opts.bash !== true) continue;
				if (next === "." || next === ";") continue;
				if (!next) {
					value += "\\";
					push({
						type: "text",
						value
					});
					continue;
				}
				const match = /^\\+/.exec(remaining());
				let slashes = 0;
				if (match && match[0].length > 2) {
					slashes = match[0].length;
					state.index += slashes;
					if (slashes % 2 !== 0) value += "\\";
				}
				if (opts.unescape === true) value = advance() || "";
				else value += advance() || "";
				if (state.brackets === 0) {
					push({
						type: "text",
						value
					});
					continue;
				}
			}
			if (state.brackets > 0 && (value !== "]" || prev.value === "[" || prev.value === "[^")) {
				if (opts.posix !== false && value === ":") {
					const inner = prev.value.slice(1);
					if (inner.includes("[")) {
						prev.posix = true;
						if (inner.includes(":")) {
							const idx = prev.value.lastIndexOf("[");
							const pre = prev.value.slice(0, idx);
							const rest = prev.value.slice(idx + 2);
							const posix = POSIX_REGEX_SOURCE[rest];
							if (posix) {
								prev.value = pre + posix;
								state.backtrack = true;
								advance();
								if (!bos.output && tokens.indexOf(prev) === 1) bos.output = ONE_CHAR;
								continue;
							}
						}
					}
				}
				if (value === "[" && peek() !== ":" || value === "-" && peek() === "]") value = `\\${value}`;
				if (value === "]" && (prev.value === "[" || prev.value === "[^")) value = `\\${value}`;
				if (opts.posix === true && value === "!" && prev.value === "[") value = "^";
				prev.value += value;
				append({ value });
				continue;
			}
			if (state.quotes === 1 && value !== "\"") {
				value = utils.escapeRegex(value);
				prev.value += value;
				append({ value });
				continue;
			}
			if (value === "\"") {
				state.quotes = state.quotes === 1 ? 0 : 1;
				if (opts.keepQuotes === true) push({
					type: "text",
					value
				});
				continue;
			}
			if (value === "(") {
				increment("parens");
				push({
					type: "paren",
					value
				});
				continue;
			}
			if (value === ")") {
				if (state.parens === 0 && opts.strictBrackets === true) throw new SyntaxError(syntaxError("opening", "("));
				const extglob = extglobs[extglobs.length - 1];
				if (extglob && state.parens === extglob.parens + 1) {
					extglobClose(extglobs.pop());
					continue;
				}
				push({
					type: "paren",
					value,
					output: state.parens ? ")" : "\\)"
				});
				decrement("parens");
				continue;
			}
			if (value === "[") {
				if (opts.nobracket === true || !remaining().includes("]")) {
					if (opts.nobracket !== true && opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "]"));
					value = `\\${value}`;
				} else increment("brackets");
				push({
					type: "bracket",
					value
				});
				continue;
			}
			if (value === "]") {
				if (opts.nobracket === true || prev && prev.type === "bracket" && prev.value.length === 1) {
					push({
						type: "text",
						value,
						output: `\\${value}`
					});
					continue;
				}
				if (state.brackets === 0) {
					if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("opening", "["));
					push({
						type: "text",
						value,
						output: `\\${value}`
					});
					continue;
				}
				decrement("brackets");
				const prevValue = prev.value.slice(1);
				if (prev.posix !== true && prevValue[0] === "^" && !prevValue.includes("/")) value = `/${value}`;
				prev.value += value;
				append({ value });
				if (opts.literalBrackets === false || utils.hasRegexChars(prevValue)) continue;
				const escaped = utils.escapeRegex(prev.value);
				state.output = state.output.slice(0, -prev.value.length);
				if (opts.literalBrackets === true) {
					state.output += escaped;
					prev.value = escaped;
					continue;
				}
				prev.value = `(${capture}${escaped}|${prev.value})`;
				state.output += prev.value;
				continue;
			}
			if (value === "{" && opts.nobrace !== true) {
				increment("braces");
				const open = {
					type: "brace",
					value,
					output: "(",
					outputIndex: state.output.length,
					tokensIndex: state.tokens.length
				};
				braces.push(open);
				push(open);
				continue;
			}
			if (value === "}") {
				const brace = braces[braces.length - 1];
				if (opts.nobrace === true || !brace) {
					push({
						type: "text",
						value,
						output: value
					});
					continue;
				}
				let output = ")";
				if (brace.dots === true) {
					const arr = tokens.slice();
					const range = [];
					for (let i = arr.length - 1; i >= 0; i--) {
						tokens.pop();
						if (arr[i].type === "brace") break;
						if (arr[i].type !== "dots") range.unshift(arr[i].value);
					}
					output = expandRange(range, opts);
					state.backtrack = true;
				}
				if (brace.comma !== true && brace.dots !== true) {
					const out = state.output.slice(0, brace.outputIndex);
					const toks = state.tokens.slice(brace.tokensIndex);
					brace.value = brace.output = "\\{";
					value = output = "\\}";
					state.output = out;
					for (const t of toks) state.output += t.output || t.value;
				}
				push({
					type: "brace",
					value,
					output
				});
				decrement("braces");
				braces.pop();
				continue;
			}
			if (value === "|") {
				if (extglobs.length > 0) extglobs[extglobs.length - 1].conditions++;
				push({
					type: "text",
					value
				});
				continue;
			}
			if (value === ",") {
				let output = value;
				const brace = braces[braces.length - 1];
				if (brace && stack[stack.length - 1] === "braces") {
					brace.comma = true;
					output = "|";
				}
				push({
					type: "comma",
					value,
					output
				});
				continue;
			}
			if (value === "/") {
				if (prev.type === "dot" && state.index === state.start + 1) {
					state.start = state.index + 1;
					state.consumed = "";
					state.output = "";
					tokens.pop();
					prev = bos;
					continue;
				}
				push({
					type: "slash",
					value,
					output: SLASH_LITERAL
				});
				continue;
			}
			if (value === ".") {
				if (state.braces > 0 && prev.type === "dot") {
					if (prev.value === ".") prev.output = DOT_LITERAL;
					const brace = braces[braces.length - 1];
					prev.type = "dots";
					prev.output += value;
					prev.value += value;
					brace.dots = true;
					continue;
				}
				if (state.braces + state.parens === 0 && prev.type !== "bos" && prev.type !== "slash") {
					push({
						type: "text",
						value,
						output: DOT_LITERAL
					});
					continue;
				}
				push({
					type: "dot",
					value,
					output: DOT_LITERAL
				});
				continue;
			}
			if (value === "?") {
				if (!(prev && prev.value === "(") && opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
					extglobOpen("qmark", value);
					continue;
				}
				if (prev && prev.type === "paren") {
					const next = peek();
					let output = value;
					if (next === "<" && !utils.supportsLookbehinds()) throw new Error("Node.js v10 or higher is required for regex lookbehinds");
					if (prev.value === "(" && !/[!=<:]/.test(next) || next === "<" && !/<([!=]|\w+>)/.test(remaining())) output = `\\${value}`;
					push({
						type: "text",
						value,
						output
					});
					continue;
				}
				if (opts.dot !== true && (prev.type === "slash" || prev.type === "bos")) {
					push({
						type: "qmark",
						value,
						output: QMARK_NO_DOT
					});
					continue;
				}
				push({
					type: "qmark",
					value,
					output: QMARK
				});
				continue;
			}
			if (value === "!") {
				if (opts.noextglob !== true && peek() === "(") {
					if (peek(2) !== "?" || !/[!=<:]/.test(peek(3))) {
						extglobOpen("negate", value);
						continue;
					}
				}
				if (opts.nonegate !== true && state.index === 0) {
					negate();
					continue;
				}
			}
			if (value === "+") {
				if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
					extglobOpen("plus", value);
					continue;
				}
				if (prev && prev.value === "(" || opts.regex === false) {
					push({
						type: "plus",
						value,
						output: PLUS_LITERAL
					});
					continue;
				}
				if (prev && (prev.type === "bracket" || prev.type === "paren" || prev.type === "brace") || state.parens > 0) {
					push({
						type: "plus",
						value
					});
					continue;
				}
				push({
					type: "plus",
					value: PLUS_LITERAL
				});
				continue;
			}
			if (value === "@") {
				if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
					push({
						type: "at",
						extglob: true,
						value,
						output: ""
					});
					continue;
				}
				push({
					type: "text",
					value
				});
				continue;
			}
			if (value !== "*") {
				if (value === "$" || value === "^") value = `\\${value}`;
				const match = REGEX_NON_SPECIAL_CHARS.exec(remaining());
				if (match) {
					value += match[0];
					state.index += match[0].length;
				}
				push({
					type: "text",
					value
				});
				continue;
			}
			if (prev && (prev.type === "globstar" || prev.star === true)) {
				prev.type = "star";
				prev.star = true;
				prev.value += value;
				prev.output = star;
				state.backtrack = true;
				state.globstar = true;
				consume(value);
				continue;
			}
			let rest = remaining();
			if (opts.noextglob !== true && /^\([^?]/.test(rest)) {
				extglobOpen("star", value);
				continue;
			}
			if (prev.type === "star") {
				if (opts.noglobstar === true) {
					consume(value);
					continue;
				}
				const prior = prev.prev;
				const before = prior.prev;
				const isStart = prior.type === "slash" || prior.type === "bos";
				const afterStar = before && (before.type === "star" || before.type === "globstar");
				if (opts.bash === true && (!isStart || rest[0] && rest[0] !== "/")) {
					push({
						type: "star",
						value,
						output: ""
					});
					continue;
				}
				const isBrace = state.braces > 0 && (prior.type === "comma" || prior.type === "brace");
				const isExtglob = extglobs.length && (prior.type === "pipe" || prior.type === "paren");
				if (!isStart && prior.type !== "paren" && !isBrace && !isExtglob) {
					push({
						type: "star",
						value,
						output: ""
					});
					continue;
				}
				while (rest.slice(0, 3) === "/**") {
					const after = input[state.index + 4];
					if (after && after !== "/") break;
					rest = rest.slice(3);
					consume("/**", 3);
				}
				if (prior.type === "bos" && eos()) {
					prev.type = "globstar";
					prev.value += value;
					prev.output = globstar(opts);
					state.output = prev.output;
					state.globstar = true;
					consume(value);
					continue;
				}
				if (prior.type === "slash" && prior.prev.type !== "bos" && !afterStar && eos()) {
					state.output = state.output.slice(0, -(prior.output + prev.output).length);
					prior.output = `(?:${prior.output}`;
					prev.type = "globstar";
					prev.output = globstar(opts) + (opts.strictSlashes ? ")" : "|$)");
					prev.value += value;
					state.globstar = true;
					state.output += prior.output + prev.output;
					consume(value);
					continue;
				}
				if (prior.type === "slash" && prior.prev.type !== "bos" && rest[0] === "/") {
					const end = rest[1] !== void 0 ? "|$" : "";
					state.output = state.output.slice(0, -(prior.output + prev.output).length);
					prior.output = `(?:${prior.output}`;
					prev.type = "globstar";
					prev.output = `${globstar(opts)}${SLASH_LITERAL}|${SLASH_LITERAL}${end})`;
					prev.value += value;
					state.output += prior.output + prev.output;
					state.globstar = true;
					consume(value + advance());
					push({
						type: "slash",
						value: "/",
						output: ""
					});
					continue;
				}
				if (prior.type === "bos" && rest[0] === "/") {
					prev.type = "globstar";
					prev.value += value;
					prev.output = `(?:^|${SLASH_LITERAL}|${globstar(opts)}${SLASH_LITERAL})`;
					state.output = prev.output;
					state.globstar = true;
					consume(value + advance());
					push({
						type: "slash",
						value: "/",
						output: ""
					});
					continue;
				}
				state.output = state.output.slice(0, -prev.output.length);
				prev.type = "globstar";
				prev.output = globstar(opts);
				prev.value += value;
				state.output += prev.output;
				state.globstar = true;
				consume(value);
				continue;
			}
			const token = {
				type: "star",
				value,
				output: star
			};
			if (opts.bash === true) {
				token.output = ".*?";
				if (prev.type === "bos" || prev.type === "slash") token.output = nodot + token.output;
				push(token);
				continue;
			}
			if (prev && (prev.type === "bracket" || prev.type === "paren") && opts.regex === true) {
				token.output = value;
				push(token);
				continue;
			}
			if (state.index === state.start || prev.type === "slash" || prev.type === "dot") {
				if (prev.type === "dot") {
					state.output += NO_DOT_SLASH;
					prev.output += NO_DOT_SLASH;
				} else if (opts.dot === true) {
					state.output += NO_DOTS_SLASH;
					prev.output += NO_DOTS_SLASH;
				} else {
					state.output += nodot;
					prev.output += nodot;
				}
				if (peek() !== "*") {
					state.output += ONE_CHAR;
					prev.output += ONE_CHAR;
				}
			}
			push(token);
		}
		while (state.brackets > 0) {
			if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "]"));
			state.output = utils.escapeLast(state.output, "[");
			decrement("brackets");
		}
		while (state.parens > 0) {
			if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", ")"));
			state.output = utils.escapeLast(state.output, "(");
			decrement("parens");
		}
		while (state.braces > 0) {
			if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "}"));
			state.output = utils.escapeLast(state.output, "{");
			decrement("braces");
		}
		if (opts.strictSlashes !== true && (prev.type === "star" || prev.type === "bracket")) push({
			type: "maybe_slash",
			value: "",
			output: `${SLASH_LITERAL}?`
		});
		if (state.backtrack === true) {
			state.output = "";
			for (const token of state.tokens) {
				state.output += token.output != null ? token.output : token.value;
				if (token.suffix) state.output += token.suffix;
			}
		}
		return state;
	};
	parse.fastpaths = (input, options) => {
		const opts = { ...options };
		const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
		const len = input.length;
		if (len > max) throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
		input = REPLACEMENTS[input] || input;
		const { DOT_LITERAL, SLASH_LITERAL, ONE_CHAR, DOTS_SLASH, NO_DOT, NO_DOTS, NO_DOTS_SLASH, STAR, START_ANCHOR } = constants.globChars(opts.windows);
		const nodot = opts.dot ? NO_DOTS : NO_DOT;
		const slashDot = opts.dot ? NO_DOTS_SLASH : NO_DOT;
		const capture = opts.capture ? "" : "?:";
		const state = {
			negated: false,
			prefix: ""
		};
		let star = opts.bash === true ? ".*?" : STAR;
		if (opts.capture) star = `(${star})`;
		const globstar = (opts) => {
			if (opts.noglobstar === true) return star;
			return `(${capture}(?:(?!${START_ANCHOR}${opts.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
		};
		const create = (str) => {
			switch (str) {
				case "*": return `${nodot}${ONE_CHAR}${star}`;
				case ".*": return `${DOT_LITERAL}${ONE_CHAR}${star}`;
				case "*.*": return `${nodot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
				case "*/*": return `${nodot}${star}${SLASH_LITERAL}${ONE_CHAR}${slashDot}${star}`;
				case "**": return nodot + globstar(opts);
				case "**/*": return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${ONE_CHAR}${star}`;
				case "**/*.*": return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
				case "**/.*": return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${DOT_LITERAL}${ONE_CHAR}${star}`;
				default: {
					const match = /^(.*?)\.(\w+)$/.exec(str);
					if (!match) return;
					const source = create(match[1]);
					if (!source) return;
					return source + DOT_LITERAL + match[2];
				}
			}
		};
		let source = create(utils.removePrefix(input, state));
		if (source && opts.strictSlashes !== true) source += `${SLASH_LITERAL}?`;
		return source;
	};
	module.exports = parse;
}));
// node_modules/picomatch-browser/lib/picomatch.js
var require_picomatch = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const scan = require_scan();
	const parse = require_parse();
	const utils = require_utils();
	const constants = require_constants();
	const isObject = (val) => val && typeof val === "object" && !Array.isArray(val);
	const picomatch = (glob, options, returnState = false) => {
		if (Array.isArray(glob)) {
			const fns = glob.map((input) => picomatch(input, options, returnState));
			const arrayMatcher = (str) => {
				for (const isMatch of fns) {
					const state = isMatch(str);
					if (state) return state;
				}
				return false;
			};
			return arrayMatcher;
		}
		const isState = isObject(glob) && glob.tokens && glob.input;
		if (glob === "" || typeof glob !== "string" && !isState) throw new TypeError("Expected pattern to be a non-empty string");
		const opts = options || {};
		const posix = opts.windows;
		const regex = isState ? picomatch.compileRe(glob, options) : picomatch.makeRe(glob, options, false, true);
		const state = regex.state;
		delete regex.state;
		let isIgnored = () => false;
		if (opts.ignore) {
			const ignoreOpts = {
				...options,
				ignore: null,
				onMatch: null,
				onResult: null
			};
			isIgnored = picomatch(opts.ignore, ignoreOpts, returnState);
		}
		const matcher = (input, returnObject = false) => {
			const { isMatch, match, output } = picomatch.test(input, regex, options, {
				glob,
				posix
			});
			const result = {
				glob,
				state,
				regex,
				posix,
				input,
				output,
				match,
				isMatch
			};
			if (typeof opts.onResult === "function") opts.onResult(result);
			if (isMatch === false) {
				result.isMatch = false;
				return returnObject ? result : false;
			}
			if (isIgnored(input)) {
				if (typeof opts.onIgnore === "function") opts.onIgnore(result);
				result.isMatch = false;
				return returnObject ? result : false;
			}
			if (typeof opts.onMatch === "function") opts.onMatch(result);
			return returnObject ? result : true;
		};
		if (returnState) matcher.state = state;
		return matcher;
	};
	picomatch.test = (input, regex, options, { glob, posix } = {}) => {
		if (typeof input !== "string") throw new TypeError("Expected input to be a string");
		if (input === "") return {
			isMatch: false,
			output: ""
		};
		const opts = options || {};
		const format = opts.format || (posix ? utils.toPosixSlashes : null);
		let match = input === glob;
		let output = match && format ? format(input) : input;
		if (match === false) {
			output = format ? format(input) : input;
			match = output === glob;
		}
		if (match === false || opts.capture === true) {
			if (opts.matchBase === true || opts.basename === true) match = picomatch.matchBase(input, regex, options, posix);
			else match = regex.exec(output);
		}
		return {
			isMatch: Boolean(match),
			match,
			output
		};
	};
	picomatch.matchBase = (input, glob, options) => {
		return (glob instanceof RegExp ? glob : picomatch.makeRe(glob, options)).test(utils.basename(input));
	};
	picomatch.isMatch = (str, patterns, options) => picomatch(patterns, options)(str);
	picomatch.parse = (pattern, options) => {
		if (Array.isArray(pattern)) return pattern.map((p) => picomatch.parse(p, options));
		return parse(pattern, {
			...options,
			fastpaths: false
		});
	};
	picomatch.scan = (input, options) => scan(input, options);
	picomatch.compileRe = (parsed, options, returnOutput = false, returnState = false) => {
		if (returnOutput === true) return parsed.output;
		const opts = options || {};
		const prepend = opts.contains ? "" : "^";
		const append = opts.contains ? "" : "$";
		let source = `${prepend}(?:${parsed.output})${append}`;
		if (parsed && parsed.negated === true) source = `^(?!${source}).*$`;
		const regex = picomatch.toRegex(source, options);
		if (returnState === true) regex.state = parsed;
		return regex;
	};
	picomatch.makeRe = (input, options, returnOutput = false, returnState = false) => {
		if (!input || typeof input !== "string") throw new TypeError("Expected a non-empty string");
		const opts = options || {};
		let parsed = {
			negated: false,
			fastpaths: true
		};
		let prefix = "";
		let output;
		if (input.startsWith("./")) {
			input = input.slice(2);
			prefix = parsed.prefix = "./";
		}
		if (opts.fastpaths !== false && (input[0] === "." || input[0] === "*")) output = parse.fastpaths(input, options);
		if (output === void 0) {
			parsed = parse(input, options);
			parsed.prefix = prefix + (parsed.prefix || "");
		} else parsed.output = output;
		return picomatch.compileRe(parsed, options, returnOutput, returnState);
	};
	picomatch.toRegex = (source, options) => {
		try {
			const opts = options || {};
			return new RegExp(source, opts.flags || (opts.nocase ? "i" : ""));
		} catch (err) {
			if (options && options.debug === true) throw err;
			return /$^/;
		}
	};
	picomatch.constants = constants;
	module.exports = picomatch;
}));
// node_modules/picomatch-browser/index.js
var require_picomatch_browser = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = require_picomatch();
}));
// node_modules/@gitbeaker/requester-utils/dist/index.mjs
var import_lib = /* @__PURE__ */ __toESM(require_lib(), 1);
var import_es5 = require_es5();
var import_rate_limiter_flexible = require_rate_limiter_flexible();
var { isMatch: isGlobMatch } = (/* @__PURE__ */ __toESM(require_picomatch_browser(), 1)).default;
function generateRateLimiterFn(limit, interval) {
	const limiter = new import_rate_limiter_flexible.RateLimiterQueue(new import_rate_limiter_flexible.RateLimiterMemory({
		points: limit,
		duration: interval
	}));
	return () => limiter.removeTokens(1);
}
function formatQuery(params = {}) {
	const decamelized = (0, import_es5.decamelizeKeys)(params);
	return (0, import_lib.stringify)(decamelized, { arrayFormat: "brackets" });
}
async function defaultOptionsHandler(resourceOptions, { body, searchParams, sudo, signal, asStream = false, method = "GET" } = {}) {
	const { headers: preconfiguredHeaders, authHeaders, url, agent } = resourceOptions;
	const defaultOptions = {
		method,
		asStream,
		signal,
		prefixUrl: url,
		agent
	};
	defaultOptions.headers = { ...preconfiguredHeaders };
	if (sudo) defaultOptions.headers.sudo = `${sudo}`;
	if (body) {
		if (body instanceof FormData) defaultOptions.body = body;
		else {
			defaultOptions.body = JSON.stringify((0, import_es5.decamelizeKeys)(body));
			defaultOptions.headers["content-type"] = "application/json";
		}
	}
	if (Object.keys(authHeaders).length > 0) {
		const [authHeaderKey, authHeaderFn] = Object.entries(authHeaders)[0];
		defaultOptions.headers[authHeaderKey] = await authHeaderFn();
	}
	const q = formatQuery(searchParams);
	if (q) defaultOptions.searchParams = q;
	return Promise.resolve(defaultOptions);
}
function createRateLimiters(rateLimitOptions = {}, rateLimitDuration = 60) {
	const rateLimiters = {};
	Object.entries(rateLimitOptions).forEach(([key, config]) => {
		if (typeof config === "number") rateLimiters[key] = generateRateLimiterFn(config, rateLimitDuration);
		else rateLimiters[key] = {
			method: config.method.toUpperCase(),
			limit: generateRateLimiterFn(config.limit, rateLimitDuration)
		};
	});
	return rateLimiters;
}
function createRequesterFn(optionsHandler, requestHandler) {
	const methods = [
		"get",
		"post",
		"put",
		"patch",
		"delete"
	];
	return (serviceOptions) => {
		const requester = {};
		const rateLimiters = createRateLimiters(serviceOptions.rateLimits, serviceOptions.rateLimitDuration);
		methods.forEach((m) => {
			requester[m] = async (endpoint, options) => {
				return requestHandler(endpoint, {
					...await optionsHandler(serviceOptions, await defaultOptionsHandler(serviceOptions, {
						...options,
						method: m.toUpperCase()
					})),
					rateLimiters
				});
			};
		});
		return requester;
	};
}
function createPresetConstructor(Constructor, presetConfig) {
	return class extends Constructor {
		constructor(...args) {
			const [config, ...rest] = args;
			super({
				...presetConfig,
				...config
			}, ...rest);
		}
	};
}
function presetResourceArguments(resources, customConfig = {}) {
	const result = {};
	Object.entries(resources).forEach(([key, Constructor]) => {
		if (typeof Constructor === "function") result[key] = createPresetConstructor(Constructor, customConfig);
		else result[key] = Constructor;
	});
	return result;
}
function getMatchingRateLimiter(endpoint, rateLimiters = {}, method = "GET") {
	const match = Object.keys(rateLimiters).sort().reverse().find((ep) => isGlobMatch(endpoint, ep));
	const rateLimitConfig = match && rateLimiters[match];
	if (typeof rateLimitConfig === "function") return rateLimitConfig;
	if (rateLimitConfig && rateLimitConfig?.method?.toUpperCase() === method.toUpperCase()) return rateLimitConfig.limit;
	return generateRateLimiterFn(3e3, 60);
}
function getDynamicToken(tokenArgument) {
	return tokenArgument instanceof Function ? tokenArgument() : Promise.resolve(tokenArgument);
}
var DEFAULT_RATE_LIMITS = Object.freeze({
	"**": 3e3,
	"projects/import": 6,
	"projects/*/export": 6,
	"projects/*/download": 1,
	"groups/import": 6,
	"groups/*/export": 6,
	"groups/*/download": 1,
	"projects/*/issues/*/notes": {
		method: "post",
		limit: 300
	},
	"projects/*/snippets/*/notes": {
		method: "post",
		limit: 300
	},
	"projects/*/merge_requests/*/notes": {
		method: "post",
		limit: 300
	},
	"groups/*/epics/*/notes": {
		method: "post",
		limit: 300
	},
	"projects/*/repository/archive*": 5,
	"projects/*/jobs": 600,
	"projects/*/members": 60,
	"groups/*/members": 60
});
var BaseResource = class {
	url;
	requester;
	queryTimeout;
	headers;
	authHeaders;
	camelize;
	constructor({ sudo, profileToken, camelize, requesterFn, agent, profileMode = "execution", host = "https://gitlab.com", prefixUrl = "", queryTimeout = 3e5, rateLimitDuration = 60, rateLimits = DEFAULT_RATE_LIMITS, ...tokens }) {
		if (!requesterFn) throw new ReferenceError("requesterFn must be passed");
		this.url = [
			host,
			"api",
			"v4",
			prefixUrl
		].join("/");
		this.headers = {};
		this.authHeaders = {};
		this.camelize = camelize;
		this.queryTimeout = queryTimeout;
		if ("oauthToken" in tokens) this.authHeaders.authorization = async () => {
			return `Bearer ${await getDynamicToken(tokens.oauthToken)}`;
		};
		else if ("jobToken" in tokens) this.authHeaders["job-token"] = async () => getDynamicToken(tokens.jobToken);
		else if ("token" in tokens) this.authHeaders["private-token"] = async () => getDynamicToken(tokens.token);
		if (profileToken) {
			this.headers["X-Profile-Token"] = profileToken;
			this.headers["X-Profile-Mode"] = profileMode;
		}
		if (sudo) this.headers.Sudo = `${sudo}`;
		this.requester = requesterFn({
			...this,
			rateLimits,
			rateLimitDuration,
			agent
		});
	}
};
var GitbeakerRequestError = class extends Error {
	cause;
	constructor(message, options) {
		super(message, options);
		this.cause = options?.cause;
		this.name = "GitbeakerRequestError";
	}
};
var GitbeakerTimeoutError = class extends Error {
	constructor(message, options) {
		super(message, options);
		this.name = "GitbeakerTimeoutError";
	}
};
var GitbeakerRetryError = class extends Error {
	constructor(message, options) {
		super(message, options);
		this.name = "GitbeakerRetryError";
	}
};
// node_modules/@gitbeaker/core/dist/index.mjs
var dist_exports = /* @__PURE__ */ __exportAll({
	AccessLevel: () => AccessLevel$1,
	Agents: () => Agents$1,
	AlertManagement: () => AlertManagement$1,
	ApplicationAppearance: () => ApplicationAppearance$1,
	ApplicationPlanLimits: () => ApplicationPlanLimits$1,
	ApplicationSettings: () => ApplicationSettings$1,
	ApplicationStatistics: () => ApplicationStatistics$1,
	Applications: () => Applications$1,
	AuditEvents: () => AuditEvents$1,
	Avatar: () => Avatar$1,
	Branches: () => Branches$1,
	BroadcastMessages: () => BroadcastMessages$1,
	CodeSuggestions: () => CodeSuggestions$1,
	CommitDiscussions: () => CommitDiscussions$1,
	Commits: () => Commits$1,
	Composer: () => Composer$1,
	Conan: () => Conan$1,
	ContainerRegistry: () => ContainerRegistry$1,
	DashboardAnnotations: () => DashboardAnnotations$1,
	Debian: () => Debian$1,
	DependencyProxy: () => DependencyProxy$1,
	DeployKeys: () => DeployKeys$1,
	DeployTokens: () => DeployTokens$1,
	Deployments: () => Deployments$1,
	DockerfileTemplates: () => DockerfileTemplates$1,
	Environments: () => Environments$1,
	EpicAwardEmojis: () => EpicAwardEmojis$1,
	EpicDiscussions: () => EpicDiscussions$1,
	EpicIssues: () => EpicIssues$1,
	EpicLabelEvents: () => EpicLabelEvents$1,
	EpicLinks: () => EpicLinks$1,
	EpicNotes: () => EpicNotes$1,
	Epics: () => Epics$1,
	ErrorTrackingClientKeys: () => ErrorTrackingClientKeys$1,
	ErrorTrackingSettings: () => ErrorTrackingSettings$1,
	Events: () => Events$1,
	Experiments: () => Experiments$1,
	ExternalStatusChecks: () => ExternalStatusChecks$1,
	FeatureFlagUserLists: () => FeatureFlagUserLists$1,
	FeatureFlags: () => FeatureFlags$1,
	FreezePeriods: () => FreezePeriods$1,
	GeoNodes: () => GeoNodes$1,
	GeoSites: () => GeoSites$1,
	GitLabCIYMLTemplates: () => GitLabCIYMLTemplates$1,
	GitignoreTemplates: () => GitignoreTemplates$1,
	Gitlab: () => Gitlab$1,
	GitlabPages: () => GitlabPages$1,
	GoProxy: () => GoProxy$1,
	GroupAccessRequests: () => GroupAccessRequests$1,
	GroupAccessTokens: () => GroupAccessTokens$1,
	GroupActivityAnalytics: () => GroupActivityAnalytics$1,
	GroupBadges: () => GroupBadges$1,
	GroupCustomAttributes: () => GroupCustomAttributes$1,
	GroupDORA4Metrics: () => GroupDORA4Metrics$1,
	GroupEpicBoards: () => GroupEpicBoards$1,
	GroupHooks: () => GroupHooks$1,
	GroupImportExports: () => GroupImportExports$1,
	GroupInvitations: () => GroupInvitations$1,
	GroupIssueBoards: () => GroupIssueBoards$1,
	GroupIterations: () => GroupIterations$1,
	GroupLDAPLinks: () => GroupLDAPLinks$1,
	GroupLabels: () => GroupLabels$1,
	GroupMarkdownUploads: () => GroupMarkdownUploads$1,
	GroupMemberRoles: () => GroupMemberRoles$1,
	GroupMembers: () => GroupMembers$1,
	GroupMilestones: () => GroupMilestones$1,
	GroupProtectedEnvironments: () => GroupProtectedEnvironments$1,
	GroupPushRules: () => GroupPushRules$1,
	GroupRelationExports: () => GroupRelationExports$1,
	GroupReleases: () => GroupReleases$1,
	GroupRepositoryStorageMoves: () => GroupRepositoryStorageMoves$1,
	GroupSAMLIdentities: () => GroupSAMLIdentities$1,
	GroupSAMLLinks: () => GroupSAMLLinks$1,
	GroupSCIMIdentities: () => GroupSCIMIdentities$1,
	GroupServiceAccounts: () => GroupServiceAccounts$1,
	GroupVariables: () => GroupVariables$1,
	GroupWikis: () => GroupWikis$1,
	Groups: () => Groups$1,
	Helm: () => Helm$1,
	Import: () => Import$1,
	InstanceLevelCICDVariables: () => InstanceLevelCICDVariables$1,
	Integrations: () => Integrations$1,
	IssueAwardEmojis: () => IssueAwardEmojis$1,
	IssueDiscussions: () => IssueDiscussions$1,
	IssueIterationEvents: () => IssueIterationEvents$1,
	IssueLabelEvents: () => IssueLabelEvents$1,
	IssueLinks: () => IssueLinks$1,
	IssueMilestoneEvents: () => IssueMilestoneEvents$1,
	IssueNoteAwardEmojis: () => IssueNoteAwardEmojis$1,
	IssueNotes: () => IssueNotes$1,
	IssueStateEvents: () => IssueStateEvents$1,
	IssueWeightEvents: () => IssueWeightEvents$1,
	Issues: () => Issues$1,
	IssuesStatistics: () => IssuesStatistics$1,
	JobArtifacts: () => JobArtifacts$1,
	Jobs: () => Jobs$1,
	Keys: () => Keys$1,
	License: () => License$1,
	LicenseTemplates: () => LicenseTemplates$1,
	LinkedEpics: () => LinkedEpics$1,
	Lint: () => Lint$1,
	Markdown: () => Markdown$1,
	Maven: () => Maven$1,
	MergeRequestApprovals: () => MergeRequestApprovals$1,
	MergeRequestAwardEmojis: () => MergeRequestAwardEmojis$1,
	MergeRequestContextCommits: () => MergeRequestContextCommits$1,
	MergeRequestDiscussions: () => MergeRequestDiscussions$1,
	MergeRequestDraftNotes: () => MergeRequestDraftNotes$1,
	MergeRequestLabelEvents: () => MergeRequestLabelEvents$1,
	MergeRequestMilestoneEvents: () => MergeRequestMilestoneEvents$1,
	MergeRequestNoteAwardEmojis: () => MergeRequestNoteAwardEmojis$1,
	MergeRequestNotes: () => MergeRequestNotes$1,
	MergeRequests: () => MergeRequests$1,
	MergeTrains: () => MergeTrains$1,
	Metadata: () => Metadata$1,
	Migrations: () => Migrations$1,
	NPM: () => NPM$1,
	Namespaces: () => Namespaces$1,
	NotificationSettings: () => NotificationSettings$1,
	NuGet: () => NuGet$1,
	PackageRegistry: () => PackageRegistry$1,
	Packages: () => Packages$1,
	PagesDomains: () => PagesDomains$1,
	PersonalAccessTokens: () => PersonalAccessTokens$1,
	PipelineScheduleVariables: () => PipelineScheduleVariables$1,
	PipelineSchedules: () => PipelineSchedules$1,
	PipelineTriggerTokens: () => PipelineTriggerTokens$1,
	Pipelines: () => Pipelines$1,
	ProductAnalytics: () => ProductAnalytics$1,
	ProjectAccessRequests: () => ProjectAccessRequests$1,
	ProjectAccessTokens: () => ProjectAccessTokens$1,
	ProjectAliases: () => ProjectAliases$1,
	ProjectBadges: () => ProjectBadges$1,
	ProjectCustomAttributes: () => ProjectCustomAttributes$1,
	ProjectDORA4Metrics: () => ProjectDORA4Metrics$1,
	ProjectHooks: () => ProjectHooks$1,
	ProjectImportExports: () => ProjectImportExports$1,
	ProjectInvitations: () => ProjectInvitations$1,
	ProjectIssueBoards: () => ProjectIssueBoards$1,
	ProjectIterations: () => ProjectIterations$1,
	ProjectJobTokenScopes: () => ProjectJobTokenScopes$1,
	ProjectLabels: () => ProjectLabels$1,
	ProjectMarkdownUploads: () => ProjectMarkdownUploads$1,
	ProjectMembers: () => ProjectMembers$1,
	ProjectMilestones: () => ProjectMilestones$1,
	ProjectProtectedEnvironments: () => ProjectProtectedEnvironments$1,
	ProjectPushRules: () => ProjectPushRules$1,
	ProjectRelationsExport: () => ProjectRelationsExport$1,
	ProjectReleases: () => ProjectReleases$1,
	ProjectRemoteMirrors: () => ProjectRemoteMirrors$1,
	ProjectRepositoryStorageMoves: () => ProjectRepositoryStorageMoves$1,
	ProjectSnippetAwardEmojis: () => ProjectSnippetAwardEmojis$1,
	ProjectSnippetDiscussions: () => ProjectSnippetDiscussions$1,
	ProjectSnippetNotes: () => ProjectSnippetNotes$1,
	ProjectSnippets: () => ProjectSnippets$1,
	ProjectStatistics: () => ProjectStatistics$1,
	ProjectTemplates: () => ProjectTemplates$1,
	ProjectTerraformState: () => ProjectTerraformState$1,
	ProjectVariables: () => ProjectVariables$1,
	ProjectVulnerabilities: () => ProjectVulnerabilities$1,
	ProjectWikis: () => ProjectWikis$1,
	Projects: () => Projects$1,
	ProtectedBranches: () => ProtectedBranches$1,
	ProtectedTags: () => ProtectedTags$1,
	PyPI: () => PyPI$1,
	ReleaseLinks: () => ReleaseLinks$1,
	Repositories: () => Repositories$1,
	RepositoryFiles: () => RepositoryFiles$1,
	RepositorySubmodules: () => RepositorySubmodules$1,
	ResourceGroups: () => ResourceGroups$1,
	RubyGems: () => RubyGems$1,
	Runners: () => Runners$1,
	Search: () => Search$1,
	SearchAdmin: () => SearchAdmin$1,
	SecureFiles: () => SecureFiles$1,
	ServiceAccounts: () => ServiceAccounts$1,
	ServiceData: () => ServiceData$1,
	SidekiqMetrics: () => SidekiqMetrics$1,
	SidekiqQueues: () => SidekiqQueues$1,
	SnippetRepositoryStorageMoves: () => SnippetRepositoryStorageMoves$1,
	Snippets: () => Snippets$1,
	Suggestions: () => Suggestions$1,
	SystemHooks: () => SystemHooks$1,
	Tags: () => Tags$1,
	TodoLists: () => TodoLists$1,
	Topics: () => Topics$1,
	UserCustomAttributes: () => UserCustomAttributes$1,
	UserEmails: () => UserEmails$1,
	UserGPGKeys: () => UserGPGKeys$1,
	UserImpersonationTokens: () => UserImpersonationTokens$1,
	UserSSHKeys: () => UserSSHKeys$1,
	UserStarredMetricsDashboard: () => UserStarredMetricsDashboard$1,
	Users: () => Users$1
});
function appendFormFromObject(object) {
	const form = new FormData();
	Object.entries(object).forEach(([k, v]) => {
		if (v == null) return;
		if (Array.isArray(v)) form.append(k, v[0], v[1]);
		else form.append(k, v);
	});
	return form;
}
var RawPathSegment = class {
	value;
	constructor(value) {
		this.value = value;
	}
	toString() {
		return this.value;
	}
};
function endpoint(strings, ...values) {
	return values.reduce((result, value, index) => {
		return result + (value instanceof RawPathSegment ? value.value : encodeURIComponent(String(value))) + strings[index + 1];
	}, strings[0]);
}
function parseLinkHeader(linkString) {
	const output = {};
	const regex = /<([^>]+)>; rel="([^"]+)"/g;
	let m;
	while (m = regex.exec(linkString)) {
		const [, v, k] = m;
		output[k] = v;
	}
	return output;
}
function reformatObjectOptions(obj, prefixKey, decamelizeValues = false) {
	const formatted = decamelizeValues ? (0, import_es5.decamelizeKeys)(obj) : obj;
	return import_lib.default.stringify({ [prefixKey]: formatted }, { encode: false }).split("&").reduce((acc, cur) => {
		const [key, val] = cur.split(/=(.*)/);
		acc[key] = val;
		return acc;
	}, {});
}
function packageResponse(response, showExpanded) {
	return showExpanded ? {
		data: response.body,
		status: response.status,
		headers: response.headers
	} : response.body;
}
function getStream(response, showExpanded) {
	return packageResponse(response, showExpanded);
}
function getSingle(camelize, response, showExpanded) {
	const { status, headers } = response;
	let { body } = response;
	if (camelize) body = (0, import_es5.camelizeKeys)(body);
	return packageResponse({
		body,
		status,
		headers
	}, showExpanded);
}
async function getManyMore(camelize, getFn, endpoint2, response, requestOptions, acc) {
	const { sudo, showExpanded, maxPages, pagination, page, perPage, idAfter, orderBy, sort } = requestOptions;
	if (camelize) response.body = (0, import_es5.camelizeKeys)(response?.body);
	const newAcc = [...acc || [], ...response.body];
	const withinBounds = maxPages && perPage ? newAcc.length / +perPage < maxPages : true;
	const { next = "" } = parseLinkHeader(response.headers.link);
	if (!(page && (acc || []).length === 0) && next && withinBounds) {
		const parsedQueryString = (0, import_lib.parse)(next.split("?")[1]);
		const qs = { ...(0, import_es5.camelizeKeys)(parsedQueryString) };
		const newOpts = {
			...qs,
			maxPages,
			sudo,
			showExpanded
		};
		return getManyMore(camelize, getFn, endpoint2, await getFn(endpoint2, {
			searchParams: qs,
			sudo
		}), newOpts, newAcc);
	}
	if (!showExpanded) return newAcc;
	return {
		data: newAcc,
		paginationInfo: pagination === "keyset" ? {
			idAfter: idAfter ? +idAfter : null,
			perPage: perPage ? +perPage : null,
			orderBy,
			sort
		} : {
			total: parseInt(response.headers["x-total"], 10),
			next: parseInt(response.headers["x-next-page"], 10) || null,
			current: parseInt(response.headers["x-page"], 10) || 1,
			previous: parseInt(response.headers["x-prev-page"], 10) || null,
			perPage: parseInt(response.headers["x-per-page"], 10),
			totalPages: parseInt(response.headers["x-total-pages"], 10)
		}
	};
}
function get() {
	return async (service, endpoint2, options) => {
		const { asStream, sudo, showExpanded, maxPages, ...searchParams } = options || {};
		const signal = service.queryTimeout ? AbortSignal.timeout(service.queryTimeout) : void 0;
		const response = await service.requester.get(endpoint2, {
			searchParams,
			sudo,
			asStream,
			signal
		});
		const camelizeResponseBody = service.camelize || false;
		if (asStream) return getStream(response, showExpanded);
		if (!Array.isArray(response.body)) return getSingle(camelizeResponseBody, response, showExpanded);
		return getManyMore(camelizeResponseBody, (ep, op) => service.requester.get(ep, {
			...op,
			signal
		}), endpoint2, response, {
			sudo,
			showExpanded,
			maxPages,
			...searchParams
		});
	};
}
function post() {
	return async (service, endpoint2, { searchParams, isForm, sudo, showExpanded, ...options } = {}) => {
		const body = isForm ? appendFormFromObject(options) : options;
		const response = await service.requester.post(endpoint2, {
			searchParams,
			body,
			sudo,
			signal: service.queryTimeout ? AbortSignal.timeout(service.queryTimeout) : void 0
		});
		if (service.camelize) response.body = (0, import_es5.camelizeKeys)(response.body);
		return packageResponse(response, showExpanded);
	};
}
function put() {
	return async (service, endpoint2, { searchParams, isForm, sudo, showExpanded, ...options } = {}) => {
		const body = isForm ? appendFormFromObject(options) : options;
		const response = await service.requester.put(endpoint2, {
			body,
			searchParams,
			sudo,
			signal: service.queryTimeout ? AbortSignal.timeout(service.queryTimeout) : void 0
		});
		if (service.camelize) response.body = (0, import_es5.camelizeKeys)(response.body);
		return packageResponse(response, showExpanded);
	};
}
function patch() {
	return async (service, endpoint2, { searchParams, isForm, sudo, showExpanded, ...options } = {}) => {
		const body = isForm ? appendFormFromObject(options) : options;
		const response = await service.requester.patch(endpoint2, {
			body,
			searchParams,
			sudo,
			signal: service.queryTimeout ? AbortSignal.timeout(service.queryTimeout) : void 0
		});
		if (service.camelize) response.body = (0, import_es5.camelizeKeys)(response.body);
		return packageResponse(response, showExpanded);
	};
}
function del() {
	return async (service, endpoint2, { sudo, showExpanded, searchParams, ...options } = {}) => {
		return packageResponse(await service.requester.delete(endpoint2, {
			body: options,
			searchParams,
			sudo,
			signal: service.queryTimeout ? AbortSignal.timeout(service.queryTimeout) : void 0
		}), showExpanded);
	};
}
var RequestHelper = {
	post,
	put,
	patch,
	get,
	del
};
var Agents$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/cluster_agents`, options);
	}
	allTokens(projectId, agentId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/cluster_agents/${agentId}/tokens`, options);
	}
	createToken(projectId, agentId, name, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/cluster_agents/${agentId}/tokens`, {
			name,
			...options
		});
	}
	show(projectId, agentId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/cluster_agents/${agentId}`, options);
	}
	showToken(projectId, agentId, tokenId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/cluster_agents/${agentId}/tokens/${tokenId}`, options);
	}
	register(projectId, name, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/cluster_agents`, {
			name,
			...options
		});
	}
	removeToken(projectId, agentId, tokenId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/cluster_agents/${agentId}/tokens/${tokenId}`, options);
	}
	unregister(projectId, agentId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/cluster_agents/${agentId}`, options);
	}
};
var AlertManagement$1 = class extends BaseResource {
	allMetricImages(projectId, alertIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/alert_management_alerts/${alertIId}/metric_images`, options);
	}
	editMetricImage(projectId, alertIId, imageId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/alert_management_alerts/${alertIId}/metric_images/${imageId}`, options);
	}
	removeMetricImage(projectId, alertIId, imageId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/alert_management_alerts/${alertIId}/metric_images/${imageId}`, options);
	}
	uploadMetricImage(projectId, alertIId, metricImage, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/alert_management_alerts/${alertIId}/metric_images`, {
			isForm: true,
			file: [metricImage.content, metricImage.filename],
			...options
		});
	}
};
var ApplicationAppearance$1 = class extends BaseResource {
	show(options) {
		return RequestHelper.get()(this, "application/appearence", options);
	}
	edit({ logo, pwaIcon, ...options } = {}) {
		if (logo || pwaIcon) {
			const opts = {
				...options,
				isForm: true
			};
			if (logo) opts.logo = [logo.content, logo.filename];
			if (pwaIcon) opts.pwaIcon = [pwaIcon.content, pwaIcon.filename];
			return RequestHelper.put()(this, "application/appearence", opts);
		}
		return RequestHelper.put()(this, "application/appearence", options);
	}
};
var ApplicationPlanLimits$1 = class extends BaseResource {
	show(options) {
		return RequestHelper.get()(this, "application/plan_limits", options);
	}
	edit(planName, options = {}) {
		const { ciPipelineSize, ciActiveJobs, ciActivePipelines, ciProjectSubscriptions, ciPipelineSchedules, ciNeedsSizeLimit, ciRegisteredGroupRunners, ciRegisteredProjectRunners, conanMaxFileSize, genericPackagesMaxFileSize, helmMaxFileSize, mavenMaxFileSize, npmMaxFileSize, nugetMaxFileSize, pypiMaxFileSize, terraformModuleMaxFileSize, storageSizeLimit, ...opts } = options;
		return RequestHelper.put()(this, "application/plan_limits", {
			...opts,
			searchParams: {
				planName,
				ciPipelineSize,
				ciActiveJobs,
				ciActivePipelines,
				ciProjectSubscriptions,
				ciPipelineSchedules,
				ciNeedsSizeLimit,
				ciRegisteredGroupRunners,
				ciRegisteredProjectRunners,
				conanMaxFileSize,
				genericPackagesMaxFileSize,
				helmMaxFileSize,
				mavenMaxFileSize,
				npmMaxFileSize,
				nugetMaxFileSize,
				pypiMaxFileSize,
				terraformModuleMaxFileSize,
				storageSizeLimit
			}
		});
	}
};
var ApplicationSettings$1 = class extends BaseResource {
	show(options) {
		return RequestHelper.get()(this, "application/settings", options);
	}
	edit(options) {
		return RequestHelper.put()(this, "application/settings", options);
	}
};
var ApplicationStatistics$1 = class extends BaseResource {
	show(options) {
		return RequestHelper.get()(this, "application/statistics", options);
	}
};
var Applications$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "applications", options);
	}
	create(name, redirectUri, scopes, options) {
		return RequestHelper.post()(this, "applications", {
			name,
			redirectUri,
			scopes,
			...options
		});
	}
	remove(applicationId, options) {
		return RequestHelper.del()(this, `applications/${applicationId}`, options);
	}
};
function url({ projectId, groupId } = {}) {
	let prefix = "";
	if (projectId) prefix = endpoint`projects/${projectId}/`;
	else if (groupId) prefix = endpoint`groups/${groupId}/`;
	return `${prefix}audit_events`;
}
var AuditEvents$1 = class extends BaseResource {
	all({ projectId, groupId, ...options } = {}) {
		const uri = url({
			projectId,
			groupId
		});
		return RequestHelper.get()(this, uri, options);
	}
	show(auditEventId, { projectId, groupId, ...options } = {}) {
		const uri = url({
			projectId,
			groupId
		});
		return RequestHelper.get()(this, `${uri}/${auditEventId}`, options);
	}
};
var Avatar$1 = class extends BaseResource {
	show(email, options) {
		return RequestHelper.get()(this, "avatar", {
			email,
			...options
		});
	}
};
var BroadcastMessages$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "broadcast_messages", options);
	}
	create(options) {
		return RequestHelper.post()(this, "broadcast_messages", options);
	}
	edit(broadcastMessageId, options) {
		return RequestHelper.put()(this, `broadcast_messages/${broadcastMessageId}`, options);
	}
	remove(broadcastMessageId, options) {
		return RequestHelper.del()(this, `broadcast_messages/${broadcastMessageId}`, options);
	}
	show(broadcastMessageId, options) {
		return RequestHelper.get()(this, `broadcast_messages/${broadcastMessageId}`, options);
	}
};
var CodeSuggestions$1 = class extends BaseResource {
	createAccessToken(options) {
		return RequestHelper.post()(this, "code_suggestions/tokens", options);
	}
	generateCompletion(options) {
		return RequestHelper.post()(this, "code_suggestions/completions", options);
	}
};
var Composer$1 = class extends BaseResource {
	create(projectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/packages/composer`, options);
	}
	download(projectId, packageName, sha, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/composer/archives/${packageName}`, {
			searchParams: { sha },
			...options
		});
	}
	showMetadata(groupId, packageName, options) {
		let url12;
		if (options && options.sha) url12 = endpoint`groups/${groupId}/-/packages/composer/${packageName}$${options.sha}`;
		else url12 = endpoint`groups/${groupId}/-/packages/composer/p2/${packageName}`;
		return RequestHelper.get()(this, url12, options);
	}
	showPackages(groupId, sha, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/-/packages/composer/p/${sha}`, options);
	}
	showBaseRepository(groupId, options) {
		const clonedService = { ...this };
		if (options && options.composerVersion === "2") clonedService.headers["User-Agent"] = "Composer/2";
		return RequestHelper.get()(clonedService, endpoint`groups/${groupId}/-/packages/composer/packages`, options);
	}
};
function url2(projectId) {
	return projectId ? endpoint`projects/${projectId}/packages/conan/v1` : "packages/conan/v1";
}
var Conan$1 = class extends BaseResource {
	authenticate({ projectId, ...options } = {}) {
		return RequestHelper.get()(this, `${url2(projectId)}/users/authenticate`, options);
	}
	checkCredentials({ projectId, ...options } = {}) {
		const prefix = url2(projectId);
		return RequestHelper.get()(this, `${prefix}/users/check_credentials`, options);
	}
	downloadPackageFile(packageName, packageVersion, packageUsername, packageChannel, conanPackageReference, recipeRevision, packageRevision, filename, { projectId, ...options } = {}) {
		const prefix = url2(projectId);
		return RequestHelper.get()(this, `${prefix}/conans/${packageName}/${packageVersion}/${packageUsername}/${packageChannel}/${recipeRevision}/package/${conanPackageReference}/${packageRevision}/${filename}`, options);
	}
	downloadRecipeFile(packageName, packageVersion, packageUsername, packageChannel, recipeRevision, filename, { projectId, ...options } = {}) {
		const prefix = url2(projectId);
		return RequestHelper.get()(this, `${prefix}/conans/${packageName}/${packageVersion}/${packageUsername}/${packageChannel}/${recipeRevision}/export/${filename}`, options);
	}
	showPackageUploadUrls(packageName, packageVersion, packageUsername, packageChannel, conanPackageReference, { projectId, ...options } = {}) {
		const prefix = url2(projectId);
		return RequestHelper.get()(this, `${prefix}/conans/${packageName}/${packageVersion}/${packageUsername}/${packageChannel}/packages/${conanPackageReference}/upload_urls`, options);
	}
	showPackageDownloadUrls(packageName, packageVersion, packageUsername, packageChannel, conanPackageReference, { projectId, ...options } = {}) {
		const prefix = url2(projectId);
		return RequestHelper.get()(this, `${prefix}/conans/${packageName}/${packageVersion}/${packageUsername}/${packageChannel}/packages/${conanPackageReference}/download_urls`, options);
	}
	showPackageManifest(packageName, packageVersion, packageUsername, packageChannel, conanPackageReference, { projectId, ...options } = {}) {
		const prefix = url2(projectId);
		return RequestHelper.get()(this, `${prefix}/conans/${packageName}/${packageVersion}/${packageUsername}/${packageChannel}/packages/${conanPackageReference}/digest`, options);
	}
	showPackageSnapshot(packageName, packageVersion, packageUsername, packageChannel, conanPackageReference, { projectId, ...options } = {}) {
		const prefix = url2(projectId);
		return RequestHelper.get()(this, `${prefix}/conans/${packageName}/${packageVersion}/${packageUsername}/${packageChannel}/packages/${conanPackageReference}`, options);
	}
	ping({ projectId, ...options } = {}) {
		return RequestHelper.post()(this, `${url2(projectId)}/ping`, options);
	}
	showRecipeUploadUrls(packageName, packageVersion, packageUsername, packageChannel, { projectId, ...options } = {}) {
		const prefix = url2(projectId);
		return RequestHelper.get()(this, `${prefix}/conans/${packageName}/${packageVersion}/${packageUsername}/${packageChannel}/upload_urls`, options);
	}
	showRecipeDownloadUrls(packageName, packageVersion, packageUsername, packageChannel, { projectId, ...options } = {}) {
		const prefix = url2(projectId);
		return RequestHelper.get()(this, `${prefix}/conans/${packageName}/${packageVersion}/${packageUsername}/${packageChannel}/download_urls`, options);
	}
	showRecipeManifest(packageName, packageVersion, packageUsername, packageChannel, { projectId, ...options } = {}) {
		const prefix = url2(projectId);
		return RequestHelper.get()(this, `${prefix}/conans/${packageName}/${packageVersion}/${packageUsername}/${packageChannel}/digest`, options);
	}
	showRecipeSnapshot(packageName, packageVersion, packageUsername, packageChannel, { projectId, ...options } = {}) {
		const prefix = url2(projectId);
		return RequestHelper.get()(this, `${prefix}/conans/${packageName}/${packageVersion}/${packageUsername}/${packageChannel}`, options);
	}
	removePackageFile(packageName, packageVersion, packageUsername, packageChannel, { projectId, ...options } = {}) {
		const prefix = url2(projectId);
		return RequestHelper.get()(this, `${prefix}/conans/${packageName}/${packageVersion}/${packageUsername}/${packageChannel}`, options);
	}
	search({ projectId, ...options } = {}) {
		const prefix = url2(projectId);
		return RequestHelper.get()(this, `${prefix}/conans/search`, options);
	}
	uploadPackageFile(packageFile, packageName, packageVersion, packageUsername, packageChannel, conanPackageReference, recipeRevision, packageRevision, options) {
		const prefix = url2();
		return RequestHelper.get()(this, `${prefix}/files/${packageName}/${packageVersion}/${packageUsername}/${packageChannel}/${recipeRevision}/package/${conanPackageReference}/${packageRevision}/${packageFile.filename}`, {
			isForm: true,
			...options,
			file: [packageFile.content, packageFile.filename]
		});
	}
	uploadRecipeFile(packageFile, packageName, packageVersion, packageUsername, packageChannel, recipeRevision, options) {
		const prefix = url2();
		return RequestHelper.get()(this, `${prefix}/files/${packageName}/${packageVersion}/${packageUsername}/${packageChannel}/${recipeRevision}/export/${packageFile.filename}`, {
			isForm: true,
			...options,
			file: [packageFile.content, packageFile.filename]
		});
	}
};
var DashboardAnnotations$1 = class extends BaseResource {
	create(dashboardPath, startingAt, description, { environmentId, clusterId, ...options } = {}) {
		let url12;
		if (environmentId) url12 = endpoint`environments/${environmentId}/metrics_dashboard/annotations`;
		else if (clusterId) url12 = endpoint`clusters/${clusterId}/metrics_dashboard/annotations`;
		else throw new Error("Missing required argument. Please supply a environmentId or a cluserId in the options parameter.");
		return RequestHelper.post()(this, url12, {
			dashboardPath,
			startingAt,
			description,
			...options
		});
	}
};
function url3({ projectId, groupId } = {}) {
	if (projectId) return endpoint`/projects/${projectId}/packages/debian`;
	if (groupId) return endpoint`/groups/${groupId}/-/packages/debian`;
	throw new Error("Missing required argument. Please supply a projectId or a groupId in the options parameter");
}
var Debian$1 = class extends BaseResource {
	downloadBinaryFileIndex(distribution, component, architecture, { projectId, groupId, ...options }) {
		const prefix = url3({
			projectId,
			groupId
		});
		return RequestHelper.get()(this, `${prefix}/dists/${distribution}/${component}/binary-${architecture}/Packages`, options);
	}
	downloadDistributionReleaseFile(distribution, { projectId, groupId, ...options }) {
		const prefix = url3({
			projectId,
			groupId
		});
		return RequestHelper.get()(this, `${prefix}/dists/${distribution}/Release`, options);
	}
	downloadSignedDistributionReleaseFile(distribution, { projectId, groupId, ...options }) {
		const prefix = url3({
			projectId,
			groupId
		});
		return RequestHelper.get()(this, `${prefix}/dists/${distribution}/InRelease`, options);
	}
	downloadReleaseFileSignature(distribution, { projectId, groupId, ...options }) {
		const prefix = url3({
			projectId,
			groupId
		});
		return RequestHelper.get()(this, `${prefix}/dists/${distribution}/Release.gpg`, options);
	}
	downloadPackageFile(projectId, distribution, letter, packageName, packageVersion, filename, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/debian/pool/${distribution}/${letter}/${packageName}/${packageVersion}/${filename}`, options);
	}
	uploadPackageFile(projectId, packageFile, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/packages/debian/${packageFile.filename}`, {
			isForm: true,
			...options,
			file: [packageFile.content, packageFile.filename]
		});
	}
};
var DependencyProxy$1 = class extends BaseResource {
	remove(groupId, options) {
		return RequestHelper.post()(this, `groups/${groupId}/dependency_proxy/cache`, options);
	}
};
var DeployKeys$1 = class extends BaseResource {
	all({ projectId, userId, ...options } = {}) {
		let url12;
		if (projectId) url12 = endpoint`projects/${projectId}/deploy_keys`;
		else if (userId) url12 = endpoint`users/${userId}/project_deploy_keys`;
		else url12 = "deploy_keys";
		return RequestHelper.get()(this, url12, options);
	}
	create(projectId, title, key, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/deploy_keys`, {
			title,
			key,
			...options
		});
	}
	edit(projectId, keyId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/deploy_keys/${keyId}`, options);
	}
	enable(projectId, keyId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/deploy_keys/${keyId}/enable`, options);
	}
	remove(projectId, keyId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/deploy_keys/${keyId}`, options);
	}
	show(projectId, keyId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/deploy_keys/${keyId}`, options);
	}
};
var DeployTokens$1 = class extends BaseResource {
	all({ projectId, groupId, ...options } = {}) {
		let url12;
		if (projectId) url12 = endpoint`projects/${projectId}/deploy_tokens`;
		else if (groupId) url12 = endpoint`groups/${groupId}/deploy_tokens`;
		else url12 = "deploy_tokens";
		return RequestHelper.get()(this, url12, options);
	}
	create(name, scopes, { projectId, groupId, ...options } = {}) {
		let url12;
		if (projectId) url12 = endpoint`projects/${projectId}/deploy_tokens`;
		else if (groupId) url12 = endpoint`groups/${groupId}/deploy_tokens`;
		else throw new Error("Missing required argument. Please supply a projectId or a groupId in the options parameter.");
		return RequestHelper.post()(this, url12, {
			name,
			scopes,
			...options
		});
	}
	remove(tokenId, { projectId, groupId, ...options } = {}) {
		let url12;
		if (projectId) url12 = endpoint`projects/${projectId}/deploy_tokens/${tokenId}`;
		else if (groupId) url12 = endpoint`groups/${groupId}/deploy_tokens/${tokenId}`;
		else throw new Error("Missing required argument. Please supply a projectId or a groupId in the options parameter.");
		return RequestHelper.del()(this, url12, options);
	}
	show(tokenId, { projectId, groupId, ...options } = {}) {
		let url12;
		if (projectId) url12 = endpoint`projects/${projectId}/deploy_tokens/${tokenId}`;
		else if (groupId) url12 = endpoint`groups/${groupId}/deploy_tokens/${tokenId}`;
		else throw new Error("Missing required argument. Please supply a projectId or a groupId in the options parameter.");
		return RequestHelper.get()(this, url12, options);
	}
};
var ResourceAccessRequests = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	all(resourceId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/access_requests`, options);
	}
	request(resourceId, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/access_requests`, options);
	}
	approve(resourceId, userId, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/access_requests/${userId}/approve`, options);
	}
	deny(resourceId, userId, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/access_requests/${userId}`, options);
	}
};
var ResourceAccessTokens = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	all(resourceId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/access_tokens`, options);
	}
	create(resourceId, name, scopes, expiresAt, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/access_tokens`, {
			name,
			scopes,
			expiresAt,
			...options
		});
	}
	revoke(resourceId, tokenId, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/access_tokens/${tokenId}`, options);
	}
	rotate(resourceId, tokenId, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/access_tokens/${tokenId}/rotate`, options);
	}
	show(resourceId, tokenId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/access_tokens/${tokenId}`, options);
	}
};
function url4(resourceId, resourceType2, resourceId2, awardId) {
	const [rId, rId2] = [resourceId, resourceId2].map(encodeURIComponent);
	const output = [
		rId,
		resourceType2,
		rId2
	];
	output.push("award_emoji");
	if (awardId) output.push(awardId);
	return output.join("/");
}
var ResourceAwardEmojis = class extends BaseResource {
	resourceType2;
	constructor(resourceType1, resourceType2, options) {
		super({
			prefixUrl: resourceType1,
			...options
		});
		this.resourceType2 = resourceType2;
	}
	all(resourceId, resourceIId, options) {
		return RequestHelper.get()(this, url4(resourceId, this.resourceType2, resourceIId), options);
	}
	award(resourceId, resourceIId, name, options) {
		return RequestHelper.post()(this, url4(resourceId, this.resourceType2, resourceIId), {
			name,
			...options
		});
	}
	remove(resourceId, resourceIId, awardId, options) {
		return RequestHelper.del()(this, url4(resourceId, this.resourceType2, resourceIId, awardId), options);
	}
	show(resourceId, resourceIId, awardId, options) {
		return RequestHelper.get()(this, url4(resourceId, this.resourceType2, resourceIId, awardId), options);
	}
};
function url5(resourceId, resourceType2, resourceId2, noteId, awardId) {
	const [rId, rId2] = [resourceId, resourceId2].map(encodeURIComponent);
	const output = [
		rId,
		resourceType2,
		rId2
	];
	output.push("notes");
	output.push(noteId);
	output.push("award_emoji");
	if (awardId) output.push(awardId);
	return output.join("/");
}
var ResourceNoteAwardEmojis = class extends BaseResource {
	resourceType;
	constructor(resourceType, options) {
		super({
			prefixUrl: "projects",
			...options
		});
		this.resourceType = resourceType;
	}
	all(projectId, resourceIId, noteId, options) {
		return RequestHelper.get()(this, url5(projectId, this.resourceType, resourceIId, noteId), options);
	}
	award(projectId, resourceIId, noteId, name, options) {
		return RequestHelper.post()(this, url5(projectId, this.resourceType, resourceIId, noteId), {
			name,
			...options
		});
	}
	remove(projectId, resourceIId, noteId, awardId, options) {
		return RequestHelper.del()(this, url5(projectId, this.resourceType, resourceIId, noteId, awardId), options);
	}
	show(projectId, resourceIId, noteId, awardId, options) {
		return RequestHelper.get()(this, url5(projectId, this.resourceType, resourceIId, noteId, awardId), options);
	}
};
var ResourceBadges = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	add(resourceId, linkUrl, imageUrl, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/badges`, {
			linkUrl,
			imageUrl,
			...options
		});
	}
	all(resourceId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/badges`, options);
	}
	edit(resourceId, badgeId, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/badges/${badgeId}`, options);
	}
	preview(resourceId, linkUrl, imageUrl, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/badges/render`, {
			linkUrl,
			imageUrl,
			...options
		});
	}
	remove(resourceId, badgeId, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/badges/${badgeId}`, options);
	}
	show(resourceId, badgeId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/badges/${badgeId}`, options);
	}
};
var ResourceCustomAttributes = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	all(resourceId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/custom_attributes`, options);
	}
	remove(resourceId, customAttributeId, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/custom_attributes/${customAttributeId}`, options);
	}
	set(resourceId, customAttributeId, value, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/custom_attributes/${customAttributeId}`, {
			value,
			...options
		});
	}
	show(resourceId, customAttributeId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/custom_attributes/${customAttributeId}`, options);
	}
};
var ResourceDORA4Metrics = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	all(resourceId, metric, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/dora/metrics`, {
			metric,
			...options
		});
	}
};
var ResourceDiscussions = class extends BaseResource {
	resource2Type;
	constructor(resourceType, resource2Type, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
		this.resource2Type = resource2Type;
	}
	addNote(resourceId, resource2Id, discussionId, body, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/discussions/${discussionId}/notes`, {
			...options,
			body
		});
	}
	all(resourceId, resource2Id, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/discussions`, options);
	}
	create(resourceId, resource2Id, body, { position, ...options } = {}) {
		const opts = {
			...options,
			body
		};
		if (position) {
			Object.assign(opts, reformatObjectOptions(position, "position", true));
			opts.isForm = true;
		}
		return RequestHelper.post()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/discussions`, opts);
	}
	editNote(resourceId, resource2Id, discussionId, noteId, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/discussions/${discussionId}/notes/${noteId}`, options);
	}
	removeNote(resourceId, resource2Id, discussionId, noteId, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/discussions/${discussionId}/notes/${noteId}`, options);
	}
	show(resourceId, resource2Id, discussionId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/discussions/${discussionId}`, options);
	}
};
var ResourceIssueBoards = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	all(resourceId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/boards`, options);
	}
	allLists(resourceId, boardId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/boards/${boardId}/lists`, options);
	}
	create(resourceId, name, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/boards`, {
			name,
			...options
		});
	}
	createList(resourceId, boardId, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/boards/${boardId}/lists`, options);
	}
	edit(resourceId, boardId, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/boards/${boardId}`, options);
	}
	editList(resourceId, boardId, listId, position, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/boards/${boardId}/lists/${listId}`, {
			position,
			...options
		});
	}
	remove(resourceId, boardId, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/boards/${boardId}`, options);
	}
	removeList(resourceId, boardId, listId, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/boards/${boardId}/lists/${listId}`, options);
	}
	show(resourceId, boardId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/boards/${boardId}`, options);
	}
	showList(resourceId, boardId, listId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/boards/${boardId}/lists/${listId}`, options);
	}
};
var ResourceLabels = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	all(resourceId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/labels`, options);
	}
	create(resourceId, labelName, color, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/labels`, {
			name: labelName,
			color,
			...options
		});
	}
	edit(resourceId, labelId, options) {
		if (!options?.newName && !options?.color) throw new Error("Missing required argument. Please supply a color or a newName in the options parameter.");
		return RequestHelper.put()(this, endpoint`${resourceId}/labels/${labelId}`, options);
	}
	promote(resourceId, labelId, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/labels/${labelId}/promote`, options);
	}
	remove(resourceId, labelId, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/labels/${labelId}`, options);
	}
	show(resourceId, labelId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/labels/${labelId}`, options);
	}
	subscribe(resourceId, labelId, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/issues/${labelId}/subscribe`, options);
	}
	unsubscribe(resourceId, labelId, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/issues/${labelId}/unsubscribe`, options);
	}
};
var ResourceMarkdownUploads = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	all(resourceId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/uploads`, options);
	}
	download(resourceId, uploadIdOrSecret, filename, options) {
		if (filename && typeof filename === "string") return RequestHelper.get()(this, endpoint`${resourceId}/uploads/${uploadIdOrSecret}/${filename}`, options);
		return RequestHelper.get()(this, endpoint`${resourceId}/uploads/${uploadIdOrSecret}`, options);
	}
	remove(resourceId, uploadIdOrSecret, filename, options) {
		if (filename && typeof filename === "string") return RequestHelper.del()(this, endpoint`${resourceId}/uploads/${uploadIdOrSecret}/${filename}`, options);
		return RequestHelper.del()(this, endpoint`${resourceId}/uploads/${uploadIdOrSecret}`, options);
	}
};
var ResourceMembers = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	add(resourceId, accessLevel, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/members`, {
			accessLevel,
			...options
		});
	}
	all(resourceId, { includeInherited, ...options } = {}) {
		let url12 = endpoint`${resourceId}/members`;
		if (includeInherited) url12 += "/all";
		return RequestHelper.get()(this, url12, options);
	}
	edit(resourceId, userId, accessLevel, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/members/${userId}`, {
			accessLevel,
			...options
		});
	}
	show(resourceId, userId, { includeInherited, ...options } = {}) {
		const [rId, uId] = [resourceId, userId].map(encodeURIComponent);
		const url12 = [rId, "members"];
		if (includeInherited) url12.push("all");
		url12.push(uId);
		return RequestHelper.get()(this, url12.join("/"), options);
	}
	remove(resourceId, userId, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/members/${userId}`, options);
	}
};
var ResourceMilestones = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	all(resourceId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/milestones`, options);
	}
	allAssignedIssues(resourceId, milestoneId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/milestones/${milestoneId}/issues`, options);
	}
	allAssignedMergeRequests(resourceId, milestoneId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/milestones/${milestoneId}/merge_requests`, options);
	}
	allBurndownChartEvents(resourceId, milestoneId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/milestones/${milestoneId}/burndown_events`, options);
	}
	create(resourceId, title, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/milestones`, {
			title,
			...options
		});
	}
	edit(resourceId, milestoneId, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/milestones/${milestoneId}`, options);
	}
	remove(resourceId, milestoneId, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/milestones/${milestoneId}`, options);
	}
	show(resourceId, milestoneId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/milestones/${milestoneId}`, options);
	}
};
var ResourceNotes = class extends BaseResource {
	resource2Type;
	constructor(resourceType, resource2Type, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
		this.resource2Type = resource2Type;
	}
	all(resourceId, resource2Id, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/notes`, options);
	}
	create(resourceId, resource2Id, body, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/notes`, {
			body,
			...options
		});
	}
	edit(resourceId, resource2Id, noteId, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/notes/${noteId}`, options);
	}
	remove(resourceId, resource2Id, noteId, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/notes/${noteId}`, options);
	}
	show(resourceId, resource2Id, noteId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/notes/${noteId}`, options);
	}
};
var ResourceTemplates = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: ["templates", resourceType].join("/"),
			...options
		});
	}
	all(options) {
		process.emitWarning("This API will be deprecated as of Gitlabs v5 API. Please make the switch to \"ProjectTemplates\".", "DeprecationWarning");
		return RequestHelper.get()(this, "", options);
	}
	show(key, options) {
		process.emitWarning("This API will be deprecated as of Gitlabs v5 API. Please make the switch to \"ProjectTemplates\".", "DeprecationWarning");
		return RequestHelper.get()(this, encodeURIComponent(key), options);
	}
};
var ResourceVariables = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	all(resourceId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/variables`, options);
	}
	create(resourceId, key, value, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/variables`, {
			key,
			value,
			...options
		});
	}
	edit(resourceId, key, value, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/variables/${key}`, {
			value,
			...options
		});
	}
	show(resourceId, key, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/variables/${key}`, options);
	}
	remove(resourceId, key, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/variables/${key}`, options);
	}
};
var ResourceWikis = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	all(resourceId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/wikis`, options);
	}
	create(resourceId, content, title, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/wikis`, {
			content,
			title,
			...options
		});
	}
	edit(resourceId, slug, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/wikis/${slug}`, options);
	}
	remove(resourceId, slug, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/wikis/${slug}`, options);
	}
	show(resourceId, slug, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/wikis/${slug}`, options);
	}
	uploadAttachment(resourceId, file, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/wikis/attachments`, {
			...options,
			isForm: true,
			file: [file.content, file.filename]
		});
	}
};
var ResourceHooks = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	add(resourceId, url12, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/hooks`, {
			url: url12,
			...options
		});
	}
	all(resourceId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/hooks`, options);
	}
	edit(resourceId, hookId, url12, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/hooks/${hookId}`, {
			url: url12,
			...options
		});
	}
	remove(resourceId, hookId, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/hooks/${hookId}`, options);
	}
	show(resourceId, hookId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/hooks/${hookId}`, options);
	}
};
var ResourcePushRules = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	create(resourceId, options) {
		return RequestHelper.post()(this, endpoint`${resourceId}/push_rule`, options);
	}
	edit(resourceId, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/push_rule`, options);
	}
	remove(resourceId, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/push_rule`, options);
	}
	show(resourceId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/push_rule`, options);
	}
};
var ResourceRepositoryStorageMoves = class extends BaseResource {
	resourceType;
	resourceTypeSingular;
	constructor(resourceType, options) {
		super(options);
		this.resourceType = resourceType;
		this.resourceTypeSingular = resourceType.substring(0, resourceType.length - 1);
	}
	all(options) {
		const resourceId = options?.[`${this.resourceTypeSingular}Id`];
		const url12 = resourceId ? endpoint`${this.resourceType}/${resourceId}/repository_storage_moves` : `${this.resourceTypeSingular}_repository_storage_moves`;
		return RequestHelper.get()(this, url12, options);
	}
	show(repositoryStorageId, options) {
		const resourceId = options?.[`${this.resourceTypeSingular}Id`];
		const url12 = resourceId ? endpoint`${this.resourceType}/${resourceId}/repository_storage_moves` : `${this.resourceTypeSingular}_repository_storage_moves`;
		return RequestHelper.get()(this, `${url12}/${repositoryStorageId}`, options);
	}
	schedule(sourceStorageName, options) {
		const resourceId = options?.[`${this.resourceTypeSingular}Id`];
		const url12 = resourceId ? endpoint`${this.resourceType}/${resourceId}/repository_storage_moves` : `${this.resourceTypeSingular}_repository_storage_moves`;
		return RequestHelper.post()(this, url12, {
			sourceStorageName,
			...options
		});
	}
};
var ResourceInvitations = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	add(resourceId, accessLevel, options) {
		if (!options?.email && !options?.userId) throw new Error("Missing required argument. Please supply a email or a userId in the options parameter.");
		return RequestHelper.post()(this, endpoint`${resourceId}/invitations`, {
			accessLevel,
			...options
		});
	}
	all(resourceId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/invitations`, options);
	}
	edit(resourceId, email, options) {
		return RequestHelper.put()(this, endpoint`${resourceId}/invitations/${email}`, options);
	}
	remove(resourceId, email, options) {
		return RequestHelper.del()(this, endpoint`${resourceId}/invitations/${email}`, options);
	}
};
var ResourceIterations = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	all(resourceId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/iterations`, options);
	}
};
var ResourceProtectedEnvironments = class extends BaseResource {
	constructor(resourceType, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
	}
	all(resourceId, options) {
		return RequestHelper.get()(this, `${resourceId}/protected_environments`, options);
	}
	create(resourceId, name, deployAccessLevels, options) {
		return RequestHelper.post()(this, `${resourceId}/protected_environments`, {
			name,
			deployAccessLevels,
			...options
		});
	}
	edit(resourceId, name, options) {
		return RequestHelper.put()(this, `${resourceId}/protected_environments/${name}`, options);
	}
	show(resourceId, name, options) {
		return RequestHelper.get()(this, `${resourceId}/protected_environments/${name}`, options);
	}
	remove(resourceId, name, options) {
		return RequestHelper.del()(this, `${resourceId}/protected_environments/${name}`, options);
	}
};
var ResourceIterationEvents = class extends BaseResource {
	resource2Type;
	constructor(resourceType, resource2Type, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
		this.resource2Type = resource2Type;
	}
	all(resourceId, resource2Id, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/resource_iteration_events`, options);
	}
	show(resourceId, resource2Id, iterationEventId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/resource_iteration_events/${iterationEventId}`, options);
	}
};
var ResourceLabelEvents = class extends BaseResource {
	resource2Type;
	constructor(resourceType, resource2Type, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
		this.resource2Type = resource2Type;
	}
	all(resourceId, resource2Id, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/resource_label_events`, options);
	}
	show(resourceId, resource2Id, labelEventId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/resource_label_events/${labelEventId}`, options);
	}
};
var ResourceMilestoneEvents = class extends BaseResource {
	resource2Type;
	constructor(resourceType, resource2Type, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
		this.resource2Type = resource2Type;
	}
	all(resourceId, resource2Id, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/resource_milestone_events`, options);
	}
	show(resourceId, resource2Id, milestoneEventId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/resource_milestone_events/${milestoneEventId}`, options);
	}
};
var ResourceStateEvents = class extends BaseResource {
	resource2Type;
	constructor(resourceType, resource2Type, options) {
		super({
			prefixUrl: resourceType,
			...options
		});
		this.resource2Type = resource2Type;
	}
	all(resourceId, resource2Id, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/resource_state_events`, options);
	}
	show(resourceId, resource2Id, stateEventId, options) {
		return RequestHelper.get()(this, endpoint`${resourceId}/${this.resource2Type}/${resource2Id}/resource_state_events/${stateEventId}`, options);
	}
};
var DockerfileTemplates$1 = class extends ResourceTemplates {
	constructor(options) {
		super("dockerfiles", options);
	}
};
var Events$1 = class extends BaseResource {
	all({ projectId, userId, ...options } = {}) {
		let url12;
		if (projectId) url12 = endpoint`projects/${projectId}/events`;
		else if (userId) url12 = endpoint`users/${userId}/events`;
		else url12 = "events";
		return RequestHelper.get()(this, url12, options);
	}
};
var Experiments$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "experiments", options);
	}
};
var GeoNodes$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "geo_nodes", options);
	}
	allStatuses(options) {
		return RequestHelper.get()(this, "geo_nodes/statuses", options);
	}
	allFailures(options) {
		return RequestHelper.get()(this, "geo_nodes/current/failures", options);
	}
	create(name, url12, options) {
		return RequestHelper.post()(this, "geo_nodes", {
			name,
			url: url12,
			...options
		});
	}
	edit(geonodeId, options) {
		return RequestHelper.put()(this, `geo_nodes/${geonodeId}`, options);
	}
	repair(geonodeId, options) {
		return RequestHelper.post()(this, `geo_nodes/${geonodeId}/repair`, options);
	}
	remove(geonodeId, options) {
		return RequestHelper.del()(this, `geo_nodes/${geonodeId}`, options);
	}
	show(geonodeId, options) {
		return RequestHelper.get()(this, `geo_nodes/${geonodeId}`, options);
	}
	showStatus(geonodeId, options) {
		return RequestHelper.get()(this, `geo_nodes/${geonodeId}/status`, options);
	}
};
var GeoSites$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "geo_sites", options);
	}
	allStatuses(options) {
		return RequestHelper.get()(this, "geo_sites/statuses", options);
	}
	allFailures(options) {
		return RequestHelper.get()(this, "geo_sites/current/failures", options);
	}
	create(name, url12, options) {
		return RequestHelper.post()(this, "geo_sites", {
			name,
			url: url12,
			...options
		});
	}
	edit(geositeId, options) {
		return RequestHelper.put()(this, `geo_sites/${geositeId}`, options);
	}
	repair(geositeId, options) {
		return RequestHelper.post()(this, `geo_sites/${geositeId}/repair`, options);
	}
	remove(geositeId, options) {
		return RequestHelper.del()(this, `geo_sites/${geositeId}`, options);
	}
	show(geositeId, options) {
		return RequestHelper.get()(this, `geo_sites/${geositeId}`, options);
	}
	showStatus(geositeId, options) {
		return RequestHelper.get()(this, `geo_sites/${geositeId}/status`, options);
	}
};
var GitLabCIYMLTemplates$1 = class extends ResourceTemplates {
	constructor(options) {
		super("gitlab_ci_ymls", options);
	}
};
var GitignoreTemplates$1 = class extends ResourceTemplates {
	constructor(options) {
		super("gitignores", options);
	}
};
var Import$1 = class extends BaseResource {
	importGithubRepository(personalAccessToken, repositoryId, targetNamespace, options) {
		return RequestHelper.post()(this, "import/github", {
			personalAccessToken,
			repoId: repositoryId,
			targetNamespace,
			...options
		});
	}
	cancelGithubRepositoryImport(projectId, options) {
		return RequestHelper.post()(this, "import/github/cancel", {
			projectId,
			...options
		});
	}
	importGithubGists(personalAccessToken, options) {
		return RequestHelper.post()(this, "import/github/gists", {
			personalAccessToken,
			...options
		});
	}
	importBitbucketServerRepository(bitbucketServerUrl, bitbucketServerUsername, personalAccessToken, bitbucketServerProject, bitbucketServerRepository, options) {
		return RequestHelper.post()(this, "import/bitbucket_server", {
			bitbucketServerUrl,
			bitbucketServerUsername,
			personalAccessToken,
			bitbucketServerProject,
			bitbucketServerRepo: bitbucketServerRepository,
			...options
		});
	}
};
var InstanceLevelCICDVariables$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "admin/ci/variables", options);
	}
	create(key, value, options) {
		return RequestHelper.post()(this, "admin/ci/variables", {
			key,
			value,
			...options
		});
	}
	edit(keyId, value, options) {
		return RequestHelper.put()(this, endpoint`admin/ci/variables/${keyId}`, {
			value,
			...options
		});
	}
	show(keyId, options) {
		return RequestHelper.get()(this, endpoint`admin/ci/variables/${keyId}`, options);
	}
	remove(keyId, options) {
		return RequestHelper.get()(this, endpoint`admin/ci/variables/${keyId}`, options);
	}
};
var Keys$1 = class extends BaseResource {
	show({ keyId, fingerprint, ...options } = {}) {
		let url12;
		if (keyId) url12 = `keys/${keyId}`;
		else if (fingerprint) url12 = `keys?fingerprint=${fingerprint}`;
		else throw new Error("Missing required argument. Please supply a fingerprint or a keyId in the options parameter");
		return RequestHelper.get()(this, url12, options);
	}
};
var License$1 = class extends BaseResource {
	add(license, options) {
		return RequestHelper.post()(this, "license", {
			searchParams: { license },
			...options
		});
	}
	all(options) {
		return RequestHelper.get()(this, "licenses", options);
	}
	show(options) {
		return RequestHelper.get()(this, "license", options);
	}
	remove(licenceId, options) {
		return RequestHelper.del()(this, `license/${licenceId}`, options);
	}
	recalculateBillableUsers(licenceId, options) {
		return RequestHelper.put()(this, `license/${licenceId}/refresh_billable_users`, options);
	}
};
var LicenseTemplates$1 = class extends ResourceTemplates {
	constructor(options) {
		super("Licenses", options);
	}
};
var Lint$1 = class extends BaseResource {
	check(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/ci/lint`, options);
	}
	lint(projectId, content, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/ci/lint`, {
			...options,
			content
		});
	}
};
var Markdown$1 = class extends BaseResource {
	render(text, options) {
		return RequestHelper.post()(this, "markdown", {
			text,
			...options
		});
	}
};
var Maven$1 = class extends BaseResource {
	downloadPackageFile(path, filename, { projectId, groupId, ...options }) {
		let url12 = endpoint`packages/maven/${path}/${filename}`;
		if (projectId) url12 = endpoint`projects/${projectId}/${url12}`;
		else if (groupId) url12 = endpoint`groups/${groupId}/-/${url12}`;
		return RequestHelper.get()(this, url12, options);
	}
	uploadPackageFile(projectId, path, packageFile, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/packages/maven/${path}/${packageFile.filename}`, {
			isForm: true,
			...options,
			file: [packageFile.content, packageFile.filename]
		});
	}
};
var Metadata$1 = class extends BaseResource {
	show(options) {
		return RequestHelper.get()(this, "metadata", options);
	}
};
var Migrations$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "bulk_imports", options);
	}
	create(configuration, entities, options) {
		return RequestHelper.post()(this, "bulk_imports", {
			configuration,
			entities,
			...options
		});
	}
	allEntities({ bulkImportId, ...options } = {}) {
		const url12 = bulkImportId ? endpoint`bulk_imports/${bulkImportId}/entities` : "bulk_imports/entities";
		return RequestHelper.get()(this, url12, options);
	}
	show(bulkImportId, options) {
		return RequestHelper.get()(this, `bulk_imports/${bulkImportId}`, options);
	}
	showEntity(bulkImportId, entitityId, options) {
		return RequestHelper.get()(this, `bulk_imports/${bulkImportId}/entities/${entitityId}`, options);
	}
};
function url6(projectId) {
	return projectId ? endpoint`/projects/${projectId}/packages/npm` : "packages/npm";
}
var NPM$1 = class extends BaseResource {
	downloadPackageFile(projectId, packageName, filename, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/npm/${packageName}/-/${filename}`, options);
	}
	removeDistTag(packageName, tag, options) {
		const prefix = url6(options?.projectId);
		return RequestHelper.del()(this, `${prefix}/-/package/${packageName}/dist-tags/${tag}`, options);
	}
	setDistTag(packageName, tag, options) {
		const prefix = url6(options?.projectId);
		return RequestHelper.put()(this, `${prefix}/-/package/${packageName}/dist-tags/${tag}`, options);
	}
	showDistTags(packageName, options) {
		const prefix = url6(options?.projectId);
		return RequestHelper.get()(this, `${prefix}/-/package/${packageName}/dist-tags`, options);
	}
	showMetadata(packageName, options) {
		const prefix = url6(options?.projectId);
		return RequestHelper.get()(this, `${prefix}/${packageName}`, options);
	}
	uploadPackageFile(projectId, packageName, versions, metadata, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/packages/npm/${packageName}`, {
			...options,
			versions,
			...metadata
		});
	}
};
var Namespaces$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "namespaces", options);
	}
	exists(namespace, options) {
		return RequestHelper.get()(this, endpoint`namespaces/${namespace}/exists`, options);
	}
	show(namespaceId, options) {
		return RequestHelper.get()(this, endpoint`namespaces/${namespaceId}`, options);
	}
};
function url7({ projectId, groupId } = {}) {
	let prefix = "";
	if (projectId) prefix = endpoint`projects/${projectId}/`;
	if (groupId) prefix = endpoint`groups/${groupId}/`;
	return `${prefix}notification_settings`;
}
var NotificationSettings$1 = class extends BaseResource {
	edit({ groupId, projectId, ...options } = {}) {
		const uri = url7({
			groupId,
			projectId
		});
		return RequestHelper.put()(this, uri, options);
	}
	show({ groupId, projectId, ...options } = {}) {
		const uri = url7({
			groupId,
			projectId
		});
		return RequestHelper.get()(this, uri, options);
	}
};
function url8({ projectId, groupId } = {}) {
	if (projectId) return endpoint`/projects/${projectId}/packages/nuget`;
	if (groupId) return endpoint`/groups/${groupId}/-/packages/nuget`;
	throw new Error("Missing required argument. Please supply a projectId or a groupId in the options parameter");
}
var NuGet$1 = class extends BaseResource {
	downloadPackageFile(projectId, packageName, packageVersion, filename, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/nuget/download/${packageName}/${packageVersion}/${filename}`, options);
	}
	search(q, { projectId, groupId, ...options }) {
		const uri = url8({
			projectId,
			groupId
		});
		return RequestHelper.get()(this, `${uri}/query`, {
			q,
			...options
		});
	}
	showMetadata(packageName, { projectId, groupId, ...options }) {
		const uri = url8({
			projectId,
			groupId
		});
		return RequestHelper.get()(this, `${uri}/metadata/${packageName}/index`, options);
	}
	showPackageIndex(projectId, packageName, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/nuget/download/${packageName}/index`, options);
	}
	showServiceIndex({ projectId, groupId, ...options }) {
		const uri = url8({
			projectId,
			groupId
		});
		return RequestHelper.get()(this, `${uri}/index`, options);
	}
	showVersionMetadata(packageName, packageVersion, { projectId, groupId, ...options }) {
		const uri = url8({
			projectId,
			groupId
		});
		return RequestHelper.get()(this, `${uri}/metadata/${packageName}/${packageVersion}`, options);
	}
	uploadPackageFile(projectId, packageName, packageVersion, packageFile, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/packages/nuget`, {
			isForm: true,
			...options,
			packageName,
			packageVersion,
			file: [packageFile.content, packageFile.filename]
		});
	}
	uploadSymbolPackage(projectId, packageName, packageVersion, packageFile, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/packages/nuget/symbolpackage`, {
			isForm: true,
			...options,
			packageName,
			packageVersion,
			file: [packageFile.content, packageFile.filename]
		});
	}
};
var PersonalAccessTokens$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "personal_access_tokens", options);
	}
	create(userId, name, scopes, options) {
		return RequestHelper.post()(this, endpoint`users/${userId}/personal_access_tokens`, {
			name,
			scopes,
			...options
		});
	}
	remove({ tokenId, ...options } = {}) {
		const url12 = tokenId ? endpoint`personal_access_tokens/${tokenId}` : "personal_access_tokens/self";
		return RequestHelper.del()(this, url12, options);
	}
	rotate(tokenId, options) {
		return RequestHelper.post()(this, endpoint`personal_access_tokens/${tokenId}/rotate`, options);
	}
	show({ tokenId, ...options } = {}) {
		const url12 = tokenId ? endpoint`personal_access_tokens/${tokenId}` : "personal_access_tokens/self";
		return RequestHelper.get()(this, url12, options);
	}
};
var PyPI$1 = class extends BaseResource {
	downloadPackageFile(sha, fileIdentifier, { projectId, groupId, ...options } = {}) {
		let url12;
		if (projectId) url12 = endpoint`projects/${projectId}/packages/pypi/files/${sha}/${fileIdentifier}`;
		else if (groupId) url12 = endpoint`groups/${groupId}/packages/pypi/files/${sha}/${fileIdentifier}`;
		else throw new Error("Missing required argument. Please supply a projectId or a groupId in the options parameter");
		return RequestHelper.get()(this, url12, options);
	}
	showPackageDescriptor(packageName, { projectId, groupId, ...options }) {
		let url12;
		if (projectId) url12 = endpoint`projects/${projectId}/packages/pypi/simple/${packageName}`;
		else if (groupId) url12 = endpoint`groups/${groupId}/packages/pypi/simple/${packageName}`;
		else throw new Error("Missing required argument. Please supply a projectId or a groupId in the options parameter");
		return RequestHelper.get()(this, url12, options);
	}
	uploadPackageFile(projectId, packageFile, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/packages/pypi`, {
			...options,
			isForm: true,
			file: [packageFile.content, packageFile.filename]
		});
	}
};
var RubyGems$1 = class extends BaseResource {
	allDependencies(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/rubygems/api/v1/dependencies`, options);
	}
	downloadGemFile(projectId, fileName, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/rubygems/gems/${fileName}`, options);
	}
	uploadGemFile(projectId, packageFile, options) {
		return RequestHelper.post()(this, `projects/${projectId}/packages/rubygems/api/v1/gems`, {
			isForm: true,
			...options,
			file: [packageFile.content, packageFile.filename]
		});
	}
};
var Search$1 = class extends BaseResource {
	all(scope, search, options) {
		const { projectId, groupId, ...opts } = options || {};
		let url12;
		if (projectId) url12 = endpoint`projects/${projectId}/`;
		else if (groupId) url12 = endpoint`groups/${groupId}/`;
		else url12 = "";
		return RequestHelper.get()(this, `${url12}search`, {
			scope,
			search,
			...opts
		});
	}
};
var SearchAdmin$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "admin/search/migrations", options);
	}
	show(versionOrName, options) {
		return RequestHelper.get()(this, endpoint`admin/search/migrations/${versionOrName}`, options);
	}
};
var ServiceAccounts$1 = class extends BaseResource {
	create(options) {
		return RequestHelper.post()(this, endpoint`service_accounts`, options);
	}
};
var ServiceData$1 = class extends BaseResource {
	showMetricDefinitions(options) {
		return RequestHelper.get()(this, "usage_data/metric_definitions", options);
	}
	showServicePingSQLQueries(options) {
		return RequestHelper.get()(this, "usage_data/queries", options);
	}
	showUsageDataNonSQLMetrics(options) {
		return RequestHelper.get()(this, "usage_data/non_sql_metrics", options);
	}
};
var SidekiqMetrics$1 = class extends BaseResource {
	queueMetrics() {
		return RequestHelper.get()(this, "sidekiq/queue_metrics");
	}
	processMetrics() {
		return RequestHelper.get()(this, "sidekiq/process_metrics");
	}
	jobStats() {
		return RequestHelper.get()(this, "sidekiq/job_stats");
	}
	compoundMetrics() {
		return RequestHelper.get()(this, "sidekiq/compound_metrics");
	}
};
var SidekiqQueues$1 = class extends BaseResource {
	remove(queueName, options) {
		return RequestHelper.get()(this, endpoint`admin/sidekiq/queues/${queueName}`, options);
	}
};
var SnippetRepositoryStorageMoves$1 = class extends ResourceRepositoryStorageMoves {
	constructor(options) {
		super("snippets", options);
	}
};
var Snippets$1 = class extends BaseResource {
	all({ public: ppublic, ...options } = {}) {
		const url12 = ppublic ? "snippets/public" : "snippets";
		return RequestHelper.get()(this, url12, options);
	}
	create(title, options) {
		return RequestHelper.post()(this, "snippets", {
			title,
			...options
		});
	}
	edit(snippetId, options) {
		return RequestHelper.put()(this, `snippets/${snippetId}`, options);
	}
	remove(snippetId, options) {
		return RequestHelper.del()(this, `snippets/${snippetId}`, options);
	}
	show(snippetId, options) {
		return RequestHelper.get()(this, `snippets/${snippetId}`, options);
	}
	showContent(snippetId, options) {
		return RequestHelper.get()(this, `snippets/${snippetId}/raw`, options);
	}
	showRepositoryFileContent(snippetId, ref, filePath, options) {
		return RequestHelper.get()(this, endpoint`snippets/${snippetId}/files/${ref}/${filePath}/raw`, options);
	}
	showUserAgentDetails(snippetId, options) {
		return RequestHelper.get()(this, `snippets/${snippetId}/user_agent_detail`, options);
	}
};
var Suggestions$1 = class extends BaseResource {
	edit(suggestionId, options) {
		return RequestHelper.put()(this, `suggestions/${suggestionId}/apply`, options);
	}
	editBatch(suggestionIds, options) {
		return RequestHelper.put()(this, `suggestions/batch_apply`, {
			...options,
			ids: suggestionIds
		});
	}
};
var SystemHooks$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "hooks", options);
	}
	add(url12, options) {
		return this.create(url12, options);
	}
	create(url12, options) {
		return RequestHelper.post()(this, "hooks", {
			url: url12,
			...options
		});
	}
	test(hookId, options) {
		return RequestHelper.post()(this, `hooks/${hookId}`, options);
	}
	remove(hookId, options) {
		return RequestHelper.del()(this, `hooks/${hookId}`, options);
	}
	show(hookId, options) {
		return RequestHelper.post()(this, `hooks/${hookId}`, options);
	}
};
var TodoLists$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "todos", options);
	}
	done({ todoId, ...options } = {}) {
		let prefix = "todos";
		if (todoId) prefix += `/${todoId}`;
		return RequestHelper.post()(this, `${prefix}/mark_as_done`, options);
	}
};
var Topics$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "topics", options);
	}
	create(name, { avatar, ...options } = {}) {
		const opts = {
			name,
			...options
		};
		if (avatar) {
			opts.isForm = true;
			opts.file = [avatar.content, avatar.filename];
		}
		return RequestHelper.post()(this, "topics", opts);
	}
	edit(topicId, { avatar, ...options } = {}) {
		const opts = { ...options };
		if (avatar) {
			opts.isForm = true;
			opts.file = [avatar.content, avatar.filename];
		}
		return RequestHelper.put()(this, `topics/${topicId}`, opts);
	}
	merge(sourceTopicId, targetTopicId, options) {
		return RequestHelper.post()(this, `topics/merge`, {
			sourceTopicId,
			targetTopicId,
			...options
		});
	}
	remove(topicId, options) {
		return RequestHelper.del()(this, `topics/${topicId}`, options);
	}
	show(topicId, options) {
		return RequestHelper.get()(this, `topics/${topicId}`, options);
	}
};
var Branches$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/branches`, options);
	}
	create(projectId, branchName, ref, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/repository/branches`, {
			branch: branchName,
			ref,
			...options
		});
	}
	remove(projectId, branchName, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/repository/branches/${branchName}`, options);
	}
	removeMerged(projectId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/repository/merged_branches`, options);
	}
	show(projectId, branchName, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/branches/${branchName}`, options);
	}
};
var CommitDiscussions$1 = class extends ResourceDiscussions {
	constructor(options) {
		super("projects", new RawPathSegment("repository/commits"), options);
	}
};
var Commits$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/commits`, options);
	}
	allComments(projectId, sha, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/commits/${sha}/comments`, options);
	}
	allDiscussions(projectId, sha, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/commits/${sha}/discussions`, options);
	}
	allMergeRequests(projectId, sha, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/commits/${sha}/merge_requests`, options);
	}
	allReferences(projectId, sha, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/commits/${sha}/refs`, options);
	}
	allStatuses(projectId, sha, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/commits/${sha}/statuses`, options);
	}
	cherryPick(projectId, sha, branch, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/repository/commits/${sha}/cherry_pick`, {
			branch,
			...options
		});
	}
	create(projectId, branch, message, actions = [], options = {}) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/repository/commits`, {
			branch,
			commitMessage: message,
			actions,
			...options
		});
	}
	createComment(projectId, sha, note, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/repository/commits/${sha}/comments`, {
			note,
			...options
		});
	}
	editStatus(projectId, sha, state, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/statuses/${sha}`, {
			state,
			...options
		});
	}
	revert(projectId, sha, branch, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/repository/commits/${sha}/revert`, {
			...options,
			branch
		});
	}
	show(projectId, sha, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/commits/${sha}`, options);
	}
	showDiff(projectId, sha, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/commits/${sha}/diff`, options);
	}
	showGPGSignature(projectId, sha, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/commits/${sha}/signature`, options);
	}
	showSequence(projectId, sha, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/commits/${sha}/sequence`, options);
	}
};
var ContainerRegistry$1 = class extends BaseResource {
	allRepositories({ groupId, projectId, ...options } = {}) {
		let url12;
		if (groupId) url12 = endpoint`groups/${groupId}/registry/repositories`;
		else if (projectId) url12 = endpoint`projects/${projectId}/registry/repositories`;
		else throw new Error("Missing required argument. Please supply a groupId or a projectId in the options parameter.");
		return RequestHelper.get()(this, url12, options);
	}
	allTags(projectId, repositoryId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/registry/repositories/${repositoryId}/tags`, options);
	}
	editRegistryVisibility(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}`, options);
	}
	removeRepository(projectId, repositoryId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/registry/repositories/${repositoryId}`, options);
	}
	removeTag(projectId, repositoryId, tagName, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/registry/repositories/${repositoryId}/tags/${tagName}`, options);
	}
	removeTags(projectId, repositoryId, nameRegexDelete, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/registry/repositories/${repositoryId}/tags`, {
			nameRegexDelete,
			...options
		});
	}
	showRepository(repositoryId, options) {
		return RequestHelper.get()(this, endpoint`registry/repositories/${repositoryId}`, options);
	}
	showTag(projectId, repositoryId, tagName, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/registry/repositories/${repositoryId}/tags/${tagName}`, options);
	}
};
var Deployments$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/deployments`, options);
	}
	allMergeRequests(projectId, deploymentId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/deployments/${deploymentId}/merge_requests`, options);
	}
	create(projectId, environment, sha, ref, tag, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/deployments`, {
			environment,
			sha,
			ref,
			tag,
			...options
		});
	}
	edit(projectId, deploymentId, status, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/deployments/${deploymentId}`, {
			...options,
			status
		});
	}
	remove(projectId, deploymentId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/deployments/${deploymentId}`, options);
	}
	setApproval(projectId, deploymentId, status, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/deployments/${deploymentId}/approval`, {
			...options,
			status
		});
	}
	show(projectId, deploymentId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/deployments/${deploymentId}`, options);
	}
};
var Environments$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/environments`, options);
	}
	create(projectId, name, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/environments`, {
			name,
			...options
		});
	}
	edit(projectId, environmentId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/environments/${environmentId}`, options);
	}
	remove(projectId, environmentId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/environments/${environmentId}`, options);
	}
	removeReviewApps(projectId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/environments/review_apps`, options);
	}
	show(projectId, environmentId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/environments/${environmentId}`, options);
	}
	stop(projectId, environmentId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/environments/${environmentId}/stop`, options);
	}
	stopStale(projectId, before, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/environments/stop_stale`, {
			searchParams: { before },
			...options
		});
	}
};
var ErrorTrackingClientKeys$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/error_tracking/client_keys`, options);
	}
	create(projectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/error_tracking/client_keys`, options);
	}
	remove(projectId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/error_tracking/client_keys`, options);
	}
};
var ErrorTrackingSettings$1 = class extends BaseResource {
	create(projectId, active, integrated, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/error_tracking/settings`, {
			searchParams: {
				active,
				integrated
			},
			...options
		});
	}
	edit(projectId, active, { integrated, ...options } = {}) {
		return RequestHelper.patch()(this, endpoint`projects/${projectId}/error_tracking/settings`, {
			searchParams: {
				active,
				integrated
			},
			...options
		});
	}
	show(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/error_tracking/settings`, options);
	}
};
var ExternalStatusChecks$1 = class extends BaseResource {
	all(projectId, options) {
		const { mergerequestIId, ...opts } = options || {};
		let url12 = endpoint`projects/${projectId}`;
		if (mergerequestIId) url12 += endpoint`/merge_requests/${mergerequestIId}/status_checks`;
		else url12 += "/external_status_checks";
		return RequestHelper.get()(this, url12, opts);
	}
	create(projectId, name, externalUrl, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/external_status_checks`, {
			name,
			externalUrl,
			...options
		});
	}
	edit(projectId, externalStatusCheckId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/external_status_checks/${externalStatusCheckId}`, options);
	}
	remove(projectId, externalStatusCheckId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/external_status_checks/${externalStatusCheckId}`, options);
	}
	set(projectId, mergerequestIId, sha, externalStatusCheckId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/status_check_responses`, {
			sha,
			externalStatusCheckId,
			...options
		});
	}
};
var FeatureFlagUserLists$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/feature_flags_user_lists`, options);
	}
	create(projectId, name, userXids, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/feature_flags_user_lists`, {
			name,
			userXids,
			...options
		});
	}
	edit(projectId, featureFlagUserListIId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/feature_flags_user_lists/${featureFlagUserListIId}`, options);
	}
	remove(projectId, featureFlagUserListIId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/feature_flags_user_lists/${featureFlagUserListIId}`, options);
	}
	show(projectId, featureFlagUserListIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/feature_flags_user_lists/${featureFlagUserListIId}`, options);
	}
};
var FeatureFlags$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/feature_flags`, options);
	}
	create(projectId, flagName, version, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/feature_flags`, {
			name: flagName,
			version,
			...options
		});
	}
	edit(projectId, featureFlagName, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/feature_flags/${featureFlagName}`, options);
	}
	remove(projectId, flagName, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/feature_flags/${flagName}`, options);
	}
	show(projectId, flagName, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/feature_flags/${flagName}`, options);
	}
};
var FreezePeriods$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/freeze_periods`, options);
	}
	create(projectId, freezeStart, freezeEnd, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/freeze_periods`, {
			freezeStart,
			freezeEnd,
			...options
		});
	}
	edit(projectId, freezePeriodId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/freeze_periods/${freezePeriodId}`, options);
	}
	remove(projectId, freezePeriodId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/freeze_periods/${freezePeriodId}`, options);
	}
	show(projectId, freezePeriodId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/freeze_periods/${freezePeriodId}`, options);
	}
};
var GitlabPages$1 = class extends BaseResource {
	remove(projectId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/pages`, options);
	}
	showSettings(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/pages`, options);
	}
};
var GoProxy$1 = class extends BaseResource {
	all(projectId, moduleName, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/go/${moduleName}/@v/list`, options);
	}
	showVersionMetadata(projectId, moduleName, moduleVersion, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/go/${moduleName}/@v/${moduleVersion}.info`, options);
	}
	downloadModuleFile(projectId, moduleName, moduleVersion, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/go/${moduleName}/@v/${moduleVersion}.mod`, options);
	}
	downloadModuleSource(projectId, moduleName, moduleVersion, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/go/${moduleName}/@v/${moduleVersion}.zip`, options);
	}
};
var Helm$1 = class extends BaseResource {
	downloadChartIndex(projectId, channel, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/helm/${channel}/index.yaml`, options);
	}
	downloadChart(projectId, channel, filename, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/helm/${channel}/charts/${filename}.tgz`, options);
	}
	import(projectId, channel, chart, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/packages/helm/api/${channel}/charts`, {
			isForm: true,
			...options,
			chart: [chart.content, chart.filename]
		});
	}
};
var Integrations$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/integrations`, options);
	}
	edit(projectId, integrationName, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/integrations/${integrationName}`, options);
	}
	disable(projectId, integrationName, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/integrations/${integrationName}`, options);
	}
	show(projectId, integrationName, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/integrations/${integrationName}`, options);
	}
};
var IssueAwardEmojis$1 = class extends ResourceAwardEmojis {
	constructor(options) {
		super("projects", "issues", options);
	}
};
var IssueDiscussions$1 = class extends ResourceDiscussions {
	constructor(options) {
		super("projects", "issues", options);
	}
};
var IssueIterationEvents$1 = class extends ResourceIterationEvents {
	constructor(options) {
		super("projects", "issues", options);
	}
};
var IssueLabelEvents$1 = class extends ResourceLabelEvents {
	constructor(options) {
		super("projects", "issues", options);
	}
};
var IssueLinks$1 = class extends BaseResource {
	all(projectId, issueIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/issues/${issueIId}/links`, options);
	}
	create(projectId, issueIId, targetProjectId, targetIssueIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/issues/${issueIId}/links`, {
			targetProjectId,
			targetIssueIid: targetIssueIId,
			...options
		});
	}
	remove(projectId, issueIId, issueLinkId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/issues/${issueIId}/links/${issueLinkId}`, options);
	}
};
var IssueMilestoneEvents$1 = class extends ResourceMilestoneEvents {
	constructor(options) {
		super("projects", "issues", options);
	}
};
var IssueNoteAwardEmojis$1 = class extends ResourceNoteAwardEmojis {
	constructor(options) {
		super("issues", options);
	}
};
var IssueNotes$1 = class extends ResourceNotes {
	constructor(options) {
		super("projects", "issues", options);
	}
};
var IssueStateEvents$1 = class extends ResourceStateEvents {
	constructor(options) {
		super("projects", "issues", options);
	}
};
var IssueWeightEvents$1 = class extends ResourceStateEvents {
	constructor(options) {
		super("projects", "issues", options);
	}
};
var Issues$1 = class extends BaseResource {
	addSpentTime(projectId, issueIId, duration, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/issues/${issueIId}/add_spent_time`, {
			duration,
			...options
		});
	}
	addTimeEstimate(projectId, issueIId, duration, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/issues/${issueIId}/time_estimate`, {
			duration,
			...options
		});
	}
	all({ projectId, groupId, ...options } = {}) {
		let url12;
		if (projectId) url12 = endpoint`projects/${projectId}/issues`;
		else if (groupId) url12 = endpoint`groups/${groupId}/issues`;
		else url12 = "issues";
		return RequestHelper.get()(this, url12, options);
	}
	allMetricImages(projectId, issueIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/issues/${issueIId}/metric_images`, options);
	}
	allParticipants(projectId, issueIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/issues/${issueIId}/participants`, options);
	}
	allRelatedMergeRequests(projectId, issueIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/issues/${issueIId}/related_merge_requests`, options);
	}
	create(projectId, title, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/issues`, {
			...options,
			title
		});
	}
	createTodo(projectId, issueIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/issues/${issueIId}/todo`, options);
	}
	clone(projectId, issueIId, destinationProjectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/issues/${issueIId}/clone`, {
			toProjectId: destinationProjectId,
			...options
		});
	}
	edit(projectId, issueIId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/issues/${issueIId}`, options);
	}
	editMetricImage(projectId, issueIId, imageId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/issues/${issueIId}/metric_images/${imageId}`, options);
	}
	move(projectId, issueIId, destinationProjectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/issues/${issueIId}/move`, {
			toProjectId: destinationProjectId,
			...options
		});
	}
	promote(projectId, issueIId, body, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/issues/${issueIId}/notes`, {
			searchParams: { body: `${body} 
 /promote` },
			...options
		});
	}
	remove(projectId, issueIId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/issues/${issueIId}`, options);
	}
	removeMetricImage(projectId, issueIId, imageId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/issues/${issueIId}/metric_images/${imageId}`, options);
	}
	reorder(projectId, issueIId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/issues/${issueIId}/reorder`, options);
	}
	resetSpentTime(projectId, issueIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/issues/${issueIId}/reset_spent_time`, options);
	}
	resetTimeEstimate(projectId, issueIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/issues/${issueIId}/reset_time_estimate`, options);
	}
	show(issueId, { projectId, ...options } = {}) {
		const url12 = projectId ? endpoint`projects/${projectId}/issues/${issueId}` : `issues/${issueId}`;
		return RequestHelper.get()(this, url12, options);
	}
	subscribe(projectId, issueIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/issues/${issueIId}/subscribe`, options);
	}
	allClosedByMergeRequestst(projectId, issueIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/issues/${issueIId}/closed_by`, options);
	}
	showTimeStats(projectId, issueIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/issues/${issueIId}/time_stats`, options);
	}
	unsubscribe(projectId, issueIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/issues/${issueIId}/unsubscribe`, options);
	}
	uploadMetricImage(projectId, issueIId, metricImage, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/issues/${issueIId}/metric_images`, {
			isForm: true,
			...options,
			file: [metricImage.content, metricImage.filename]
		});
	}
	showUserAgentDetails(projectId, issueIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/issues/${issueIId}/user_agent_details`, options);
	}
};
var IssuesStatistics$1 = class extends BaseResource {
	all({ projectId, groupId, ...options } = {}) {
		let url12;
		if (projectId) url12 = endpoint`projects/${projectId}/issues_statistics`;
		else if (groupId) url12 = endpoint`groups/${groupId}/issues_statistics`;
		else url12 = "issues_statistics";
		return RequestHelper.get()(this, url12, options);
	}
};
function generateDownloadPathForJob(projectId, jobId, artifactPath) {
	let url12 = endpoint`projects/${projectId}/jobs/${jobId}/artifacts`;
	if (artifactPath) url12 += `/${artifactPath}`;
	return url12;
}
function generateDownloadPath(projectId, ref, artifactPath) {
	let url12 = endpoint`projects/${projectId}/jobs/artifacts/${ref}`;
	if (artifactPath) url12 += endpoint`/raw/${artifactPath}`;
	else url12 += endpoint`/download`;
	return url12;
}
var JobArtifacts$1 = class extends BaseResource {
	downloadArchive(projectId, { jobId, artifactPath, ref, ...options } = {}) {
		let url12;
		if (jobId) url12 = generateDownloadPathForJob(projectId, jobId, artifactPath);
		else if (options?.job && ref) url12 = generateDownloadPath(projectId, ref, artifactPath);
		else throw new Error("Missing one of the required parameters. See typing documentation for available arguments.");
		return RequestHelper.get()(this, url12, options);
	}
	keep(projectId, jobId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/jobs/${jobId}/artifacts/keep`, options);
	}
	remove(projectId, { jobId, ...options } = {}) {
		let url12;
		if (jobId) url12 = endpoint`projects/${projectId}/jobs/${jobId}/artifacts`;
		else url12 = endpoint`projects/${projectId}/artifacts`;
		return RequestHelper.del()(this, url12, options);
	}
};
var Jobs$1 = class extends BaseResource {
	all(projectId, { pipelineId, ...options } = {}) {
		const url12 = pipelineId ? endpoint`projects/${projectId}/pipelines/${pipelineId}/jobs` : endpoint`projects/${projectId}/jobs`;
		return RequestHelper.get()(this, url12, options);
	}
	allPipelineBridges(projectId, pipelineId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/pipelines/${pipelineId}/bridges`, options);
	}
	cancel(projectId, jobId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/jobs/${jobId}/cancel`, options);
	}
	erase(projectId, jobId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/jobs/${jobId}/erase`, options);
	}
	play(projectId, jobId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/jobs/${jobId}/play`, options);
	}
	retry(projectId, jobId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/jobs/${jobId}/retry`, options);
	}
	show(projectId, jobId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/jobs/${jobId}`, options);
	}
	showConnectedJob(options) {
		if (!this.headers["job-token"]) throw new Error("Missing required header \"job-token\"");
		return RequestHelper.get()(this, "job", options);
	}
	showConnectedJobK8Agents(options) {
		if (!this.headers["job-token"]) throw new Error("Missing required header \"job-token\"");
		return RequestHelper.get()(this, "job/allowed_agents", options);
	}
	showLog(projectId, jobId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/jobs/${jobId}/trace`, options);
	}
};
var MergeRequestApprovals$1 = class extends BaseResource {
	allApprovalRules(projectId, { mergerequestIId, ...options } = {}) {
		let url12;
		if (mergerequestIId) url12 = endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/approval_rules`;
		else url12 = endpoint`projects/${projectId}/approval_rules`;
		return RequestHelper.get()(this, url12, options);
	}
	approve(projectId, mergerequestIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/approve`, options);
	}
	createApprovalRule(projectId, name, approvalsRequired, { mergerequestIId, ...options } = {}) {
		let url12;
		if (mergerequestIId) url12 = endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/approval_rules`;
		else url12 = endpoint`projects/${projectId}/approval_rules`;
		return RequestHelper.post()(this, url12, {
			name,
			approvalsRequired,
			...options
		});
	}
	editApprovalRule(projectId, approvalRuleId, name, approvalsRequired, { mergerequestIId, ...options } = {}) {
		let url12;
		if (mergerequestIId) url12 = endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/approval_rules/${approvalRuleId}`;
		else url12 = endpoint`projects/${projectId}/approval_rules/${approvalRuleId}`;
		return RequestHelper.put()(this, url12, {
			name,
			approvalsRequired,
			...options
		});
	}
	editConfiguration(projectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/approvals`, options);
	}
	removeApprovalRule(projectId, approvalRuleId, { mergerequestIId, ...options } = {}) {
		let url12;
		if (mergerequestIId) url12 = endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/approval_rules/${approvalRuleId}`;
		else url12 = endpoint`projects/${projectId}/approval_rules/${approvalRuleId}`;
		return RequestHelper.del()(this, url12, options);
	}
	showApprovalRule(projectId, approvalRuleId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/approval_rules/${approvalRuleId}`, options);
	}
	showApprovalState(projectId, mergerequestIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/approval_state`, options);
	}
	showConfiguration(projectId, { mergerequestIId, ...options } = {}) {
		let url12;
		if (mergerequestIId) url12 = endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/approvals`;
		else url12 = endpoint`projects/${projectId}/approvals`;
		return RequestHelper.get()(this, url12, options);
	}
	unapprove(projectId, mergerequestIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/unapprove`, options);
	}
};
var MergeRequestAwardEmojis$1 = class extends ResourceAwardEmojis {
	constructor(options) {
		super("projects", "merge_requests", options);
	}
};
var MergeRequestContextCommits$1 = class extends BaseResource {
	all(projectId, mergerequestIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/context_commits`, options);
	}
	create(projectId, commits, { mergerequestIId, ...options } = {}) {
		const prefix = endpoint`projects/${projectId}/merge_requests`;
		const url12 = mergerequestIId ? `${prefix}/${mergerequestIId}/context_commits` : prefix;
		return RequestHelper.post()(this, url12, {
			commits,
			...options
		});
	}
	remove(projectId, mergerequestIId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/context_commits`, options);
	}
};
var MergeRequestDiscussions$1 = class extends ResourceDiscussions {
	constructor(options) {
		super("projects", "merge_requests", options);
	}
	resolve(projectId, mergerequestId, discussionId, resolved, options) {
		return RequestHelper.put()(this, endpoint`${projectId}/merge_requests/${mergerequestId}/discussions/${discussionId}`, {
			searchParams: { resolved },
			...options
		});
	}
};
var MergeRequestDraftNotes$1 = class extends BaseResource {
	all(projectId, mergerequestIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/draft_notes`, options);
	}
	create(projectId, mergerequestIId, note, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/draft_notes`, {
			...options,
			note
		});
	}
	edit(projectId, mergerequestIId, draftNoteId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/draft_notes/${draftNoteId}`, options);
	}
	publish(projectId, mergerequestIId, draftNoteId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/draft_notes/${draftNoteId}/publish`, options);
	}
	publishBulk(projectId, mergerequestIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/draft_notes/bulk_publish`, options);
	}
	remove(projectId, mergerequestIId, draftNoteId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/draft_notes/${draftNoteId}`, options);
	}
	show(projectId, mergerequestIId, draftNoteId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/draft_notes/${draftNoteId}`, options);
	}
};
var MergeRequestLabelEvents$1 = class extends ResourceLabelEvents {
	constructor(options) {
		super("projects", "merge_requests", options);
	}
};
var MergeRequestMilestoneEvents$1 = class extends ResourceMilestoneEvents {
	constructor(options) {
		super("projects", "merge_requests", options);
	}
};
var MergeRequestNoteAwardEmojis$1 = class extends ResourceNoteAwardEmojis {
	constructor(options) {
		super("merge_requests", options);
	}
};
var MergeRequestNotes$1 = class extends ResourceNotes {
	constructor(options) {
		super("projects", "merge_requests", options);
	}
};
var MergeRequests$1 = class extends BaseResource {
	accept(projectId, mergerequestIId, options) {
		return this.merge(projectId, mergerequestIId, options);
	}
	addSpentTime(projectId, mergerequestIId, duration, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/add_spent_time`, {
			duration,
			...options
		});
	}
	all({ projectId, groupId, ...options } = {}) {
		let prefix = "";
		if (projectId) prefix = endpoint`projects/${projectId}/`;
		else if (groupId) prefix = endpoint`groups/${groupId}/`;
		return RequestHelper.get()(this, `${prefix}merge_requests`, options);
	}
	allDiffs(projectId, mergerequestIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/diffs`, options);
	}
	allCommits(projectId, mergerequestIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/commits`, options);
	}
	allDiffVersions(projectId, mergerequestIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/versions`, options);
	}
	allIssuesClosed(projectId, mergerequestIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/closes_issues`, options);
	}
	allIssuesRelated(projectId, mergerequestIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/related_issues`, options);
	}
	allParticipants(projectId, mergerequestIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/participants`, options);
	}
	allPipelines(projectId, mergerequestIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/pipelines`, options);
	}
	cancelOnPipelineSuccess(projectId, mergerequestIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/cancel_merge_when_pipeline_succeeds`, options);
	}
	create(projectId, sourceBranch, targetBranch, title, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests`, {
			sourceBranch,
			targetBranch,
			title,
			...options
		});
	}
	createPipeline(projectId, mergerequestIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/pipelines`, options);
	}
	createTodo(projectId, mergerequestIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/todo`, options);
	}
	edit(projectId, mergerequestIId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}`, options);
	}
	merge(projectId, mergerequestIId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/merge`, options);
	}
	mergeToDefault(projectId, mergerequestIId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/merge_ref`, options);
	}
	rebase(projectId, mergerequestIId, { skipCI, ...options } = {}) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/rebase`, {
			...options,
			skipCi: skipCI
		});
	}
	remove(projectId, mergerequestIId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}`, options);
	}
	resetSpentTime(projectId, mergerequestIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/reset_spent_time`, options);
	}
	resetTimeEstimate(projectId, mergerequestIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/reset_time_estimate`, options);
	}
	setTimeEstimate(projectId, mergerequestIId, duration, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/time_estimate`, {
			duration,
			...options
		});
	}
	show(projectId, mergerequestIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}`, options);
	}
	showChanges(projectId, mergerequestIId, options) {
		process.emitWarning("This endpoint was deprecated in GitLab API 15.7 and will be removed in API v5. Please use the \"allDiffs\" function instead.", "DeprecationWarning");
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/changes`, options);
	}
	showDiffVersion(projectId, mergerequestIId, versionId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/versions/${versionId}`, options);
	}
	showTimeStats(projectId, mergerequestIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/time_stats`, options);
	}
	subscribe(projectId, mergerequestIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/subscribe`, options);
	}
	unsubscribe(projectId, mergerequestIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/unsubscribe`, options);
	}
	showReviewers(projectId, mergerequestIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_requests/${mergerequestIId}/reviewers`, options);
	}
};
var MergeTrains$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_trains`, options);
	}
	showStatus(projectId, mergeRequestIId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/merge_trains/merge_requests/${mergeRequestIId}`, options);
	}
	addMergeRequest(projectId, mergeRequestIId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/merge_trains/merge_requests/${mergeRequestIId}`, options);
	}
};
var PackageRegistry$1 = class extends BaseResource {
	publish(projectId, packageName, packageVersion, packageFile, { contentType, ...options } = {}) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/packages/generic/${packageName}/${packageVersion}/${packageFile.filename}`, {
			isForm: true,
			file: [packageFile.content, packageFile.filename],
			...options
		});
	}
	download(projectId, packageName, packageVersion, filename, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/generic/${packageName}/${packageVersion}/${filename}`, options);
	}
};
var Packages$1 = class extends BaseResource {
	all({ projectId, groupId, ...options } = {}) {
		let url12;
		if (projectId) url12 = endpoint`projects/${projectId}/packages`;
		else if (groupId) url12 = endpoint`groups/${groupId}/packages`;
		else throw new Error("Missing required argument. Please supply a projectId or a groupId in the options parameter.");
		return RequestHelper.get()(this, url12, options);
	}
	allFiles(projectId, packageId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/${packageId}/package_files`, options);
	}
	remove(projectId, packageId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/packages/${packageId}`, options);
	}
	removeFile(projectId, packageId, projectFileId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/packages/${packageId}/package_files/${projectFileId}`, options);
	}
	show(projectId, packageId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/packages/${packageId}`, options);
	}
};
var PagesDomains$1 = class extends BaseResource {
	all({ projectId, ...options } = {}) {
		const prefix = projectId ? endpoint`projects/${projectId}/` : "";
		return RequestHelper.get()(this, `${prefix}pages/domains`, options);
	}
	create(projectId, domain, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/pages/domains`, {
			domain,
			...options
		});
	}
	edit(projectId, domain, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/pages/domains/${domain}`, options);
	}
	show(projectId, domain, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/pages/domains/${domain}`, options);
	}
	remove(projectId, domain, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/pages/domains/${domain}`, options);
	}
};
var PipelineScheduleVariables$1 = class extends BaseResource {
	all(projectId, pipelineScheduleId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/pipeline_schedules/${pipelineScheduleId}/variables`, options);
	}
	create(projectId, pipelineScheduleId, key, value, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/pipeline_schedules/${pipelineScheduleId}/variables`, {
			...options,
			key,
			value
		});
	}
	edit(projectId, pipelineScheduleId, key, value, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/pipeline_schedules/${pipelineScheduleId}/variables/${key}`, {
			...options,
			value
		});
	}
	remove(projectId, pipelineScheduleId, key, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/pipeline_schedules/${pipelineScheduleId}/variables/${key}`, options);
	}
};
var PipelineSchedules$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/pipeline_schedules`, options);
	}
	allTriggeredPipelines(projectId, pipelineScheduleId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/pipeline_schedules/${pipelineScheduleId}/pipelines`, options);
	}
	create(projectId, description, ref, cron, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/pipeline_schedules`, {
			description,
			ref,
			cron,
			...options
		});
	}
	edit(projectId, pipelineScheduleId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/pipeline_schedules/${pipelineScheduleId}`, options);
	}
	remove(projectId, pipelineScheduleId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/pipeline_schedules/${pipelineScheduleId}`, options);
	}
	run(projectId, pipelineScheduleId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/pipeline_schedules/${pipelineScheduleId}/play`, options);
	}
	show(projectId, pipelineScheduleId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/pipeline_schedules/${pipelineScheduleId}`, options);
	}
	takeOwnership(projectId, pipelineScheduleId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/pipeline_schedules/${pipelineScheduleId}/take_ownership`, options);
	}
};
var PipelineTriggerTokens$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/triggers`, options);
	}
	create(projectId, description, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/triggers`, {
			description,
			...options
		});
	}
	edit(projectId, triggerId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/triggers/${triggerId}`, options);
	}
	remove(projectId, triggerId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/triggers/${triggerId}`, options);
	}
	show(projectId, triggerId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/triggers/${triggerId}`, options);
	}
	trigger(projectId, ref, token, { variables, ...options } = {}) {
		const opts = {
			...options,
			searchParams: {
				token,
				ref
			}
		};
		if (variables) {
			opts.isForm = true;
			Object.assign(opts, reformatObjectOptions(variables, "variables"));
		}
		return RequestHelper.post()(this, endpoint`projects/${projectId}/trigger/pipeline`, opts);
	}
};
var Pipelines$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/pipelines`, options);
	}
	allVariables(projectId, pipelineId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/pipelines/${pipelineId}/variables`, options);
	}
	cancel(projectId, pipelineId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/pipelines/${pipelineId}/cancel`, options);
	}
	create(projectId, ref, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/pipeline`, {
			ref,
			...options
		});
	}
	remove(projectId, pipelineId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/pipelines/${pipelineId}`, options);
	}
	retry(projectId, pipelineId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/pipelines/${pipelineId}/retry`, options);
	}
	show(projectId, pipelineId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/pipelines/${pipelineId}`, options);
	}
	showLatest(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/pipelines/latest`, options);
	}
	showTestReport(projectId, pipelineId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/pipelines/${pipelineId}/test_report`, options);
	}
	showTestReportSummary(projectId, pipelineId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/pipelines/${pipelineId}/test_report_summary`, options);
	}
};
var ProductAnalytics$1 = class extends BaseResource {
	allFunnels(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/product_analytics/funnels`, options);
	}
	load(projectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/product_analytics/request/load`, options);
	}
	dryRun(projectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/product_analytics/request/dry-run`, options);
	}
	showMetadata(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/product_analytics/request/meta`, options);
	}
};
var ProjectAccessRequests$1 = class extends ResourceAccessRequests {
	constructor(options) {
		super("projects", options);
	}
};
var ProjectAccessTokens$1 = class extends ResourceAccessTokens {
	constructor(options) {
		super("projects", options);
	}
};
var ProjectAliases$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "project_aliases", options);
	}
	create(projectId, name, options) {
		return RequestHelper.post()(this, "project_aliases", {
			name,
			projectId,
			...options
		});
	}
	edit(name, options) {
		return RequestHelper.post()(this, `project_aliases/${name}`, options);
	}
	remove(name, options) {
		return RequestHelper.del()(this, `project_aliases/${name}`, options);
	}
};
var ProjectBadges$1 = class extends ResourceBadges {
	constructor(options) {
		super("projects", options);
	}
};
var ProjectCustomAttributes$1 = class extends ResourceCustomAttributes {
	constructor(options) {
		super("projects", options);
	}
};
var ProjectDORA4Metrics$1 = class extends ResourceDORA4Metrics {
	constructor(options) {
		super("projects", options);
	}
};
var ProjectHooks$1 = class extends ResourceHooks {
	constructor(options) {
		super("projects", options);
	}
};
var ProjectImportExports$1 = class extends BaseResource {
	download(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/export/download`, options);
	}
	import(file, path, options) {
		return RequestHelper.post()(this, "projects/import", {
			isForm: true,
			...options,
			file: [file.content, file.filename],
			path
		});
	}
	importRemote(url12, path, options) {
		return RequestHelper.post()(this, "projects/remote-import", {
			...options,
			path,
			url: url12
		});
	}
	importRemoteS3(accessKeyId, bucketName, fileKey, path, region, secretAccessKey, options) {
		return RequestHelper.post()(this, "projects/remote-import", {
			...options,
			accessKeyId,
			bucketName,
			fileKey,
			path,
			region,
			secretAccessKey
		});
	}
	showExportStatus(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/export`, options);
	}
	showImportStatus(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/import`, options);
	}
	scheduleExport(projectId, uploadConfig, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/export`, {
			...options,
			upload: uploadConfig
		});
	}
};
var ProjectInvitations$1 = class extends ResourceInvitations {
	constructor(options) {
		super("projects", options);
	}
};
var ProjectIssueBoards$1 = class extends ResourceIssueBoards {
	constructor(options) {
		super("projects", options);
	}
};
var ProjectIterations$1 = class extends ResourceIterations {
	constructor(options) {
		super("project", options);
	}
};
var ProjectJobTokenScopes$1 = class extends BaseResource {
	show(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/job_token_scope`, options);
	}
	edit(projectId, enabled, options) {
		return RequestHelper.patch()(this, endpoint`projects/${projectId}/job_token_scope`, {
			...options,
			enabled
		});
	}
	showInboundAllowList(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/job_token_scope/allowlist`, options);
	}
	addToInboundAllowList(projectId, targetProjectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/job_token_scope/allowlist`, {
			...options,
			targetProjectId
		});
	}
	removeFromInboundAllowList(projectId, targetProjectId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/job_token_scope/allowlist/${targetProjectId}`, options);
	}
	showGroupsAllowList(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/job_token_scope/groups_allowlist`, options);
	}
	addToGroupsAllowList(projectId, targetGroupId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/job_token_scope/groups_allowlist`, {
			...options,
			targetGroupId
		});
	}
	removeFromGroupsAllowList(projectId, targetGroupId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/job_token_scope/groups_allowlist/${targetGroupId}`, options);
	}
};
var ProjectLabels$1 = class extends ResourceLabels {
	constructor(options) {
		super("projects", options);
	}
};
var ProjectMarkdownUploads$1 = class extends ResourceMarkdownUploads {
	constructor(options) {
		super("projects", options);
	}
	create(projectId, file, options) {
		return RequestHelper.post()(this, endpoint`${projectId}/uploads`, {
			isForm: true,
			...options,
			file: [file.content, file.filename]
		});
	}
};
var ProjectMembers$1 = class extends ResourceMembers {
	constructor(options) {
		super("projects", options);
	}
};
var ProjectMilestones$1 = class extends ResourceMilestones {
	constructor(options) {
		super("projects", options);
	}
	promote(projectId, milestoneId, options) {
		return RequestHelper.post()(this, endpoint`${projectId}/milestones/${milestoneId}/promote`, options);
	}
};
var ProjectProtectedEnvironments$1 = class extends ResourceProtectedEnvironments {
	constructor(options) {
		super("projects", options);
	}
};
var ProjectPushRules$1 = class extends ResourcePushRules {
	constructor(options) {
		super("projects", options);
	}
};
var ProjectRelationsExport$1 = class extends BaseResource {
	download(projectId, relation, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/export_relations/download`, {
			relation,
			...options
		});
	}
	showExportStatus(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/export_relations/status`, options);
	}
	scheduleExport(projectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/export_relations`, options);
	}
};
var ProjectReleases$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/releases`, options);
	}
	create(projectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/releases`, options);
	}
	createEvidence(projectId, tagName, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/releases/${tagName}/evidence`, options);
	}
	edit(projectId, tagName, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/releases/${tagName}`, options);
	}
	download(projectId, tagName, filepath, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/releases/${tagName}/downloads/${filepath}`, options);
	}
	downloadLatest(projectId, filepath, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/releases/permalink/latest/downloads/${filepath}`, options);
	}
	remove(projectId, tagName, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/releases/${tagName}`, options);
	}
	show(projectId, tagName, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/releases/${tagName}`, options);
	}
	showLatest(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/releases/permalink/latest`, options);
	}
	showLatestEvidence(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/releases/permalink/latest/evidence`, options);
	}
};
var ProjectRemoteMirrors$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/remote_mirrors`, options);
	}
	createPullMirror(projectId, url12, mirror, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/mirror/pull`, {
			importUrl: url12,
			mirror,
			...options
		});
	}
	createPushMirror(projectId, url12, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/remote_mirrors`, {
			url: url12,
			...options
		});
	}
	edit(projectId, mirrorId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/remote_mirrors/${mirrorId}`, options);
	}
	remove(projectId, mirrorId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/remote_mirrors/${mirrorId}`, options);
	}
	show(projectId, mirrorId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/remote_mirrors/${mirrorId}`, options);
	}
	sync(projectId, mirrorId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/remote_mirrors/${mirrorId}/sync`, options);
	}
};
var ProjectRepositoryStorageMoves$1 = class extends ResourceRepositoryStorageMoves {
	constructor(options) {
		super("projects", options);
	}
};
var ProjectSnippetAwardEmojis$1 = class extends ResourceAwardEmojis {
	constructor(options) {
		super("projects", "snippets", options);
	}
};
var ProjectSnippetDiscussions$1 = class extends ResourceDiscussions {
	constructor(options) {
		super("projects", "snippets", options);
	}
};
var ProjectSnippetNotes$1 = class extends ResourceNotes {
	constructor(options) {
		super("projects", "snippets", options);
	}
};
var ProjectSnippets$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/snippets`, options);
	}
	create(projectId, title, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/snippets`, {
			title,
			...options
		});
	}
	edit(projectId, snippetId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/snippets/${snippetId}`, options);
	}
	remove(projectId, snippetId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/snippets/${snippetId}`, options);
	}
	show(projectId, snippetId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/snippets/${snippetId}`, options);
	}
	showContent(projectId, snippetId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/snippets/${snippetId}/raw`, options);
	}
	showRepositoryFileContent(projectId, snippetId, ref, filePath, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/snippets/${snippetId}/files/${ref}/${filePath}/raw`, options);
	}
	showUserAgentDetails(projectId, snippetId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/snippets/${snippetId}/user_agent_detail`, options);
	}
};
var ProjectStatistics$1 = class extends BaseResource {
	show(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/statistics`, options);
	}
};
var ProjectTemplates$1 = class extends BaseResource {
	all(projectId, type, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/templates/${type}`, options);
	}
	show(projectId, type, name, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/templates/${type}/${name}`, options);
	}
};
var ProjectTerraformState$1 = class extends BaseResource {
	show(projectId, name, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/terraform/state/${name}`, options);
	}
	showVersion(projectId, name, serial, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/terraform/state/${name}/versions/${serial}`, options);
	}
	removeVersion(projectId, name, serial, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/terraform/state/${name}/versions/${serial}`, options);
	}
	remove(projectId, name, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/terraform/state/${name}`, options);
	}
	removeTerraformStateLock(projectId, name, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/terraform/state/${name}/lock`, options);
	}
	createVersion(projectId, name, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/terraform/state/${name}`, options);
	}
};
var ProjectVariables$1 = class extends ResourceVariables {
	constructor(options) {
		super("projects", options);
	}
};
var ProjectVulnerabilities$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/vulnerabilities`, options);
	}
	create(projectId, findingId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/vulnerabilities`, {
			...options,
			searchParams: { findingId }
		});
	}
};
var ProjectWikis$1 = class extends ResourceWikis {
	constructor(options) {
		super("projects", options);
	}
};
var Projects$1 = class extends BaseResource {
	all({ userId, starredOnly, ...options } = {}) {
		let uri;
		if (userId && starredOnly) uri = endpoint`users/${userId}/starred_projects`;
		else if (userId) uri = endpoint`users/${userId}/projects`;
		else uri = "projects";
		return RequestHelper.get()(this, uri, options);
	}
	allTransferLocations(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/transfer_locations`, options);
	}
	allUsers(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/users`, options);
	}
	allGroups(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/groups`, options);
	}
	allInvitedGroups(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/invited_groups`, options);
	}
	allSharableGroups(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/share_locations`, options);
	}
	allForks(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/forks`, options);
	}
	allStarrers(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/starrers`, options);
	}
	allStoragePaths(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/storage`, options);
	}
	archive(projectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/archive`, options);
	}
	create({ userId, avatar, ...options } = {}) {
		const url12 = userId ? `projects/user/${userId}` : "projects";
		if (avatar) return RequestHelper.post()(this, url12, {
			...options,
			isForm: true,
			avatar: [avatar.content, avatar.filename]
		});
		return RequestHelper.post()(this, url12, {
			...options,
			avatar
		});
	}
	createForkRelationship(projectId, forkedFromId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/fork/${forkedFromId}`, options);
	}
	createPullMirror(projectId, url12, mirror, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/mirror/pull`, {
			importUrl: url12,
			mirror,
			...options
		});
	}
	downloadSnapshot(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/snapshot`, options);
	}
	edit(projectId, { avatar, ...options } = {}) {
		const url12 = endpoint`projects/${projectId}`;
		if (avatar) return RequestHelper.put()(this, url12, {
			...options,
			isForm: true,
			avatar: [avatar.content, avatar.filename]
		});
		return RequestHelper.put()(this, url12, {
			...options,
			avatar
		});
	}
	fork(projectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/fork`, options);
	}
	housekeeping(projectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/housekeeping`, options);
	}
	importProjectMembers(projectId, sourceProjectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/import_project_members/${sourceProjectId}`, options);
	}
	remove(projectId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}`, options);
	}
	removeForkRelationship(projectId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/fork`, options);
	}
	removeAvatar(projectId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}`, {
			...options,
			avatar: ""
		});
	}
	restore(projectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/restore`, options);
	}
	search(projectName, options) {
		return RequestHelper.get()(this, "projects", {
			search: projectName,
			...options
		});
	}
	share(projectId, groupId, groupAccess, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/share`, {
			groupId,
			groupAccess,
			...options
		});
	}
	show(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}`, options);
	}
	showLanguages(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/languages`, options);
	}
	showPullMirror(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/mirror/pull`, options);
	}
	star(projectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/star`, options);
	}
	transfer(projectId, namespaceId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/transfer`, {
			...options,
			namespace: namespaceId
		});
	}
	unarchive(projectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/unarchive`, options);
	}
	unshare(projectId, groupId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/share/${groupId}`, options);
	}
	unstar(projectId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/unstar`, options);
	}
	uploadForReference(projectId, file, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/uploads`, {
			...options,
			isForm: true,
			file: [file.content, file.filename]
		});
	}
	uploadAvatar(projectId, avatar, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}`, {
			...options,
			isForm: true,
			avatar: [avatar.content, avatar.filename]
		});
	}
};
var ProtectedBranches$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/protected_branches`, options);
	}
	create(projectId, branchName, options) {
		const { sudo, showExpanded, ...opts } = options || {};
		return RequestHelper.post()(this, endpoint`projects/${projectId}/protected_branches`, {
			searchParams: {
				...opts,
				name: branchName
			},
			sudo,
			showExpanded
		});
	}
	protect(projectId, branchName, options) {
		return this.create(projectId, branchName, options);
	}
	edit(projectId, branchName, options) {
		return RequestHelper.patch()(this, endpoint`projects/${projectId}/protected_branches/${branchName}`, options);
	}
	show(projectId, branchName, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/protected_branches/${branchName}`, options);
	}
	remove(projectId, branchName, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/protected_branches/${branchName}`, options);
	}
	unprotect(projectId, branchName, options) {
		return this.remove(projectId, branchName, options);
	}
};
var ProtectedTags$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/protected_tags`, options);
	}
	create(projectId, tagName, options) {
		const { sudo, showExpanded, ...opts } = options || {};
		return RequestHelper.post()(this, endpoint`projects/${projectId}/protected_tags`, {
			searchParams: {
				name: tagName,
				...opts
			},
			sudo,
			showExpanded
		});
	}
	protect(projectId, tagName, options) {
		return this.create(projectId, tagName, options);
	}
	show(projectId, tagName, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/protected_tags/${tagName}`, options);
	}
	remove(projectId, tagName, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/protected_tags/${tagName}`, options);
	}
	unprotect(projectId, tagName, options) {
		return this.remove(projectId, tagName, options);
	}
};
var ReleaseLinks$1 = class extends BaseResource {
	all(projectId, tagName, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/releases/${tagName}/assets/links`, options);
	}
	create(projectId, tagName, name, url12, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/releases/${tagName}/assets/links`, {
			name,
			url: url12,
			...options
		});
	}
	edit(projectId, tagName, linkId, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/releases/${tagName}/assets/links/${linkId}`, options);
	}
	remove(projectId, tagName, linkId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/releases/${tagName}/assets/links/${linkId}`, options);
	}
	show(projectId, tagName, linkId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/releases/${tagName}/assets/links/${linkId}`, options);
	}
};
var Repositories$1 = class extends BaseResource {
	allContributors(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/contributors`, options);
	}
	allRepositoryTrees(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/tree`, options);
	}
	compare(projectId, from, to, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/compare`, {
			from,
			to,
			...options
		});
	}
	editChangelog(projectId, version, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/repository/changelog`, {
			...options,
			version
		});
	}
	mergeBase(projectId, refs, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/merge_base`, {
			...options,
			refs
		});
	}
	showArchive(projectId, { fileType = "tar.gz", ...options } = {}) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/archive.${fileType}`, options);
	}
	showBlob(projectId, sha, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/blobs/${sha}`, options);
	}
	showBlobRaw(projectId, sha, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/blobs/${sha}/raw`, options);
	}
	showChangelog(projectId, version, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/changelog`, {
			...options,
			version
		});
	}
};
var RepositoryFiles$1 = class extends BaseResource {
	allFileBlames(projectId, filePath, ref, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/files/${filePath}/blame`, {
			ref,
			...options
		});
	}
	create(projectId, filePath, branch, content, commitMessage, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/repository/files/${filePath}`, {
			branch,
			content,
			commitMessage,
			...options
		});
	}
	edit(projectId, filePath, branch, content, commitMessage, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/repository/files/${filePath}`, {
			branch,
			content,
			commitMessage,
			...options
		});
	}
	remove(projectId, filePath, branch, commitMessage, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/repository/files/${filePath}`, {
			branch,
			commitMessage,
			...options
		});
	}
	show(projectId, filePath, ref, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/files/${filePath}`, {
			ref,
			...options
		});
	}
	showRaw(projectId, filePath, ref, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/files/${filePath}/raw`, {
			ref,
			...options
		});
	}
};
var RepositorySubmodules$1 = class extends BaseResource {
	edit(projectId, submodule, branch, commitSha, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/repository/submodules/${submodule}`, {
			branch,
			commitSha,
			...options
		});
	}
};
var ResourceGroups$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/resource_groups`, options);
	}
	edit(projectId, key, options) {
		return RequestHelper.put()(this, endpoint`projects/${projectId}/resource_groups/${key}`, options);
	}
	show(projectId, key, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/resource_groups/${key}`, options);
	}
	allUpcomingJobs(projectId, key, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/resource_groups/${key}/upcoming_jobs`, options);
	}
};
var Runners$1 = class extends BaseResource {
	all({ projectId, groupId, owned, ...options } = {}) {
		let url12;
		if (projectId) url12 = endpoint`projects/${projectId}/runners`;
		else if (groupId) url12 = endpoint`groups/${groupId}/runners`;
		else if (owned) url12 = "runners";
		else url12 = "runners/all";
		return RequestHelper.get()(this, url12, options);
	}
	allJobs(runnerId, options) {
		return RequestHelper.get()(this, `runners/${runnerId}/jobs`, options);
	}
	create(token, options) {
		return RequestHelper.post()(this, `runners`, {
			token,
			...options
		});
	}
	edit(runnerId, options) {
		return RequestHelper.put()(this, `runners/${runnerId}`, options);
	}
	enable(projectId, runnerId, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/runners`, {
			runnerId,
			...options
		});
	}
	disable(projectId, runnerId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/runners/${runnerId}`, options);
	}
	register(token, options) {
		return this.create(token, options);
	}
	remove({ runnerId, token, ...options }) {
		let url12;
		if (runnerId) url12 = `runners/${runnerId}`;
		else if (token) url12 = "runners";
		else throw new Error("Missing required argument. Please supply a runnerId or a token in the options parameter");
		return RequestHelper.del()(this, url12, {
			token,
			...options
		});
	}
	resetRegistrationToken({ runnerId, token, ...options } = {}) {
		let url12;
		if (runnerId) url12 = endpoint`runners/${runnerId}/reset_registration_token`;
		else if (token) url12 = "runners/reset_registration_token";
		else throw new Error("Missing either runnerId or token parameters");
		return RequestHelper.post()(this, url12, {
			token,
			...options
		});
	}
	show(runnerId, options) {
		return RequestHelper.get()(this, `runners/${runnerId}`, options);
	}
	verify(options) {
		return RequestHelper.post()(this, `runners/verify`, options);
	}
};
var SecureFiles$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/secure_files`, options);
	}
	create(projectId, name, file, options) {
		return RequestHelper.post()(this, `projects/${projectId}/secure_files`, {
			isForm: true,
			...options,
			file: [file.content, file.filename],
			name
		});
	}
	download(projectId, secureFileId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/secure_files/${secureFileId}/download`, options);
	}
	remove(projectId, secureFileId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/secure_files/${secureFileId}`, options);
	}
	show(projectId, secureFileId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/secure_files/${secureFileId}`, options);
	}
};
var Tags$1 = class extends BaseResource {
	all(projectId, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/tags`, options);
	}
	create(projectId, tagName, ref, options) {
		return RequestHelper.post()(this, endpoint`projects/${projectId}/repository/tags`, {
			searchParams: {
				tagName,
				ref
			},
			...options
		});
	}
	remove(projectId, tagName, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/repository/tags/${tagName}`, options);
	}
	show(projectId, tagName, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/tags/${tagName}`, options);
	}
	showSignature(projectId, tagName, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/repository/tags/${tagName}/signature`, options);
	}
};
var UserStarredMetricsDashboard$1 = class extends BaseResource {
	create(projectId, dashboardPath, options) {
		return RequestHelper.get()(this, endpoint`projects/${projectId}/metrics/user_starred_dashboards`, {
			dashboardPath,
			...options
		});
	}
	remove(projectId, options) {
		return RequestHelper.del()(this, endpoint`projects/${projectId}/metrics/user_starred_dashboards`, options);
	}
};
var EpicAwardEmojis$1 = class extends ResourceAwardEmojis {
	constructor(options) {
		super("epics", "issues", options);
	}
};
var EpicDiscussions$1 = class extends ResourceDiscussions {
	constructor(options) {
		super("groups", "epics", options);
	}
};
var EpicIssues$1 = class extends BaseResource {
	all(groupId, epicIId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/epics/${epicIId}/issues`, options);
	}
	assign(groupId, epicIId, epicIssueId, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/epics/${epicIId}/issues/${epicIssueId}`, options);
	}
	edit(groupId, epicIId, epicIssueId, options) {
		return RequestHelper.put()(this, endpoint`groups/${groupId}/epics/${epicIId}/issues/${epicIssueId}`, options);
	}
	remove(groupId, epicIId, epicIssueId, options) {
		return RequestHelper.del()(this, endpoint`groups/${groupId}/epics/${epicIId}/issues/${epicIssueId}`, options);
	}
};
var EpicLabelEvents$1 = class extends ResourceLabelEvents {
	constructor(options) {
		super("groups", "epics", options);
	}
};
var EpicLinks$1 = class extends BaseResource {
	all(groupId, epicIId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/epics/${epicIId}/links`, options);
	}
	assign(groupId, epicIId, childEpicId, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/epics/${epicIId}/links/${childEpicId}`, options);
	}
	create(groupId, epicIId, title, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/epics/${epicIId}/links`, {
			searchParams: { title },
			...options
		});
	}
	reorder(groupId, epicIId, childEpicId, options) {
		return RequestHelper.put()(this, endpoint`groups/${groupId}/epics/${epicIId}/links/${childEpicId}`, options);
	}
	unassign(groupId, epicIId, childEpicId, options) {
		return RequestHelper.del()(this, endpoint`groups/${groupId}/epics/${epicIId}/links/${childEpicId}`, options);
	}
};
var EpicNotes$1 = class extends ResourceNotes {
	constructor(options) {
		super("groups", "epics", options);
	}
};
var Epics$1 = class extends BaseResource {
	all(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/epics`, options);
	}
	create(groupId, title, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/epics`, {
			title,
			...options
		});
	}
	createTodo(groupId, epicIId, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/epics/${epicIId}/todos`, options);
	}
	edit(groupId, epicIId, options) {
		return RequestHelper.put()(this, endpoint`groups/${groupId}/epics/${epicIId}`, options);
	}
	remove(groupId, epicIId, options) {
		return RequestHelper.del()(this, endpoint`groups/${groupId}/epics/${epicIId}`, options);
	}
	show(groupId, epicIId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/epics/${epicIId}`, options);
	}
};
var GroupAccessRequests$1 = class extends ResourceAccessRequests {
	constructor(options) {
		super("groups", options);
	}
};
var GroupAccessTokens$1 = class extends ResourceAccessTokens {
	constructor(options) {
		super("groups", options);
	}
};
var GroupActivityAnalytics$1 = class extends BaseResource {
	showIssuesCount(groupPath, options) {
		return RequestHelper.get()(this, "analytics/group_activity/issues_count", {
			searchParams: { groupPath },
			...options
		});
	}
	showMergeRequestsCount(groupPath, options) {
		return RequestHelper.get()(this, "analytics/group_activity/merge_requests_count", {
			searchParams: { groupPath },
			...options
		});
	}
	showNewMembersCount(groupPath, options) {
		return RequestHelper.get()(this, "analytics/group_activity/new_members_count", {
			searchParams: { groupPath },
			...options
		});
	}
};
var GroupBadges$1 = class extends ResourceBadges {
	constructor(options) {
		super("groups", options);
	}
};
var GroupCustomAttributes$1 = class extends ResourceCustomAttributes {
	constructor(options) {
		super("groups", options);
	}
};
var GroupDORA4Metrics$1 = class extends ResourceDORA4Metrics {
	constructor(options) {
		super("groups", options);
	}
};
var GroupEpicBoards$1 = class extends BaseResource {
	all(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/epic_boards`, options);
	}
	allLists(groupId, boardId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/epic_boards/${boardId}/lists`, options);
	}
	show(groupId, boardId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/epic_boards/${boardId}`, options);
	}
	showList(groupId, boardId, listId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/epic_boards/${boardId}/lists/${listId}`, options);
	}
};
var GroupHooks$1 = class extends ResourceHooks {
	constructor(options) {
		super("groups", options);
	}
};
var GroupImportExports$1 = class extends BaseResource {
	download(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/export/download`, options);
	}
	import(file, path, { parentId, name, ...options }) {
		return RequestHelper.post()(this, "groups/import", {
			isForm: true,
			...options,
			file: [file.content, file.filename],
			path,
			name: name || path.split("/").at(0),
			parentId
		});
	}
	scheduleExport(groupId, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/export`, options);
	}
};
var GroupInvitations$1 = class extends ResourceInvitations {
	constructor(options) {
		super("groups", options);
	}
};
var GroupIssueBoards$1 = class extends ResourceIssueBoards {
	constructor(options) {
		super("groups", options);
	}
};
var GroupIterations$1 = class extends ResourceIterations {
	constructor(options) {
		super("groups", options);
	}
};
var GroupLDAPLinks$1 = class extends BaseResource {
	add(groupId, groupAccess, provider, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/ldap_group_links`, {
			groupAccess,
			provider,
			...options
		});
	}
	all(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/ldap_group_links`, options);
	}
	remove(groupId, provider, options) {
		return RequestHelper.del()(this, endpoint`groups/${groupId}/ldap_group_links`, {
			provider,
			...options
		});
	}
	sync(groupId, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/ldap_sync`, options);
	}
};
var GroupLabels$1 = class extends ResourceLabels {
	constructor(options) {
		super("groups", options);
	}
};
var GroupMarkdownUploads$1 = class extends ResourceMarkdownUploads {
	constructor(options) {
		super("groups", options);
	}
};
var GroupMemberRoles$1 = class extends BaseResource {
	add(groupId, baseAccessLevel, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/members`, {
			baseAccessLevel,
			...options
		});
	}
	all(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/member_roles`, options);
	}
	remove(groupId, memberRoleId, options) {
		return RequestHelper.del()(this, endpoint`groups/${groupId}/member_roles/${memberRoleId}`, options);
	}
};
var GroupMembers$1 = class extends ResourceMembers {
	constructor(options) {
		super("groups", options);
	}
	allBillable(groupId, options) {
		return RequestHelper.get()(this, endpoint`${groupId}/billable_members`, options);
	}
	allPending(groupId, options) {
		return RequestHelper.get()(this, endpoint`${groupId}/pending_members`, options);
	}
	allBillableMemberships(groupId, userId, options) {
		return RequestHelper.get()(this, endpoint`${groupId}/billable_members/${userId}/memberships`, options);
	}
	approve(groupId, userId, options) {
		return RequestHelper.put()(this, endpoint`${groupId}/members/${userId}/approve`, options);
	}
	approveAll(groupId, options) {
		return RequestHelper.put()(this, endpoint`${groupId}/members/approve_all`, options);
	}
	removeBillable(groupId, userId, options) {
		return RequestHelper.del()(this, endpoint`${groupId}/billable_members/${userId}`, options);
	}
	removeOverrideFlag(groupId, userId, options) {
		return RequestHelper.del()(this, endpoint`${groupId}/members/${userId}/override`, options);
	}
	setOverrideFlag(groupId, userId, options) {
		return RequestHelper.post()(this, endpoint`${groupId}/members/${userId}/override`, options);
	}
};
var GroupMilestones$1 = class extends ResourceMilestones {
	constructor(options) {
		super("groups", options);
	}
};
var GroupProtectedEnvironments$1 = class extends ResourceProtectedEnvironments {
	constructor(options) {
		super("groups", options);
	}
};
var GroupPushRules$1 = class extends ResourcePushRules {
	constructor(options) {
		super("groups", options);
	}
};
var GroupRelationExports$1 = class extends BaseResource {
	download(groupId, relation, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/export_relations/download`, {
			searchParams: { relation },
			...options
		});
	}
	exportStatus(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/export_relations`, options);
	}
	scheduleExport(groupId, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/export_relations`, options);
	}
};
var GroupReleases$1 = class extends BaseResource {
	all(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/releases`, options);
	}
};
var GroupRepositoryStorageMoves$1 = class extends ResourceRepositoryStorageMoves {
	constructor(options) {
		super("groups", options);
	}
};
var GroupSAMLIdentities$1 = class extends BaseResource {
	all(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/saml/identities`, options);
	}
	edit(groupId, identityId, options) {
		return RequestHelper.patch()(this, endpoint`groups/${groupId}/saml/${identityId}`, options);
	}
};
var GroupSAMLLinks$1 = class extends BaseResource {
	all(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/saml_group_links`, options);
	}
	create(groupId, samlGroupName, accessLevel, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/saml_group_links`, {
			accessLevel,
			samlGroupName,
			...options
		});
	}
	remove(groupId, samlGroupName, options) {
		return RequestHelper.del()(this, endpoint`groups/${groupId}/saml_group_links/${samlGroupName}`, options);
	}
	show(groupId, samlGroupName, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/saml_group_links/${samlGroupName}`, options);
	}
};
var GroupSCIMIdentities$1 = class extends BaseResource {
	all(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/scim/identities`, options);
	}
	edit(groupId, identityId, options) {
		return RequestHelper.patch()(this, endpoint`groups/${groupId}/scim/${identityId}`, options);
	}
};
var GroupServiceAccounts$1 = class extends BaseResource {
	create(groupId, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/service_accounts`, options);
	}
	addPersonalAccessToken(groupId, serviceAccountId, options) {
		return this.createPersonalAccessToken(groupId, serviceAccountId, options);
	}
	createPersonalAccessToken(groupId, serviceAccountId, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/service_accounts/${serviceAccountId}`, options);
	}
	rotatePersonalAccessToken(groupId, serviceAccountId, tokenId, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/service_accounts/${serviceAccountId}/personal_access_tokens/${tokenId}/rotate`, options);
	}
};
var GroupVariables$1 = class extends ResourceVariables {
	constructor(options) {
		super("groups", options);
	}
};
var GroupWikis$1 = class extends ResourceWikis {
	constructor(options) {
		super("groups", options);
	}
};
var Groups$1 = class extends BaseResource {
	all(options) {
		return RequestHelper.get()(this, "groups", options);
	}
	allDescendantGroups(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/descendant_groups`, options);
	}
	allProjects(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/projects`, options);
	}
	allSharedProjects(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/projects/shared`, options);
	}
	allSubgroups(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/subgroups`, options);
	}
	allProvisionedUsers(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/provisioned_users`, options);
	}
	allTransferLocations(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/transfer_locations`, options);
	}
	create(name, path, { avatar, ...options } = {}) {
		if (avatar) return RequestHelper.post()(this, "groups", {
			...options,
			isForm: true,
			avatar: [avatar.content, avatar.filename],
			name,
			path
		});
		return RequestHelper.post()(this, "groups", {
			name,
			path,
			...options
		});
	}
	downloadAvatar(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/avatar`, options);
	}
	edit(groupId, { avatar, ...options } = {}) {
		if (avatar) return RequestHelper.post()(this, endpoint`groups/${groupId}`, {
			...options,
			isForm: true,
			avatar: [avatar.content, avatar.filename]
		});
		return RequestHelper.put()(this, endpoint`groups/${groupId}`, options);
	}
	remove(groupId, options) {
		return RequestHelper.del()(this, endpoint`groups/${groupId}`, options);
	}
	removeAvatar(groupId, options) {
		return RequestHelper.put()(this, endpoint`groups/${groupId}`, {
			...options,
			avatar: ""
		});
	}
	restore(groupId, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/restore`, options);
	}
	search(nameOrPath, options) {
		return RequestHelper.get()(this, "groups", {
			search: nameOrPath,
			...options
		});
	}
	share(groupId, sharedGroupId, groupAccess, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/share`, {
			groupId: sharedGroupId,
			groupAccess,
			...options
		});
	}
	show(groupId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}`, options);
	}
	transfer(groupId, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/transfer`, options);
	}
	transferProject(groupId, projectId, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/projects/${projectId}`, options);
	}
	unshare(groupId, sharedGroupId, options) {
		return RequestHelper.del()(this, endpoint`groups/${groupId}/share/${sharedGroupId}`, options);
	}
	uploadAvatar(groupId, content, { filename, ...options } = {}) {
		return RequestHelper.put()(this, endpoint`groups/${groupId}/avatar`, {
			isForm: true,
			...options,
			file: [content, filename]
		});
	}
};
var LinkedEpics$1 = class extends BaseResource {
	all(groupId, epicIId, options) {
		return RequestHelper.get()(this, endpoint`groups/${groupId}/epics/${epicIId}/related_epics`, options);
	}
	create(groupId, epicIId, targetEpicIId, targetGroupId, options) {
		return RequestHelper.post()(this, endpoint`groups/${groupId}/epics/${epicIId}/related_epics`, {
			searchParams: {
				targetGroupId,
				targetEpicIid: targetEpicIId
			},
			...options
		});
	}
	remove(groupId, epicIId, relatedEpicLinkId, options) {
		return RequestHelper.del()(this, endpoint`groups/${groupId}/epics/${epicIId}/related_epics/${relatedEpicLinkId}`, options);
	}
};
var UserCustomAttributes$1 = class extends ResourceCustomAttributes {
	constructor(options) {
		super("users", options);
	}
};
var url9 = (userId) => userId ? `users/${userId}/emails` : "user/emails";
var UserEmails$1 = class extends BaseResource {
	add(email, options) {
		return this.create(email, options);
	}
	all({ userId, ...options } = {}) {
		return RequestHelper.get()(this, url9(userId), options);
	}
	create(email, { userId, ...options } = {}) {
		return RequestHelper.post()(this, url9(userId), {
			email,
			...options
		});
	}
	show(emailId, options) {
		return RequestHelper.get()(this, `user/emails/${emailId}`, options);
	}
	remove(emailId, { userId, ...options } = {}) {
		return RequestHelper.del()(this, `${url9(userId)}/${emailId}`, options);
	}
};
var url10 = (userId) => userId ? `users/${userId}/gpg_keys` : "user/gpg_keys";
var UserGPGKeys$1 = class extends BaseResource {
	add(key, options) {
		return this.create(key, options);
	}
	all({ userId, ...options } = {}) {
		return RequestHelper.get()(this, url10(userId), options);
	}
	create(key, { userId, ...options } = {}) {
		return RequestHelper.post()(this, url10(userId), {
			key,
			...options
		});
	}
	show(keyId, { userId, ...options } = {}) {
		return RequestHelper.get()(this, `${url10(userId)}/${keyId}`, options);
	}
	remove(keyId, { userId, ...options } = {}) {
		return RequestHelper.del()(this, `${url10(userId)}/${keyId}`, options);
	}
};
var UserImpersonationTokens$1 = class extends BaseResource {
	all(userId, options) {
		return RequestHelper.get()(this, `users/${userId}/impersonation_tokens`, options);
	}
	create(userId, name, scopes, options) {
		return RequestHelper.post()(this, `users/${userId}/impersonation_tokens`, {
			name,
			scopes,
			...options
		});
	}
	show(userId, tokenId, options) {
		return RequestHelper.get()(this, `users/${userId}/impersonation_tokens/${tokenId}`, options);
	}
	remove(userId, tokenId, options) {
		return RequestHelper.del()(this, `users/${userId}/impersonation_tokens/${tokenId}`, options);
	}
	revoke(userId, tokenId, options) {
		return this.remove(userId, tokenId, options);
	}
};
var url11 = (userId) => userId ? `users/${userId}/keys` : "user/keys";
var UserSSHKeys$1 = class extends BaseResource {
	add(title, key, options) {
		return this.create(title, key, options);
	}
	all({ userId, ...options } = {}) {
		return RequestHelper.get()(this, url11(userId), options);
	}
	create(title, key, { userId, ...options } = {}) {
		return RequestHelper.post()(this, url11(userId), {
			title,
			key,
			...options
		});
	}
	show(keyId, { userId, ...options } = {}) {
		return RequestHelper.get()(this, `${url11(userId)}/${keyId}`, options);
	}
	remove(keyId, { userId, ...options } = {}) {
		return RequestHelper.del()(this, `${url11(userId)}/${keyId}`, options);
	}
};
var Users$1 = class extends BaseResource {
	activate(userId, options) {
		return RequestHelper.post()(this, endpoint`users/${userId}/activate`, options);
	}
	all(options) {
		return RequestHelper.get()(this, "users", options);
	}
	allActivities(options) {
		return RequestHelper.get()(this, "user/activities", options);
	}
	allEvents(userId, options) {
		return RequestHelper.get()(this, endpoint`users/${userId}/events`, options);
	}
	allFollowers(userId, options) {
		return RequestHelper.get()(this, endpoint`users/${userId}/followers`, options);
	}
	allFollowing(userId, options) {
		return RequestHelper.get()(this, endpoint`users/${userId}/following`, options);
	}
	allMemberships(userId, options) {
		return RequestHelper.get()(this, endpoint`users/${userId}/memberships`, options);
	}
	allProjects(userId, options) {
		return RequestHelper.get()(this, endpoint`users/${userId}/projects`, options);
	}
	allContributedProjects(userId, options) {
		return RequestHelper.get()(this, endpoint`users/${userId}/contributed_projects`, options);
	}
	allStarredProjects(userId, options) {
		return RequestHelper.get()(this, endpoint`users/${userId}/starred_projects`, options);
	}
	approve(userId, options) {
		return RequestHelper.post()(this, endpoint`users/${userId}/approve`, options);
	}
	ban(userId, options) {
		return RequestHelper.post()(this, endpoint`users/${userId}/ban`, options);
	}
	block(userId, options) {
		return RequestHelper.post()(this, endpoint`users/${userId}/block`, options);
	}
	create(options) {
		return RequestHelper.post()(this, "users", options);
	}
	createPersonalAccessToken(userId, name, scopes, options) {
		return RequestHelper.post()(this, endpoint`users/${userId}/personal_access_tokens`, {
			name,
			scopes,
			...options
		});
	}
	createCIRunner(runnerType, options) {
		return RequestHelper.post()(this, "user/runners", {
			...options,
			runnerType
		});
	}
	deactivate(userId, options) {
		return RequestHelper.post()(this, endpoint`users/${userId}/deactivate`, options);
	}
	disableTwoFactor(userId, options) {
		return RequestHelper.patch()(this, endpoint`users/${userId}/disable_two_factor`, options);
	}
	edit(userId, { avatar, ...options } = {}) {
		const opts = {
			...options,
			isForm: true
		};
		if (avatar) opts.avatar = [avatar.content, avatar.filename];
		return RequestHelper.put()(this, endpoint`users/${userId}`, opts);
	}
	editStatus(options) {
		return RequestHelper.put()(this, "user/status", options);
	}
	editCurrentUserPreferences(viewDiffsFileByFile, showWhitespaceInDiffs, options) {
		return RequestHelper.put()(this, "user/preferences", {
			viewDiffsFileByFile,
			showWhitespaceInDiffs,
			...options
		});
	}
	follow(userId, options) {
		return RequestHelper.post()(this, endpoint`users/${userId}/follow`, options);
	}
	reject(userId, options) {
		return RequestHelper.post()(this, endpoint`users/${userId}/reject`, options);
	}
	show(userId, options) {
		return RequestHelper.get()(this, endpoint`users/${userId}`, options);
	}
	showCount(options) {
		return RequestHelper.get()(this, "user_counts", options);
	}
	showAssociationsCount(userId, options) {
		return RequestHelper.get()(this, `users/${userId}/associations_count`, options);
	}
	showCurrentUser(options) {
		return RequestHelper.get()(this, "user", options);
	}
	showCurrentUserPreferences(options) {
		return RequestHelper.get()(this, "user/preferences", options);
	}
	showStatus({ iDOrUsername, ...options } = {}) {
		let url12;
		if (iDOrUsername) url12 = `users/${iDOrUsername}/status`;
		else url12 = "user/status";
		return RequestHelper.get()(this, url12, options);
	}
	remove(userId, options) {
		return RequestHelper.del()(this, endpoint`users/${userId}`, options);
	}
	removeAuthenticationIdentity(userId, provider, options) {
		return RequestHelper.del()(this, endpoint`users/${userId}/identities/${provider}`, options);
	}
	unban(userId, options) {
		return RequestHelper.post()(this, endpoint`users/${userId}/unban`, options);
	}
	unblock(userId, options) {
		return RequestHelper.post()(this, endpoint`users/${userId}/unblock`, options);
	}
	unfollow(userId, options) {
		return RequestHelper.post()(this, endpoint`users/${userId}/unfollow`, options);
	}
};
var MergeRequestStateEvents = class extends ResourceStateEvents {
	constructor(options) {
		super("projects", "merge_requests", options);
	}
};
var EpicStateEvents = class extends ResourceStateEvents {
	constructor(options) {
		super("groups", "epics", options);
	}
};
var resources = {
	Agents: Agents$1,
	AlertManagement: AlertManagement$1,
	ApplicationAppearance: ApplicationAppearance$1,
	ApplicationPlanLimits: ApplicationPlanLimits$1,
	Applications: Applications$1,
	ApplicationSettings: ApplicationSettings$1,
	ApplicationStatistics: ApplicationStatistics$1,
	AuditEvents: AuditEvents$1,
	Avatar: Avatar$1,
	BroadcastMessages: BroadcastMessages$1,
	CodeSuggestions: CodeSuggestions$1,
	Composer: Composer$1,
	Conan: Conan$1,
	DashboardAnnotations: DashboardAnnotations$1,
	Debian: Debian$1,
	DependencyProxy: DependencyProxy$1,
	DeployKeys: DeployKeys$1,
	DeployTokens: DeployTokens$1,
	DockerfileTemplates: DockerfileTemplates$1,
	Events: Events$1,
	Experiments: Experiments$1,
	GeoNodes: GeoNodes$1,
	GeoSites: GeoSites$1,
	GitignoreTemplates: GitignoreTemplates$1,
	GitLabCIYMLTemplates: GitLabCIYMLTemplates$1,
	Import: Import$1,
	InstanceLevelCICDVariables: InstanceLevelCICDVariables$1,
	Keys: Keys$1,
	License: License$1,
	LicenseTemplates: LicenseTemplates$1,
	Lint: Lint$1,
	Markdown: Markdown$1,
	Maven: Maven$1,
	Metadata: Metadata$1,
	Migrations: Migrations$1,
	Namespaces: Namespaces$1,
	NotificationSettings: NotificationSettings$1,
	NPM: NPM$1,
	NuGet: NuGet$1,
	PersonalAccessTokens: PersonalAccessTokens$1,
	PyPI: PyPI$1,
	RubyGems: RubyGems$1,
	Search: Search$1,
	SearchAdmin: SearchAdmin$1,
	ServiceAccounts: ServiceAccounts$1,
	ServiceData: ServiceData$1,
	SidekiqMetrics: SidekiqMetrics$1,
	SidekiqQueues: SidekiqQueues$1,
	SnippetRepositoryStorageMoves: SnippetRepositoryStorageMoves$1,
	Snippets: Snippets$1,
	Suggestions: Suggestions$1,
	SystemHooks: SystemHooks$1,
	TodoLists: TodoLists$1,
	Topics: Topics$1,
	Branches: Branches$1,
	CommitDiscussions: CommitDiscussions$1,
	Commits: Commits$1,
	ContainerRegistry: ContainerRegistry$1,
	Deployments: Deployments$1,
	Environments: Environments$1,
	ErrorTrackingClientKeys: ErrorTrackingClientKeys$1,
	ErrorTrackingSettings: ErrorTrackingSettings$1,
	ExternalStatusChecks: ExternalStatusChecks$1,
	FeatureFlags: FeatureFlags$1,
	FeatureFlagUserLists: FeatureFlagUserLists$1,
	FreezePeriods: FreezePeriods$1,
	GitlabPages: GitlabPages$1,
	GoProxy: GoProxy$1,
	Helm: Helm$1,
	Integrations: Integrations$1,
	IssueAwardEmojis: IssueAwardEmojis$1,
	IssueDiscussions: IssueDiscussions$1,
	IssueIterationEvents: IssueIterationEvents$1,
	IssueLabelEvents: IssueLabelEvents$1,
	IssueLinks: IssueLinks$1,
	IssueMilestoneEvents: IssueMilestoneEvents$1,
	IssueNoteAwardEmojis: IssueNoteAwardEmojis$1,
	IssueNotes: IssueNotes$1,
	Issues: Issues$1,
	IssuesStatistics: IssuesStatistics$1,
	IssueStateEvents: IssueStateEvents$1,
	IssueWeightEvents: IssueWeightEvents$1,
	JobArtifacts: JobArtifacts$1,
	Jobs: Jobs$1,
	MergeRequestApprovals: MergeRequestApprovals$1,
	MergeRequestAwardEmojis: MergeRequestAwardEmojis$1,
	MergeRequestContextCommits: MergeRequestContextCommits$1,
	MergeRequestDiscussions: MergeRequestDiscussions$1,
	MergeRequestLabelEvents: MergeRequestLabelEvents$1,
	MergeRequestMilestoneEvents: MergeRequestMilestoneEvents$1,
	MergeRequestStateEvents,
	MergeRequestDraftNotes: MergeRequestDraftNotes$1,
	MergeRequestNotes: MergeRequestNotes$1,
	MergeRequestNoteAwardEmojis: MergeRequestNoteAwardEmojis$1,
	MergeRequests: MergeRequests$1,
	MergeTrains: MergeTrains$1,
	PackageRegistry: PackageRegistry$1,
	Packages: Packages$1,
	PagesDomains: PagesDomains$1,
	Pipelines: Pipelines$1,
	PipelineSchedules: PipelineSchedules$1,
	PipelineScheduleVariables: PipelineScheduleVariables$1,
	PipelineTriggerTokens: PipelineTriggerTokens$1,
	ProductAnalytics: ProductAnalytics$1,
	ProjectAccessRequests: ProjectAccessRequests$1,
	ProjectAccessTokens: ProjectAccessTokens$1,
	ProjectAliases: ProjectAliases$1,
	ProjectBadges: ProjectBadges$1,
	ProjectCustomAttributes: ProjectCustomAttributes$1,
	ProjectDORA4Metrics: ProjectDORA4Metrics$1,
	ProjectHooks: ProjectHooks$1,
	ProjectImportExports: ProjectImportExports$1,
	ProjectInvitations: ProjectInvitations$1,
	ProjectIssueBoards: ProjectIssueBoards$1,
	ProjectIterations: ProjectIterations$1,
	ProjectJobTokenScopes: ProjectJobTokenScopes$1,
	ProjectLabels: ProjectLabels$1,
	ProjectMarkdownUploads: ProjectMarkdownUploads$1,
	ProjectMembers: ProjectMembers$1,
	ProjectMilestones: ProjectMilestones$1,
	ProjectProtectedEnvironments: ProjectProtectedEnvironments$1,
	ProjectPushRules: ProjectPushRules$1,
	ProjectRelationsExport: ProjectRelationsExport$1,
	ProjectReleases: ProjectReleases$1,
	ProjectRemoteMirrors: ProjectRemoteMirrors$1,
	ProjectRepositoryStorageMoves: ProjectRepositoryStorageMoves$1,
	Projects: Projects$1,
	ProjectSnippetAwardEmojis: ProjectSnippetAwardEmojis$1,
	ProjectSnippetDiscussions: ProjectSnippetDiscussions$1,
	ProjectSnippetNotes: ProjectSnippetNotes$1,
	ProjectSnippets: ProjectSnippets$1,
	ProjectStatistics: ProjectStatistics$1,
	ProjectTemplates: ProjectTemplates$1,
	ProjectTerraformState: ProjectTerraformState$1,
	ProjectVariables: ProjectVariables$1,
	ProjectVulnerabilities: ProjectVulnerabilities$1,
	ProjectWikis: ProjectWikis$1,
	ProtectedBranches: ProtectedBranches$1,
	ProtectedTags: ProtectedTags$1,
	ReleaseLinks: ReleaseLinks$1,
	Repositories: Repositories$1,
	RepositoryFiles: RepositoryFiles$1,
	RepositorySubmodules: RepositorySubmodules$1,
	ResourceGroups: ResourceGroups$1,
	Runners: Runners$1,
	SecureFiles: SecureFiles$1,
	Tags: Tags$1,
	UserStarredMetricsDashboard: UserStarredMetricsDashboard$1,
	EpicAwardEmojis: EpicAwardEmojis$1,
	EpicDiscussions: EpicDiscussions$1,
	EpicIssues: EpicIssues$1,
	EpicLabelEvents: EpicLabelEvents$1,
	EpicLinks: EpicLinks$1,
	EpicNotes: EpicNotes$1,
	Epics: Epics$1,
	EpicStateEvents,
	GroupAccessRequests: GroupAccessRequests$1,
	GroupAccessTokens: GroupAccessTokens$1,
	GroupActivityAnalytics: GroupActivityAnalytics$1,
	GroupBadges: GroupBadges$1,
	GroupCustomAttributes: GroupCustomAttributes$1,
	GroupDORA4Metrics: GroupDORA4Metrics$1,
	GroupEpicBoards: GroupEpicBoards$1,
	GroupHooks: GroupHooks$1,
	GroupImportExports: GroupImportExports$1,
	GroupInvitations: GroupInvitations$1,
	GroupIssueBoards: GroupIssueBoards$1,
	GroupIterations: GroupIterations$1,
	GroupLabels: GroupLabels$1,
	GroupLDAPLinks: GroupLDAPLinks$1,
	GroupMarkdownUploads: GroupMarkdownUploads$1,
	GroupMembers: GroupMembers$1,
	GroupMemberRoles: GroupMemberRoles$1,
	GroupMilestones: GroupMilestones$1,
	GroupProtectedEnvironments: GroupProtectedEnvironments$1,
	GroupPushRules: GroupPushRules$1,
	GroupRelationExports: GroupRelationExports$1,
	GroupReleases: GroupReleases$1,
	GroupRepositoryStorageMoves: GroupRepositoryStorageMoves$1,
	Groups: Groups$1,
	GroupSAMLIdentities: GroupSAMLIdentities$1,
	GroupSAMLLinks: GroupSAMLLinks$1,
	GroupSCIMIdentities: GroupSCIMIdentities$1,
	GroupServiceAccounts: GroupServiceAccounts$1,
	GroupVariables: GroupVariables$1,
	GroupWikis: GroupWikis$1,
	LinkedEpics: LinkedEpics$1,
	UserCustomAttributes: UserCustomAttributes$1,
	UserEmails: UserEmails$1,
	UserGPGKeys: UserGPGKeys$1,
	UserImpersonationTokens: UserImpersonationTokens$1,
	Users: Users$1,
	UserSSHKeys: UserSSHKeys$1
};
var Gitlab$1 = class extends BaseResource {
	constructor(options) {
		super(options);
		Object.keys(resources).forEach((s) => {
			this[s] = new resources[s](options);
		});
	}
};
var AccessLevel$1 = /* @__PURE__ */ ((AccessLevel2) => {
	AccessLevel2[AccessLevel2["NO_ACCESS"] = 0] = "NO_ACCESS";
	AccessLevel2[AccessLevel2["MINIMAL_ACCESS"] = 5] = "MINIMAL_ACCESS";
	AccessLevel2[AccessLevel2["GUEST"] = 10] = "GUEST";
	AccessLevel2[AccessLevel2["REPORTER"] = 20] = "REPORTER";
	AccessLevel2[AccessLevel2["DEVELOPER"] = 30] = "DEVELOPER";
	AccessLevel2[AccessLevel2["MAINTAINER"] = 40] = "MAINTAINER";
	AccessLevel2[AccessLevel2["OWNER"] = 50] = "OWNER";
	AccessLevel2[AccessLevel2["ADMIN"] = 60] = "ADMIN";
	return AccessLevel2;
})(AccessLevel$1 || {});
// node_modules/@gitbeaker/rest/dist/index.mjs
async function processBody(response) {
	const contentType = (response.headers.get("content-type") || "").split(";")[0].trim();
	if (contentType === "application/json") return response.json().then((v) => v || {});
	if (contentType.startsWith("text/")) return response.text().then((t) => t || "");
	return response.blob();
}
function delay(ms) {
	return new Promise((resolve) => {
		setTimeout(resolve, ms);
	});
}
async function parseResponse$1(response, asStream = false) {
	const { status, headers: rawHeaders } = response;
	const headers = Object.fromEntries(rawHeaders.entries());
	let body;
	if (asStream) body = response.body;
	else body = status === 204 ? null : await processBody(response);
	return {
		body,
		headers,
		status
	};
}
async function throwFailedRequestError(request, response) {
	const content = await response.text();
	const contentType = response.headers.get("Content-Type");
	let description;
	if (contentType?.includes("application/json")) {
		const output = JSON.parse(content);
		const contentProperty = output?.error || output?.message || "";
		description = typeof contentProperty === "string" ? contentProperty : JSON.stringify(contentProperty);
	} else description = content;
	throw new GitbeakerRequestError(description, { cause: {
		description,
		request,
		response
	} });
}
function getConditionalMode(endpoint) {
	if (endpoint.includes("repository/archive")) return "same-origin";
}
async function defaultRequestHandler(endpoint, options) {
	const retryCodes = [429, 502];
	const maxRetries = 10;
	const { rateLimiters, agent, asStream, prefixUrl, searchParams, method, ...opts } = options || {};
	const rateLimit = getMatchingRateLimiter(endpoint, rateLimiters, method);
	let lastStatus;
	let baseUrl;
	if (prefixUrl) baseUrl = prefixUrl.endsWith("/") ? prefixUrl : `${prefixUrl}/`;
	const url = new URL(endpoint, baseUrl);
	url.search = searchParams || "";
	const mode = getConditionalMode(endpoint);
	for (let i = 0; i < maxRetries; i += 1) {
		const request = new Request(url, {
			...opts,
			method,
			mode
		});
		const fetchArgs = [request];
		if (agent) fetchArgs.push({ dispatcher: agent });
		await rateLimit();
		const response = await fetch(...fetchArgs).catch((e) => {
			if (e.name === "TimeoutError" || e.name === "AbortError") throw new GitbeakerTimeoutError("Query timeout was reached");
			throw e;
		});
		if (response.ok) return parseResponse$1(response, asStream);
		if (!retryCodes.includes(response.status)) await throwFailedRequestError(request, response);
		lastStatus = response.status;
		await delay(2 ** i * .25);
	}
	throw new GitbeakerRetryError(`Could not successfully complete this request after ${maxRetries} retries, last status code: ${lastStatus}. ${lastStatus === 429 ? "Check the applicable rate limits for this endpoint" : "Verify the status of the endpoint"}.`);
}
var requesterFn = createRequesterFn((_, reqo) => Promise.resolve(reqo), defaultRequestHandler);
var { AccessLevel, ...Resources } = dist_exports;
var API = presetResourceArguments(Resources, { requesterFn });
var { Agents } = API;
var { AlertManagement } = API;
var { ApplicationAppearance } = API;
var { ApplicationPlanLimits } = API;
var { Applications } = API;
var { ApplicationSettings } = API;
var { ApplicationStatistics } = API;
var { AuditEvents } = API;
var { Avatar } = API;
var { Branches } = API;
var { BroadcastMessages } = API;
var { CodeSuggestions } = API;
var { CommitDiscussions } = API;
var { Commits } = API;
var { Composer } = API;
var { Conan } = API;
var { ContainerRegistry } = API;
var { DashboardAnnotations } = API;
var { Debian } = API;
var { DependencyProxy } = API;
var { DeployKeys } = API;
var { DeployTokens } = API;
var { Deployments } = API;
var { DockerfileTemplates } = API;
var { Environments } = API;
var { EpicAwardEmojis } = API;
var { EpicDiscussions } = API;
var { EpicIssues } = API;
var { EpicLabelEvents } = API;
var { EpicLinks } = API;
var { EpicNotes } = API;
var { Epics } = API;
var { ErrorTrackingClientKeys } = API;
var { ErrorTrackingSettings } = API;
var { Events } = API;
var { Experiments } = API;
var { ExternalStatusChecks } = API;
var { FeatureFlags } = API;
var { FeatureFlagUserLists } = API;
var { FreezePeriods } = API;
var { GeoNodes } = API;
var { GeoSites } = API;
var { GitignoreTemplates } = API;
var { GitLabCIYMLTemplates } = API;
var { GitlabPages } = API;
var { GoProxy } = API;
var { GroupAccessRequests } = API;
var { GroupAccessTokens } = API;
var { GroupActivityAnalytics } = API;
var { GroupBadges } = API;
var { GroupCustomAttributes } = API;
var { GroupDORA4Metrics } = API;
var { GroupEpicBoards } = API;
var { GroupHooks } = API;
var { GroupImportExports } = API;
var { GroupInvitations } = API;
var { GroupIssueBoards } = API;
var { GroupIterations } = API;
var { GroupLabels } = API;
var { GroupLDAPLinks } = API;
var { GroupMarkdownUploads } = API;
var { GroupMemberRoles } = API;
var { GroupMembers } = API;
var { GroupMilestones } = API;
var { GroupProtectedEnvironments } = API;
var { GroupPushRules } = API;
var { GroupRelationExports } = API;
var { GroupReleases } = API;
var { GroupRepositoryStorageMoves } = API;
var { Groups } = API;
var { GroupSAMLIdentities } = API;
var { GroupSAMLLinks } = API;
var { GroupSCIMIdentities } = API;
var { GroupServiceAccounts } = API;
var { GroupVariables } = API;
var { GroupWikis } = API;
var { Helm } = API;
var { Import } = API;
var { InstanceLevelCICDVariables } = API;
var { Integrations } = API;
var { IssueAwardEmojis } = API;
var { IssueDiscussions } = API;
var { IssueIterationEvents } = API;
var { IssueLabelEvents } = API;
var { IssueLinks } = API;
var { IssueMilestoneEvents } = API;
var { IssueNoteAwardEmojis } = API;
var { IssueNotes } = API;
var { Issues } = API;
var { IssuesStatistics } = API;
var { IssueStateEvents } = API;
var { IssueWeightEvents } = API;
var { JobArtifacts } = API;
var { Jobs } = API;
var { Keys } = API;
var { License } = API;
var { LicenseTemplates } = API;
var { LinkedEpics } = API;
var { Lint } = API;
var { Markdown } = API;
var { Maven } = API;
var { MergeRequestApprovals } = API;
var { MergeRequestAwardEmojis } = API;
var { MergeRequestContextCommits } = API;
var { MergeRequestDiscussions } = API;
var { MergeRequestDraftNotes } = API;
var { MergeRequestLabelEvents } = API;
var { MergeRequestMilestoneEvents } = API;
var { MergeRequestNoteAwardEmojis } = API;
var { MergeRequestNotes } = API;
var { MergeRequests } = API;
var { MergeTrains } = API;
var { Metadata } = API;
var { Migrations } = API;
var { Namespaces } = API;
var { NotificationSettings } = API;
var { NPM } = API;
var { NuGet } = API;
var { PackageRegistry } = API;
var { Packages } = API;
var { PagesDomains } = API;
var { PersonalAccessTokens } = API;
var { PipelineSchedules } = API;
var { PipelineScheduleVariables } = API;
var { Pipelines } = API;
var { PipelineTriggerTokens } = API;
var { ProductAnalytics } = API;
var { ProjectAccessRequests } = API;
var { ProjectAccessTokens } = API;
var { ProjectAliases } = API;
var { ProjectBadges } = API;
var { ProjectCustomAttributes } = API;
var { ProjectDORA4Metrics } = API;
var { ProjectHooks } = API;
var { ProjectImportExports } = API;
var { ProjectInvitations } = API;
var { ProjectIssueBoards } = API;
var { ProjectIterations } = API;
var { ProjectJobTokenScopes } = API;
var { ProjectLabels } = API;
var { ProjectMarkdownUploads } = API;
var { ProjectMembers } = API;
var { ProjectMilestones } = API;
var { ProjectProtectedEnvironments } = API;
var { ProjectPushRules } = API;
var { ProjectRelationsExport } = API;
var { ProjectReleases } = API;
var { ProjectRemoteMirrors } = API;
var { ProjectRepositoryStorageMoves } = API;
var { Projects } = API;
var { ProjectSnippetAwardEmojis } = API;
var { ProjectSnippetDiscussions } = API;
var { ProjectSnippetNotes } = API;
var { ProjectSnippets } = API;
var { ProjectStatistics } = API;
var { ProjectTemplates } = API;
var { ProjectTerraformState } = API;
var { ProjectVariables } = API;
var { ProjectVulnerabilities } = API;
var { ProjectWikis } = API;
var { ProtectedBranches } = API;
var { ProtectedTags } = API;
var { PyPI } = API;
var { ReleaseLinks } = API;
var { Repositories } = API;
var { RepositoryFiles } = API;
var { RepositorySubmodules } = API;
var { ResourceGroups } = API;
var { RubyGems } = API;
var { Runners } = API;
var { Search } = API;
var { SearchAdmin } = API;
var { SecureFiles } = API;
var { ServiceAccounts } = API;
var { ServiceData } = API;
var { SidekiqMetrics } = API;
var { SidekiqQueues } = API;
var { SnippetRepositoryStorageMoves } = API;
var { Snippets } = API;
var { Suggestions } = API;
var { SystemHooks } = API;
var { Tags } = API;
var { TodoLists } = API;
var { Topics } = API;
var { UserCustomAttributes } = API;
var { UserEmails } = API;
var { UserGPGKeys } = API;
var { UserImpersonationTokens } = API;
var { Users } = API;
var { UserSSHKeys } = API;
var { UserStarredMetricsDashboard } = API;
var { Gitlab } = API;
// forge/gitlab/retrying-requester.ts
const RATE_LIMITED = 429;
const GATEWAY_FAILURES = /* @__PURE__ */ new Set([
	502,
	503,
	504
]);
function retryingRequester(policy) {
	return createRequesterFn((_service, options) => Promise.resolve(options), handlerWith(policy));
}
function handlerWith(policy) {
	return async (endpoint, options) => {
		const { rateLimiters, agent, asStream, prefixUrl, searchParams, method, ...init } = options ?? {};
		const rateLimit = getMatchingRateLimiter(endpoint, rateLimiters, method);
		const base = prefixUrl === void 0 || prefixUrl.endsWith("/") ? prefixUrl : `${prefixUrl}/`;
		const url = new URL(endpoint, base);
		url.search = searchParams ?? "";
		const mode = endpoint.includes("repository/archive") ? "same-origin" : void 0;
		let rateLimitRetries = 0;
		for (let gatewayRetries = 0;;) {
			const request = new Request(url, {
				...init,
				...method ? { method } : {},
				mode
			});
			await rateLimit();
			const response = await fetch(request, ...agent ? [{ dispatcher: agent }] : []).catch((error) => {
				const name = error.name;
				if (name === "TimeoutError" || name === "AbortError") throw new GitbeakerTimeoutError("Query timeout was reached");
				throw error;
			});
			if (response.ok) return parseResponse(response, asStream ?? false);
			let waitSeconds = null;
			if (response.status === RATE_LIMITED) {
				const asked = askedWaitSeconds(response.headers) ?? 60;
				const retrying = rateLimitRetries < 1 && asked <= policy.maxRateLimitWaitSeconds;
				policy.logger?.warn({
					retryAfterSeconds: asked,
					method: request.method,
					url: endpoint,
					retrying
				}, `GitLab rate limit hit${retrying ? `, retrying once in ${asked} s` : asked > policy.maxRateLimitWaitSeconds ? `, giving up: the wait is longer than ${policy.maxRateLimitWaitSeconds} s` : ", giving up"}`);
				if (retrying) {
					rateLimitRetries++;
					waitSeconds = asked;
				}
			} else if (GATEWAY_FAILURES.has(response.status) && gatewayRetries < policy.retries) {
				gatewayRetries++;
				waitSeconds = Math.min(askedWaitSeconds(response.headers) ?? gatewayRetries ** 2, 60);
			}
			if (waitSeconds === null) throw await requestError(request, response);
			await response.body?.cancel();
			await new Promise((resolve) => setTimeout(resolve, waitSeconds * policy.secondMs));
		}
	};
}
function askedWaitSeconds(headers, now = Date.now()) {
	const retryAfter = headers.get("retry-after")?.trim();
	if (retryAfter) {
		if (/^\d+$/.test(retryAfter)) return Number(retryAfter);
		const at = Date.parse(retryAfter);
		if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - now) / 1e3));
	}
	const reset = headers.get("ratelimit-reset")?.trim();
	if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) - Math.floor(now / 1e3));
	return null;
}
async function parseResponse(response, asStream) {
	const headers = Object.fromEntries(response.headers.entries());
	const { status } = response;
	if (asStream) return {
		body: response.body,
		headers,
		status
	};
	if (status === 204) return {
		body: null,
		headers,
		status
	};
	const contentType = (response.headers.get("content-type") ?? "").split(";")[0].trim();
	let body;
	if (contentType === "application/json") body = await response.json() || {};
	else if (contentType.startsWith("text/")) body = await response.text() || "";
	else body = await response.blob();
	return {
		body,
		headers,
		status
	};
}
async function requestError(request, response) {
	const content = await response.text();
	let description = content;
	if (response.headers.get("content-type")?.includes("application/json")) try {
		const parsed = JSON.parse(content);
		const property = parsed?.error || parsed?.message || "";
		description = typeof property === "string" ? property : JSON.stringify(property);
	} catch {}
	return new GitbeakerRequestError(description, { cause: {
		description,
		request,
		response
	} });
}
// forge/gitlab/gitlab-forge.ts
const UPDATED_AFTER_OVERLAP_MS = 6e4;
const NO_REF_FOR_COMMIT = /References for commit Not Found/i;
const DEVELOPER_ACCESS = 30;
const ERROR_PREFIX = "error";
const REFUSED_TRANSITION = /Cannot transition status via :\w+ from :(\w+)/;
var GitLabForge = class {
	kind = "gitlab";
	#token;
	#logger;
	#projects;
	#mergeRequests;
	#notes;
	#files;
	#commits;
	#issues;
	#branches;
	#openMergeRequests = /* @__PURE__ */ new Map();
	#cloneUrls = /* @__PURE__ */ new Map();
	#fullListingEveryMs;
	#listingEntries;
	#users;
	#members;
	constructor(options) {
		this.#token = options.token;
		this.#logger = options.logger;
		this.#fullListingEveryMs = options.fullMergeRequestListingEveryMs ?? 36e5;
		this.#listingEntries = options.mergeRequestListingEntries ?? 256;
		const config = {
			host: options.host ?? "https://gitlab.com",
			token: options.token,
			requesterFn: retryingRequester({
				retries: options.retries ?? 2,
				maxRateLimitWaitSeconds: options.maxRateLimitWaitSeconds ?? 120,
				secondMs: options.retryDelayUnitMs ?? 1e3,
				logger: options.logger
			})
		};
		this.#projects = new Projects(config);
		this.#mergeRequests = new MergeRequests(config);
		this.#notes = new MergeRequestNotes(config);
		this.#files = new RepositoryFiles(config);
		this.#commits = new Commits(config);
		this.#issues = new Issues(config);
		this.#branches = new Branches(config);
		this.#users = new Users(config);
		this.#members = new ProjectMembers(config);
	}
	async getRepository(repo) {
		const project = await this.#project(projectId(repo));
		const slash = project.path_with_namespace.lastIndexOf("/");
		return {
			owner: project.path_with_namespace.slice(0, slash),
			name: project.path,
			defaultBranch: project.default_branch ?? "main",
			cloneUrl: project.http_url_to_repo,
			htmlUrl: project.web_url
		};
	}
	async getPullRequest(repo, number) {
		const mr = await this.#call(`GET ${projectPath(repo)}/merge_requests/${number}`, () => this.#mergeRequests.show(projectId(repo), number));
		return (await this.#toPullRequests([mr]))[0];
	}
	async listOpenPullRequests(repo) {
		const key = projectPath(repo);
		const known = this.#openMergeRequests.get(key);
		this.#openMergeRequests.delete(key);
		const now = Date.now();
		let listing;
		if (!known || known.newest === null || now - known.fullListingAt >= this.#fullListingEveryMs) {
			this.#cloneUrls.clear();
			const mrs = await this.#call(`GET ${key}/merge_requests?state=opened`, () => this.#mergeRequests.all({
				projectId: projectId(repo),
				state: "opened",
				perPage: 100
			}));
			const pulls = await this.#toPullRequests(mrs);
			listing = {
				byNumber: new Map(pulls.map((p) => [p.number, p])),
				newest: newestUpdate(mrs, null),
				fullListingAt: now
			};
		} else {
			const since = (/* @__PURE__ */ new Date(known.newest - UPDATED_AFTER_OVERLAP_MS)).toISOString();
			const mrs = await this.#call(`GET ${key}/merge_requests?updated_after=${since}`, () => this.#mergeRequests.all({
				projectId: projectId(repo),
				updatedAfter: since,
				perPage: 100
			}));
			const byNumber = new Map(known.byNumber);
			const opened = mrs.filter((mr) => mr.state === "opened");
			for (const mr of mrs) if (mr.state !== "opened") byNumber.delete(mr.iid);
			for (const pull of await this.#toPullRequests(opened)) byNumber.set(pull.number, pull);
			listing = {
				byNumber,
				newest: newestUpdate(mrs, known.newest),
				fullListingAt: known.fullListingAt
			};
		}
		this.#openMergeRequests.set(key, listing);
		if (this.#openMergeRequests.size > this.#listingEntries) this.#openMergeRequests.delete(this.#openMergeRequests.keys().next().value);
		return [...listing.byNumber.values()].sort((a, b) => b.number - a.number);
	}
	async listBranches(repo) {
		return (await this.#call(`GET ${projectPath(repo)}/repository/branches`, () => this.#branches.all(projectId(repo), { perPage: 100 }))).map((b) => ({
			name: b.name,
			sha: b.commit.id
		}));
	}
	async createPullRequest(repo, pr) {
		const mr = await this.#call(`POST ${projectPath(repo)}/merge_requests`, () => this.#mergeRequests.create(projectId(repo), pr.head, pr.base, pr.title, { ...pr.body !== void 0 ? { description: pr.body } : {} }));
		return (await this.#toPullRequests([mr]))[0];
	}
	async findOpenPullRequest(repo, head) {
		const mrs = await this.#call(`GET ${projectPath(repo)}/merge_requests?state=opened&source_branch=${head}`, () => this.#mergeRequests.all({
			projectId: projectId(repo),
			state: "opened",
			sourceBranch: head,
			perPage: 100
		}));
		const own = await this.#project(projectId(repo));
		const mr = mrs.find((m) => m.source_branch === head && m.source_project_id === own.id);
		return mr ? (await this.#toPullRequests([mr]))[0] : null;
	}
	async updatePullRequest(repo, number, update) {
		return this.#editMergeRequest(repo, number, {
			...update.title !== void 0 ? { title: update.title } : {},
			...update.body !== void 0 ? { description: update.body } : {}
		});
	}
	async closePullRequest(repo, number) {
		const current = await this.getPullRequest(repo, number);
		if (current.state === "closed") return current;
		return this.#editMergeRequest(repo, number, { stateEvent: "close" });
	}
	async #editMergeRequest(repo, number, fields) {
		const mr = await this.#call(`PUT ${projectPath(repo)}/merge_requests/${number}`, () => this.#mergeRequests.edit(projectId(repo), number, fields));
		return (await this.#toPullRequests([mr]))[0];
	}
	async getFileContent(repo, path, ref) {
		const what = `GET ${projectPath(repo)}/repository/files/${path}/raw?ref=${ref}`;
		try {
			const body = await this.#files.showRaw(projectId(repo), path, ref);
			return typeof body === "string" ? body : await body.text();
		} catch (error) {
			const failure = toForgeError(error, what);
			if (failure.status === 404 && !/Project Not Found/i.test(failure.message)) return null;
			throw failure;
		}
	}
	async setCommitStatus(repo, sha, status) {
		const description = status.state === "error" ? status.description ? `${ERROR_PREFIX}: ${status.description}` : ERROR_PREFIX : status.description;
		let ref;
		const post = (state) => this.#call(`POST ${projectPath(repo)}/statuses/${sha}`, () => this.#commits.editStatus(projectId(repo), sha, state, {
			name: status.context,
			...ref !== void 0 ? { ref } : {},
			...description !== void 0 ? { description: truncateDescription(description) } : {},
			...status.targetUrl !== void 0 ? { targetUrl: status.targetUrl } : {}
		}));
		let state = toGitLabState(status.state);
		for (;;) try {
			await post(state);
			return;
		} catch (error) {
			if (ref === void 0 && error instanceof ForgeError && NO_REF_FOR_COMMIT.test(error.message)) {
				ref = await this.#mergeRequestRefOf(repo, sha);
				if (ref !== void 0) continue;
			}
			const current = error instanceof ForgeError ? refusedFrom(error) : null;
			if (current === null) throw error;
			if (state === "pending" && current === "pending") {
				state = "running";
				continue;
			}
			if (toCommitState(current) !== status.state) throw error;
			this.#logger?.debug({
				context: status.context,
				sha,
				state: current
			}, "GitLab commit status already in the state asked for");
			return;
		}
	}
	async #mergeRequestRefOf(repo, sha) {
		const mrs = await this.#call(`GET ${projectPath(repo)}/repository/commits/${sha}/merge_requests`, () => this.#commits.allMergeRequests(projectId(repo), sha));
		const mr = mrs.find((m) => m.sha === sha && m.state === "opened") ?? mrs[0];
		return mr ? `refs/merge-requests/${mr.iid}/head` : void 0;
	}
	async listCommitStatuses(repo, sha) {
		const statuses = await this.#statuses(repo, sha, false);
		const newest = /* @__PURE__ */ new Map();
		for (const s of statuses) {
			const seen = newest.get(s.name);
			if (!seen || seen.id < s.id) newest.set(s.name, s);
		}
		return [...newest.values()].sort((a, b) => a.id - b.id).map(toStatus);
	}
	async listCommitStatusHistory(repo, sha) {
		return [...await this.#statuses(repo, sha, true)].sort((a, b) => a.id - b.id).map(toStatus);
	}
	async createIssueComment(repo, number, body) {
		await this.#call(`POST ${projectPath(repo)}/merge_requests/${number}/notes`, () => this.#notes.create(projectId(repo), number, body));
	}
	async listIssueComments(repo, number) {
		return (await this.#call(`GET ${projectPath(repo)}/merge_requests/${number}/notes`, () => this.#notes.all(projectId(repo), number, {
			orderBy: "created_at",
			sort: "asc",
			perPage: 100
		}))).filter((n) => !n.system).map((n) => ({
			author: String(n.author?.username ?? ""),
			body: String(n.body ?? "")
		}));
	}
	async removePullRequestLabel(repo, number, label) {
		await this.#call(`PUT ${projectPath(repo)}/merge_requests/${number}`, () => this.#mergeRequests.edit(projectId(repo), number, { removeLabels: label }));
	}
	async hasWriteAccess(repo, login) {
		const user = (await this.#call(`GET /users?username=${encodeURIComponent(login)}`, () => this.#users.all({ username: login }))).find((u) => u.username.toLowerCase() === login.toLowerCase());
		if (!user) return false;
		try {
			return (await this.#call(`GET ${projectPath(repo)}/members/all/${user.id}`, () => this.#members.show(projectId(repo), user.id, { includeInherited: true }))).access_level >= DEVELOPER_ACCESS;
		} catch (error) {
			if (error instanceof ForgeError && error.status === 404) return false;
			throw error;
		}
	}
	async findOpenIssue(repo, title) {
		const matches = (await this.#call(`GET ${projectPath(repo)}/issues?state=opened`, () => this.#issues.all({
			projectId: projectId(repo),
			state: "opened",
			search: title,
			in: "title",
			perPage: 100
		}))).filter((i) => i.title === title).sort((a, b) => a.iid - b.iid);
		return matches[0] ? toIssue(matches[0]) : null;
	}
	async createIssue(repo, issue) {
		return toIssue(await this.#call(`POST ${projectPath(repo)}/issues`, () => this.#issues.create(projectId(repo), issue.title, {
			description: issue.body,
			...issue.labels?.length ? { labels: issue.labels.join(",") } : {}
		})));
	}
	async updateIssue(repo, number, update) {
		return this.#editIssue(repo, number, {
			...update.title !== void 0 ? { title: update.title } : {},
			...update.body !== void 0 ? { description: update.body } : {}
		});
	}
	async closeIssue(repo, number) {
		return this.#editIssue(repo, number, { stateEvent: "close" });
	}
	async #editIssue(repo, number, fields) {
		return toIssue(await this.#call(`PUT ${projectPath(repo)}/issues/${number}`, () => this.#issues.edit(projectId(repo), number, fields)));
	}
	gitCredentials() {
		return {
			username: "oauth2",
			password: this.#token
		};
	}
	async #statuses(repo, sha, all) {
		const query = {
			all,
			orderBy: "id",
			sort: "asc",
			perPage: 100
		};
		return await this.#call(`GET ${projectPath(repo)}/repository/commits/${sha}/statuses`, () => this.#commits.allStatuses(projectId(repo), sha, query));
	}
	async #project(id) {
		return await this.#call(`GET /projects/${encodeURIComponent(id)}`, () => this.#projects.show(id));
	}
	async #toPullRequests(mrs) {
		const cloneUrl = (id) => {
			let url = this.#cloneUrls.get(id);
			if (!url) {
				url = this.#project(id).then((p) => p.http_url_to_repo);
				url.catch(() => this.#cloneUrls.delete(id));
				if (this.#cloneUrls.size >= 1024) this.#cloneUrls.clear();
				this.#cloneUrls.set(id, url);
			}
			return url;
		};
		return Promise.all(mrs.map(async (mr) => ({
			number: mr.iid,
			state: mr.state === "opened" ? "open" : "closed",
			title: mr.title,
			body: mr.description ?? "",
			author: mr.author?.username ?? "ghost",
			headSha: mr.sha,
			headRef: mr.source_branch,
			baseRef: mr.target_branch,
			htmlUrl: mr.web_url,
			headCloneUrl: await cloneUrl(mr.source_project_id)
		})));
	}
	async #call(what, request) {
		try {
			return await request();
		} catch (error) {
			throw toForgeError(error, what);
		}
	}
};
function toIssue(issue) {
	return {
		number: issue.iid,
		state: issue.state === "opened" ? "open" : "closed",
		title: issue.title,
		body: issue.description ?? "",
		labels: [...issue.labels],
		htmlUrl: issue.web_url
	};
}
function projectId(repo) {
	return `${repo.owner}/${repo.name}`;
}
function projectPath(repo) {
	return `/projects/${encodeURIComponent(projectId(repo))}`;
}
function toGitLabState(state) {
	switch (state) {
		case "pending": return "pending";
		case "success": return "success";
		case "failure":
		case "error": return "failed";
	}
}
function toCommitState(status) {
	switch (status) {
		case "success": return "success";
		case "failed": return "failure";
		case "canceled":
		case "skipped": return "error";
		default: return "pending";
	}
}
function toStatus(s) {
	let state = toCommitState(s.status);
	let description = s.description;
	if (state === "failure" && (description === ERROR_PREFIX || description?.startsWith(`${ERROR_PREFIX}: `))) {
		state = "error";
		description = description.slice(7) || null;
	}
	return {
		state,
		context: s.name,
		...description ? { description } : {},
		...s.target_url ? { targetUrl: s.target_url } : {},
		createdAt: s.finished_at ?? s.started_at ?? s.created_at
	};
}
function refusedFrom(error) {
	return error.status === 400 ? REFUSED_TRANSITION.exec(error.message)?.[1] ?? null : null;
}
function toForgeError(error, what) {
	if (error instanceof ForgeError) return error;
	if (error instanceof GitbeakerRequestError) {
		const response = error.cause?.response;
		const status = response?.status ?? 0;
		const retryAfter = response?.headers.get("retry-after");
		const after = retryAfter ? ` (retry after ${retryAfter}${/^\d+$/.test(retryAfter) ? " s" : ""})` : "";
		return new ForgeError(`${what}: ${status || "network error"} ${error.message.trim()}${after}`, status);
	}
	return new ForgeError(`${what}: network error ${error.message}`, 0);
}
function newestUpdate(mrs, since) {
	return mrs.reduce((newest, mr) => {
		const at = Date.parse(mr.updated_at);
		return Number.isNaN(at) || newest !== null && newest >= at ? newest : at;
	}, since);
}
export { GitLabForge };
