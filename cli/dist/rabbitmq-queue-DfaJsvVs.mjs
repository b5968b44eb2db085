import { i as __require, o as __toESM, t as __commonJSMin } from "./rolldown-runtime-C-QR9u70.mjs";
import { a as sleep, i as retryWithBackoff, r as describeUrl } from "./postgres-database-C-oBTyWw.mjs";
import { i as defaultQueueTuning, n as QueueClosedError, o as serializePayload, r as backoffMs, s as statusFromRow, t as LeaseLostError } from "./queue-xlij9ODj.mjs";
import { EventEmitter } from "node:events";
import { createHash, randomUUID } from "node:crypto";
// node_modules/amqplib/lib/codec.js
var require_codec = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	function isFloatingPoint(n) {
		return n >= 0x8000000000000000 || Math.abs(n) < 0x4000000000000 && Math.floor(n) !== n;
	}
	function checkSpace(buffer, offset, size) {
		if (offset + size > buffer.length) throw new RangeError(`Encoded field table (headers or arguments) exceeds the ${buffer.length} byte encoding buffer`);
	}
	function encodeTable(buffer, val, offset) {
		const start = offset;
		checkSpace(buffer, offset, 4);
		offset += 4;
		for (const key in val) if (val[key] !== void 0) {
			const len = Buffer.byteLength(key);
			checkSpace(buffer, offset, 1 + len);
			buffer.writeUInt8(len, offset);
			offset++;
			buffer.write(key, offset, "utf8");
			offset += len;
			offset += encodeFieldValue(buffer, val[key], offset);
		}
		const size = offset - start;
		buffer.writeUInt32BE(size - 4, start);
		return size;
	}
	function encodeArray(buffer, val, offset) {
		const start = offset;
		checkSpace(buffer, offset, 4);
		offset += 4;
		for (let i = 0, num = val.length; i < num; i++) offset += encodeFieldValue(buffer, val[i], offset);
		const size = offset - start;
		buffer.writeUInt32BE(size - 4, start);
		return size;
	}
	function encodeFieldValue(buffer, value, offset) {
		const start = offset;
		let type = typeof value;
		let val = value;
		if (value && type === "object" && Object.hasOwn(value, "!")) {
			val = value.value;
			type = value["!"];
		}
		if (type === "number") {
			if (isFloatingPoint(val)) type = "double";
			else if (val < 128 && val >= -128) type = "byte";
			else if (val >= -32768 && val < 32768) type = "short";
			else if (val >= -2147483648 && val < 2147483648) type = "int";
			else type = "long";
		}
		function tag(t) {
			checkSpace(buffer, offset, 1);
			buffer.write(t, offset);
			offset++;
		}
		switch (type) {
			case "string": {
				const len = Buffer.byteLength(val, "utf8");
				tag("S");
				checkSpace(buffer, offset, 4 + len);
				buffer.writeUInt32BE(len, offset);
				offset += 4;
				buffer.write(val, offset, "utf8");
				offset += len;
				break;
			}
			case "object":
				if (val === null) tag("V");
				else if (Array.isArray(val)) {
					tag("A");
					offset += encodeArray(buffer, val, offset);
				} else if (Buffer.isBuffer(val)) {
					tag("x");
					checkSpace(buffer, offset, 4 + val.length);
					buffer.writeUInt32BE(val.length, offset);
					offset += 4;
					val.copy(buffer, offset);
					offset += val.length;
				} else {
					tag("F");
					offset += encodeTable(buffer, val, offset);
				}
				break;
			case "boolean":
				tag("t");
				checkSpace(buffer, offset, 1);
				buffer.writeUInt8(val ? 1 : 0, offset);
				offset++;
				break;
			case "double":
			case "float64":
				tag("d");
				checkSpace(buffer, offset, 8);
				buffer.writeDoubleBE(val, offset);
				offset += 8;
				break;
			case "byte":
			case "int8":
				tag("b");
				checkSpace(buffer, offset, 1);
				buffer.writeInt8(val, offset);
				offset++;
				break;
			case "unsignedbyte":
			case "uint8":
				tag("B");
				checkSpace(buffer, offset, 1);
				buffer.writeUInt8(val, offset);
				offset++;
				break;
			case "short":
			case "int16":
				tag("s");
				checkSpace(buffer, offset, 2);
				buffer.writeInt16BE(val, offset);
				offset += 2;
				break;
			case "unsignedshort":
			case "uint16":
				tag("u");
				checkSpace(buffer, offset, 2);
				buffer.writeUInt16BE(val, offset);
				offset += 2;
				break;
			case "int":
			case "int32":
				tag("I");
				checkSpace(buffer, offset, 4);
				buffer.writeInt32BE(val, offset);
				offset += 4;
				break;
			case "unsignedint":
			case "uint32":
				tag("i");
				checkSpace(buffer, offset, 4);
				buffer.writeUInt32BE(val, offset);
				offset += 4;
				break;
			case "long":
			case "int64":
				tag("l");
				checkSpace(buffer, offset, 8);
				buffer.writeBigInt64BE(BigInt(val), offset);
				offset += 8;
				break;
			case "timestamp":
				tag("T");
				checkSpace(buffer, offset, 8);
				buffer.writeBigUInt64BE(BigInt(val), offset);
				offset += 8;
				break;
			case "float":
				tag("f");
				checkSpace(buffer, offset, 4);
				buffer.writeFloatBE(val, offset);
				offset += 4;
				break;
			case "decimal":
				tag("D");
				if (Object.hasOwn(val, "places") && Object.hasOwn(val, "digits") && val.places >= 0 && val.places < 256) {
					checkSpace(buffer, offset, 5);
					buffer[offset] = val.places;
					offset++;
					buffer.writeUInt32BE(val.digits, offset);
					offset += 4;
				} else throw new TypeError(`Decimal value must be {'places': 0..255, 'digits': uint32}, got ${JSON.stringify(val)}`);
				break;
			default: throw new TypeError(`Unknown type to encode: ${type}`);
		}
		return offset - start;
	}
	function decodeFields(slice) {
		const fields = {};
		let offset = 0;
		const size = slice.length;
		let len;
		let key;
		let val;
		function decodeFieldValue() {
			const tag = String.fromCharCode(slice[offset]);
			offset++;
			switch (tag) {
				case "b":
					val = slice.readInt8(offset);
					offset++;
					break;
				case "B":
					val = slice.readUInt8(offset);
					offset++;
					break;
				case "S":
					len = slice.readUInt32BE(offset);
					offset += 4;
					val = slice.toString("utf8", offset, offset + len);
					offset += len;
					break;
				case "I":
					val = slice.readInt32BE(offset);
					offset += 4;
					break;
				case "i":
					val = slice.readUInt32BE(offset);
					offset += 4;
					break;
				case "D": {
					const places = slice[offset];
					offset++;
					const digits = slice.readUInt32BE(offset);
					offset += 4;
					val = {
						"!": "decimal",
						value: {
							places,
							digits
						}
					};
					break;
				}
				case "T":
					val = Number(slice.readBigUInt64BE(offset));
					offset += 8;
					val = {
						"!": "timestamp",
						value: val
					};
					break;
				case "F":
					len = slice.readUInt32BE(offset);
					offset += 4;
					val = decodeFields(slice.subarray(offset, offset + len));
					offset += len;
					break;
				case "A":
					len = slice.readUInt32BE(offset);
					offset += 4;
					decodeArray(offset + len);
					break;
				case "d":
					val = slice.readDoubleBE(offset);
					offset += 8;
					break;
				case "f":
					val = slice.readFloatBE(offset);
					offset += 4;
					break;
				case "l":
					val = Number(slice.readBigInt64BE(offset));
					offset += 8;
					break;
				case "s":
					val = slice.readInt16BE(offset);
					offset += 2;
					break;
				case "u":
					val = slice.readUInt16BE(offset);
					offset += 2;
					break;
				case "t":
					val = slice[offset] !== 0;
					offset++;
					break;
				case "V":
					val = null;
					break;
				case "x":
					len = slice.readUInt32BE(offset);
					offset += 4;
					val = slice.subarray(offset, offset + len);
					offset += len;
					break;
				default: throw new TypeError(`Unexpected type tag "${tag}"`);
			}
		}
		function decodeArray(until) {
			const vals = [];
			while (offset < until) {
				decodeFieldValue();
				vals.push(val);
			}
			val = vals;
		}
		while (offset < size) {
			len = slice.readUInt8(offset);
			offset++;
			key = slice.toString("utf8", offset, offset + len);
			offset += len;
			decodeFieldValue();
			fields[key] = val;
		}
		return fields;
	}
	module.exports.encodeTable = encodeTable;
	module.exports.decodeFields = decodeFields;
}));
// node_modules/amqplib/lib/defs.js
/** @preserve This file is generated by the script
* ../bin/generate-defs.js, which is not in general included in a
* distribution, but is available in the source repository e.g. at
* https://github.com/amqp-node/amqplib/
*/
var require_defs = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	function decodeBasicQos(buffer) {
		var val, offset = 0, fields = {
			prefetchSize: void 0,
			prefetchCount: void 0,
			global: void 0
		};
		val = buffer.readUInt32BE(offset);
		offset += 4;
		fields.prefetchSize = val;
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.prefetchCount = val;
		val = !!(1 & buffer[offset]);
		fields.global = val;
		return fields;
	}
	function encodeBasicQos(channel, fields) {
		var offset = 0, val = null, bits = 0, buffer = Buffer.alloc(19);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932170, 7);
		offset = 11;
		val = fields.prefetchSize;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'prefetchSize' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt32BE(val, offset);
		offset += 4;
		val = fields.prefetchCount;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'prefetchCount' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.global;
		void 0 === val && (val = !1);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicQosOk(buffer) {
		return {};
	}
	function encodeBasicQosOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932171, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicConsume(buffer) {
		var val, len, offset = 0, fields = {
			ticket: void 0,
			queue: void 0,
			consumerTag: void 0,
			noLocal: void 0,
			noAck: void 0,
			exclusive: void 0,
			nowait: void 0,
			arguments: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.ticket = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.queue = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.consumerTag = val;
		val = !!(1 & buffer[offset]);
		fields.noLocal = val;
		val = !!(2 & buffer[offset]);
		fields.noAck = val;
		val = !!(4 & buffer[offset]);
		fields.exclusive = val;
		val = !!(8 & buffer[offset]);
		fields.nowait = val;
		offset++;
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = decodeFields(buffer.subarray(offset, offset + len));
		offset += len;
		fields.arguments = val;
		return fields;
	}
	function encodeBasicConsume(channel, fields) {
		var len, offset = 0, val = null, bits = 0, varyingSize = 0, scratchOffset = 0;
		val = fields.queue;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'queue' is the wrong type; must be a string (up to 255 chars)");
		var queue_len = Buffer.byteLength(val, "utf8");
		varyingSize += queue_len;
		val = fields.consumerTag;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'consumerTag' is the wrong type; must be a string (up to 255 chars)");
		var consumerTag_len = Buffer.byteLength(val, "utf8");
		varyingSize += consumerTag_len;
		val = fields.arguments;
		if (void 0 === val) val = {};
		else if ("object" != typeof val) throw new TypeError("Field 'arguments' is the wrong type; must be an object");
		len = encodeTable(SCRATCH, val, scratchOffset);
		var arguments_encoded = SCRATCH.slice(scratchOffset, scratchOffset + len);
		scratchOffset += len;
		varyingSize += arguments_encoded.length;
		var buffer = Buffer.alloc(17 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932180, 7);
		offset = 11;
		val = fields.ticket;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'ticket' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.queue;
		void 0 === val && (val = "");
		buffer[offset] = queue_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += queue_len;
		val = fields.consumerTag;
		void 0 === val && (val = "");
		buffer[offset] = consumerTag_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += consumerTag_len;
		val = fields.noLocal;
		void 0 === val && (val = !1);
		val && (bits += 1);
		val = fields.noAck;
		void 0 === val && (val = !1);
		val && (bits += 2);
		val = fields.exclusive;
		void 0 === val && (val = !1);
		val && (bits += 4);
		val = fields.nowait;
		void 0 === val && (val = !1);
		val && (bits += 8);
		buffer[offset] = bits;
		offset++;
		bits = 0;
		offset += arguments_encoded.copy(buffer, offset);
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicConsumeOk(buffer) {
		var val, len, offset = 0, fields = { consumerTag: void 0 };
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.consumerTag = val;
		return fields;
	}
	function encodeBasicConsumeOk(channel, fields) {
		var offset = 0, val = null, varyingSize = 0;
		val = fields.consumerTag;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'consumerTag'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'consumerTag' is the wrong type; must be a string (up to 255 chars)");
		var consumerTag_len = Buffer.byteLength(val, "utf8");
		varyingSize += consumerTag_len;
		var buffer = Buffer.alloc(13 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932181, 7);
		offset = 11;
		val = fields.consumerTag;
		void 0 === val && (val = void 0);
		buffer[offset] = consumerTag_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += consumerTag_len;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicCancel(buffer) {
		var val, len, offset = 0, fields = {
			consumerTag: void 0,
			nowait: void 0
		};
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.consumerTag = val;
		val = !!(1 & buffer[offset]);
		fields.nowait = val;
		return fields;
	}
	function encodeBasicCancel(channel, fields) {
		var offset = 0, val = null, bits = 0, varyingSize = 0;
		val = fields.consumerTag;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'consumerTag'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'consumerTag' is the wrong type; must be a string (up to 255 chars)");
		var consumerTag_len = Buffer.byteLength(val, "utf8");
		varyingSize += consumerTag_len;
		var buffer = Buffer.alloc(14 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932190, 7);
		offset = 11;
		val = fields.consumerTag;
		void 0 === val && (val = void 0);
		buffer[offset] = consumerTag_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += consumerTag_len;
		val = fields.nowait;
		void 0 === val && (val = !1);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicCancelOk(buffer) {
		var val, len, offset = 0, fields = { consumerTag: void 0 };
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.consumerTag = val;
		return fields;
	}
	function encodeBasicCancelOk(channel, fields) {
		var offset = 0, val = null, varyingSize = 0;
		val = fields.consumerTag;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'consumerTag'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'consumerTag' is the wrong type; must be a string (up to 255 chars)");
		var consumerTag_len = Buffer.byteLength(val, "utf8");
		varyingSize += consumerTag_len;
		var buffer = Buffer.alloc(13 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932191, 7);
		offset = 11;
		val = fields.consumerTag;
		void 0 === val && (val = void 0);
		buffer[offset] = consumerTag_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += consumerTag_len;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicPublish(buffer) {
		var val, len, offset = 0, fields = {
			ticket: void 0,
			exchange: void 0,
			routingKey: void 0,
			mandatory: void 0,
			immediate: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.ticket = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.exchange = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.routingKey = val;
		val = !!(1 & buffer[offset]);
		fields.mandatory = val;
		val = !!(2 & buffer[offset]);
		fields.immediate = val;
		return fields;
	}
	function encodeBasicPublish(channel, fields) {
		var offset = 0, val = null, bits = 0, varyingSize = 0;
		val = fields.exchange;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'exchange' is the wrong type; must be a string (up to 255 chars)");
		var exchange_len = Buffer.byteLength(val, "utf8");
		varyingSize += exchange_len;
		val = fields.routingKey;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'routingKey' is the wrong type; must be a string (up to 255 chars)");
		var routingKey_len = Buffer.byteLength(val, "utf8");
		varyingSize += routingKey_len;
		var buffer = Buffer.alloc(17 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932200, 7);
		offset = 11;
		val = fields.ticket;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'ticket' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.exchange;
		void 0 === val && (val = "");
		buffer[offset] = exchange_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += exchange_len;
		val = fields.routingKey;
		void 0 === val && (val = "");
		buffer[offset] = routingKey_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += routingKey_len;
		val = fields.mandatory;
		void 0 === val && (val = !1);
		val && (bits += 1);
		val = fields.immediate;
		void 0 === val && (val = !1);
		val && (bits += 2);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicReturn(buffer) {
		var val, len, offset = 0, fields = {
			replyCode: void 0,
			replyText: void 0,
			exchange: void 0,
			routingKey: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.replyCode = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.replyText = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.exchange = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.routingKey = val;
		return fields;
	}
	function encodeBasicReturn(channel, fields) {
		var offset = 0, val = null, varyingSize = 0;
		val = fields.replyText;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'replyText' is the wrong type; must be a string (up to 255 chars)");
		var replyText_len = Buffer.byteLength(val, "utf8");
		varyingSize += replyText_len;
		val = fields.exchange;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'exchange'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'exchange' is the wrong type; must be a string (up to 255 chars)");
		var exchange_len = Buffer.byteLength(val, "utf8");
		varyingSize += exchange_len;
		val = fields.routingKey;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'routingKey'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'routingKey' is the wrong type; must be a string (up to 255 chars)");
		var routingKey_len = Buffer.byteLength(val, "utf8");
		varyingSize += routingKey_len;
		var buffer = Buffer.alloc(17 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932210, 7);
		offset = 11;
		val = fields.replyCode;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'replyCode'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'replyCode' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.replyText;
		void 0 === val && (val = "");
		buffer[offset] = replyText_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += replyText_len;
		val = fields.exchange;
		void 0 === val && (val = void 0);
		buffer[offset] = exchange_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += exchange_len;
		val = fields.routingKey;
		void 0 === val && (val = void 0);
		buffer[offset] = routingKey_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += routingKey_len;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicDeliver(buffer) {
		var val, len, offset = 0, fields = {
			consumerTag: void 0,
			deliveryTag: void 0,
			redelivered: void 0,
			exchange: void 0,
			routingKey: void 0
		};
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.consumerTag = val;
		val = Number(buffer.readBigUInt64BE(offset));
		offset += 8;
		fields.deliveryTag = val;
		val = !!(1 & buffer[offset]);
		fields.redelivered = val;
		offset++;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.exchange = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.routingKey = val;
		return fields;
	}
	function encodeBasicDeliver(channel, fields) {
		var offset = 0, val = null, bits = 0, varyingSize = 0;
		val = fields.consumerTag;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'consumerTag'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'consumerTag' is the wrong type; must be a string (up to 255 chars)");
		var consumerTag_len = Buffer.byteLength(val, "utf8");
		varyingSize += consumerTag_len;
		val = fields.exchange;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'exchange'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'exchange' is the wrong type; must be a string (up to 255 chars)");
		var exchange_len = Buffer.byteLength(val, "utf8");
		varyingSize += exchange_len;
		val = fields.routingKey;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'routingKey'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'routingKey' is the wrong type; must be a string (up to 255 chars)");
		var routingKey_len = Buffer.byteLength(val, "utf8");
		varyingSize += routingKey_len;
		var buffer = Buffer.alloc(24 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932220, 7);
		offset = 11;
		val = fields.consumerTag;
		void 0 === val && (val = void 0);
		buffer[offset] = consumerTag_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += consumerTag_len;
		val = fields.deliveryTag;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'deliveryTag'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'deliveryTag' is the wrong type; must be a number (but not NaN)");
		buffer.writeBigUInt64BE(BigInt(val), offset);
		offset += 8;
		val = fields.redelivered;
		void 0 === val && (val = !1);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		bits = 0;
		val = fields.exchange;
		void 0 === val && (val = void 0);
		buffer[offset] = exchange_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += exchange_len;
		val = fields.routingKey;
		void 0 === val && (val = void 0);
		buffer[offset] = routingKey_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += routingKey_len;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicGet(buffer) {
		var val, len, offset = 0, fields = {
			ticket: void 0,
			queue: void 0,
			noAck: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.ticket = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.queue = val;
		val = !!(1 & buffer[offset]);
		fields.noAck = val;
		return fields;
	}
	function encodeBasicGet(channel, fields) {
		var offset = 0, val = null, bits = 0, varyingSize = 0;
		val = fields.queue;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'queue' is the wrong type; must be a string (up to 255 chars)");
		var queue_len = Buffer.byteLength(val, "utf8");
		varyingSize += queue_len;
		var buffer = Buffer.alloc(16 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932230, 7);
		offset = 11;
		val = fields.ticket;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'ticket' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.queue;
		void 0 === val && (val = "");
		buffer[offset] = queue_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += queue_len;
		val = fields.noAck;
		void 0 === val && (val = !1);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicGetOk(buffer) {
		var val, len, offset = 0, fields = {
			deliveryTag: void 0,
			redelivered: void 0,
			exchange: void 0,
			routingKey: void 0,
			messageCount: void 0
		};
		val = Number(buffer.readBigUInt64BE(offset));
		offset += 8;
		fields.deliveryTag = val;
		val = !!(1 & buffer[offset]);
		fields.redelivered = val;
		offset++;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.exchange = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.routingKey = val;
		val = buffer.readUInt32BE(offset);
		offset += 4;
		fields.messageCount = val;
		return fields;
	}
	function encodeBasicGetOk(channel, fields) {
		var offset = 0, val = null, bits = 0, varyingSize = 0;
		val = fields.exchange;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'exchange'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'exchange' is the wrong type; must be a string (up to 255 chars)");
		var exchange_len = Buffer.byteLength(val, "utf8");
		varyingSize += exchange_len;
		val = fields.routingKey;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'routingKey'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'routingKey' is the wrong type; must be a string (up to 255 chars)");
		var routingKey_len = Buffer.byteLength(val, "utf8");
		varyingSize += routingKey_len;
		var buffer = Buffer.alloc(27 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932231, 7);
		offset = 11;
		val = fields.deliveryTag;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'deliveryTag'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'deliveryTag' is the wrong type; must be a number (but not NaN)");
		buffer.writeBigUInt64BE(BigInt(val), offset);
		offset += 8;
		val = fields.redelivered;
		void 0 === val && (val = !1);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		bits = 0;
		val = fields.exchange;
		void 0 === val && (val = void 0);
		buffer[offset] = exchange_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += exchange_len;
		val = fields.routingKey;
		void 0 === val && (val = void 0);
		buffer[offset] = routingKey_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += routingKey_len;
		val = fields.messageCount;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'messageCount'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'messageCount' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt32BE(val, offset);
		offset += 4;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicGetEmpty(buffer) {
		var val, len, offset = 0, fields = { clusterId: void 0 };
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.clusterId = val;
		return fields;
	}
	function encodeBasicGetEmpty(channel, fields) {
		var offset = 0, val = null, varyingSize = 0;
		val = fields.clusterId;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'clusterId' is the wrong type; must be a string (up to 255 chars)");
		var clusterId_len = Buffer.byteLength(val, "utf8");
		varyingSize += clusterId_len;
		var buffer = Buffer.alloc(13 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932232, 7);
		offset = 11;
		val = fields.clusterId;
		void 0 === val && (val = "");
		buffer[offset] = clusterId_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += clusterId_len;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicAck(buffer) {
		var val, offset = 0, fields = {
			deliveryTag: void 0,
			multiple: void 0
		};
		val = Number(buffer.readBigUInt64BE(offset));
		offset += 8;
		fields.deliveryTag = val;
		val = !!(1 & buffer[offset]);
		fields.multiple = val;
		return fields;
	}
	function encodeBasicAck(channel, fields) {
		var offset = 0, val = null, bits = 0, buffer = Buffer.alloc(21);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932240, 7);
		offset = 11;
		val = fields.deliveryTag;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'deliveryTag' is the wrong type; must be a number (but not NaN)");
		buffer.writeBigUInt64BE(BigInt(val), offset);
		offset += 8;
		val = fields.multiple;
		void 0 === val && (val = !1);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicReject(buffer) {
		var val, offset = 0, fields = {
			deliveryTag: void 0,
			requeue: void 0
		};
		val = Number(buffer.readBigUInt64BE(offset));
		offset += 8;
		fields.deliveryTag = val;
		val = !!(1 & buffer[offset]);
		fields.requeue = val;
		return fields;
	}
	function encodeBasicReject(channel, fields) {
		var offset = 0, val = null, bits = 0, buffer = Buffer.alloc(21);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932250, 7);
		offset = 11;
		val = fields.deliveryTag;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'deliveryTag'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'deliveryTag' is the wrong type; must be a number (but not NaN)");
		buffer.writeBigUInt64BE(BigInt(val), offset);
		offset += 8;
		val = fields.requeue;
		void 0 === val && (val = !0);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicRecoverAsync(buffer) {
		var val, fields = { requeue: void 0 };
		val = !!(1 & buffer[0]);
		fields.requeue = val;
		return fields;
	}
	function encodeBasicRecoverAsync(channel, fields) {
		var offset = 0, val = null, bits = 0, buffer = Buffer.alloc(13);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932260, 7);
		offset = 11;
		val = fields.requeue;
		void 0 === val && (val = !1);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicRecover(buffer) {
		var val, fields = { requeue: void 0 };
		val = !!(1 & buffer[0]);
		fields.requeue = val;
		return fields;
	}
	function encodeBasicRecover(channel, fields) {
		var offset = 0, val = null, bits = 0, buffer = Buffer.alloc(13);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932270, 7);
		offset = 11;
		val = fields.requeue;
		void 0 === val && (val = !1);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicRecoverOk(buffer) {
		return {};
	}
	function encodeBasicRecoverOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932271, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeBasicNack(buffer) {
		var val, offset = 0, fields = {
			deliveryTag: void 0,
			multiple: void 0,
			requeue: void 0
		};
		val = Number(buffer.readBigUInt64BE(offset));
		offset += 8;
		fields.deliveryTag = val;
		val = !!(1 & buffer[offset]);
		fields.multiple = val;
		val = !!(2 & buffer[offset]);
		fields.requeue = val;
		return fields;
	}
	function encodeBasicNack(channel, fields) {
		var offset = 0, val = null, bits = 0, buffer = Buffer.alloc(21);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932280, 7);
		offset = 11;
		val = fields.deliveryTag;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'deliveryTag' is the wrong type; must be a number (but not NaN)");
		buffer.writeBigUInt64BE(BigInt(val), offset);
		offset += 8;
		val = fields.multiple;
		void 0 === val && (val = !1);
		val && (bits += 1);
		val = fields.requeue;
		void 0 === val && (val = !0);
		val && (bits += 2);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConnectionStart(buffer) {
		var val, len, offset = 0, fields = {
			versionMajor: void 0,
			versionMinor: void 0,
			serverProperties: void 0,
			mechanisms: void 0,
			locales: void 0
		};
		val = buffer[offset];
		offset++;
		fields.versionMajor = val;
		val = buffer[offset];
		offset++;
		fields.versionMinor = val;
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = decodeFields(buffer.subarray(offset, offset + len));
		offset += len;
		fields.serverProperties = val;
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = buffer.subarray(offset, offset + len);
		offset += len;
		fields.mechanisms = val;
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = buffer.subarray(offset, offset + len);
		offset += len;
		fields.locales = val;
		return fields;
	}
	function encodeConnectionStart(channel, fields) {
		var len, offset = 0, val = null, varyingSize = 0, scratchOffset = 0;
		val = fields.serverProperties;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'serverProperties'");
		if ("object" != typeof val) throw new TypeError("Field 'serverProperties' is the wrong type; must be an object");
		len = encodeTable(SCRATCH, val, scratchOffset);
		var serverProperties_encoded = SCRATCH.slice(scratchOffset, scratchOffset + len);
		scratchOffset += len;
		varyingSize += serverProperties_encoded.length;
		val = fields.mechanisms;
		if (void 0 === val) val = Buffer.from("PLAIN");
		else if (!Buffer.isBuffer(val)) throw new TypeError("Field 'mechanisms' is the wrong type; must be a Buffer");
		varyingSize += val.length;
		val = fields.locales;
		if (void 0 === val) val = Buffer.from("en_US");
		else if (!Buffer.isBuffer(val)) throw new TypeError("Field 'locales' is the wrong type; must be a Buffer");
		varyingSize += val.length;
		var buffer = Buffer.alloc(22 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(655370, 7);
		offset = 11;
		val = fields.versionMajor;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'versionMajor' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt8(val, offset);
		offset++;
		val = fields.versionMinor;
		if (void 0 === val) val = 9;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'versionMinor' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt8(val, offset);
		offset++;
		offset += serverProperties_encoded.copy(buffer, offset);
		val = fields.mechanisms;
		void 0 === val && (val = Buffer.from("PLAIN"));
		len = val.length;
		buffer.writeUInt32BE(len, offset);
		offset += 4;
		val.copy(buffer, offset);
		offset += len;
		val = fields.locales;
		void 0 === val && (val = Buffer.from("en_US"));
		len = val.length;
		buffer.writeUInt32BE(len, offset);
		offset += 4;
		val.copy(buffer, offset);
		offset += len;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConnectionStartOk(buffer) {
		var val, len, offset = 0, fields = {
			clientProperties: void 0,
			mechanism: void 0,
			response: void 0,
			locale: void 0
		};
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = decodeFields(buffer.subarray(offset, offset + len));
		offset += len;
		fields.clientProperties = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.mechanism = val;
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = buffer.subarray(offset, offset + len);
		offset += len;
		fields.response = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.locale = val;
		return fields;
	}
	function encodeConnectionStartOk(channel, fields) {
		var len, offset = 0, val = null, varyingSize = 0, scratchOffset = 0;
		val = fields.clientProperties;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'clientProperties'");
		if ("object" != typeof val) throw new TypeError("Field 'clientProperties' is the wrong type; must be an object");
		len = encodeTable(SCRATCH, val, scratchOffset);
		var clientProperties_encoded = SCRATCH.slice(scratchOffset, scratchOffset + len);
		scratchOffset += len;
		varyingSize += clientProperties_encoded.length;
		val = fields.mechanism;
		if (void 0 === val) val = "PLAIN";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'mechanism' is the wrong type; must be a string (up to 255 chars)");
		var mechanism_len = Buffer.byteLength(val, "utf8");
		varyingSize += mechanism_len;
		val = fields.response;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'response'");
		if (!Buffer.isBuffer(val)) throw new TypeError("Field 'response' is the wrong type; must be a Buffer");
		varyingSize += val.length;
		val = fields.locale;
		if (void 0 === val) val = "en_US";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'locale' is the wrong type; must be a string (up to 255 chars)");
		var locale_len = Buffer.byteLength(val, "utf8");
		varyingSize += locale_len;
		var buffer = Buffer.alloc(18 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(655371, 7);
		offset = 11;
		offset += clientProperties_encoded.copy(buffer, offset);
		val = fields.mechanism;
		void 0 === val && (val = "PLAIN");
		buffer[offset] = mechanism_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += mechanism_len;
		val = fields.response;
		void 0 === val && (val = Buffer.from(void 0));
		len = val.length;
		buffer.writeUInt32BE(len, offset);
		offset += 4;
		val.copy(buffer, offset);
		offset += len;
		val = fields.locale;
		void 0 === val && (val = "en_US");
		buffer[offset] = locale_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += locale_len;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConnectionSecure(buffer) {
		var val, len, offset = 0, fields = { challenge: void 0 };
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = buffer.subarray(offset, offset + len);
		offset += len;
		fields.challenge = val;
		return fields;
	}
	function encodeConnectionSecure(channel, fields) {
		var len, offset = 0, val = null, varyingSize = 0;
		val = fields.challenge;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'challenge'");
		if (!Buffer.isBuffer(val)) throw new TypeError("Field 'challenge' is the wrong type; must be a Buffer");
		varyingSize += val.length;
		var buffer = Buffer.alloc(16 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(655380, 7);
		offset = 11;
		val = fields.challenge;
		void 0 === val && (val = Buffer.from(void 0));
		len = val.length;
		buffer.writeUInt32BE(len, offset);
		offset += 4;
		val.copy(buffer, offset);
		offset += len;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConnectionSecureOk(buffer) {
		var val, len, offset = 0, fields = { response: void 0 };
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = buffer.subarray(offset, offset + len);
		offset += len;
		fields.response = val;
		return fields;
	}
	function encodeConnectionSecureOk(channel, fields) {
		var len, offset = 0, val = null, varyingSize = 0;
		val = fields.response;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'response'");
		if (!Buffer.isBuffer(val)) throw new TypeError("Field 'response' is the wrong type; must be a Buffer");
		varyingSize += val.length;
		var buffer = Buffer.alloc(16 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(655381, 7);
		offset = 11;
		val = fields.response;
		void 0 === val && (val = Buffer.from(void 0));
		len = val.length;
		buffer.writeUInt32BE(len, offset);
		offset += 4;
		val.copy(buffer, offset);
		offset += len;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConnectionTune(buffer) {
		var val, offset = 0, fields = {
			channelMax: void 0,
			frameMax: void 0,
			heartbeat: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.channelMax = val;
		val = buffer.readUInt32BE(offset);
		offset += 4;
		fields.frameMax = val;
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.heartbeat = val;
		return fields;
	}
	function encodeConnectionTune(channel, fields) {
		var offset = 0, val = null, buffer = Buffer.alloc(20);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(655390, 7);
		offset = 11;
		val = fields.channelMax;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'channelMax' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.frameMax;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'frameMax' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt32BE(val, offset);
		offset += 4;
		val = fields.heartbeat;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'heartbeat' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConnectionTuneOk(buffer) {
		var val, offset = 0, fields = {
			channelMax: void 0,
			frameMax: void 0,
			heartbeat: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.channelMax = val;
		val = buffer.readUInt32BE(offset);
		offset += 4;
		fields.frameMax = val;
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.heartbeat = val;
		return fields;
	}
	function encodeConnectionTuneOk(channel, fields) {
		var offset = 0, val = null, buffer = Buffer.alloc(20);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(655391, 7);
		offset = 11;
		val = fields.channelMax;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'channelMax' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.frameMax;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'frameMax' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt32BE(val, offset);
		offset += 4;
		val = fields.heartbeat;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'heartbeat' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConnectionOpen(buffer) {
		var val, len, offset = 0, fields = {
			virtualHost: void 0,
			capabilities: void 0,
			insist: void 0
		};
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.virtualHost = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.capabilities = val;
		val = !!(1 & buffer[offset]);
		fields.insist = val;
		return fields;
	}
	function encodeConnectionOpen(channel, fields) {
		var offset = 0, val = null, bits = 0, varyingSize = 0;
		val = fields.virtualHost;
		if (void 0 === val) val = "/";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'virtualHost' is the wrong type; must be a string (up to 255 chars)");
		var virtualHost_len = Buffer.byteLength(val, "utf8");
		varyingSize += virtualHost_len;
		val = fields.capabilities;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'capabilities' is the wrong type; must be a string (up to 255 chars)");
		var capabilities_len = Buffer.byteLength(val, "utf8");
		varyingSize += capabilities_len;
		var buffer = Buffer.alloc(15 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(655400, 7);
		offset = 11;
		val = fields.virtualHost;
		void 0 === val && (val = "/");
		buffer[offset] = virtualHost_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += virtualHost_len;
		val = fields.capabilities;
		void 0 === val && (val = "");
		buffer[offset] = capabilities_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += capabilities_len;
		val = fields.insist;
		void 0 === val && (val = !1);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConnectionOpenOk(buffer) {
		var val, len, offset = 0, fields = { knownHosts: void 0 };
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.knownHosts = val;
		return fields;
	}
	function encodeConnectionOpenOk(channel, fields) {
		var offset = 0, val = null, varyingSize = 0;
		val = fields.knownHosts;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'knownHosts' is the wrong type; must be a string (up to 255 chars)");
		var knownHosts_len = Buffer.byteLength(val, "utf8");
		varyingSize += knownHosts_len;
		var buffer = Buffer.alloc(13 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(655401, 7);
		offset = 11;
		val = fields.knownHosts;
		void 0 === val && (val = "");
		buffer[offset] = knownHosts_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += knownHosts_len;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConnectionClose(buffer) {
		var val, len, offset = 0, fields = {
			replyCode: void 0,
			replyText: void 0,
			classId: void 0,
			methodId: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.replyCode = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.replyText = val;
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.classId = val;
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.methodId = val;
		return fields;
	}
	function encodeConnectionClose(channel, fields) {
		var offset = 0, val = null, varyingSize = 0;
		val = fields.replyText;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'replyText' is the wrong type; must be a string (up to 255 chars)");
		var replyText_len = Buffer.byteLength(val, "utf8");
		varyingSize += replyText_len;
		var buffer = Buffer.alloc(19 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(655410, 7);
		offset = 11;
		val = fields.replyCode;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'replyCode'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'replyCode' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.replyText;
		void 0 === val && (val = "");
		buffer[offset] = replyText_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += replyText_len;
		val = fields.classId;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'classId'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'classId' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.methodId;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'methodId'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'methodId' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConnectionCloseOk(buffer) {
		return {};
	}
	function encodeConnectionCloseOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(655411, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConnectionBlocked(buffer) {
		var val, len, offset = 0, fields = { reason: void 0 };
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.reason = val;
		return fields;
	}
	function encodeConnectionBlocked(channel, fields) {
		var offset = 0, val = null, varyingSize = 0;
		val = fields.reason;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'reason' is the wrong type; must be a string (up to 255 chars)");
		var reason_len = Buffer.byteLength(val, "utf8");
		varyingSize += reason_len;
		var buffer = Buffer.alloc(13 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(655420, 7);
		offset = 11;
		val = fields.reason;
		void 0 === val && (val = "");
		buffer[offset] = reason_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += reason_len;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConnectionUnblocked(buffer) {
		return {};
	}
	function encodeConnectionUnblocked(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(655421, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConnectionUpdateSecret(buffer) {
		var val, len, offset = 0, fields = {
			newSecret: void 0,
			reason: void 0
		};
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = buffer.subarray(offset, offset + len);
		offset += len;
		fields.newSecret = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.reason = val;
		return fields;
	}
	function encodeConnectionUpdateSecret(channel, fields) {
		var len, offset = 0, val = null, varyingSize = 0;
		val = fields.newSecret;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'newSecret'");
		if (!Buffer.isBuffer(val)) throw new TypeError("Field 'newSecret' is the wrong type; must be a Buffer");
		varyingSize += val.length;
		val = fields.reason;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'reason'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'reason' is the wrong type; must be a string (up to 255 chars)");
		var reason_len = Buffer.byteLength(val, "utf8");
		varyingSize += reason_len;
		var buffer = Buffer.alloc(17 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(655430, 7);
		offset = 11;
		val = fields.newSecret;
		void 0 === val && (val = Buffer.from(void 0));
		len = val.length;
		buffer.writeUInt32BE(len, offset);
		offset += 4;
		val.copy(buffer, offset);
		offset += len;
		val = fields.reason;
		void 0 === val && (val = void 0);
		buffer[offset] = reason_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += reason_len;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConnectionUpdateSecretOk(buffer) {
		return {};
	}
	function encodeConnectionUpdateSecretOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(655431, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeChannelOpen(buffer) {
		var val, len, offset = 0, fields = { outOfBand: void 0 };
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.outOfBand = val;
		return fields;
	}
	function encodeChannelOpen(channel, fields) {
		var offset = 0, val = null, varyingSize = 0;
		val = fields.outOfBand;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'outOfBand' is the wrong type; must be a string (up to 255 chars)");
		var outOfBand_len = Buffer.byteLength(val, "utf8");
		varyingSize += outOfBand_len;
		var buffer = Buffer.alloc(13 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(1310730, 7);
		offset = 11;
		val = fields.outOfBand;
		void 0 === val && (val = "");
		buffer[offset] = outOfBand_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += outOfBand_len;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeChannelOpenOk(buffer) {
		var val, len, offset = 0, fields = { channelId: void 0 };
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = buffer.subarray(offset, offset + len);
		offset += len;
		fields.channelId = val;
		return fields;
	}
	function encodeChannelOpenOk(channel, fields) {
		var len, offset = 0, val = null, varyingSize = 0;
		val = fields.channelId;
		if (void 0 === val) val = Buffer.from("");
		else if (!Buffer.isBuffer(val)) throw new TypeError("Field 'channelId' is the wrong type; must be a Buffer");
		varyingSize += val.length;
		var buffer = Buffer.alloc(16 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(1310731, 7);
		offset = 11;
		val = fields.channelId;
		void 0 === val && (val = Buffer.from(""));
		len = val.length;
		buffer.writeUInt32BE(len, offset);
		offset += 4;
		val.copy(buffer, offset);
		offset += len;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeChannelFlow(buffer) {
		var val, fields = { active: void 0 };
		val = !!(1 & buffer[0]);
		fields.active = val;
		return fields;
	}
	function encodeChannelFlow(channel, fields) {
		var offset = 0, val = null, bits = 0, buffer = Buffer.alloc(13);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(1310740, 7);
		offset = 11;
		val = fields.active;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'active'");
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeChannelFlowOk(buffer) {
		var val, fields = { active: void 0 };
		val = !!(1 & buffer[0]);
		fields.active = val;
		return fields;
	}
	function encodeChannelFlowOk(channel, fields) {
		var offset = 0, val = null, bits = 0, buffer = Buffer.alloc(13);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(1310741, 7);
		offset = 11;
		val = fields.active;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'active'");
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeChannelClose(buffer) {
		var val, len, offset = 0, fields = {
			replyCode: void 0,
			replyText: void 0,
			classId: void 0,
			methodId: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.replyCode = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.replyText = val;
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.classId = val;
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.methodId = val;
		return fields;
	}
	function encodeChannelClose(channel, fields) {
		var offset = 0, val = null, varyingSize = 0;
		val = fields.replyText;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'replyText' is the wrong type; must be a string (up to 255 chars)");
		var replyText_len = Buffer.byteLength(val, "utf8");
		varyingSize += replyText_len;
		var buffer = Buffer.alloc(19 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(1310760, 7);
		offset = 11;
		val = fields.replyCode;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'replyCode'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'replyCode' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.replyText;
		void 0 === val && (val = "");
		buffer[offset] = replyText_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += replyText_len;
		val = fields.classId;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'classId'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'classId' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.methodId;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'methodId'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'methodId' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeChannelCloseOk(buffer) {
		return {};
	}
	function encodeChannelCloseOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(1310761, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeAccessRequest(buffer) {
		var val, len, offset = 0, fields = {
			realm: void 0,
			exclusive: void 0,
			passive: void 0,
			active: void 0,
			write: void 0,
			read: void 0
		};
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.realm = val;
		val = !!(1 & buffer[offset]);
		fields.exclusive = val;
		val = !!(2 & buffer[offset]);
		fields.passive = val;
		val = !!(4 & buffer[offset]);
		fields.active = val;
		val = !!(8 & buffer[offset]);
		fields.write = val;
		val = !!(16 & buffer[offset]);
		fields.read = val;
		return fields;
	}
	function encodeAccessRequest(channel, fields) {
		var offset = 0, val = null, bits = 0, varyingSize = 0;
		val = fields.realm;
		if (void 0 === val) val = "/data";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'realm' is the wrong type; must be a string (up to 255 chars)");
		var realm_len = Buffer.byteLength(val, "utf8");
		varyingSize += realm_len;
		var buffer = Buffer.alloc(14 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(1966090, 7);
		offset = 11;
		val = fields.realm;
		void 0 === val && (val = "/data");
		buffer[offset] = realm_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += realm_len;
		val = fields.exclusive;
		void 0 === val && (val = !1);
		val && (bits += 1);
		val = fields.passive;
		void 0 === val && (val = !0);
		val && (bits += 2);
		val = fields.active;
		void 0 === val && (val = !0);
		val && (bits += 4);
		val = fields.write;
		void 0 === val && (val = !0);
		val && (bits += 8);
		val = fields.read;
		void 0 === val && (val = !0);
		val && (bits += 16);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeAccessRequestOk(buffer) {
		var val, offset = 0, fields = { ticket: void 0 };
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.ticket = val;
		return fields;
	}
	function encodeAccessRequestOk(channel, fields) {
		var offset = 0, val = null, buffer = Buffer.alloc(14);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(1966091, 7);
		offset = 11;
		val = fields.ticket;
		if (void 0 === val) val = 1;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'ticket' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeExchangeDeclare(buffer) {
		var val, len, offset = 0, fields = {
			ticket: void 0,
			exchange: void 0,
			type: void 0,
			passive: void 0,
			durable: void 0,
			autoDelete: void 0,
			internal: void 0,
			nowait: void 0,
			arguments: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.ticket = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.exchange = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.type = val;
		val = !!(1 & buffer[offset]);
		fields.passive = val;
		val = !!(2 & buffer[offset]);
		fields.durable = val;
		val = !!(4 & buffer[offset]);
		fields.autoDelete = val;
		val = !!(8 & buffer[offset]);
		fields.internal = val;
		val = !!(16 & buffer[offset]);
		fields.nowait = val;
		offset++;
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = decodeFields(buffer.subarray(offset, offset + len));
		offset += len;
		fields.arguments = val;
		return fields;
	}
	function encodeExchangeDeclare(channel, fields) {
		var len, offset = 0, val = null, bits = 0, varyingSize = 0, scratchOffset = 0;
		val = fields.exchange;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'exchange'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'exchange' is the wrong type; must be a string (up to 255 chars)");
		var exchange_len = Buffer.byteLength(val, "utf8");
		varyingSize += exchange_len;
		val = fields.type;
		if (void 0 === val) val = "direct";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'type' is the wrong type; must be a string (up to 255 chars)");
		var type_len = Buffer.byteLength(val, "utf8");
		varyingSize += type_len;
		val = fields.arguments;
		if (void 0 === val) val = {};
		else if ("object" != typeof val) throw new TypeError("Field 'arguments' is the wrong type; must be an object");
		len = encodeTable(SCRATCH, val, scratchOffset);
		var arguments_encoded = SCRATCH.slice(scratchOffset, scratchOffset + len);
		scratchOffset += len;
		varyingSize += arguments_encoded.length;
		var buffer = Buffer.alloc(17 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(2621450, 7);
		offset = 11;
		val = fields.ticket;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'ticket' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.exchange;
		void 0 === val && (val = void 0);
		buffer[offset] = exchange_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += exchange_len;
		val = fields.type;
		void 0 === val && (val = "direct");
		buffer[offset] = type_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += type_len;
		val = fields.passive;
		void 0 === val && (val = !1);
		val && (bits += 1);
		val = fields.durable;
		void 0 === val && (val = !1);
		val && (bits += 2);
		val = fields.autoDelete;
		void 0 === val && (val = !1);
		val && (bits += 4);
		val = fields.internal;
		void 0 === val && (val = !1);
		val && (bits += 8);
		val = fields.nowait;
		void 0 === val && (val = !1);
		val && (bits += 16);
		buffer[offset] = bits;
		offset++;
		bits = 0;
		offset += arguments_encoded.copy(buffer, offset);
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeExchangeDeclareOk(buffer) {
		return {};
	}
	function encodeExchangeDeclareOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(2621451, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeExchangeDelete(buffer) {
		var val, len, offset = 0, fields = {
			ticket: void 0,
			exchange: void 0,
			ifUnused: void 0,
			nowait: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.ticket = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.exchange = val;
		val = !!(1 & buffer[offset]);
		fields.ifUnused = val;
		val = !!(2 & buffer[offset]);
		fields.nowait = val;
		return fields;
	}
	function encodeExchangeDelete(channel, fields) {
		var offset = 0, val = null, bits = 0, varyingSize = 0;
		val = fields.exchange;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'exchange'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'exchange' is the wrong type; must be a string (up to 255 chars)");
		var exchange_len = Buffer.byteLength(val, "utf8");
		varyingSize += exchange_len;
		var buffer = Buffer.alloc(16 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(2621460, 7);
		offset = 11;
		val = fields.ticket;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'ticket' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.exchange;
		void 0 === val && (val = void 0);
		buffer[offset] = exchange_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += exchange_len;
		val = fields.ifUnused;
		void 0 === val && (val = !1);
		val && (bits += 1);
		val = fields.nowait;
		void 0 === val && (val = !1);
		val && (bits += 2);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeExchangeDeleteOk(buffer) {
		return {};
	}
	function encodeExchangeDeleteOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(2621461, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeExchangeBind(buffer) {
		var val, len, offset = 0, fields = {
			ticket: void 0,
			destination: void 0,
			source: void 0,
			routingKey: void 0,
			nowait: void 0,
			arguments: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.ticket = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.destination = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.source = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.routingKey = val;
		val = !!(1 & buffer[offset]);
		fields.nowait = val;
		offset++;
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = decodeFields(buffer.subarray(offset, offset + len));
		offset += len;
		fields.arguments = val;
		return fields;
	}
	function encodeExchangeBind(channel, fields) {
		var len, offset = 0, val = null, bits = 0, varyingSize = 0, scratchOffset = 0;
		val = fields.destination;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'destination'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'destination' is the wrong type; must be a string (up to 255 chars)");
		var destination_len = Buffer.byteLength(val, "utf8");
		varyingSize += destination_len;
		val = fields.source;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'source'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'source' is the wrong type; must be a string (up to 255 chars)");
		var source_len = Buffer.byteLength(val, "utf8");
		varyingSize += source_len;
		val = fields.routingKey;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'routingKey' is the wrong type; must be a string (up to 255 chars)");
		var routingKey_len = Buffer.byteLength(val, "utf8");
		varyingSize += routingKey_len;
		val = fields.arguments;
		if (void 0 === val) val = {};
		else if ("object" != typeof val) throw new TypeError("Field 'arguments' is the wrong type; must be an object");
		len = encodeTable(SCRATCH, val, scratchOffset);
		var arguments_encoded = SCRATCH.slice(scratchOffset, scratchOffset + len);
		scratchOffset += len;
		varyingSize += arguments_encoded.length;
		var buffer = Buffer.alloc(18 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(2621470, 7);
		offset = 11;
		val = fields.ticket;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'ticket' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.destination;
		void 0 === val && (val = void 0);
		buffer[offset] = destination_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += destination_len;
		val = fields.source;
		void 0 === val && (val = void 0);
		buffer[offset] = source_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += source_len;
		val = fields.routingKey;
		void 0 === val && (val = "");
		buffer[offset] = routingKey_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += routingKey_len;
		val = fields.nowait;
		void 0 === val && (val = !1);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		bits = 0;
		offset += arguments_encoded.copy(buffer, offset);
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeExchangeBindOk(buffer) {
		return {};
	}
	function encodeExchangeBindOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(2621471, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeExchangeUnbind(buffer) {
		var val, len, offset = 0, fields = {
			ticket: void 0,
			destination: void 0,
			source: void 0,
			routingKey: void 0,
			nowait: void 0,
			arguments: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.ticket = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.destination = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.source = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.routingKey = val;
		val = !!(1 & buffer[offset]);
		fields.nowait = val;
		offset++;
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = decodeFields(buffer.subarray(offset, offset + len));
		offset += len;
		fields.arguments = val;
		return fields;
	}
	function encodeExchangeUnbind(channel, fields) {
		var len, offset = 0, val = null, bits = 0, varyingSize = 0, scratchOffset = 0;
		val = fields.destination;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'destination'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'destination' is the wrong type; must be a string (up to 255 chars)");
		var destination_len = Buffer.byteLength(val, "utf8");
		varyingSize += destination_len;
		val = fields.source;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'source'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'source' is the wrong type; must be a string (up to 255 chars)");
		var source_len = Buffer.byteLength(val, "utf8");
		varyingSize += source_len;
		val = fields.routingKey;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'routingKey' is the wrong type; must be a string (up to 255 chars)");
		var routingKey_len = Buffer.byteLength(val, "utf8");
		varyingSize += routingKey_len;
		val = fields.arguments;
		if (void 0 === val) val = {};
		else if ("object" != typeof val) throw new TypeError("Field 'arguments' is the wrong type; must be an object");
		len = encodeTable(SCRATCH, val, scratchOffset);
		var arguments_encoded = SCRATCH.slice(scratchOffset, scratchOffset + len);
		scratchOffset += len;
		varyingSize += arguments_encoded.length;
		var buffer = Buffer.alloc(18 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(2621480, 7);
		offset = 11;
		val = fields.ticket;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'ticket' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.destination;
		void 0 === val && (val = void 0);
		buffer[offset] = destination_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += destination_len;
		val = fields.source;
		void 0 === val && (val = void 0);
		buffer[offset] = source_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += source_len;
		val = fields.routingKey;
		void 0 === val && (val = "");
		buffer[offset] = routingKey_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += routingKey_len;
		val = fields.nowait;
		void 0 === val && (val = !1);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		bits = 0;
		offset += arguments_encoded.copy(buffer, offset);
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeExchangeUnbindOk(buffer) {
		return {};
	}
	function encodeExchangeUnbindOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(2621491, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeQueueDeclare(buffer) {
		var val, len, offset = 0, fields = {
			ticket: void 0,
			queue: void 0,
			passive: void 0,
			durable: void 0,
			exclusive: void 0,
			autoDelete: void 0,
			nowait: void 0,
			arguments: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.ticket = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.queue = val;
		val = !!(1 & buffer[offset]);
		fields.passive = val;
		val = !!(2 & buffer[offset]);
		fields.durable = val;
		val = !!(4 & buffer[offset]);
		fields.exclusive = val;
		val = !!(8 & buffer[offset]);
		fields.autoDelete = val;
		val = !!(16 & buffer[offset]);
		fields.nowait = val;
		offset++;
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = decodeFields(buffer.subarray(offset, offset + len));
		offset += len;
		fields.arguments = val;
		return fields;
	}
	function encodeQueueDeclare(channel, fields) {
		var len, offset = 0, val = null, bits = 0, varyingSize = 0, scratchOffset = 0;
		val = fields.queue;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'queue' is the wrong type; must be a string (up to 255 chars)");
		var queue_len = Buffer.byteLength(val, "utf8");
		varyingSize += queue_len;
		val = fields.arguments;
		if (void 0 === val) val = {};
		else if ("object" != typeof val) throw new TypeError("Field 'arguments' is the wrong type; must be an object");
		len = encodeTable(SCRATCH, val, scratchOffset);
		var arguments_encoded = SCRATCH.slice(scratchOffset, scratchOffset + len);
		scratchOffset += len;
		varyingSize += arguments_encoded.length;
		var buffer = Buffer.alloc(16 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3276810, 7);
		offset = 11;
		val = fields.ticket;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'ticket' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.queue;
		void 0 === val && (val = "");
		buffer[offset] = queue_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += queue_len;
		val = fields.passive;
		void 0 === val && (val = !1);
		val && (bits += 1);
		val = fields.durable;
		void 0 === val && (val = !1);
		val && (bits += 2);
		val = fields.exclusive;
		void 0 === val && (val = !1);
		val && (bits += 4);
		val = fields.autoDelete;
		void 0 === val && (val = !1);
		val && (bits += 8);
		val = fields.nowait;
		void 0 === val && (val = !1);
		val && (bits += 16);
		buffer[offset] = bits;
		offset++;
		bits = 0;
		offset += arguments_encoded.copy(buffer, offset);
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeQueueDeclareOk(buffer) {
		var val, len, offset = 0, fields = {
			queue: void 0,
			messageCount: void 0,
			consumerCount: void 0
		};
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.queue = val;
		val = buffer.readUInt32BE(offset);
		offset += 4;
		fields.messageCount = val;
		val = buffer.readUInt32BE(offset);
		offset += 4;
		fields.consumerCount = val;
		return fields;
	}
	function encodeQueueDeclareOk(channel, fields) {
		var offset = 0, val = null, varyingSize = 0;
		val = fields.queue;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'queue'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'queue' is the wrong type; must be a string (up to 255 chars)");
		var queue_len = Buffer.byteLength(val, "utf8");
		varyingSize += queue_len;
		var buffer = Buffer.alloc(21 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3276811, 7);
		offset = 11;
		val = fields.queue;
		void 0 === val && (val = void 0);
		buffer[offset] = queue_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += queue_len;
		val = fields.messageCount;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'messageCount'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'messageCount' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt32BE(val, offset);
		offset += 4;
		val = fields.consumerCount;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'consumerCount'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'consumerCount' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt32BE(val, offset);
		offset += 4;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeQueueBind(buffer) {
		var val, len, offset = 0, fields = {
			ticket: void 0,
			queue: void 0,
			exchange: void 0,
			routingKey: void 0,
			nowait: void 0,
			arguments: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.ticket = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.queue = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.exchange = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.routingKey = val;
		val = !!(1 & buffer[offset]);
		fields.nowait = val;
		offset++;
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = decodeFields(buffer.subarray(offset, offset + len));
		offset += len;
		fields.arguments = val;
		return fields;
	}
	function encodeQueueBind(channel, fields) {
		var len, offset = 0, val = null, bits = 0, varyingSize = 0, scratchOffset = 0;
		val = fields.queue;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'queue' is the wrong type; must be a string (up to 255 chars)");
		var queue_len = Buffer.byteLength(val, "utf8");
		varyingSize += queue_len;
		val = fields.exchange;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'exchange'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'exchange' is the wrong type; must be a string (up to 255 chars)");
		var exchange_len = Buffer.byteLength(val, "utf8");
		varyingSize += exchange_len;
		val = fields.routingKey;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'routingKey' is the wrong type; must be a string (up to 255 chars)");
		var routingKey_len = Buffer.byteLength(val, "utf8");
		varyingSize += routingKey_len;
		val = fields.arguments;
		if (void 0 === val) val = {};
		else if ("object" != typeof val) throw new TypeError("Field 'arguments' is the wrong type; must be an object");
		len = encodeTable(SCRATCH, val, scratchOffset);
		var arguments_encoded = SCRATCH.slice(scratchOffset, scratchOffset + len);
		scratchOffset += len;
		varyingSize += arguments_encoded.length;
		var buffer = Buffer.alloc(18 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3276820, 7);
		offset = 11;
		val = fields.ticket;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'ticket' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.queue;
		void 0 === val && (val = "");
		buffer[offset] = queue_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += queue_len;
		val = fields.exchange;
		void 0 === val && (val = void 0);
		buffer[offset] = exchange_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += exchange_len;
		val = fields.routingKey;
		void 0 === val && (val = "");
		buffer[offset] = routingKey_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += routingKey_len;
		val = fields.nowait;
		void 0 === val && (val = !1);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		bits = 0;
		offset += arguments_encoded.copy(buffer, offset);
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeQueueBindOk(buffer) {
		return {};
	}
	function encodeQueueBindOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3276821, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeQueuePurge(buffer) {
		var val, len, offset = 0, fields = {
			ticket: void 0,
			queue: void 0,
			nowait: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.ticket = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.queue = val;
		val = !!(1 & buffer[offset]);
		fields.nowait = val;
		return fields;
	}
	function encodeQueuePurge(channel, fields) {
		var offset = 0, val = null, bits = 0, varyingSize = 0;
		val = fields.queue;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'queue' is the wrong type; must be a string (up to 255 chars)");
		var queue_len = Buffer.byteLength(val, "utf8");
		varyingSize += queue_len;
		var buffer = Buffer.alloc(16 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3276830, 7);
		offset = 11;
		val = fields.ticket;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'ticket' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.queue;
		void 0 === val && (val = "");
		buffer[offset] = queue_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += queue_len;
		val = fields.nowait;
		void 0 === val && (val = !1);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeQueuePurgeOk(buffer) {
		var val, offset = 0, fields = { messageCount: void 0 };
		val = buffer.readUInt32BE(offset);
		offset += 4;
		fields.messageCount = val;
		return fields;
	}
	function encodeQueuePurgeOk(channel, fields) {
		var offset = 0, val = null, buffer = Buffer.alloc(16);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3276831, 7);
		offset = 11;
		val = fields.messageCount;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'messageCount'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'messageCount' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt32BE(val, offset);
		offset += 4;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeQueueDelete(buffer) {
		var val, len, offset = 0, fields = {
			ticket: void 0,
			queue: void 0,
			ifUnused: void 0,
			ifEmpty: void 0,
			nowait: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.ticket = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.queue = val;
		val = !!(1 & buffer[offset]);
		fields.ifUnused = val;
		val = !!(2 & buffer[offset]);
		fields.ifEmpty = val;
		val = !!(4 & buffer[offset]);
		fields.nowait = val;
		return fields;
	}
	function encodeQueueDelete(channel, fields) {
		var offset = 0, val = null, bits = 0, varyingSize = 0;
		val = fields.queue;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'queue' is the wrong type; must be a string (up to 255 chars)");
		var queue_len = Buffer.byteLength(val, "utf8");
		varyingSize += queue_len;
		var buffer = Buffer.alloc(16 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3276840, 7);
		offset = 11;
		val = fields.ticket;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'ticket' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.queue;
		void 0 === val && (val = "");
		buffer[offset] = queue_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += queue_len;
		val = fields.ifUnused;
		void 0 === val && (val = !1);
		val && (bits += 1);
		val = fields.ifEmpty;
		void 0 === val && (val = !1);
		val && (bits += 2);
		val = fields.nowait;
		void 0 === val && (val = !1);
		val && (bits += 4);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeQueueDeleteOk(buffer) {
		var val, offset = 0, fields = { messageCount: void 0 };
		val = buffer.readUInt32BE(offset);
		offset += 4;
		fields.messageCount = val;
		return fields;
	}
	function encodeQueueDeleteOk(channel, fields) {
		var offset = 0, val = null, buffer = Buffer.alloc(16);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3276841, 7);
		offset = 11;
		val = fields.messageCount;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'messageCount'");
		if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'messageCount' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt32BE(val, offset);
		offset += 4;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeQueueUnbind(buffer) {
		var val, len, offset = 0, fields = {
			ticket: void 0,
			queue: void 0,
			exchange: void 0,
			routingKey: void 0,
			arguments: void 0
		};
		val = buffer.readUInt16BE(offset);
		offset += 2;
		fields.ticket = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.queue = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.exchange = val;
		len = buffer.readUInt8(offset);
		offset++;
		val = buffer.toString("utf8", offset, offset + len);
		offset += len;
		fields.routingKey = val;
		len = buffer.readUInt32BE(offset);
		offset += 4;
		val = decodeFields(buffer.subarray(offset, offset + len));
		offset += len;
		fields.arguments = val;
		return fields;
	}
	function encodeQueueUnbind(channel, fields) {
		var len, offset = 0, val = null, varyingSize = 0, scratchOffset = 0;
		val = fields.queue;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'queue' is the wrong type; must be a string (up to 255 chars)");
		var queue_len = Buffer.byteLength(val, "utf8");
		varyingSize += queue_len;
		val = fields.exchange;
		if (void 0 === val) throw new Error("Missing value for mandatory field 'exchange'");
		if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'exchange' is the wrong type; must be a string (up to 255 chars)");
		var exchange_len = Buffer.byteLength(val, "utf8");
		varyingSize += exchange_len;
		val = fields.routingKey;
		if (void 0 === val) val = "";
		else if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'routingKey' is the wrong type; must be a string (up to 255 chars)");
		var routingKey_len = Buffer.byteLength(val, "utf8");
		varyingSize += routingKey_len;
		val = fields.arguments;
		if (void 0 === val) val = {};
		else if ("object" != typeof val) throw new TypeError("Field 'arguments' is the wrong type; must be an object");
		len = encodeTable(SCRATCH, val, scratchOffset);
		var arguments_encoded = SCRATCH.slice(scratchOffset, scratchOffset + len);
		scratchOffset += len;
		varyingSize += arguments_encoded.length;
		var buffer = Buffer.alloc(17 + varyingSize);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3276850, 7);
		offset = 11;
		val = fields.ticket;
		if (void 0 === val) val = 0;
		else if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'ticket' is the wrong type; must be a number (but not NaN)");
		buffer.writeUInt16BE(val, offset);
		offset += 2;
		val = fields.queue;
		void 0 === val && (val = "");
		buffer[offset] = queue_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += queue_len;
		val = fields.exchange;
		void 0 === val && (val = void 0);
		buffer[offset] = exchange_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += exchange_len;
		val = fields.routingKey;
		void 0 === val && (val = "");
		buffer[offset] = routingKey_len;
		offset++;
		buffer.write(val, offset, "utf8");
		offset += routingKey_len;
		offset += arguments_encoded.copy(buffer, offset);
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeQueueUnbindOk(buffer) {
		return {};
	}
	function encodeQueueUnbindOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3276851, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeTxSelect(buffer) {
		return {};
	}
	function encodeTxSelect(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(5898250, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeTxSelectOk(buffer) {
		return {};
	}
	function encodeTxSelectOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(5898251, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeTxCommit(buffer) {
		return {};
	}
	function encodeTxCommit(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(5898260, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeTxCommitOk(buffer) {
		return {};
	}
	function encodeTxCommitOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(5898261, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeTxRollback(buffer) {
		return {};
	}
	function encodeTxRollback(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(5898270, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeTxRollbackOk(buffer) {
		return {};
	}
	function encodeTxRollbackOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(5898271, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConfirmSelect(buffer) {
		var val, fields = { nowait: void 0 };
		val = !!(1 & buffer[0]);
		fields.nowait = val;
		return fields;
	}
	function encodeConfirmSelect(channel, fields) {
		var offset = 0, val = null, bits = 0, buffer = Buffer.alloc(13);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(5570570, 7);
		offset = 11;
		val = fields.nowait;
		void 0 === val && (val = !1);
		val && (bits += 1);
		buffer[offset] = bits;
		offset++;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function decodeConfirmSelectOk(buffer) {
		return {};
	}
	function encodeConfirmSelectOk(channel, fields) {
		var offset = 0, buffer = Buffer.alloc(12);
		buffer[0] = 1;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(5570571, 7);
		offset = 11;
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		return buffer;
	}
	function encodeBasicProperties(channel, size, fields) {
		var val, len, offset = 0, flags = 0, scratchOffset = 0, varyingSize = 0;
		val = fields.contentType;
		if (void 0 != val) {
			if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'contentType' is the wrong type; must be a string (up to 255 chars)");
			var contentType_len = Buffer.byteLength(val, "utf8");
			varyingSize += 1;
			varyingSize += contentType_len;
		}
		val = fields.contentEncoding;
		if (void 0 != val) {
			if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'contentEncoding' is the wrong type; must be a string (up to 255 chars)");
			var contentEncoding_len = Buffer.byteLength(val, "utf8");
			varyingSize += 1;
			varyingSize += contentEncoding_len;
		}
		val = fields.headers;
		if (void 0 != val) {
			if ("object" != typeof val) throw new TypeError("Field 'headers' is the wrong type; must be an object");
			len = encodeTable(SCRATCH, val, scratchOffset);
			var headers_encoded = SCRATCH.slice(scratchOffset, scratchOffset + len);
			scratchOffset += len;
			varyingSize += headers_encoded.length;
		}
		val = fields.deliveryMode;
		if (void 0 != val) {
			if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'deliveryMode' is the wrong type; must be a number (but not NaN)");
			varyingSize += 1;
		}
		val = fields.priority;
		if (void 0 != val) {
			if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'priority' is the wrong type; must be a number (but not NaN)");
			varyingSize += 1;
		}
		val = fields.correlationId;
		if (void 0 != val) {
			if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'correlationId' is the wrong type; must be a string (up to 255 chars)");
			var correlationId_len = Buffer.byteLength(val, "utf8");
			varyingSize += 1;
			varyingSize += correlationId_len;
		}
		val = fields.replyTo;
		if (void 0 != val) {
			if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'replyTo' is the wrong type; must be a string (up to 255 chars)");
			var replyTo_len = Buffer.byteLength(val, "utf8");
			varyingSize += 1;
			varyingSize += replyTo_len;
		}
		val = fields.expiration;
		if (void 0 != val) {
			if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'expiration' is the wrong type; must be a string (up to 255 chars)");
			var expiration_len = Buffer.byteLength(val, "utf8");
			varyingSize += 1;
			varyingSize += expiration_len;
		}
		val = fields.messageId;
		if (void 0 != val) {
			if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'messageId' is the wrong type; must be a string (up to 255 chars)");
			var messageId_len = Buffer.byteLength(val, "utf8");
			varyingSize += 1;
			varyingSize += messageId_len;
		}
		val = fields.timestamp;
		if (void 0 != val) {
			if ("number" != typeof val || isNaN(val)) throw new TypeError("Field 'timestamp' is the wrong type; must be a number (but not NaN)");
			varyingSize += 8;
		}
		val = fields.type;
		if (void 0 != val) {
			if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'type' is the wrong type; must be a string (up to 255 chars)");
			var type_len = Buffer.byteLength(val, "utf8");
			varyingSize += 1;
			varyingSize += type_len;
		}
		val = fields.userId;
		if (void 0 != val) {
			if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'userId' is the wrong type; must be a string (up to 255 chars)");
			var userId_len = Buffer.byteLength(val, "utf8");
			varyingSize += 1;
			varyingSize += userId_len;
		}
		val = fields.appId;
		if (void 0 != val) {
			if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'appId' is the wrong type; must be a string (up to 255 chars)");
			var appId_len = Buffer.byteLength(val, "utf8");
			varyingSize += 1;
			varyingSize += appId_len;
		}
		val = fields.clusterId;
		if (void 0 != val) {
			if (!("string" == typeof val && Buffer.byteLength(val) < 256)) throw new TypeError("Field 'clusterId' is the wrong type; must be a string (up to 255 chars)");
			var clusterId_len = Buffer.byteLength(val, "utf8");
			varyingSize += 1;
			varyingSize += clusterId_len;
		}
		var buffer = Buffer.alloc(22 + varyingSize);
		buffer[0] = 2;
		buffer.writeUInt16BE(channel, 1);
		buffer.writeUInt32BE(3932160, 7);
		buffer.writeBigUInt64BE(BigInt(size), 11);
		flags = 0;
		offset = 21;
		val = fields.contentType;
		if (void 0 != val) {
			flags += 32768;
			buffer[offset] = contentType_len;
			offset++;
			buffer.write(val, offset, "utf8");
			offset += contentType_len;
		}
		val = fields.contentEncoding;
		if (void 0 != val) {
			flags += 16384;
			buffer[offset] = contentEncoding_len;
			offset++;
			buffer.write(val, offset, "utf8");
			offset += contentEncoding_len;
		}
		val = fields.headers;
		if (void 0 != val) {
			flags += 8192;
			offset += headers_encoded.copy(buffer, offset);
		}
		val = fields.deliveryMode;
		if (void 0 != val) {
			flags += 4096;
			buffer.writeUInt8(val, offset);
			offset++;
		}
		val = fields.priority;
		if (void 0 != val) {
			flags += 2048;
			buffer.writeUInt8(val, offset);
			offset++;
		}
		val = fields.correlationId;
		if (void 0 != val) {
			flags += 1024;
			buffer[offset] = correlationId_len;
			offset++;
			buffer.write(val, offset, "utf8");
			offset += correlationId_len;
		}
		val = fields.replyTo;
		if (void 0 != val) {
			flags += 512;
			buffer[offset] = replyTo_len;
			offset++;
			buffer.write(val, offset, "utf8");
			offset += replyTo_len;
		}
		val = fields.expiration;
		if (void 0 != val) {
			flags += 256;
			buffer[offset] = expiration_len;
			offset++;
			buffer.write(val, offset, "utf8");
			offset += expiration_len;
		}
		val = fields.messageId;
		if (void 0 != val) {
			flags += 128;
			buffer[offset] = messageId_len;
			offset++;
			buffer.write(val, offset, "utf8");
			offset += messageId_len;
		}
		val = fields.timestamp;
		if (void 0 != val) {
			flags += 64;
			buffer.writeBigUInt64BE(BigInt(val), offset);
			offset += 8;
		}
		val = fields.type;
		if (void 0 != val) {
			flags += 32;
			buffer[offset] = type_len;
			offset++;
			buffer.write(val, offset, "utf8");
			offset += type_len;
		}
		val = fields.userId;
		if (void 0 != val) {
			flags += 16;
			buffer[offset] = userId_len;
			offset++;
			buffer.write(val, offset, "utf8");
			offset += userId_len;
		}
		val = fields.appId;
		if (void 0 != val) {
			flags += 8;
			buffer[offset] = appId_len;
			offset++;
			buffer.write(val, offset, "utf8");
			offset += appId_len;
		}
		val = fields.clusterId;
		if (void 0 != val) {
			flags += 4;
			buffer[offset] = clusterId_len;
			offset++;
			buffer.write(val, offset, "utf8");
			offset += clusterId_len;
		}
		buffer[offset] = 206;
		buffer.writeUInt32BE(offset - 7, 3);
		buffer.writeUInt16BE(flags, 19);
		return buffer.subarray(0, offset + 1);
	}
	function decodeBasicProperties(buffer) {
		var flags, val, len, offset = 2;
		flags = buffer.readUInt16BE(0);
		if (0 === flags) return {};
		var fields = {
			contentType: void 0,
			contentEncoding: void 0,
			headers: void 0,
			deliveryMode: void 0,
			priority: void 0,
			correlationId: void 0,
			replyTo: void 0,
			expiration: void 0,
			messageId: void 0,
			timestamp: void 0,
			type: void 0,
			userId: void 0,
			appId: void 0,
			clusterId: void 0
		};
		if (32768 & flags) {
			len = buffer.readUInt8(offset);
			offset++;
			val = buffer.toString("utf8", offset, offset + len);
			offset += len;
			fields.contentType = val;
		}
		if (16384 & flags) {
			len = buffer.readUInt8(offset);
			offset++;
			val = buffer.toString("utf8", offset, offset + len);
			offset += len;
			fields.contentEncoding = val;
		}
		if (8192 & flags) {
			len = buffer.readUInt32BE(offset);
			offset += 4;
			val = decodeFields(buffer.subarray(offset, offset + len));
			offset += len;
			fields.headers = val;
		}
		if (4096 & flags) {
			val = buffer[offset];
			offset++;
			fields.deliveryMode = val;
		}
		if (2048 & flags) {
			val = buffer[offset];
			offset++;
			fields.priority = val;
		}
		if (1024 & flags) {
			len = buffer.readUInt8(offset);
			offset++;
			val = buffer.toString("utf8", offset, offset + len);
			offset += len;
			fields.correlationId = val;
		}
		if (512 & flags) {
			len = buffer.readUInt8(offset);
			offset++;
			val = buffer.toString("utf8", offset, offset + len);
			offset += len;
			fields.replyTo = val;
		}
		if (256 & flags) {
			len = buffer.readUInt8(offset);
			offset++;
			val = buffer.toString("utf8", offset, offset + len);
			offset += len;
			fields.expiration = val;
		}
		if (128 & flags) {
			len = buffer.readUInt8(offset);
			offset++;
			val = buffer.toString("utf8", offset, offset + len);
			offset += len;
			fields.messageId = val;
		}
		if (64 & flags) {
			val = Number(buffer.readBigUInt64BE(offset));
			offset += 8;
			fields.timestamp = val;
		}
		if (32 & flags) {
			len = buffer.readUInt8(offset);
			offset++;
			val = buffer.toString("utf8", offset, offset + len);
			offset += len;
			fields.type = val;
		}
		if (16 & flags) {
			len = buffer.readUInt8(offset);
			offset++;
			val = buffer.toString("utf8", offset, offset + len);
			offset += len;
			fields.userId = val;
		}
		if (8 & flags) {
			len = buffer.readUInt8(offset);
			offset++;
			val = buffer.toString("utf8", offset, offset + len);
			offset += len;
			fields.appId = val;
		}
		if (4 & flags) {
			len = buffer.readUInt8(offset);
			offset++;
			val = buffer.toString("utf8", offset, offset + len);
			offset += len;
			fields.clusterId = val;
		}
		return fields;
	}
	var codec = require_codec();
	var encodeTable = codec.encodeTable;
	var decodeFields = codec.decodeFields;
	var SCRATCH = Buffer.alloc(65536);
	Object.freeze({});
	module.exports.constants = {
		FRAME_METHOD: 1,
		FRAME_HEADER: 2,
		FRAME_BODY: 3,
		FRAME_HEARTBEAT: 8,
		FRAME_MIN_SIZE: 4096,
		FRAME_END: 206,
		REPLY_SUCCESS: 200,
		CONTENT_TOO_LARGE: 311,
		NO_ROUTE: 312,
		NO_CONSUMERS: 313,
		ACCESS_REFUSED: 403,
		NOT_FOUND: 404,
		RESOURCE_LOCKED: 405,
		PRECONDITION_FAILED: 406,
		CONNECTION_FORCED: 320,
		INVALID_PATH: 402,
		FRAME_ERROR: 501,
		SYNTAX_ERROR: 502,
		COMMAND_INVALID: 503,
		CHANNEL_ERROR: 504,
		UNEXPECTED_FRAME: 505,
		RESOURCE_ERROR: 506,
		NOT_ALLOWED: 530,
		NOT_IMPLEMENTED: 540,
		INTERNAL_ERROR: 541
	};
	module.exports.constant_strs = {
		1: "FRAME-METHOD",
		2: "FRAME-HEADER",
		3: "FRAME-BODY",
		8: "FRAME-HEARTBEAT",
		200: "REPLY-SUCCESS",
		206: "FRAME-END",
		311: "CONTENT-TOO-LARGE",
		312: "NO-ROUTE",
		313: "NO-CONSUMERS",
		320: "CONNECTION-FORCED",
		402: "INVALID-PATH",
		403: "ACCESS-REFUSED",
		404: "NOT-FOUND",
		405: "RESOURCE-LOCKED",
		406: "PRECONDITION-FAILED",
		501: "FRAME-ERROR",
		502: "SYNTAX-ERROR",
		503: "COMMAND-INVALID",
		504: "CHANNEL-ERROR",
		505: "UNEXPECTED-FRAME",
		506: "RESOURCE-ERROR",
		530: "NOT-ALLOWED",
		540: "NOT-IMPLEMENTED",
		541: "INTERNAL-ERROR",
		4096: "FRAME-MIN-SIZE"
	};
	module.exports.FRAME_OVERHEAD = 8;
	module.exports.decode = function(id, buf) {
		switch (id) {
			case 3932170: return decodeBasicQos(buf);
			case 3932171: return decodeBasicQosOk(buf);
			case 3932180: return decodeBasicConsume(buf);
			case 3932181: return decodeBasicConsumeOk(buf);
			case 3932190: return decodeBasicCancel(buf);
			case 3932191: return decodeBasicCancelOk(buf);
			case 3932200: return decodeBasicPublish(buf);
			case 3932210: return decodeBasicReturn(buf);
			case 3932220: return decodeBasicDeliver(buf);
			case 3932230: return decodeBasicGet(buf);
			case 3932231: return decodeBasicGetOk(buf);
			case 3932232: return decodeBasicGetEmpty(buf);
			case 3932240: return decodeBasicAck(buf);
			case 3932250: return decodeBasicReject(buf);
			case 3932260: return decodeBasicRecoverAsync(buf);
			case 3932270: return decodeBasicRecover(buf);
			case 3932271: return decodeBasicRecoverOk(buf);
			case 3932280: return decodeBasicNack(buf);
			case 655370: return decodeConnectionStart(buf);
			case 655371: return decodeConnectionStartOk(buf);
			case 655380: return decodeConnectionSecure(buf);
			case 655381: return decodeConnectionSecureOk(buf);
			case 655390: return decodeConnectionTune(buf);
			case 655391: return decodeConnectionTuneOk(buf);
			case 655400: return decodeConnectionOpen(buf);
			case 655401: return decodeConnectionOpenOk(buf);
			case 655410: return decodeConnectionClose(buf);
			case 655411: return decodeConnectionCloseOk(buf);
			case 655420: return decodeConnectionBlocked(buf);
			case 655421: return decodeConnectionUnblocked(buf);
			case 655430: return decodeConnectionUpdateSecret(buf);
			case 655431: return decodeConnectionUpdateSecretOk(buf);
			case 1310730: return decodeChannelOpen(buf);
			case 1310731: return decodeChannelOpenOk(buf);
			case 1310740: return decodeChannelFlow(buf);
			case 1310741: return decodeChannelFlowOk(buf);
			case 1310760: return decodeChannelClose(buf);
			case 1310761: return decodeChannelCloseOk(buf);
			case 1966090: return decodeAccessRequest(buf);
			case 1966091: return decodeAccessRequestOk(buf);
			case 2621450: return decodeExchangeDeclare(buf);
			case 2621451: return decodeExchangeDeclareOk(buf);
			case 2621460: return decodeExchangeDelete(buf);
			case 2621461: return decodeExchangeDeleteOk(buf);
			case 2621470: return decodeExchangeBind(buf);
			case 2621471: return decodeExchangeBindOk(buf);
			case 2621480: return decodeExchangeUnbind(buf);
			case 2621491: return decodeExchangeUnbindOk(buf);
			case 3276810: return decodeQueueDeclare(buf);
			case 3276811: return decodeQueueDeclareOk(buf);
			case 3276820: return decodeQueueBind(buf);
			case 3276821: return decodeQueueBindOk(buf);
			case 3276830: return decodeQueuePurge(buf);
			case 3276831: return decodeQueuePurgeOk(buf);
			case 3276840: return decodeQueueDelete(buf);
			case 3276841: return decodeQueueDeleteOk(buf);
			case 3276850: return decodeQueueUnbind(buf);
			case 3276851: return decodeQueueUnbindOk(buf);
			case 5898250: return decodeTxSelect(buf);
			case 5898251: return decodeTxSelectOk(buf);
			case 5898260: return decodeTxCommit(buf);
			case 5898261: return decodeTxCommitOk(buf);
			case 5898270: return decodeTxRollback(buf);
			case 5898271: return decodeTxRollbackOk(buf);
			case 5570570: return decodeConfirmSelect(buf);
			case 5570571: return decodeConfirmSelectOk(buf);
			case 60: return decodeBasicProperties(buf);
			default: throw new Error("Unknown class/method ID");
		}
	};
	module.exports.encodeMethod = function(id, channel, fields) {
		switch (id) {
			case 3932170: return encodeBasicQos(channel, fields);
			case 3932171: return encodeBasicQosOk(channel, fields);
			case 3932180: return encodeBasicConsume(channel, fields);
			case 3932181: return encodeBasicConsumeOk(channel, fields);
			case 3932190: return encodeBasicCancel(channel, fields);
			case 3932191: return encodeBasicCancelOk(channel, fields);
			case 3932200: return encodeBasicPublish(channel, fields);
			case 3932210: return encodeBasicReturn(channel, fields);
			case 3932220: return encodeBasicDeliver(channel, fields);
			case 3932230: return encodeBasicGet(channel, fields);
			case 3932231: return encodeBasicGetOk(channel, fields);
			case 3932232: return encodeBasicGetEmpty(channel, fields);
			case 3932240: return encodeBasicAck(channel, fields);
			case 3932250: return encodeBasicReject(channel, fields);
			case 3932260: return encodeBasicRecoverAsync(channel, fields);
			case 3932270: return encodeBasicRecover(channel, fields);
			case 3932271: return encodeBasicRecoverOk(channel, fields);
			case 3932280: return encodeBasicNack(channel, fields);
			case 655370: return encodeConnectionStart(channel, fields);
			case 655371: return encodeConnectionStartOk(channel, fields);
			case 655380: return encodeConnectionSecure(channel, fields);
			case 655381: return encodeConnectionSecureOk(channel, fields);
			case 655390: return encodeConnectionTune(channel, fields);
			case 655391: return encodeConnectionTuneOk(channel, fields);
			case 655400: return encodeConnectionOpen(channel, fields);
			case 655401: return encodeConnectionOpenOk(channel, fields);
			case 655410: return encodeConnectionClose(channel, fields);
			case 655411: return encodeConnectionCloseOk(channel, fields);
			case 655420: return encodeConnectionBlocked(channel, fields);
			case 655421: return encodeConnectionUnblocked(channel, fields);
			case 655430: return encodeConnectionUpdateSecret(channel, fields);
			case 655431: return encodeConnectionUpdateSecretOk(channel, fields);
			case 1310730: return encodeChannelOpen(channel, fields);
			case 1310731: return encodeChannelOpenOk(channel, fields);
			case 1310740: return encodeChannelFlow(channel, fields);
			case 1310741: return encodeChannelFlowOk(channel, fields);
			case 1310760: return encodeChannelClose(channel, fields);
			case 1310761: return encodeChannelCloseOk(channel, fields);
			case 1966090: return encodeAccessRequest(channel, fields);
			case 1966091: return encodeAccessRequestOk(channel, fields);
			case 2621450: return encodeExchangeDeclare(channel, fields);
			case 2621451: return encodeExchangeDeclareOk(channel, fields);
			case 2621460: return encodeExchangeDelete(channel, fields);
			case 2621461: return encodeExchangeDeleteOk(channel, fields);
			case 2621470: return encodeExchangeBind(channel, fields);
			case 2621471: return encodeExchangeBindOk(channel, fields);
			case 2621480: return encodeExchangeUnbind(channel, fields);
			case 2621491: return encodeExchangeUnbindOk(channel, fields);
			case 3276810: return encodeQueueDeclare(channel, fields);
			case 3276811: return encodeQueueDeclareOk(channel, fields);
			case 3276820: return encodeQueueBind(channel, fields);
			case 3276821: return encodeQueueBindOk(channel, fields);
			case 3276830: return encodeQueuePurge(channel, fields);
			case 3276831: return encodeQueuePurgeOk(channel, fields);
			case 3276840: return encodeQueueDelete(channel, fields);
			case 3276841: return encodeQueueDeleteOk(channel, fields);
			case 3276850: return encodeQueueUnbind(channel, fields);
			case 3276851: return encodeQueueUnbindOk(channel, fields);
			case 5898250: return encodeTxSelect(channel, fields);
			case 5898251: return encodeTxSelectOk(channel, fields);
			case 5898260: return encodeTxCommit(channel, fields);
			case 5898261: return encodeTxCommitOk(channel, fields);
			case 5898270: return encodeTxRollback(channel, fields);
			case 5898271: return encodeTxRollbackOk(channel, fields);
			case 5570570: return encodeConfirmSelect(channel, fields);
			case 5570571: return encodeConfirmSelectOk(channel, fields);
			default: throw new Error("Unknown class/method ID");
		}
	};
	module.exports.encodeProperties = function(id, channel, size, fields) {
		switch (id) {
			case 60: return encodeBasicProperties(channel, size, fields);
			default: throw new Error("Unknown class/properties ID");
		}
	};
	module.exports.info = function(id) {
		switch (id) {
			case 3932170: return methodInfoBasicQos;
			case 3932171: return methodInfoBasicQosOk;
			case 3932180: return methodInfoBasicConsume;
			case 3932181: return methodInfoBasicConsumeOk;
			case 3932190: return methodInfoBasicCancel;
			case 3932191: return methodInfoBasicCancelOk;
			case 3932200: return methodInfoBasicPublish;
			case 3932210: return methodInfoBasicReturn;
			case 3932220: return methodInfoBasicDeliver;
			case 3932230: return methodInfoBasicGet;
			case 3932231: return methodInfoBasicGetOk;
			case 3932232: return methodInfoBasicGetEmpty;
			case 3932240: return methodInfoBasicAck;
			case 3932250: return methodInfoBasicReject;
			case 3932260: return methodInfoBasicRecoverAsync;
			case 3932270: return methodInfoBasicRecover;
			case 3932271: return methodInfoBasicRecoverOk;
			case 3932280: return methodInfoBasicNack;
			case 655370: return methodInfoConnectionStart;
			case 655371: return methodInfoConnectionStartOk;
			case 655380: return methodInfoConnectionSecure;
			case 655381: return methodInfoConnectionSecureOk;
			case 655390: return methodInfoConnectionTune;
			case 655391: return methodInfoConnectionTuneOk;
			case 655400: return methodInfoConnectionOpen;
			case 655401: return methodInfoConnectionOpenOk;
			case 655410: return methodInfoConnectionClose;
			case 655411: return methodInfoConnectionCloseOk;
			case 655420: return methodInfoConnectionBlocked;
			case 655421: return methodInfoConnectionUnblocked;
			case 655430: return methodInfoConnectionUpdateSecret;
			case 655431: return methodInfoConnectionUpdateSecretOk;
			case 1310730: return methodInfoChannelOpen;
			case 1310731: return methodInfoChannelOpenOk;
			case 1310740: return methodInfoChannelFlow;
			case 1310741: return methodInfoChannelFlowOk;
			case 1310760: return methodInfoChannelClose;
			case 1310761: return methodInfoChannelCloseOk;
			case 1966090: return methodInfoAccessRequest;
			case 1966091: return methodInfoAccessRequestOk;
			case 2621450: return methodInfoExchangeDeclare;
			case 2621451: return methodInfoExchangeDeclareOk;
			case 2621460: return methodInfoExchangeDelete;
			case 2621461: return methodInfoExchangeDeleteOk;
			case 2621470: return methodInfoExchangeBind;
			case 2621471: return methodInfoExchangeBindOk;
			case 2621480: return methodInfoExchangeUnbind;
			case 2621491: return methodInfoExchangeUnbindOk;
			case 3276810: return methodInfoQueueDeclare;
			case 3276811: return methodInfoQueueDeclareOk;
			case 3276820: return methodInfoQueueBind;
			case 3276821: return methodInfoQueueBindOk;
			case 3276830: return methodInfoQueuePurge;
			case 3276831: return methodInfoQueuePurgeOk;
			case 3276840: return methodInfoQueueDelete;
			case 3276841: return methodInfoQueueDeleteOk;
			case 3276850: return methodInfoQueueUnbind;
			case 3276851: return methodInfoQueueUnbindOk;
			case 5898250: return methodInfoTxSelect;
			case 5898251: return methodInfoTxSelectOk;
			case 5898260: return methodInfoTxCommit;
			case 5898261: return methodInfoTxCommitOk;
			case 5898270: return methodInfoTxRollback;
			case 5898271: return methodInfoTxRollbackOk;
			case 5570570: return methodInfoConfirmSelect;
			case 5570571: return methodInfoConfirmSelectOk;
			case 60: return propertiesInfoBasicProperties;
			default: throw new Error("Unknown class/method ID");
		}
	};
	module.exports.BasicQos = 3932170;
	var methodInfoBasicQos = module.exports.methodInfoBasicQos = {
		id: 3932170,
		classId: 60,
		methodId: 10,
		name: "BasicQos",
		args: [
			{
				type: "long",
				name: "prefetchSize",
				default: 0
			},
			{
				type: "short",
				name: "prefetchCount",
				default: 0
			},
			{
				type: "bit",
				name: "global",
				default: !1
			}
		]
	};
	module.exports.BasicQosOk = 3932171;
	var methodInfoBasicQosOk = module.exports.methodInfoBasicQosOk = {
		id: 3932171,
		classId: 60,
		methodId: 11,
		name: "BasicQosOk",
		args: []
	};
	module.exports.BasicConsume = 3932180;
	var methodInfoBasicConsume = module.exports.methodInfoBasicConsume = {
		id: 3932180,
		classId: 60,
		methodId: 20,
		name: "BasicConsume",
		args: [
			{
				type: "short",
				name: "ticket",
				default: 0
			},
			{
				type: "shortstr",
				name: "queue",
				default: ""
			},
			{
				type: "shortstr",
				name: "consumerTag",
				default: ""
			},
			{
				type: "bit",
				name: "noLocal",
				default: !1
			},
			{
				type: "bit",
				name: "noAck",
				default: !1
			},
			{
				type: "bit",
				name: "exclusive",
				default: !1
			},
			{
				type: "bit",
				name: "nowait",
				default: !1
			},
			{
				type: "table",
				name: "arguments",
				default: {}
			}
		]
	};
	module.exports.BasicConsumeOk = 3932181;
	var methodInfoBasicConsumeOk = module.exports.methodInfoBasicConsumeOk = {
		id: 3932181,
		classId: 60,
		methodId: 21,
		name: "BasicConsumeOk",
		args: [{
			type: "shortstr",
			name: "consumerTag"
		}]
	};
	module.exports.BasicCancel = 3932190;
	var methodInfoBasicCancel = module.exports.methodInfoBasicCancel = {
		id: 3932190,
		classId: 60,
		methodId: 30,
		name: "BasicCancel",
		args: [{
			type: "shortstr",
			name: "consumerTag"
		}, {
			type: "bit",
			name: "nowait",
			default: !1
		}]
	};
	module.exports.BasicCancelOk = 3932191;
	var methodInfoBasicCancelOk = module.exports.methodInfoBasicCancelOk = {
		id: 3932191,
		classId: 60,
		methodId: 31,
		name: "BasicCancelOk",
		args: [{
			type: "shortstr",
			name: "consumerTag"
		}]
	};
	module.exports.BasicPublish = 3932200;
	var methodInfoBasicPublish = module.exports.methodInfoBasicPublish = {
		id: 3932200,
		classId: 60,
		methodId: 40,
		name: "BasicPublish",
		args: [
			{
				type: "short",
				name: "ticket",
				default: 0
			},
			{
				type: "shortstr",
				name: "exchange",
				default: ""
			},
			{
				type: "shortstr",
				name: "routingKey",
				default: ""
			},
			{
				type: "bit",
				name: "mandatory",
				default: !1
			},
			{
				type: "bit",
				name: "immediate",
				default: !1
			}
		]
	};
	module.exports.BasicReturn = 3932210;
	var methodInfoBasicReturn = module.exports.methodInfoBasicReturn = {
		id: 3932210,
		classId: 60,
		methodId: 50,
		name: "BasicReturn",
		args: [
			{
				type: "short",
				name: "replyCode"
			},
			{
				type: "shortstr",
				name: "replyText",
				default: ""
			},
			{
				type: "shortstr",
				name: "exchange"
			},
			{
				type: "shortstr",
				name: "routingKey"
			}
		]
	};
	module.exports.BasicDeliver = 3932220;
	var methodInfoBasicDeliver = module.exports.methodInfoBasicDeliver = {
		id: 3932220,
		classId: 60,
		methodId: 60,
		name: "BasicDeliver",
		args: [
			{
				type: "shortstr",
				name: "consumerTag"
			},
			{
				type: "longlong",
				name: "deliveryTag"
			},
			{
				type: "bit",
				name: "redelivered",
				default: !1
			},
			{
				type: "shortstr",
				name: "exchange"
			},
			{
				type: "shortstr",
				name: "routingKey"
			}
		]
	};
	module.exports.BasicGet = 3932230;
	var methodInfoBasicGet = module.exports.methodInfoBasicGet = {
		id: 3932230,
		classId: 60,
		methodId: 70,
		name: "BasicGet",
		args: [
			{
				type: "short",
				name: "ticket",
				default: 0
			},
			{
				type: "shortstr",
				name: "queue",
				default: ""
			},
			{
				type: "bit",
				name: "noAck",
				default: !1
			}
		]
	};
	module.exports.BasicGetOk = 3932231;
	var methodInfoBasicGetOk = module.exports.methodInfoBasicGetOk = {
		id: 3932231,
		classId: 60,
		methodId: 71,
		name: "BasicGetOk",
		args: [
			{
				type: "longlong",
				name: "deliveryTag"
			},
			{
				type: "bit",
				name: "redelivered",
				default: !1
			},
			{
				type: "shortstr",
				name: "exchange"
			},
			{
				type: "shortstr",
				name: "routingKey"
			},
			{
				type: "long",
				name: "messageCount"
			}
		]
	};
	module.exports.BasicGetEmpty = 3932232;
	var methodInfoBasicGetEmpty = module.exports.methodInfoBasicGetEmpty = {
		id: 3932232,
		classId: 60,
		methodId: 72,
		name: "BasicGetEmpty",
		args: [{
			type: "shortstr",
			name: "clusterId",
			default: ""
		}]
	};
	module.exports.BasicAck = 3932240;
	var methodInfoBasicAck = module.exports.methodInfoBasicAck = {
		id: 3932240,
		classId: 60,
		methodId: 80,
		name: "BasicAck",
		args: [{
			type: "longlong",
			name: "deliveryTag",
			default: 0
		}, {
			type: "bit",
			name: "multiple",
			default: !1
		}]
	};
	module.exports.BasicReject = 3932250;
	var methodInfoBasicReject = module.exports.methodInfoBasicReject = {
		id: 3932250,
		classId: 60,
		methodId: 90,
		name: "BasicReject",
		args: [{
			type: "longlong",
			name: "deliveryTag"
		}, {
			type: "bit",
			name: "requeue",
			default: !0
		}]
	};
	module.exports.BasicRecoverAsync = 3932260;
	var methodInfoBasicRecoverAsync = module.exports.methodInfoBasicRecoverAsync = {
		id: 3932260,
		classId: 60,
		methodId: 100,
		name: "BasicRecoverAsync",
		args: [{
			type: "bit",
			name: "requeue",
			default: !1
		}]
	};
	module.exports.BasicRecover = 3932270;
	var methodInfoBasicRecover = module.exports.methodInfoBasicRecover = {
		id: 3932270,
		classId: 60,
		methodId: 110,
		name: "BasicRecover",
		args: [{
			type: "bit",
			name: "requeue",
			default: !1
		}]
	};
	module.exports.BasicRecoverOk = 3932271;
	var methodInfoBasicRecoverOk = module.exports.methodInfoBasicRecoverOk = {
		id: 3932271,
		classId: 60,
		methodId: 111,
		name: "BasicRecoverOk",
		args: []
	};
	module.exports.BasicNack = 3932280;
	var methodInfoBasicNack = module.exports.methodInfoBasicNack = {
		id: 3932280,
		classId: 60,
		methodId: 120,
		name: "BasicNack",
		args: [
			{
				type: "longlong",
				name: "deliveryTag",
				default: 0
			},
			{
				type: "bit",
				name: "multiple",
				default: !1
			},
			{
				type: "bit",
				name: "requeue",
				default: !0
			}
		]
	};
	module.exports.ConnectionStart = 655370;
	var methodInfoConnectionStart = module.exports.methodInfoConnectionStart = {
		id: 655370,
		classId: 10,
		methodId: 10,
		name: "ConnectionStart",
		args: [
			{
				type: "octet",
				name: "versionMajor",
				default: 0
			},
			{
				type: "octet",
				name: "versionMinor",
				default: 9
			},
			{
				type: "table",
				name: "serverProperties"
			},
			{
				type: "longstr",
				name: "mechanisms",
				default: "PLAIN"
			},
			{
				type: "longstr",
				name: "locales",
				default: "en_US"
			}
		]
	};
	module.exports.ConnectionStartOk = 655371;
	var methodInfoConnectionStartOk = module.exports.methodInfoConnectionStartOk = {
		id: 655371,
		classId: 10,
		methodId: 11,
		name: "ConnectionStartOk",
		args: [
			{
				type: "table",
				name: "clientProperties"
			},
			{
				type: "shortstr",
				name: "mechanism",
				default: "PLAIN"
			},
			{
				type: "longstr",
				name: "response"
			},
			{
				type: "shortstr",
				name: "locale",
				default: "en_US"
			}
		]
	};
	module.exports.ConnectionSecure = 655380;
	var methodInfoConnectionSecure = module.exports.methodInfoConnectionSecure = {
		id: 655380,
		classId: 10,
		methodId: 20,
		name: "ConnectionSecure",
		args: [{
			type: "longstr",
			name: "challenge"
		}]
	};
	module.exports.ConnectionSecureOk = 655381;
	var methodInfoConnectionSecureOk = module.exports.methodInfoConnectionSecureOk = {
		id: 655381,
		classId: 10,
		methodId: 21,
		name: "ConnectionSecureOk",
		args: [{
			type: "longstr",
			name: "response"
		}]
	};
	module.exports.ConnectionTune = 655390;
	var methodInfoConnectionTune = module.exports.methodInfoConnectionTune = {
		id: 655390,
		classId: 10,
		methodId: 30,
		name: "ConnectionTune",
		args: [
			{
				type: "short",
				name: "channelMax",
				default: 0
			},
			{
				type: "long",
				name: "frameMax",
				default: 0
			},
			{
				type: "short",
				name: "heartbeat",
				default: 0
			}
		]
	};
	module.exports.ConnectionTuneOk = 655391;
	var methodInfoConnectionTuneOk = module.exports.methodInfoConnectionTuneOk = {
		id: 655391,
		classId: 10,
		methodId: 31,
		name: "ConnectionTuneOk",
		args: [
			{
				type: "short",
				name: "channelMax",
				default: 0
			},
			{
				type: "long",
				name: "frameMax",
				default: 0
			},
			{
				type: "short",
				name: "heartbeat",
				default: 0
			}
		]
	};
	module.exports.ConnectionOpen = 655400;
	var methodInfoConnectionOpen = module.exports.methodInfoConnectionOpen = {
		id: 655400,
		classId: 10,
		methodId: 40,
		name: "ConnectionOpen",
		args: [
			{
				type: "shortstr",
				name: "virtualHost",
				default: "/"
			},
			{
				type: "shortstr",
				name: "capabilities",
				default: ""
			},
			{
				type: "bit",
				name: "insist",
				default: !1
			}
		]
	};
	module.exports.ConnectionOpenOk = 655401;
	var methodInfoConnectionOpenOk = module.exports.methodInfoConnectionOpenOk = {
		id: 655401,
		classId: 10,
		methodId: 41,
		name: "ConnectionOpenOk",
		args: [{
			type: "shortstr",
			name: "knownHosts",
			default: ""
		}]
	};
	module.exports.ConnectionClose = 655410;
	var methodInfoConnectionClose = module.exports.methodInfoConnectionClose = {
		id: 655410,
		classId: 10,
		methodId: 50,
		name: "ConnectionClose",
		args: [
			{
				type: "short",
				name: "replyCode"
			},
			{
				type: "shortstr",
				name: "replyText",
				default: ""
			},
			{
				type: "short",
				name: "classId"
			},
			{
				type: "short",
				name: "methodId"
			}
		]
	};
	module.exports.ConnectionCloseOk = 655411;
	var methodInfoConnectionCloseOk = module.exports.methodInfoConnectionCloseOk = {
		id: 655411,
		classId: 10,
		methodId: 51,
		name: "ConnectionCloseOk",
		args: []
	};
	module.exports.ConnectionBlocked = 655420;
	var methodInfoConnectionBlocked = module.exports.methodInfoConnectionBlocked = {
		id: 655420,
		classId: 10,
		methodId: 60,
		name: "ConnectionBlocked",
		args: [{
			type: "shortstr",
			name: "reason",
			default: ""
		}]
	};
	module.exports.ConnectionUnblocked = 655421;
	var methodInfoConnectionUnblocked = module.exports.methodInfoConnectionUnblocked = {
		id: 655421,
		classId: 10,
		methodId: 61,
		name: "ConnectionUnblocked",
		args: []
	};
	module.exports.ConnectionUpdateSecret = 655430;
	var methodInfoConnectionUpdateSecret = module.exports.methodInfoConnectionUpdateSecret = {
		id: 655430,
		classId: 10,
		methodId: 70,
		name: "ConnectionUpdateSecret",
		args: [{
			type: "longstr",
			name: "newSecret"
		}, {
			type: "shortstr",
			name: "reason"
		}]
	};
	module.exports.ConnectionUpdateSecretOk = 655431;
	var methodInfoConnectionUpdateSecretOk = module.exports.methodInfoConnectionUpdateSecretOk = {
		id: 655431,
		classId: 10,
		methodId: 71,
		name: "ConnectionUpdateSecretOk",
		args: []
	};
	module.exports.ChannelOpen = 1310730;
	var methodInfoChannelOpen = module.exports.methodInfoChannelOpen = {
		id: 1310730,
		classId: 20,
		methodId: 10,
		name: "ChannelOpen",
		args: [{
			type: "shortstr",
			name: "outOfBand",
			default: ""
		}]
	};
	module.exports.ChannelOpenOk = 1310731;
	var methodInfoChannelOpenOk = module.exports.methodInfoChannelOpenOk = {
		id: 1310731,
		classId: 20,
		methodId: 11,
		name: "ChannelOpenOk",
		args: [{
			type: "longstr",
			name: "channelId",
			default: ""
		}]
	};
	module.exports.ChannelFlow = 1310740;
	var methodInfoChannelFlow = module.exports.methodInfoChannelFlow = {
		id: 1310740,
		classId: 20,
		methodId: 20,
		name: "ChannelFlow",
		args: [{
			type: "bit",
			name: "active"
		}]
	};
	module.exports.ChannelFlowOk = 1310741;
	var methodInfoChannelFlowOk = module.exports.methodInfoChannelFlowOk = {
		id: 1310741,
		classId: 20,
		methodId: 21,
		name: "ChannelFlowOk",
		args: [{
			type: "bit",
			name: "active"
		}]
	};
	module.exports.ChannelClose = 1310760;
	var methodInfoChannelClose = module.exports.methodInfoChannelClose = {
		id: 1310760,
		classId: 20,
		methodId: 40,
		name: "ChannelClose",
		args: [
			{
				type: "short",
				name: "replyCode"
			},
			{
				type: "shortstr",
				name: "replyText",
				default: ""
			},
			{
				type: "short",
				name: "classId"
			},
			{
				type: "short",
				name: "methodId"
			}
		]
	};
	module.exports.ChannelCloseOk = 1310761;
	var methodInfoChannelCloseOk = module.exports.methodInfoChannelCloseOk = {
		id: 1310761,
		classId: 20,
		methodId: 41,
		name: "ChannelCloseOk",
		args: []
	};
	module.exports.AccessRequest = 1966090;
	var methodInfoAccessRequest = module.exports.methodInfoAccessRequest = {
		id: 1966090,
		classId: 30,
		methodId: 10,
		name: "AccessRequest",
		args: [
			{
				type: "shortstr",
				name: "realm",
				default: "/data"
			},
			{
				type: "bit",
				name: "exclusive",
				default: !1
			},
			{
				type: "bit",
				name: "passive",
				default: !0
			},
			{
				type: "bit",
				name: "active",
				default: !0
			},
			{
				type: "bit",
				name: "write",
				default: !0
			},
			{
				type: "bit",
				name: "read",
				default: !0
			}
		]
	};
	module.exports.AccessRequestOk = 1966091;
	var methodInfoAccessRequestOk = module.exports.methodInfoAccessRequestOk = {
		id: 1966091,
		classId: 30,
		methodId: 11,
		name: "AccessRequestOk",
		args: [{
			type: "short",
			name: "ticket",
			default: 1
		}]
	};
	module.exports.ExchangeDeclare = 2621450;
	var methodInfoExchangeDeclare = module.exports.methodInfoExchangeDeclare = {
		id: 2621450,
		classId: 40,
		methodId: 10,
		name: "ExchangeDeclare",
		args: [
			{
				type: "short",
				name: "ticket",
				default: 0
			},
			{
				type: "shortstr",
				name: "exchange"
			},
			{
				type: "shortstr",
				name: "type",
				default: "direct"
			},
			{
				type: "bit",
				name: "passive",
				default: !1
			},
			{
				type: "bit",
				name: "durable",
				default: !1
			},
			{
				type: "bit",
				name: "autoDelete",
				default: !1
			},
			{
				type: "bit",
				name: "internal",
				default: !1
			},
			{
				type: "bit",
				name: "nowait",
				default: !1
			},
			{
				type: "table",
				name: "arguments",
				default: {}
			}
		]
	};
	module.exports.ExchangeDeclareOk = 2621451;
	var methodInfoExchangeDeclareOk = module.exports.methodInfoExchangeDeclareOk = {
		id: 2621451,
		classId: 40,
		methodId: 11,
		name: "ExchangeDeclareOk",
		args: []
	};
	module.exports.ExchangeDelete = 2621460;
	var methodInfoExchangeDelete = module.exports.methodInfoExchangeDelete = {
		id: 2621460,
		classId: 40,
		methodId: 20,
		name: "ExchangeDelete",
		args: [
			{
				type: "short",
				name: "ticket",
				default: 0
			},
			{
				type: "shortstr",
				name: "exchange"
			},
			{
				type: "bit",
				name: "ifUnused",
				default: !1
			},
			{
				type: "bit",
				name: "nowait",
				default: !1
			}
		]
	};
	module.exports.ExchangeDeleteOk = 2621461;
	var methodInfoExchangeDeleteOk = module.exports.methodInfoExchangeDeleteOk = {
		id: 2621461,
		classId: 40,
		methodId: 21,
		name: "ExchangeDeleteOk",
		args: []
	};
	module.exports.ExchangeBind = 2621470;
	var methodInfoExchangeBind = module.exports.methodInfoExchangeBind = {
		id: 2621470,
		classId: 40,
		methodId: 30,
		name: "ExchangeBind",
		args: [
			{
				type: "short",
				name: "ticket",
				default: 0
			},
			{
				type: "shortstr",
				name: "destination"
			},
			{
				type: "shortstr",
				name: "source"
			},
			{
				type: "shortstr",
				name: "routingKey",
				default: ""
			},
			{
				type: "bit",
				name: "nowait",
				default: !1
			},
			{
				type: "table",
				name: "arguments",
				default: {}
			}
		]
	};
	module.exports.ExchangeBindOk = 2621471;
	var methodInfoExchangeBindOk = module.exports.methodInfoExchangeBindOk = {
		id: 2621471,
		classId: 40,
		methodId: 31,
		name: "ExchangeBindOk",
		args: []
	};
	module.exports.ExchangeUnbind = 2621480;
	var methodInfoExchangeUnbind = module.exports.methodInfoExchangeUnbind = {
		id: 2621480,
		classId: 40,
		methodId: 40,
		name: "ExchangeUnbind",
		args: [
			{
				type: "short",
				name: "ticket",
				default: 0
			},
			{
				type: "shortstr",
				name: "destination"
			},
			{
				type: "shortstr",
				name: "source"
			},
			{
				type: "shortstr",
				name: "routingKey",
				default: ""
			},
			{
				type: "bit",
				name: "nowait",
				default: !1
			},
			{
				type: "table",
				name: "arguments",
				default: {}
			}
		]
	};
	module.exports.ExchangeUnbindOk = 2621491;
	var methodInfoExchangeUnbindOk = module.exports.methodInfoExchangeUnbindOk = {
		id: 2621491,
		classId: 40,
		methodId: 51,
		name: "ExchangeUnbindOk",
		args: []
	};
	module.exports.QueueDeclare = 3276810;
	var methodInfoQueueDeclare = module.exports.methodInfoQueueDeclare = {
		id: 3276810,
		classId: 50,
		methodId: 10,
		name: "QueueDeclare",
		args: [
			{
				type: "short",
				name: "ticket",
				default: 0
			},
			{
				type: "shortstr",
				name: "queue",
				default: ""
			},
			{
				type: "bit",
				name: "passive",
				default: !1
			},
			{
				type: "bit",
				name: "durable",
				default: !1
			},
			{
				type: "bit",
				name: "exclusive",
				default: !1
			},
			{
				type: "bit",
				name: "autoDelete",
				default: !1
			},
			{
				type: "bit",
				name: "nowait",
				default: !1
			},
			{
				type: "table",
				name: "arguments",
				default: {}
			}
		]
	};
	module.exports.QueueDeclareOk = 3276811;
	var methodInfoQueueDeclareOk = module.exports.methodInfoQueueDeclareOk = {
		id: 3276811,
		classId: 50,
		methodId: 11,
		name: "QueueDeclareOk",
		args: [
			{
				type: "shortstr",
				name: "queue"
			},
			{
				type: "long",
				name: "messageCount"
			},
			{
				type: "long",
				name: "consumerCount"
			}
		]
	};
	module.exports.QueueBind = 3276820;
	var methodInfoQueueBind = module.exports.methodInfoQueueBind = {
		id: 3276820,
		classId: 50,
		methodId: 20,
		name: "QueueBind",
		args: [
			{
				type: "short",
				name: "ticket",
				default: 0
			},
			{
				type: "shortstr",
				name: "queue",
				default: ""
			},
			{
				type: "shortstr",
				name: "exchange"
			},
			{
				type: "shortstr",
				name: "routingKey",
				default: ""
			},
			{
				type: "bit",
				name: "nowait",
				default: !1
			},
			{
				type: "table",
				name: "arguments",
				default: {}
			}
		]
	};
	module.exports.QueueBindOk = 3276821;
	var methodInfoQueueBindOk = module.exports.methodInfoQueueBindOk = {
		id: 3276821,
		classId: 50,
		methodId: 21,
		name: "QueueBindOk",
		args: []
	};
	module.exports.QueuePurge = 3276830;
	var methodInfoQueuePurge = module.exports.methodInfoQueuePurge = {
		id: 3276830,
		classId: 50,
		methodId: 30,
		name: "QueuePurge",
		args: [
			{
				type: "short",
				name: "ticket",
				default: 0
			},
			{
				type: "shortstr",
				name: "queue",
				default: ""
			},
			{
				type: "bit",
				name: "nowait",
				default: !1
			}
		]
	};
	module.exports.QueuePurgeOk = 3276831;
	var methodInfoQueuePurgeOk = module.exports.methodInfoQueuePurgeOk = {
		id: 3276831,
		classId: 50,
		methodId: 31,
		name: "QueuePurgeOk",
		args: [{
			type: "long",
			name: "messageCount"
		}]
	};
	module.exports.QueueDelete = 3276840;
	var methodInfoQueueDelete = module.exports.methodInfoQueueDelete = {
		id: 3276840,
		classId: 50,
		methodId: 40,
		name: "QueueDelete",
		args: [
			{
				type: "short",
				name: "ticket",
				default: 0
			},
			{
				type: "shortstr",
				name: "queue",
				default: ""
			},
			{
				type: "bit",
				name: "ifUnused",
				default: !1
			},
			{
				type: "bit",
				name: "ifEmpty",
				default: !1
			},
			{
				type: "bit",
				name: "nowait",
				default: !1
			}
		]
	};
	module.exports.QueueDeleteOk = 3276841;
	var methodInfoQueueDeleteOk = module.exports.methodInfoQueueDeleteOk = {
		id: 3276841,
		classId: 50,
		methodId: 41,
		name: "QueueDeleteOk",
		args: [{
			type: "long",
			name: "messageCount"
		}]
	};
	module.exports.QueueUnbind = 3276850;
	var methodInfoQueueUnbind = module.exports.methodInfoQueueUnbind = {
		id: 3276850,
		classId: 50,
		methodId: 50,
		name: "QueueUnbind",
		args: [
			{
				type: "short",
				name: "ticket",
				default: 0
			},
			{
				type: "shortstr",
				name: "queue",
				default: ""
			},
			{
				type: "shortstr",
				name: "exchange"
			},
			{
				type: "shortstr",
				name: "routingKey",
				default: ""
			},
			{
				type: "table",
				name: "arguments",
				default: {}
			}
		]
	};
	module.exports.QueueUnbindOk = 3276851;
	var methodInfoQueueUnbindOk = module.exports.methodInfoQueueUnbindOk = {
		id: 3276851,
		classId: 50,
		methodId: 51,
		name: "QueueUnbindOk",
		args: []
	};
	module.exports.TxSelect = 5898250;
	var methodInfoTxSelect = module.exports.methodInfoTxSelect = {
		id: 5898250,
		classId: 90,
		methodId: 10,
		name: "TxSelect",
		args: []
	};
	module.exports.TxSelectOk = 5898251;
	var methodInfoTxSelectOk = module.exports.methodInfoTxSelectOk = {
		id: 5898251,
		classId: 90,
		methodId: 11,
		name: "TxSelectOk",
		args: []
	};
	module.exports.TxCommit = 5898260;
	var methodInfoTxCommit = module.exports.methodInfoTxCommit = {
		id: 5898260,
		classId: 90,
		methodId: 20,
		name: "TxCommit",
		args: []
	};
	module.exports.TxCommitOk = 5898261;
	var methodInfoTxCommitOk = module.exports.methodInfoTxCommitOk = {
		id: 5898261,
		classId: 90,
		methodId: 21,
		name: "TxCommitOk",
		args: []
	};
	module.exports.TxRollback = 5898270;
	var methodInfoTxRollback = module.exports.methodInfoTxRollback = {
		id: 5898270,
		classId: 90,
		methodId: 30,
		name: "TxRollback",
		args: []
	};
	module.exports.TxRollbackOk = 5898271;
	var methodInfoTxRollbackOk = module.exports.methodInfoTxRollbackOk = {
		id: 5898271,
		classId: 90,
		methodId: 31,
		name: "TxRollbackOk",
		args: []
	};
	module.exports.ConfirmSelect = 5570570;
	var methodInfoConfirmSelect = module.exports.methodInfoConfirmSelect = {
		id: 5570570,
		classId: 85,
		methodId: 10,
		name: "ConfirmSelect",
		args: [{
			type: "bit",
			name: "nowait",
			default: !1
		}]
	};
	module.exports.ConfirmSelectOk = 5570571;
	var methodInfoConfirmSelectOk = module.exports.methodInfoConfirmSelectOk = {
		id: 5570571,
		classId: 85,
		methodId: 11,
		name: "ConfirmSelectOk",
		args: []
	};
	module.exports.BasicProperties = 60;
	var propertiesInfoBasicProperties = module.exports.propertiesInfoBasicProperties = {
		id: 60,
		name: "BasicProperties",
		args: [
			{
				type: "shortstr",
				name: "contentType"
			},
			{
				type: "shortstr",
				name: "contentEncoding"
			},
			{
				type: "table",
				name: "headers"
			},
			{
				type: "octet",
				name: "deliveryMode"
			},
			{
				type: "octet",
				name: "priority"
			},
			{
				type: "shortstr",
				name: "correlationId"
			},
			{
				type: "shortstr",
				name: "replyTo"
			},
			{
				type: "shortstr",
				name: "expiration"
			},
			{
				type: "shortstr",
				name: "messageId"
			},
			{
				type: "timestamp",
				name: "timestamp"
			},
			{
				type: "shortstr",
				name: "type"
			},
			{
				type: "shortstr",
				name: "userId"
			},
			{
				type: "shortstr",
				name: "appId"
			},
			{
				type: "shortstr",
				name: "clusterId"
			}
		]
	};
}));
// node_modules/amqplib/lib/frame.js
var require_frame = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const defs = require_defs();
	const constants = defs.constants;
	const decode = defs.decode;
	module.exports.PROTOCOL_HEADER = `AMQP${String.fromCharCode(0, 0, 9, 1)}`;
	const FRAME_METHOD = constants.FRAME_METHOD;
	const FRAME_HEARTBEAT = constants.FRAME_HEARTBEAT;
	const FRAME_HEADER = constants.FRAME_HEADER;
	const FRAME_BODY = constants.FRAME_BODY;
	const FRAME_END = constants.FRAME_END;
	const FRAME_HEADER_BYTES = 7;
	const FRAME_END_BYTES = 1;
	function readInt64BE(buffer, offset) {
		return Number(buffer.readBigInt64BE(offset));
	}
	module.exports.makeBodyFrame = (channel, payload) => {
		const frameSize = FRAME_HEADER_BYTES + payload.length + FRAME_END_BYTES;
		const frame = Buffer.alloc(frameSize);
		let offset = 0;
		offset = frame.writeUInt8(FRAME_BODY, offset);
		offset = frame.writeUInt16BE(channel, offset);
		offset = frame.writeInt32BE(payload.length, offset);
		payload.copy(frame, offset);
		offset += payload.length;
		frame.writeUInt8(FRAME_END, offset);
		return frame;
	};
	function parseFrame(bin, max) {
		if (bin.length < FRAME_HEADER_BYTES) return false;
		const type = bin.readUInt8(0);
		const channel = bin.readUInt16BE(1);
		const size = bin.readUInt32BE(3);
		if (max > 0 && size > max) throw new Error(`Frame size ${size} exceeds maxFrameSize ${max}`);
		const totalSize = FRAME_HEADER_BYTES + size + FRAME_END_BYTES;
		if (bin.length < totalSize) return false;
		if (bin.readUInt8(FRAME_HEADER_BYTES + size) !== FRAME_END) throw new Error("Invalid frame");
		return {
			type,
			channel,
			size,
			payload: bin.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + size),
			rest: bin.subarray(totalSize)
		};
	}
	module.exports.parseFrame = parseFrame;
	const HEARTBEAT = { channel: 0 };
	module.exports.decodeFrame = (frame) => {
		const payload = frame.payload;
		const channel = frame.channel;
		switch (frame.type) {
			case FRAME_METHOD: {
				const id = payload.readUInt32BE(0);
				const args = payload.subarray(4);
				return {
					id,
					channel,
					fields: decode(id, args)
				};
			}
			case FRAME_HEADER: {
				const id = payload.readUInt16BE(0);
				const size = readInt64BE(payload, 4);
				const flagsAndfields = payload.subarray(12);
				return {
					id,
					channel,
					size,
					fields: decode(id, flagsAndfields)
				};
			}
			case FRAME_BODY: return {
				channel,
				content: payload
			};
			case FRAME_HEARTBEAT: return HEARTBEAT;
			default: throw new Error(`Unknown frame type ${frame.type}`);
		}
	};
	module.exports.HEARTBEAT_BUF = Buffer.from([
		constants.FRAME_HEARTBEAT,
		0,
		0,
		0,
		0,
		0,
		0,
		constants.FRAME_END
	]);
	module.exports.HEARTBEAT = HEARTBEAT;
}));
// node_modules/amqplib/lib/mux.js
var require_mux = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const assert = __require("node:assert");
	const schedule = typeof setImmediate === "function" ? setImmediate : process.nextTick;
	var Mux = class {
		constructor(downstream) {
			this.newStreams = [];
			this.oldStreams = [];
			this.blocked = false;
			this.scheduledRead = false;
			this.out = downstream;
			downstream.on("drain", () => {
				this.blocked = false;
				this._readIncoming();
			});
		}
		_readIncoming() {
			if (this.blocked) return;
			let accepting = true;
			const out = this.out;
			function roundrobin(streams) {
				while (accepting && streams.length > 0) {
					const stream = streams.shift();
					const chunk = stream.read();
					if (chunk !== null) {
						accepting = out.write(chunk);
						streams.push(stream);
					}
				}
			}
			roundrobin(this.newStreams);
			if (accepting) {
				assert.equal(0, this.newStreams.length);
				roundrobin(this.oldStreams);
			} else {
				assert(this.newStreams.length > 0, "Expect some new streams to remain");
				Array.prototype.push.apply(this.oldStreams, this.newStreams);
				this.newStreams = [];
			}
			this.blocked = !accepting;
		}
		_scheduleRead() {
			if (!this.scheduledRead) {
				schedule(() => {
					this.scheduledRead = false;
					this._readIncoming();
				});
				this.scheduledRead = true;
			}
		}
		pipeFrom(readable) {
			const self = this;
			function enqueue() {
				self.newStreams.push(readable);
				self._scheduleRead();
			}
			function cleanup() {
				readable.removeListener("readable", enqueue);
				readable.removeListener("error", cleanup);
				readable.removeListener("end", cleanup);
				readable.removeListener("unpipeFrom", cleanupIfMe);
			}
			function cleanupIfMe(dest) {
				if (dest === self) cleanup();
			}
			readable.on("unpipeFrom", cleanupIfMe);
			readable.on("end", cleanup);
			readable.on("error", cleanup);
			readable.on("readable", enqueue);
		}
		unpipeFrom(readable) {
			readable.emit("unpipeFrom", this);
		}
	};
	module.exports.Mux = Mux;
}));
// node_modules/amqplib/lib/heartbeat.js
var require_heartbeat = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const EventEmitter = __require("node:events");
	module.exports.UNITS_TO_MS = 1e3;
	var Heart = class extends EventEmitter {
		constructor(interval, checkSend, checkRecv) {
			super();
			this.interval = interval;
			const intervalMs = interval * module.exports.UNITS_TO_MS;
			const beat = this.emit.bind(this, "beat");
			const timeout = this.emit.bind(this, "timeout");
			this.sendTimer = setInterval(this.runHeartbeat.bind(this, checkSend, beat), intervalMs / 2);
			let recvMissed = 0;
			function missedTwo() {
				if (!checkRecv()) return ++recvMissed < 2;
				else {
					recvMissed = 0;
					return true;
				}
			}
			this.recvTimer = setInterval(this.runHeartbeat.bind(this, missedTwo, timeout), intervalMs);
		}
		clear() {
			clearInterval(this.sendTimer);
			clearInterval(this.recvTimer);
		}
		runHeartbeat(check, fail) {
			if (!check()) fail();
		}
	};
	module.exports.Heart = Heart;
}));
// node_modules/amqplib/lib/format.js
var require_format = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const defs = require_defs();
	const format = __require("node:util").format;
	const HEARTBEAT = require_frame().HEARTBEAT;
	module.exports.closeMessage = (close) => {
		const code = close.fields.replyCode;
		return format("%d (%s) with message \"%s\"", code, defs.constant_strs[code], close.fields.replyText);
	};
	module.exports.methodName = (id) => defs.info(id).name;
	module.exports.inspect = (frame, showFields) => {
		if (frame === HEARTBEAT) return "<Heartbeat>";
		else if (!frame.id) return format("<Content channel:%d size:%d>", frame.channel, frame.size);
		else {
			const info = defs.info(frame.id);
			return format("<%s channel:%d%s>", info.name, frame.channel, showFields ? ` ${JSON.stringify(frame.fields, void 0, 2)}` : "");
		}
	};
}));
// node_modules/amqplib/lib/bitset.js
var require_bitset = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	var BitSet = class {
		constructor(size) {
			if (size) {
				const numWords = Math.ceil(size / 32);
				this.words = new Array(numWords);
			} else this.words = [];
			this.wordsInUse = 0;
		}
		ensureSize(numWords) {
			const wordsPresent = this.words.length;
			if (wordsPresent < numWords) this.words = this.words.concat(new Array(numWords - wordsPresent));
		}
		set(bitIndex) {
			const w = wordIndex(bitIndex);
			if (w >= this.wordsInUse) {
				this.ensureSize(w + 1);
				this.wordsInUse = w + 1;
			}
			const bit = 1 << bitIndex;
			this.words[w] |= bit;
		}
		clear(bitIndex) {
			const w = wordIndex(bitIndex);
			if (w >= this.wordsInUse) return;
			const mask = ~(1 << bitIndex);
			this.words[w] &= mask;
		}
		get(bitIndex) {
			const w = wordIndex(bitIndex);
			if (w >= this.wordsInUse) return false;
			const bit = 1 << bitIndex;
			return !!(this.words[w] & bit);
		}
		nextSetBit(fromIndex) {
			let w = wordIndex(fromIndex);
			if (w >= this.wordsInUse) return -1;
			let word = this.words[w] & 4294967295 << fromIndex;
			while (true) {
				if (word) return w * 32 + trailingZeros(word);
				w++;
				if (w === this.wordsInUse) return -1;
				word = this.words[w];
			}
		}
		nextClearBit(fromIndex) {
			let w = wordIndex(fromIndex);
			if (w >= this.wordsInUse) return fromIndex;
			let word = ~this.words[w] & 4294967295 << fromIndex;
			while (true) {
				if (word) return w * 32 + trailingZeros(word);
				w++;
				if (w === this.wordsInUse) return w * 32;
				word = ~this.words[w];
			}
		}
	};
	function wordIndex(bitIndex) {
		return Math.floor(bitIndex / 32);
	}
	function trailingZeros(i) {
		if (i === 0) return 32;
		let y;
		let n = 31;
		y = i << 16;
		if (y !== 0) {
			n = n - 16;
			i = y;
		}
		y = i << 8;
		if (y !== 0) {
			n = n - 8;
			i = y;
		}
		y = i << 4;
		if (y !== 0) {
			n = n - 4;
			i = y;
		}
		y = i << 2;
		if (y !== 0) {
			n = n - 2;
			i = y;
		}
		return n - (i << 1 >>> 31);
	}
	module.exports.BitSet = BitSet;
}));
// node_modules/amqplib/lib/error.js
var require_error = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const inherits = __require("node:util").inherits;
	function trimStack(stack, num) {
		return stack && stack.split("\n").slice(num).join("\n");
	}
	function IllegalOperationError(msg, stack) {
		const tmp = /* @__PURE__ */ new Error();
		this.message = msg;
		this.stack = `${this.toString()}\n${trimStack(tmp.stack, 2)}`;
		this.stackAtStateChange = stack;
	}
	inherits(IllegalOperationError, Error);
	IllegalOperationError.prototype.name = "IllegalOperationError";
	function stackCapture(reason) {
		return `Stack capture: ${reason}\n${trimStack((/* @__PURE__ */ new Error()).stack, 2)}`;
	}
	module.exports.IllegalOperationError = IllegalOperationError;
	module.exports.stackCapture = stackCapture;
}));
// node_modules/amqplib/lib/safe_emit.js
var require_safe_emit = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	function safeEmit(emitter, event, ...args) {
		try {
			emitter.emit(event, ...args);
		} catch (e) {
			if (emitter.listenerCount("handler-error") > 0) setImmediate(() => emitter.emit("handler-error", e, event));
			else throw e;
		}
	}
	module.exports = safeEmit;
}));
// node_modules/amqplib/lib/connection.js
var require_connection = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const defs = require_defs();
	const constants = defs.constants;
	const frame = require_frame();
	const HEARTBEAT = frame.HEARTBEAT;
	const Mux = require_mux().Mux;
	const Duplex = __require("node:stream").Duplex;
	const EventEmitter = __require("node:events");
	const Heart = require_heartbeat().Heart;
	const methodName = require_format().methodName;
	const closeMsg = require_format().closeMessage;
	const inspect = require_format().inspect;
	const BitSet = require_bitset().BitSet;
	const fmt = __require("node:util").format;
	const PassThrough = __require("node:stream").PassThrough;
	const IllegalOperationError = require_error().IllegalOperationError;
	const stackCapture = require_error().stackCapture;
	const safeEmit = require_safe_emit();
	const DEFAULT_WRITE_HWM = 1024;
	const SINGLE_CHUNK_THRESHOLD = 2048;
	const DEFAULT_MAX_FRAME_SIZE = 67108864;
	var Connection = class extends EventEmitter {
		constructor(underlying) {
			super();
			this.stream = wrapStream(underlying);
			this.muxer = new Mux(this.stream);
			this.rest = Buffer.alloc(0);
			this.frameMax = constants.FRAME_MIN_SIZE;
			this.maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
			this.sentSinceLastCheck = false;
			this.recvSinceLastCheck = false;
			this.expectSocketClose = false;
			this.blocked = false;
			this.freeChannels = new BitSet();
			this.channels = [{
				channel: { accept: channel0(this) },
				buffer: underlying
			}];
		}
		sendProtocolHeader() {
			this.sendBytes(frame.PROTOCOL_HEADER);
		}
		open(allFields, openCallback0) {
			const self = this;
			const openCallback = openCallback0 || (() => {});
			const maxFrameSize = allFields.maxFrameSize;
			const maxFrameSizeDefaulted = maxFrameSize === void 0 || maxFrameSize === null;
			if (maxFrameSizeDefaulted) self.maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
			else if (!Number.isInteger(maxFrameSize) || maxFrameSize !== 0 && maxFrameSize < constants.FRAME_MIN_SIZE) {
				bail(new TypeError(fmt("maxFrameSize must be 0 (no limit) or an integer of at least %d; got %s", constants.FRAME_MIN_SIZE, maxFrameSize)));
				return;
			} else self.maxFrameSize = maxFrameSize;
			const tunedOptions = Object.create(allFields);
			function wait(k) {
				self.step((err, frame) => {
					if (err !== null) bail(err);
					else if (frame.channel !== 0) bail(new Error(fmt("Frame on channel != 0 during handshake: %s", inspect(frame, false))));
					else k(frame);
				});
			}
			function expect(Method, k) {
				wait((frame) => {
					if (frame.id === Method) k(frame);
					else bail(new Error(fmt("Expected %s; got %s", methodName(Method), inspect(frame, false))));
				});
			}
			function bail(err) {
				openCallback(err);
			}
			function send(Method) {
				self.sendMethod(0, Method, tunedOptions);
			}
			function negotiate(server, desired) {
				if (server === 0 || desired === 0) return Math.max(server, desired);
				else return Math.min(server, desired);
			}
			function onStart(start) {
				if (start.fields.mechanisms.toString().split(" ").indexOf(allFields.mechanism) < 0) {
					bail(new Error(fmt("SASL mechanism %s is not provided by the server", allFields.mechanism)));
					return;
				}
				self.serverProperties = start.fields.serverProperties;
				try {
					send(defs.ConnectionStartOk);
				} catch (err) {
					bail(err);
					return;
				}
				wait(afterStartOk);
			}
			function afterStartOk(reply) {
				switch (reply.id) {
					case defs.ConnectionSecure:
						bail(/* @__PURE__ */ new Error("Wasn't expecting to have to go through secure"));
						break;
					case defs.ConnectionClose:
						bail(new Error(fmt("Handshake terminated by server: %s", closeMsg(reply))));
						break;
					case defs.ConnectionTune: {
						const fields = reply.fields;
						if (fields.frameMax !== 0 && fields.frameMax < constants.FRAME_MIN_SIZE) {
							bail(new Error(fmt("Server frameMax %d is below the protocol minimum %d", fields.frameMax, constants.FRAME_MIN_SIZE)));
							return;
						}
						tunedOptions.frameMax = negotiate(fields.frameMax, allFields.frameMax);
						tunedOptions.channelMax = negotiate(fields.channelMax, allFields.channelMax);
						if (allFields.heartbeat == null) tunedOptions.heartbeat = fields.heartbeat;
						else if (allFields.heartbeat === 0) tunedOptions.heartbeat = 0;
						else tunedOptions.heartbeat = negotiate(fields.heartbeat, allFields.heartbeat);
						try {
							send(defs.ConnectionTuneOk);
							send(defs.ConnectionOpen);
						} catch (err) {
							bail(err);
							return;
						}
						expect(defs.ConnectionOpenOk, onOpenOk);
						break;
					}
					default: bail(new Error(fmt("Expected connection.secure, connection.close, or connection.tune during handshake; got %s", inspect(reply, false))));
				}
			}
			function onOpenOk(openOk) {
				self.channelMax = tunedOptions.channelMax || 65535;
				self.frameMax = tunedOptions.frameMax || 4294967295;
				if (maxFrameSizeDefaulted && tunedOptions.frameMax !== 0 && tunedOptions.frameMax > self.maxFrameSize) self.maxFrameSize = tunedOptions.frameMax;
				self.heartbeat = tunedOptions.heartbeat;
				self.heartbeater = self.startHeartbeater();
				self.accept = mainAccept;
				succeed(openOk);
			}
			function endWhileOpening(err) {
				bail(err || /* @__PURE__ */ new Error("Socket closed abruptly during opening handshake"));
			}
			this.stream.on("end", endWhileOpening);
			this.stream.on("error", endWhileOpening);
			function succeed(ok) {
				self.stream.removeListener("end", endWhileOpening);
				self.stream.removeListener("error", endWhileOpening);
				self.stream.on("error", self.onSocketError.bind(self));
				self.stream.on("end", self.onSocketError.bind(self, /* @__PURE__ */ new Error("Unexpected close")));
				self.on("frameError", self.onSocketError.bind(self));
				self.acceptLoop();
				openCallback(null, ok);
			}
			this.sendProtocolHeader();
			expect(defs.ConnectionStart, onStart);
		}
		close(closeCallback) {
			const k = closeCallback && (() => {
				closeCallback(null);
			});
			this.closeBecause("Cheers, thanks", constants.REPLY_SUCCESS, k);
		}
		closeBecause(reason, code, k) {
			this.sendMethod(0, defs.ConnectionClose, {
				replyText: reason,
				replyCode: code,
				methodId: 0,
				classId: 0
			});
			const s = stackCapture(`closeBecause called: ${reason}`);
			this.toClosing(s, k);
		}
		closeWithError(reason, code, error) {
			safeEmit(this, "error", error);
			this.closeBecause(reason, code);
		}
		onSocketError(err) {
			if (!this.expectSocketClose) {
				this.expectSocketClose = true;
				safeEmit(this, "error", err);
				const s = stackCapture("Socket error");
				this.toClosed(s, err);
			}
		}
		toClosing(capturedStack, k) {
			const send = this.sendMethod.bind(this);
			if (this.blocked) {
				if (k) k();
				const s = stackCapture("Connection blocked: closing immediately");
				this.toClosed(s, void 0);
				return;
			}
			this.accept = function(f) {
				if (f.id === defs.ConnectionCloseOk) {
					if (k) k();
					const s = stackCapture("ConnectionCloseOk received");
					this.toClosed(s, void 0);
				} else if (f.id === defs.ConnectionClose) send(0, defs.ConnectionCloseOk, {});
			};
			invalidateSend(this, "Connection closing", capturedStack);
		}
		_closeChannels(capturedStack) {
			for (let i = 1; i < this.channels.length; i++) {
				const ch = this.channels[i];
				if (ch !== null) ch.channel.toClosed(capturedStack);
			}
		}
		toClosed(capturedStack, maybeErr) {
			this._closeChannels(capturedStack);
			const info = fmt("Connection closed (%s)", maybeErr ? maybeErr.toString() : "by client");
			invalidateSend(this, info, capturedStack);
			this.accept = invalidOp(info, capturedStack);
			this.close = (cb) => {
				cb && cb(new IllegalOperationError(info, capturedStack));
			};
			if (this.heartbeater) this.heartbeater.clear();
			this.expectSocketClose = true;
			this.stream.end();
			safeEmit(this, "close", maybeErr);
		}
		_updateSecret(newSecret, reason, cb) {
			this.sendMethod(0, defs.ConnectionUpdateSecret, {
				newSecret,
				reason
			});
			this.once("update-secret-ok", cb);
		}
		startHeartbeater() {
			if (this.heartbeat === 0) return null;
			else {
				const hb = new Heart(this.heartbeat, this.checkSend.bind(this), this.checkRecv.bind(this));
				hb.on("timeout", () => {
					const hberr = /* @__PURE__ */ new Error("Heartbeat timeout");
					safeEmit(this, "error", hberr);
					const s = stackCapture("Heartbeat timeout");
					this.toClosed(s, hberr);
				});
				hb.on("beat", () => {
					this.sendHeartbeat();
				});
				return hb;
			}
		}
		freshChannel(channel, options) {
			const next = this.freeChannels.nextClearBit(1);
			if (next < 0 || next > this.channelMax) throw new Error("No channels left to allocate");
			this.freeChannels.set(next);
			const hwm = options && options.highWaterMark || DEFAULT_WRITE_HWM;
			const writeBuffer = new PassThrough({
				objectMode: true,
				highWaterMark: hwm
			});
			this.channels[next] = {
				channel,
				buffer: writeBuffer
			};
			writeBuffer.on("drain", () => {
				channel.onBufferDrain();
			});
			this.muxer.pipeFrom(writeBuffer);
			return next;
		}
		releaseChannel(channel) {
			this.freeChannels.clear(channel);
			this.channels[channel].buffer.end();
			this.channels[channel] = null;
		}
		acceptLoop() {
			const self = this;
			function go() {
				try {
					let frame = self.recvFrame();
					while (frame) {
						self.accept(frame);
						frame = self.recvFrame();
					}
				} catch (e) {
					self.emit("frameError", e);
				}
			}
			self.stream.on("readable", go);
			go();
		}
		step(cb) {
			const self = this;
			function recv() {
				let f;
				try {
					f = self.recvFrame();
				} catch (e) {
					cb(e, null);
					return;
				}
				if (f) cb(null, f);
				else self.stream.once("readable", recv);
			}
			recv();
		}
		checkSend() {
			const check = this.sentSinceLastCheck;
			this.sentSinceLastCheck = false;
			return check;
		}
		checkRecv() {
			const check = this.recvSinceLastCheck;
			this.recvSinceLastCheck = false;
			return check;
		}
		sendBytes(bytes) {
			this.sentSinceLastCheck = true;
			this.stream.write(bytes);
		}
		sendHeartbeat() {
			return this.sendBytes(frame.HEARTBEAT_BUF);
		}
		sendMethod(channel, Method, fields) {
			const frame = encodeMethod(Method, channel, fields);
			this.sentSinceLastCheck = true;
			return this.channels[channel].buffer.write(frame);
		}
		sendMessage(channel, Method, fields, Properties, props, content) {
			if (!Buffer.isBuffer(content)) throw new TypeError("content is not a buffer");
			const mframe = encodeMethod(Method, channel, fields);
			const pframe = encodeProperties(Properties, channel, content.length, props);
			const buffer = this.channels[channel].buffer;
			this.sentSinceLastCheck = true;
			const methodHeaderLen = mframe.length + pframe.length;
			const bodyLen = content.length > 0 ? content.length + FRAME_OVERHEAD : 0;
			const allLen = methodHeaderLen + bodyLen;
			if (allLen < SINGLE_CHUNK_THRESHOLD) {
				const all = Buffer.allocUnsafe(allLen);
				let offset = mframe.copy(all, 0);
				offset += pframe.copy(all, offset);
				if (bodyLen > 0) makeBodyFrame(channel, content).copy(all, offset);
				return buffer.write(all);
			} else {
				if (methodHeaderLen < SINGLE_CHUNK_THRESHOLD) {
					const both = Buffer.allocUnsafe(methodHeaderLen);
					const offset = mframe.copy(both, 0);
					pframe.copy(both, offset);
					buffer.write(both);
				} else {
					buffer.write(mframe);
					buffer.write(pframe);
				}
				return this.sendContent(channel, content);
			}
		}
		sendContent(channel, body) {
			if (!Buffer.isBuffer(body)) throw new TypeError(fmt("Expected buffer; got %s", body));
			let writeResult = true;
			const buffer = this.channels[channel].buffer;
			const maxBody = this.frameMax - FRAME_OVERHEAD;
			if (!(maxBody > 0)) throw new Error(fmt("Cannot send content: frameMax %d leaves no room for a body frame", this.frameMax));
			for (let offset = 0; offset < body.length; offset += maxBody) {
				const end = offset + maxBody;
				const slice = end > body.length ? body.subarray(offset) : body.subarray(offset, end);
				const bodyFrame = makeBodyFrame(channel, slice);
				writeResult = buffer.write(bodyFrame);
			}
			this.sentSinceLastCheck = true;
			return writeResult;
		}
		recvFrame() {
			const frame = parseFrame(this.rest, this.maxFrameSize);
			if (!frame) {
				const incoming = this.stream.read();
				if (incoming === null) return false;
				else {
					this.recvSinceLastCheck = true;
					this.rest = Buffer.concat([this.rest, incoming]);
					return this.recvFrame();
				}
			} else {
				this.rest = frame.rest;
				return decodeFrame(frame);
			}
		}
	};
	function mainAccept(frame) {
		const rec = this.channels[frame.channel];
		if (rec) return rec.channel.accept(frame);
		else this.closeWithError(fmt("Frame on unknown channel %d", frame.channel), constants.CHANNEL_ERROR, new Error(fmt("Frame on unknown channel: %s", inspect(frame, false))));
	}
	function channel0(connection) {
		return (f) => {
			if (f === HEARTBEAT);
			else if (f.id === defs.ConnectionClose) {
				connection.sendMethod(0, defs.ConnectionCloseOk, {});
				const emsg = fmt("Connection closed: %s", closeMsg(f));
				const s = stackCapture(emsg);
				const e = new Error(emsg);
				e.code = f.fields.replyCode;
				if (isFatalError(e)) safeEmit(connection, "error", e);
				connection.toClosed(s, e);
			} else if (f.id === defs.ConnectionBlocked) {
				connection.blocked = true;
				safeEmit(connection, "blocked", f.fields.reason);
			} else if (f.id === defs.ConnectionUnblocked) {
				connection.blocked = false;
				safeEmit(connection, "unblocked");
			} else if (f.id === defs.ConnectionUpdateSecretOk) safeEmit(connection, "update-secret-ok");
			else connection.closeWithError(fmt("Unexpected frame on channel 0"), constants.UNEXPECTED_FRAME, new Error(fmt("Unexpected frame on channel 0: %s", inspect(f, false))));
		};
	}
	function invalidOp(msg, stack) {
		return () => {
			throw new IllegalOperationError(msg, stack);
		};
	}
	function invalidateSend(conn, msg, stack) {
		conn.sendMethod = conn.sendContent = conn.sendMessage = invalidOp(msg, stack);
	}
	const encodeMethod = defs.encodeMethod;
	const encodeProperties = defs.encodeProperties;
	const FRAME_OVERHEAD = defs.FRAME_OVERHEAD;
	const makeBodyFrame = frame.makeBodyFrame;
	const parseFrame = frame.parseFrame;
	const decodeFrame = frame.decodeFrame;
	function wrapStream(s) {
		if (s instanceof Duplex) return s;
		else {
			const ws = new Duplex();
			ws.wrap(s);
			ws._write = (chunk, encoding, callback) => s.write(chunk, encoding, callback);
			return ws;
		}
	}
	function isFatalError(error) {
		switch (error && error.code) {
			case defs.constants.CONNECTION_FORCED:
			case defs.constants.REPLY_SUCCESS: return false;
			default: return true;
		}
	}
	module.exports.Connection = Connection;
	module.exports.isFatalError = isFatalError;
	module.exports.DEFAULT_MAX_FRAME_SIZE = DEFAULT_MAX_FRAME_SIZE;
}));
// node_modules/amqplib/lib/credentials.js
var require_credentials = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const codec = require_codec();
	module.exports.plain = (user, passwd) => ({
		mechanism: "PLAIN",
		response: () => Buffer.from([
			"",
			user,
			passwd
		].join(String.fromCharCode(0))),
		username: user,
		password: passwd
	});
	module.exports.amqplain = (user, passwd) => ({
		mechanism: "AMQPLAIN",
		response: () => {
			const buffer = Buffer.alloc(16384);
			const size = codec.encodeTable(buffer, {
				LOGIN: user,
				PASSWORD: passwd
			}, 0);
			return buffer.subarray(4, size);
		},
		username: user,
		password: passwd
	});
	module.exports.external = () => ({
		mechanism: "EXTERNAL",
		response: () => Buffer.from("")
	});
}));
// node_modules/amqplib/package.json
var require_package = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	module.exports = {
		"name": "amqplib",
		"homepage": "http://amqp-node.github.io/amqplib/",
		"main": "./channel_api.js",
		"version": "2.3.1",
		"types": "./index.d.ts",
		"exports": {
			".": {
				"types": "./index.d.ts",
				"default": "./channel_api.js"
			},
			"./callback_api": {
				"types": "./callback_api.d.ts",
				"default": "./callback_api.js"
			}
		},
		"description": "An AMQP 0-9-1 (e.g., RabbitMQ) library and client.",
		"repository": {
			"type": "git",
			"url": "git+https://github.com/amqp-node/amqplib.git"
		},
		"engines": { "node": ">=18" },
		"dependencies": {},
		"devDependencies": {
			"@biomejs/biome": "^2.2.2",
			"@types/node": "^25.6.0",
			"claire": "0.4.1",
			"lefthook": "^1.12.3",
			"typescript": "^5.9.3",
			"uglify-js": "2.8.x"
		},
		"scripts": {
			"test": "node --test --test-timeout=1000",
			"test:only": "node --test --test-only --test-timeout=1000",
			"rabbitmq-3": "docker run -d --rm --name rabbitmq -p 5672:5672 rabbitmq:3.12-alpine",
			"rabbitmq-4": "docker run -d --rm --name rabbitmq -p 5672:5672 rabbitmq:4.2-alpine",
			"format": "biome format . --write",
			"lint": "biome lint --max-diagnostics=1000 .",
			"typecheck": "tsc --noEmit -p tsconfig.types.json"
		},
		"keywords": [
			"AMQP",
			"AMQP 0-9-1",
			"RabbitMQ"
		],
		"author": "Michael Bridgen <mikeb@squaremobius.net>",
		"license": "MIT",
		"files": [
			"lib",
			"examples",
			"channel_api.js",
			"callback_api.js",
			"index.d.ts",
			"callback_api.d.ts",
			"CHANGELOG.md",
			"LICENSE-MIT"
		]
	};
}));
// node_modules/amqplib/lib/connect.js
var require_connect = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const { URL } = __require("node:url");
	const QS = __require("node:querystring");
	const net = __require("node:net");
	const tls = __require("node:tls");
	const Connection = require_connection().Connection;
	const fmt = __require("node:util").format;
	const credentials = require_credentials();
	function copyInto(obj, target) {
		const keys = Object.keys(obj);
		let i = keys.length;
		while (i--) {
			const k = keys[i];
			target[k] = obj[k];
		}
		return target;
	}
	function clone(obj) {
		return copyInto(obj, {});
	}
	const CLIENT_PROPERTIES = {
		product: "amqplib",
		version: require_package().version,
		platform: fmt("Node.JS %s", process.version),
		information: "https://amqp-node.github.io/amqplib/",
		capabilities: {
			publisher_confirms: true,
			exchange_exchange_bindings: true,
			"basic.nack": true,
			consumer_cancel_notify: true,
			"connection.blocked": true,
			authentication_failure_close: true
		}
	};
	function openFrames(vhost, query, credentials, extraClientProperties) {
		if (!vhost) vhost = "/";
		else vhost = QS.unescape(vhost);
		query = query || {};
		function intOrDefault(val, def) {
			return val === void 0 ? def : parseInt(val, 10);
		}
		function maxFrameSizeOrUndefined(val) {
			if (val == null) return void 0;
			return /^\d+$/.test(String(val)) ? Number(val) : NaN;
		}
		return {
			clientProperties: copyInto(extraClientProperties, Object.create(CLIENT_PROPERTIES)),
			mechanism: credentials.mechanism,
			response: credentials.response(),
			locale: query.locale || "en_US",
			channelMax: intOrDefault(query.channelMax, 0),
			frameMax: intOrDefault(query.frameMax, 131072),
			heartbeat: query.heartbeat != null ? intOrDefault(query.heartbeat, 0) : null,
			maxFrameSize: maxFrameSizeOrUndefined(query.maxFrameSize),
			virtualHost: vhost,
			capabilities: "",
			insist: 0
		};
	}
	function credentialsFromUrl(parts) {
		let user = "guest";
		let passwd = "guest";
		if (parts.username !== "" || parts.password !== "") {
			user = parts.username ? unescape(parts.username) : "";
			passwd = parts.password ? unescape(parts.password) : "";
		}
		return credentials.plain(user, passwd);
	}
	function connect(url, socketOptions, openCallback) {
		const sockopts = clone(socketOptions || {});
		url = url || "amqp://localhost";
		const noDelay = !!sockopts.noDelay;
		const timeout = sockopts.timeout;
		const keepAlive = !!sockopts.keepAlive;
		const keepAliveDelay = sockopts.keepAliveDelay || 0;
		const extraClientProperties = sockopts.clientProperties || {};
		let protocol;
		let fields;
		if (typeof url === "object") {
			protocol = `${url.protocol || "amqp"}:`;
			sockopts.host = url.hostname;
			if (!sockopts.servername && !net.isIP(url.hostname)) sockopts.servername = url.hostname;
			sockopts.port = url.port || (protocol === "amqp:" ? 5672 : 5671);
			let user;
			let pass;
			if (url.username === void 0 && url.password === void 0) {
				user = "guest";
				pass = "guest";
			} else {
				user = url.username || "";
				pass = url.password || "";
			}
			const config = {
				locale: url.locale,
				channelMax: url.channelMax,
				frameMax: url.frameMax,
				heartbeat: url.heartbeat,
				maxFrameSize: url.maxFrameSize
			};
			fields = openFrames(url.vhost, config, sockopts.credentials || credentials.plain(user, pass), extraClientProperties);
		} else {
			let parts;
			try {
				parts = new URL(url);
			} catch (_e) {
				parts = {};
			}
			const host = (parts.hostname || "").replace(/^\[|\]$/g, "");
			protocol = parts.protocol || "";
			sockopts.host = host;
			if (!sockopts.servername && !net.isIP(host)) sockopts.servername = host;
			sockopts.port = parseInt(parts.port, 10) || (protocol === "amqp:" ? 5672 : 5671);
			const vhost = parts.pathname ? parts.pathname.substr(1) : null;
			const query = QS.parse(parts.search ? parts.search.slice(1) : "");
			for (const key in query) if (Array.isArray(query[key])) query[key] = query[key][0];
			fields = openFrames(vhost, query, sockopts.credentials || credentialsFromUrl(parts), extraClientProperties);
		}
		let sockok = false;
		let sock;
		function onConnect() {
			sockok = true;
			sock.setNoDelay(noDelay);
			if (keepAlive) sock.setKeepAlive(keepAlive, keepAliveDelay);
			const c = new Connection(sock);
			c.open(fields, (err, _ok) => {
				if (timeout) sock.setTimeout(0);
				if (err === null) openCallback(null, c);
				else {
					sock.end();
					sock.destroy();
					openCallback(err);
				}
			});
		}
		if (protocol === "amqp:") sock = net.connect(sockopts, onConnect);
		else if (protocol === "amqps:") sock = tls.connect(sockopts, onConnect);
		else throw new Error(`Expected amqp: or amqps: as the protocol; got ${protocol}`);
		if (timeout) sock.setTimeout(timeout, () => {
			sock.end();
			sock.destroy();
			openCallback(/* @__PURE__ */ new Error("connect ETIMEDOUT"));
		});
		sock.once("error", (err) => {
			if (!sockok) openCallback(err);
		});
	}
	module.exports.connect = connect;
	module.exports.credentialsFromUrl = credentialsFromUrl;
}));
// node_modules/amqplib/lib/api_args.js
var require_api_args = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	function setIfDefined(obj, prop, value) {
		if (value !== void 0) obj[prop] = value;
	}
	const EMPTY_OPTIONS = Object.freeze({});
	const Args = {};
	Args.assertQueue = (queue, options) => {
		queue = queue || "";
		options = options || EMPTY_OPTIONS;
		const argt = Object.create(options.arguments || null);
		setIfDefined(argt, "x-expires", options.expires);
		setIfDefined(argt, "x-message-ttl", options.messageTtl);
		setIfDefined(argt, "x-dead-letter-exchange", options.deadLetterExchange);
		setIfDefined(argt, "x-dead-letter-routing-key", options.deadLetterRoutingKey);
		setIfDefined(argt, "x-max-length", options.maxLength);
		setIfDefined(argt, "x-max-priority", options.maxPriority);
		setIfDefined(argt, "x-overflow", options.overflow);
		setIfDefined(argt, "x-queue-mode", options.queueMode);
		return {
			queue,
			exclusive: !!options.exclusive,
			durable: options.durable === void 0 ? true : options.durable,
			autoDelete: !!options.autoDelete,
			arguments: argt,
			passive: false,
			ticket: 0,
			nowait: false
		};
	};
	Args.checkQueue = (queue) => ({
		queue,
		passive: true,
		nowait: false,
		durable: true,
		autoDelete: false,
		exclusive: false,
		ticket: 0
	});
	Args.deleteQueue = (queue, options) => {
		options = options || EMPTY_OPTIONS;
		return {
			queue,
			ifUnused: !!options.ifUnused,
			ifEmpty: !!options.ifEmpty,
			ticket: 0,
			nowait: false
		};
	};
	Args.purgeQueue = (queue) => ({
		queue,
		ticket: 0,
		nowait: false
	});
	Args.bindQueue = (queue, source, pattern, argt) => ({
		queue,
		exchange: source,
		routingKey: pattern,
		arguments: argt,
		ticket: 0,
		nowait: false
	});
	Args.unbindQueue = (queue, source, pattern, argt) => ({
		queue,
		exchange: source,
		routingKey: pattern,
		arguments: argt,
		ticket: 0,
		nowait: false
	});
	Args.assertExchange = (exchange, type, options) => {
		options = options || EMPTY_OPTIONS;
		const argt = Object.create(options.arguments || null);
		setIfDefined(argt, "alternate-exchange", options.alternateExchange);
		return {
			exchange,
			ticket: 0,
			type,
			passive: false,
			durable: options.durable === void 0 ? true : options.durable,
			autoDelete: !!options.autoDelete,
			internal: !!options.internal,
			nowait: false,
			arguments: argt
		};
	};
	Args.checkExchange = (exchange) => ({
		exchange,
		passive: true,
		nowait: false,
		durable: true,
		internal: false,
		type: "",
		autoDelete: false,
		ticket: 0
	});
	Args.deleteExchange = (exchange, options) => {
		options = options || EMPTY_OPTIONS;
		return {
			exchange,
			ifUnused: !!options.ifUnused,
			ticket: 0,
			nowait: false
		};
	};
	Args.bindExchange = (dest, source, pattern, argt) => ({
		source,
		destination: dest,
		routingKey: pattern,
		arguments: argt,
		ticket: 0,
		nowait: false
	});
	Args.unbindExchange = (dest, source, pattern, argt) => ({
		source,
		destination: dest,
		routingKey: pattern,
		arguments: argt,
		ticket: 0,
		nowait: false
	});
	Args.publish = (exchange, routingKey, options) => {
		options = options || EMPTY_OPTIONS;
		function convertCC(cc) {
			if (cc === void 0) return;
			else if (Array.isArray(cc)) return cc.map(String);
			else return [String(cc)];
		}
		const headers = Object.create(options.headers || null);
		setIfDefined(headers, "CC", convertCC(options.CC));
		setIfDefined(headers, "BCC", convertCC(options.BCC));
		let deliveryMode;
		if (options.persistent !== void 0) deliveryMode = options.persistent ? 2 : 1;
		else if (typeof options.deliveryMode === "number") deliveryMode = options.deliveryMode;
		else if (options.deliveryMode) deliveryMode = 2;
		let expiration = options.expiration;
		if (expiration !== void 0) expiration = expiration.toString();
		return {
			exchange,
			routingKey,
			mandatory: !!options.mandatory,
			immediate: false,
			ticket: void 0,
			contentType: options.contentType,
			contentEncoding: options.contentEncoding,
			headers,
			deliveryMode,
			priority: options.priority,
			correlationId: options.correlationId,
			replyTo: options.replyTo,
			expiration,
			messageId: options.messageId,
			timestamp: options.timestamp,
			type: options.type,
			userId: options.userId,
			appId: options.appId,
			clusterId: void 0
		};
	};
	Args.consume = (queue, options) => {
		options = options || EMPTY_OPTIONS;
		const argt = Object.create(options.arguments || null);
		setIfDefined(argt, "x-priority", options.priority);
		return {
			ticket: 0,
			queue,
			consumerTag: options.consumerTag || "",
			noLocal: !!options.noLocal,
			noAck: !!options.noAck,
			exclusive: !!options.exclusive,
			nowait: false,
			arguments: argt
		};
	};
	Args.cancel = (consumerTag) => ({
		consumerTag,
		nowait: false
	});
	Args.get = (queue, options) => {
		options = options || EMPTY_OPTIONS;
		return {
			ticket: 0,
			queue,
			noAck: !!options.noAck
		};
	};
	Args.ack = (tag, allUpTo) => ({
		deliveryTag: tag,
		multiple: !!allUpTo
	});
	Args.nack = (tag, allUpTo, requeue) => ({
		deliveryTag: tag,
		multiple: !!allUpTo,
		requeue: requeue === void 0 ? true : requeue
	});
	Args.reject = (tag, requeue) => ({
		deliveryTag: tag,
		requeue: requeue === void 0 ? true : requeue
	});
	Args.prefetch = (count, global) => ({
		prefetchCount: count || 0,
		prefetchSize: 0,
		global: !!global
	});
	Args.recover = () => ({ requeue: true });
	module.exports = Object.freeze(Args);
}));
// node_modules/amqplib/lib/channel.js
var require_channel = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const defs = require_defs();
	const closeMsg = require_format().closeMessage;
	const inspect = require_format().inspect;
	const methodName = require_format().methodName;
	const assert = __require("node:assert");
	const EventEmitter = __require("node:events");
	const fmt = __require("node:util").format;
	const IllegalOperationError = require_error().IllegalOperationError;
	const stackCapture = require_error().stackCapture;
	const safeEmit = require_safe_emit();
	var Channel = class extends EventEmitter {
		constructor(connection) {
			super();
			this.connection = connection;
			this.reply = null;
			this.pending = [];
			this.lwm = 1;
			this.unconfirmed = [];
			this.closedWithUnconfirmed = false;
			this.on("ack", this.handleConfirm.bind(this, (cb) => {
				if (cb) cb(null);
			}));
			this.on("nack", this.handleConfirm.bind(this, (cb) => {
				if (cb) cb(/* @__PURE__ */ new Error("message nacked"));
			}));
			this.on("close", function() {
				const err = /* @__PURE__ */ new Error("channel closed");
				for (let i = 0; i < this.unconfirmed.length; i++) {
					const cb = this.unconfirmed[i];
					if (cb) cb(err);
				}
				this.closedWithUnconfirmed = this.unconfirmed.some((cb) => cb !== null);
				this.unconfirmed = [];
			});
			this.handleMessage = acceptDeliveryOrReturn;
		}
		setOptions(options) {
			this.options = options;
		}
		allocate() {
			this.ch = this.connection.freshChannel(this, this.options);
			return this;
		}
		sendImmediately(method, fields) {
			return this.connection.sendMethod(this.ch, method, fields);
		}
		sendOrEnqueue(method, fields, reply) {
			if (!this.reply) {
				assert(this.pending.length === 0);
				this.reply = reply;
				this.sendImmediately(method, fields);
			} else this.pending.push({
				method,
				fields,
				reply
			});
		}
		sendMessage(fields, properties, content) {
			return this.connection.sendMessage(this.ch, defs.BasicPublish, fields, defs.BasicProperties, properties, content);
		}
		_rpc(method, fields, expect, cb) {
			const self = this;
			function reply(err, f) {
				if (err === null) {
					if (f.id === expect) return cb(null, f);
					else {
						const expectedName = methodName(expect);
						const e = new Error(fmt("Expected %s; got %s", expectedName, inspect(f, false)));
						self.closeWithError(f.id, fmt("Expected %s; got %s", expectedName, methodName(f.id)), defs.constants.UNEXPECTED_FRAME, e);
						return cb(e);
					}
				} else if (err instanceof Error) return cb(err);
				else return cb(convertCloseFrameToError(method, err));
			}
			this.sendOrEnqueue(method, fields, reply);
		}
		toClosed(capturedStack) {
			this._rejectPending();
			invalidateSend(this, "Channel closed", capturedStack);
			this.accept = invalidOp("Channel closed", capturedStack);
			this.connection.releaseChannel(this.ch);
			safeEmit(this, "close");
		}
		toClosing(capturedStack, k) {
			const send = this.sendImmediately.bind(this);
			invalidateSend(this, "Channel closing", capturedStack);
			this.accept = function(f) {
				if (f.id === defs.ChannelCloseOk) {
					if (k) k();
					const s = stackCapture("ChannelCloseOk frame received");
					this.toClosed(s);
				} else if (f.id === defs.ChannelClose) send(defs.ChannelCloseOk, {});
			};
		}
		_rejectPending() {
			function reject(r) {
				r(/* @__PURE__ */ new Error("Channel ended, no reply will be forthcoming"));
			}
			if (this.reply !== null) reject(this.reply);
			this.reply = null;
			let discard = this.pending.shift();
			while (discard) {
				if (discard) reject(discard.reply);
				discard = this.pending.shift();
			}
			this.pending = null;
		}
		closeBecause(reason, code, k) {
			this.sendImmediately(defs.ChannelClose, {
				replyText: reason,
				replyCode: code,
				methodId: 0,
				classId: 0
			});
			const s = stackCapture(`closeBecause called: ${reason}`);
			this.toClosing(s, k);
		}
		closeWithError(id, reason, code, error) {
			this.closeBecause(reason, code, () => {
				error.code = code;
				if (id) {
					error.classId = defs.info(id).classId;
					error.methodId = defs.info(id).methodId;
				}
				safeEmit(this, "error", error);
			});
		}
		acceptMessageFrame(f) {
			try {
				this.handleMessage = this.handleMessage(f);
			} catch (msg) {
				if (typeof msg === "string") this.closeWithError(f.id, msg, defs.constants.UNEXPECTED_FRAME, new Error(msg));
				else if (msg instanceof Error) this.closeWithError(f.id, "Error while processing message", defs.constants.INTERNAL_ERROR, msg);
				else this.closeWithError(f.id, "Internal error while processing message", defs.constants.INTERNAL_ERROR, new Error(msg.toString()));
			}
		}
		handleConfirm(handle, f) {
			const tag = f.deliveryTag;
			if (f.multiple) {
				const confirmed = this.unconfirmed.splice(0, tag - this.lwm + 1);
				this.lwm = tag + 1;
				confirmed.forEach(handle);
			} else {
				let c;
				if (tag === this.lwm) {
					c = this.unconfirmed.shift();
					this.lwm++;
					while (this.unconfirmed[0] === null) {
						this.unconfirmed.shift();
						this.lwm++;
					}
				} else {
					c = this.unconfirmed[tag - this.lwm];
					this.unconfirmed[tag - this.lwm] = null;
				}
				handle(c);
			}
		}
		_waitForConfirms() {
			if (this.closedWithUnconfirmed) return Promise.reject(/* @__PURE__ */ new Error("channel closed"));
			const awaiting = [];
			const unconfirmed = this.unconfirmed;
			unconfirmed.forEach((cb, index) => {
				if (cb !== null) {
					const confirmed = new Promise((resolve, reject) => {
						unconfirmed[index] = (err) => {
							if (cb) cb(err);
							if (err === null) resolve();
							else reject(err);
						};
					});
					awaiting.push(confirmed);
				}
			});
			return Promise.all(awaiting);
		}
		pushConfirmCallback(cb) {
			this.unconfirmed.push(cb || false);
		}
		onBufferDrain() {
			safeEmit(this, "drain");
		}
		accept(f) {
			switch (f.id) {
				case void 0:
				case defs.BasicDeliver:
				case defs.BasicReturn:
				case defs.BasicProperties: return this.acceptMessageFrame(f);
				case defs.BasicAck: return safeEmit(this, "ack", f.fields);
				case defs.BasicNack: return safeEmit(this, "nack", f.fields);
				case defs.BasicCancel: return safeEmit(this, "cancel", f.fields);
				case defs.ChannelClose: {
					if (this.reply) {
						const reply = this.reply;
						this.reply = null;
						reply(f);
					}
					const emsg = `Channel closed by server: ${closeMsg(f)}`;
					this.sendImmediately(defs.ChannelCloseOk, {});
					const error = new Error(emsg);
					error.code = f.fields.replyCode;
					error.classId = f.fields.classId;
					error.methodId = f.fields.methodId;
					safeEmit(this, "error", error);
					const s = stackCapture(emsg);
					this.toClosed(s);
					return;
				}
				case defs.BasicFlow: return this.closeWithError(f.id, "Flow not implemented", defs.constants.NOT_IMPLEMENTED, /* @__PURE__ */ new Error("Flow not implemented"));
				default: {
					const reply = this.reply;
					this.reply = null;
					if (this.pending.length > 0) {
						const send = this.pending.shift();
						this.reply = send.reply;
						this.sendImmediately(send.method, send.fields);
					}
					return reply(null, f);
				}
			}
		}
	};
	function invalidOp(msg, stack) {
		return () => {
			throw new IllegalOperationError(msg, stack);
		};
	}
	function invalidateSend(ch, msg, stack) {
		ch.sendImmediately = ch.sendOrEnqueue = ch.sendMessage = invalidOp(msg, stack);
	}
	function acceptDeliveryOrReturn(f) {
		let event;
		if (f.id === defs.BasicDeliver) event = "delivery";
		else if (f.id === defs.BasicReturn) event = "return";
		else throw fmt("Expected BasicDeliver or BasicReturn; got %s", inspect(f));
		const fields = f.fields;
		return acceptMessage((message) => {
			message.fields = fields;
			safeEmit(this, event, message);
		});
	}
	function acceptMessage(continuation) {
		let totalSize = 0;
		let remaining = 0;
		let buffers = null;
		const message = {
			fields: null,
			properties: null,
			content: null
		};
		return headers;
		function headers(f) {
			if (f.id === defs.BasicProperties) {
				message.properties = f.fields;
				totalSize = remaining = f.size;
				if (totalSize === 0) {
					message.content = Buffer.alloc(0);
					continuation(message);
					return acceptDeliveryOrReturn;
				} else return content;
			} else throw "Expected headers frame after delivery";
		}
		function content(f) {
			if (f.content) {
				const size = f.content.length;
				remaining -= size;
				if (remaining === 0) {
					if (buffers !== null) {
						buffers.push(f.content);
						message.content = Buffer.concat(buffers);
					} else message.content = f.content;
					continuation(message);
					return acceptDeliveryOrReturn;
				} else if (remaining < 0) throw fmt("Too much content sent! Expected %d bytes", totalSize);
				else {
					if (buffers !== null) buffers.push(f.content);
					else buffers = [f.content];
					return content;
				}
			} else throw "Expected content frame after headers";
		}
	}
	function convertCloseFrameToError(method, closeFrame) {
		const e = method === (closeFrame.fields.classId << 16) + closeFrame.fields.methodId ? fmt("Operation failed: %s; %s", methodName(method), closeMsg(closeFrame)) : fmt("Channel closed by server: %s", closeMsg(closeFrame));
		const error = new Error(e);
		error.code = closeFrame.fields.replyCode;
		error.classId = closeFrame.fields.classId;
		error.methodId = closeFrame.fields.methodId;
		return error;
	}
	var BaseChannel = class extends Channel {
		constructor(connection) {
			super(connection);
			this.consumers = /* @__PURE__ */ new Map();
		}
		registerConsumer(tag, callback) {
			this.consumers.set(tag, callback);
		}
		unregisterConsumer(tag) {
			this.consumers.delete(tag);
		}
		dispatchMessage(fields, message) {
			const consumerTag = fields.consumerTag;
			const consumer = this.consumers.get(consumerTag);
			if (consumer) return consumer(message);
			else throw new Error(`Unknown consumer: ${consumerTag}`);
		}
		handleDelivery(message) {
			return this.dispatchMessage(message.fields, message);
		}
		handleCancel(fields) {
			const result = this.dispatchMessage(fields, null);
			this.unregisterConsumer(fields.consumerTag);
			return result;
		}
	};
	module.exports.acceptMessage = acceptMessage;
	module.exports.BaseChannel = BaseChannel;
	module.exports.Channel = Channel;
	module.exports.convertCloseFrameToError = convertCloseFrameToError;
}));
// node_modules/amqplib/lib/channel_model.js
var require_channel_model = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const EventEmitter = __require("node:events");
	const { promisify } = __require("node:util");
	const defs = require_defs();
	const Args = require_api_args();
	const { BaseChannel, acceptMessage, convertCloseFrameToError } = require_channel();
	const { inspect } = require_format();
	var ChannelModel = class extends EventEmitter {
		constructor(connection) {
			super();
			this.connection = connection;
			[
				"error",
				"close",
				"blocked",
				"unblocked",
				"update-secret-ok"
			].forEach((ev) => {
				connection.on(ev, this.emit.bind(this, ev));
			});
		}
		close() {
			return promisify(this.connection.close.bind(this.connection))();
		}
		updateSecret(newSecret, reason) {
			return promisify(this.connection._updateSecret.bind(this.connection))(newSecret, reason);
		}
		async createChannel(options) {
			const channel = new Channel(this.connection);
			channel.setOptions(options);
			await channel.open();
			return channel;
		}
		async createConfirmChannel(options) {
			const channel = new ConfirmChannel(this.connection);
			channel.setOptions(options);
			await channel.open();
			await channel.rpc(defs.ConfirmSelect, { nowait: false }, defs.ConfirmSelectOk);
			return channel;
		}
	};
	var Channel = class extends BaseChannel {
		constructor(connection) {
			super(connection);
			this.on("delivery", this.handleDelivery.bind(this));
			this.on("cancel", this.handleCancel.bind(this));
		}
		async rpc(method, fields, expect) {
			return (await promisify((cb) => {
				return this._rpc(method, fields, expect, cb);
			})()).fields;
		}
		async open() {
			return (await this.allocate.bind(this)()).rpc(defs.ChannelOpen, { outOfBand: "" }, defs.ChannelOpenOk);
		}
		close() {
			return promisify((cb) => {
				return this.closeBecause("Goodbye", defs.constants.REPLY_SUCCESS, cb);
			})();
		}
		assertQueue(queue, options) {
			return this.rpc(defs.QueueDeclare, Args.assertQueue(queue, options), defs.QueueDeclareOk);
		}
		checkQueue(queue) {
			return this.rpc(defs.QueueDeclare, Args.checkQueue(queue), defs.QueueDeclareOk);
		}
		deleteQueue(queue, options) {
			return this.rpc(defs.QueueDelete, Args.deleteQueue(queue, options), defs.QueueDeleteOk);
		}
		purgeQueue(queue) {
			return this.rpc(defs.QueuePurge, Args.purgeQueue(queue), defs.QueuePurgeOk);
		}
		bindQueue(queue, source, pattern, argt) {
			return this.rpc(defs.QueueBind, Args.bindQueue(queue, source, pattern, argt), defs.QueueBindOk);
		}
		unbindQueue(queue, source, pattern, argt) {
			return this.rpc(defs.QueueUnbind, Args.unbindQueue(queue, source, pattern, argt), defs.QueueUnbindOk);
		}
		assertExchange(exchange, type, options) {
			return this.rpc(defs.ExchangeDeclare, Args.assertExchange(exchange, type, options), defs.ExchangeDeclareOk).then((_ok) => {
				return { exchange };
			});
		}
		checkExchange(exchange) {
			return this.rpc(defs.ExchangeDeclare, Args.checkExchange(exchange), defs.ExchangeDeclareOk);
		}
		deleteExchange(name, options) {
			return this.rpc(defs.ExchangeDelete, Args.deleteExchange(name, options), defs.ExchangeDeleteOk);
		}
		bindExchange(dest, source, pattern, argt) {
			return this.rpc(defs.ExchangeBind, Args.bindExchange(dest, source, pattern, argt), defs.ExchangeBindOk);
		}
		unbindExchange(dest, source, pattern, argt) {
			return this.rpc(defs.ExchangeUnbind, Args.unbindExchange(dest, source, pattern, argt), defs.ExchangeUnbindOk);
		}
		publish(exchange, routingKey, content, options) {
			const fieldsAndProps = Args.publish(exchange, routingKey, options);
			return this.sendMessage(fieldsAndProps, fieldsAndProps, content);
		}
		sendToQueue(queue, content, options) {
			return this.publish("", queue, content, options);
		}
		consume(queue, callback, options) {
			const fields = Args.consume(queue, options);
			return new Promise((resolve, reject) => {
				this._rpc(defs.BasicConsume, fields, defs.BasicConsumeOk, (err, ok) => {
					if (err) return reject(err);
					this.registerConsumer(ok.fields.consumerTag, callback);
					resolve(ok.fields);
				});
			});
		}
		async cancel(consumerTag) {
			const fields = await this.rpc(defs.BasicCancel, Args.cancel(consumerTag), defs.BasicCancelOk);
			this.unregisterConsumer(consumerTag);
			return fields;
		}
		get(queue, options) {
			const fields = Args.get(queue, options);
			return new Promise((resolve, reject) => {
				this.sendOrEnqueue(defs.BasicGet, fields, (err, f) => {
					if (err instanceof Error) return reject(err);
					if (err) return reject(convertCloseFrameToError(defs.BasicGet, err));
					if (f.id === defs.BasicGetEmpty) return resolve(false);
					else if (f.id === defs.BasicGetOk) {
						const fields = f.fields;
						this.handleMessage = acceptMessage((m) => {
							m.fields = fields;
							resolve(m);
						});
					} else reject(/* @__PURE__ */ new Error(`Unexpected response to BasicGet: ${inspect(f)}`));
				});
			});
		}
		ack(message, allUpTo) {
			this.sendImmediately(defs.BasicAck, Args.ack(message.fields.deliveryTag, allUpTo));
		}
		ackAll() {
			this.sendImmediately(defs.BasicAck, Args.ack(0, true));
		}
		nack(message, allUpTo, requeue) {
			this.sendImmediately(defs.BasicNack, Args.nack(message.fields.deliveryTag, allUpTo, requeue));
		}
		nackAll(requeue) {
			this.sendImmediately(defs.BasicNack, Args.nack(0, true, requeue));
		}
		reject(message, requeue) {
			this.sendImmediately(defs.BasicReject, Args.reject(message.fields.deliveryTag, requeue));
		}
		recover() {
			return this.rpc(defs.BasicRecover, Args.recover(), defs.BasicRecoverOk);
		}
		qos(count, global) {
			return this.rpc(defs.BasicQos, Args.prefetch(count, global), defs.BasicQosOk);
		}
	};
	Channel.prototype.prefetch = Channel.prototype.qos;
	var ConfirmChannel = class extends Channel {
		publish(exchange, routingKey, content, options, cb) {
			const result = super.publish(exchange, routingKey, content, options);
			this.pushConfirmCallback(cb);
			return result;
		}
		sendToQueue(queue, content, options, cb) {
			return this.publish("", queue, content, options, cb);
		}
		waitForConfirms() {
			return this._waitForConfirms();
		}
	};
	module.exports.ConfirmChannel = ConfirmChannel;
	module.exports.Channel = Channel;
	module.exports.ChannelModel = ChannelModel;
}));
// node_modules/amqplib/lib/recovery.js
var require_recovery = /* @__PURE__ */ __commonJSMin(((exports, module) => {
	const EventEmitter = __require("node:events");
	const DEFAULT_RECOVERY = {
		initialDelay: 100,
		maxDelay: 3e4,
		factor: 2,
		jitter: .2,
		maxRetries: Infinity,
		setup: null,
		waitForConnect: true,
		calculateDelay: null
	};
	function splitConnectionOptions(connOptions) {
		if (!connOptions || typeof connOptions !== "object") return {
			connectionOptions: connOptions,
			recovery: null
		};
		if (!Object.hasOwn(connOptions, "recovery")) return {
			connectionOptions: connOptions,
			recovery: null
		};
		const connectionOptions = Object.assign({}, connOptions);
		const recovery = connectionOptions.recovery;
		delete connectionOptions.recovery;
		return {
			connectionOptions,
			recovery
		};
	}
	function recoveryEnabled(recovery) {
		if (!recovery) return false;
		if (recovery === true) return true;
		return recovery.enabled !== false;
	}
	function toFiniteNumber(value, fallback) {
		const n = Number(value);
		return Number.isFinite(n) ? n : fallback;
	}
	function toRetryCount(value, fallback) {
		if (value == null) return fallback;
		if (value === Infinity) return Infinity;
		const n = toFiniteNumber(value, fallback);
		return n < 0 ? 0 : n;
	}
	function normaliseRecoveryOptions(recovery) {
		const source = recovery === true ? {} : recovery || {};
		const initialDelay = Math.max(0, toFiniteNumber(source.initialDelay, DEFAULT_RECOVERY.initialDelay));
		const maxDelay = Math.max(initialDelay, toFiniteNumber(source.maxDelay, DEFAULT_RECOVERY.maxDelay));
		const factor = Math.max(1, toFiniteNumber(source.factor, DEFAULT_RECOVERY.factor));
		const jitter = Math.min(1, Math.max(0, toFiniteNumber(source.jitter, DEFAULT_RECOVERY.jitter)));
		const maxRetries = toRetryCount(source.maxRetries, Infinity);
		return {
			initialDelay,
			maxDelay,
			factor,
			jitter,
			maxRetries,
			initialMaxRetries: toRetryCount(source.initialMaxRetries, maxRetries),
			setup: typeof source.setup === "function" ? source.setup : null,
			waitForConnect: source.waitForConnect !== false,
			calculateDelay: typeof source.calculateDelay === "function" ? source.calculateDelay : null
		};
	}
	function toError(err, fallbackMessage) {
		if (err instanceof Error) return err;
		return new Error(err ? String(err) : fallbackMessage);
	}
	function calculateBuiltinDelay(recovery, attempt) {
		const cappedBase = recovery.maxDelay / (1 + recovery.jitter);
		const base = Math.min(cappedBase, recovery.initialDelay * recovery.factor ** (attempt - 1));
		const jitterPart = base * recovery.jitter;
		const offset = jitterPart > 0 ? Math.random() * jitterPart * 2 - jitterPart : 0;
		return Math.max(0, Math.round(base + offset));
	}
	function calculateDelay(recovery, attempt) {
		if (!recovery.calculateDelay) return calculateBuiltinDelay(recovery, attempt);
		const custom = recovery.calculateDelay(attempt);
		if (typeof custom === "number" && Number.isFinite(custom) && custom >= 0) return Math.round(custom);
		throw new Error(`calculateDelay must return a finite, non-negative number of milliseconds (got ${String(custom)})`);
	}
	function runSetup(setup, model) {
		if (!setup) return Promise.resolve();
		return new Promise((resolve, reject) => {
			let settled = false;
			function done(err) {
				if (settled) return;
				settled = true;
				if (err) reject(toError(err, "Recovery setup failed"));
				else resolve();
			}
			try {
				if (setup.length >= 2) setup(model, done);
				else Promise.resolve(setup(model)).then(() => done(), done);
			} catch (err) {
				done(err);
			}
		});
	}
	function makeCallback(promise, cb) {
		const callback = typeof cb === "function" ? cb : () => {};
		promise.then((value) => callback(null, value), (err) => callback(toError(err, "Operation failed")));
	}
	var RecoveringCore = class extends EventEmitter {
		constructor(openModel, recovery, adapters) {
			super();
			this._openModel = openModel;
			this._recovery = normaliseRecoveryOptions(recovery);
			this._adapters = adapters;
			this._model = null;
			this._modelListeners = null;
			this._waiters = [];
			this._connecting = false;
			this._stopped = false;
			this._failure = null;
			this._connectedOnce = false;
			this._timer = null;
			this._attempt = 0;
			this._initialReady = false;
			this._initialWait = new Promise((resolve, reject) => {
				this._resolveInitial = resolve;
				this._rejectInitial = reject;
			});
			this._initialWait.catch(() => {});
			setImmediate(() => this._connect());
		}
		waitForConnect() {
			return this._initialWait;
		}
		async close() {
			if (this._stopped) return;
			this._stopped = true;
			if (this._timer) {
				clearTimeout(this._timer);
				this._timer = null;
			}
			const closedError = /* @__PURE__ */ new Error("Connection closed");
			this._rejectPendingWaiters(closedError);
			this._rejectInitialConnection(closedError);
			if (this._model) {
				const model = this._model;
				this._model = null;
				this._unbindModel();
				await this._closeModelNoThrow(model);
			}
		}
		async createChannel(options) {
			const model = await this._waitForConnection();
			return this._adapters.createChannel(model, options, false);
		}
		async createConfirmChannel(options) {
			const model = await this._waitForConnection();
			return this._adapters.createChannel(model, options, true);
		}
		async updateSecret(newSecret, reason) {
			const model = await this._waitForConnection();
			return this._adapters.updateSecret(model, newSecret, reason);
		}
		_resolveInitialConnection() {
			if (this._initialReady) return;
			this._initialReady = true;
			this._resolveInitial();
		}
		_rejectInitialConnection(err) {
			if (this._initialReady) return;
			this._initialReady = true;
			this._rejectInitial(err);
		}
		_resolvePendingWaiters(model) {
			this._waiters.splice(0).forEach((waiter) => {
				waiter.resolve(model);
			});
		}
		_rejectPendingWaiters(err) {
			this._waiters.splice(0).forEach((waiter) => {
				waiter.reject(err);
			});
		}
		_waitForConnection() {
			if (this._model) return Promise.resolve(this._model);
			if (this._stopped) return Promise.reject(this._failure || /* @__PURE__ */ new Error("Connection closed"));
			return new Promise((resolve, reject) => {
				this._waiters.push({
					resolve,
					reject
				});
			});
		}
		_bindModel(model) {
			const onClose = (maybeErr) => {
				if (this._model !== model) return;
				this._model = null;
				this._unbindModel();
				if (this._stopped) return;
				const err = toError(maybeErr, "Connection closed");
				this.emit("disconnect", err);
				this._scheduleReconnect(err);
			};
			const onBlocked = (reason) => this.emit("blocked", reason);
			const onUnblocked = () => this.emit("unblocked");
			const onConnectionError = (err) => this.emit("error", err);
			const onUpdateSecretOk = () => this.emit("update-secret-ok");
			const onHandlerError = (err, event) => this.emit("handler-error", err, event);
			model.on("close", onClose);
			model.on("blocked", onBlocked);
			model.on("unblocked", onUnblocked);
			model.on("error", onConnectionError);
			model.on("update-secret-ok", onUpdateSecretOk);
			model.on("handler-error", onHandlerError);
			this._modelListeners = {
				model,
				onClose,
				onBlocked,
				onUnblocked,
				onConnectionError,
				onUpdateSecretOk,
				onHandlerError
			};
		}
		_unbindModel() {
			if (!this._modelListeners) return;
			const { model, onClose, onBlocked, onUnblocked, onConnectionError, onUpdateSecretOk, onHandlerError } = this._modelListeners;
			model.removeListener("close", onClose);
			model.removeListener("blocked", onBlocked);
			model.removeListener("unblocked", onUnblocked);
			model.removeListener("error", onConnectionError);
			model.removeListener("update-secret-ok", onUpdateSecretOk);
			model.removeListener("handler-error", onHandlerError);
			model.on("error", () => {});
			this._modelListeners = null;
		}
		async _connect() {
			if (this._stopped || this._connecting) return;
			this._connecting = true;
			let model;
			try {
				model = await this._openModel();
				if (!this._stopped) await runSetup(this._recovery.setup, model);
				if (this._stopped) {
					await this._closeModelNoThrow(model);
					return;
				}
				this._model = model;
				this._attempt = 0;
				this._connectedOnce = true;
				this._bindModel(model);
				this._resolveInitialConnection();
				this._resolvePendingWaiters(model);
				this.emit("connect", model);
			} catch (err) {
				const error = toError(err, "Connection recovery failed");
				if (model) await this._closeModelNoThrow(model);
				this.emit("connect-failed", error);
				this._scheduleReconnect(error);
			} finally {
				this._connecting = false;
			}
		}
		_scheduleReconnect(err) {
			if (this._stopped) return;
			if (this._timer) return;
			const maxRetries = this._connectedOnce ? this._recovery.maxRetries : this._recovery.initialMaxRetries;
			if (this._attempt >= maxRetries) {
				this._abandonRecovery(err);
				return;
			}
			const attempt = this._attempt + 1;
			let delay;
			try {
				delay = calculateDelay(this._recovery, attempt);
			} catch (delayErr) {
				this._abandonRecovery(toError(delayErr, "calculateDelay failed"));
				return;
			}
			this._attempt = attempt;
			this.emit("reconnect-scheduled", {
				attempt,
				delay,
				error: err
			});
			this._timer = setTimeout(() => {
				this._timer = null;
				this._connect();
			}, delay);
		}
		_abandonRecovery(err) {
			this._stopped = true;
			this._failure = err;
			this._rejectInitialConnection(err);
			this._rejectPendingWaiters(err);
			this.emit("reconnect-failed", err);
		}
		_closeModelNoThrow(model) {
			return this._adapters.closeModel(model).catch(() => {});
		}
	};
	const PROMISE_ADAPTERS = {
		closeModel(model) {
			return model.close();
		},
		createChannel(model, options, confirm) {
			return confirm ? model.createConfirmChannel(options) : model.createChannel(options);
		},
		updateSecret(model, newSecret, reason) {
			return model.updateSecret(newSecret, reason);
		}
	};
	function callbackClose(model) {
		return new Promise((resolve, reject) => {
			model.close((err) => {
				if (err) reject(err);
				else resolve();
			});
		});
	}
	function callbackCreateChannel(model, options, confirm) {
		return new Promise((resolve, reject) => {
			const method = confirm ? "createConfirmChannel" : "createChannel";
			const cb = (err, channel) => {
				if (err) reject(err);
				else resolve(channel);
			};
			if (options === void 0) model[method](cb);
			else model[method](options, cb);
		});
	}
	function callbackUpdateSecret(model, newSecret, reason) {
		return new Promise((resolve, reject) => {
			model.updateSecret(newSecret, reason, (err, ok) => {
				if (err) reject(err);
				else resolve(ok);
			});
		});
	}
	const CALLBACK_ADAPTERS = {
		closeModel: callbackClose,
		createChannel: callbackCreateChannel,
		updateSecret: callbackUpdateSecret
	};
	function wireCommonEvents(source, target) {
		[
			"connect",
			"disconnect",
			"connect-failed",
			"reconnect-scheduled",
			"reconnect-failed",
			"blocked",
			"unblocked",
			"error",
			"update-secret-ok",
			"handler-error"
		].forEach((eventName) => {
			source.on(eventName, (...args) => target.emit(eventName, ...args));
		});
	}
	var RecoveringPromiseModel = class extends EventEmitter {
		constructor(openModel, recovery) {
			super();
			this._core = new RecoveringCore(openModel, recovery, PROMISE_ADAPTERS);
			wireCommonEvents(this._core, this);
		}
		async waitForConnect() {
			await this._core.waitForConnect();
			return this;
		}
		close() {
			return this._core.close();
		}
		createChannel(options) {
			return this._core.createChannel(options);
		}
		createConfirmChannel(options) {
			return this._core.createConfirmChannel(options);
		}
		updateSecret(newSecret, reason) {
			return this._core.updateSecret(newSecret, reason);
		}
	};
	var RecoveringCallbackModel = class extends EventEmitter {
		constructor(openModel, recovery) {
			super();
			this._core = new RecoveringCore(openModel, recovery, CALLBACK_ADAPTERS);
			wireCommonEvents(this._core, this);
		}
		waitForConnect(cb) {
			const callback = typeof cb === "function" ? cb : () => {};
			this._core.waitForConnect().then(() => callback(null, this), (err) => callback(toError(err, "Operation failed")));
			return this;
		}
		close(cb) {
			makeCallback(this._core.close(), cb);
			return this;
		}
		updateSecret(newSecret, reason, cb) {
			makeCallback(this._core.updateSecret(newSecret, reason), cb);
			return this;
		}
		createChannel(options, cb) {
			if (typeof options === "function") {
				cb = options;
				options = void 0;
			}
			makeCallback(this._core.createChannel(options), cb);
			return this;
		}
		createConfirmChannel(options, cb) {
			if (typeof options === "function") {
				cb = options;
				options = void 0;
			}
			makeCallback(this._core.createConfirmChannel(options), cb);
			return this;
		}
	};
	function connectWithRecoveryPromise(openModel, recovery) {
		const recovering = new RecoveringPromiseModel(openModel, recovery);
		if (!recovering._core._recovery.waitForConnect) return Promise.resolve(recovering);
		return recovering.waitForConnect();
	}
	function connectWithRecoveryCallback(openModel, recovery, cb) {
		const recovering = new RecoveringCallbackModel(openModel, recovery);
		if (recovering._core._recovery.waitForConnect) recovering.waitForConnect(cb);
		else if (typeof cb === "function") process.nextTick(cb, null, recovering);
		return recovering;
	}
	module.exports = {
		splitConnectionOptions,
		recoveryEnabled,
		connectWithRecoveryPromise,
		connectWithRecoveryCallback,
		RecoveringPromiseModel,
		RecoveringCallbackModel
	};
}));
// runner-agent/src/queue/amqp-link.ts
var import_channel_api = /* @__PURE__ */ __toESM((/* @__PURE__ */ __commonJSMin(((exports, module) => {
	const raw_connect = require_connect().connect;
	const ChannelModel = require_channel_model().ChannelModel;
	const promisify = __require("node:util").promisify;
	const recovery = require_recovery();
	function connect(url, connOptions) {
		const { connectionOptions, recovery: recoveryOptions } = recovery.splitConnectionOptions(connOptions);
		if (recovery.recoveryEnabled(recoveryOptions)) {
			const openModel = () => promisify((cb) => raw_connect(url, connectionOptions, cb))().then((conn) => new ChannelModel(conn));
			return recovery.connectWithRecoveryPromise(openModel, recoveryOptions);
		}
		return promisify((cb) => raw_connect(url, connectionOptions, cb))().then((conn) => new ChannelModel(conn));
	}
	module.exports.connect = connect;
	module.exports.credentials = require_credentials();
	module.exports.IllegalOperationError = require_error().IllegalOperationError;
})))(), 1);
var LinkClosedError = class extends Error {
	constructor() {
		super("the RabbitMQ link is closed");
		this.name = "LinkClosedError";
	}
};
var PublishRefusedError = class extends Error {
	constructor(message) {
		super(message);
		this.name = "PublishRefusedError";
	}
};
var AmqpLink = class AmqpLink {
	where;
	#options;
	#closing = new AbortController();
	#current;
	#generation = 0;
	#returned = /* @__PURE__ */ new Map();
	constructor(options) {
		this.#options = options;
		this.where = describeUrl(options.url, "amqp");
		this.#current = this.#connect();
		this.#current.catch(() => void 0);
	}
	static async open(options, signal) {
		const link = new AmqpLink(options);
		const onAbort = () => void link.close();
		signal?.addEventListener("abort", onAbort);
		try {
			await link.ready();
			return link;
		} catch (error) {
			await link.close();
			throw error;
		} finally {
			signal?.removeEventListener("abort", onAbort);
		}
	}
	get closed() {
		return this.#closing.signal.aborted;
	}
	get closing() {
		return this.#closing.signal;
	}
	ready() {
		if (this.closed) return Promise.reject(new LinkClosedError());
		return this.#current;
	}
	async #connect() {
		const connection = await retryWithBackoff(() => this.#open(), {
			what: `RabbitMQ at ${this.where}`,
			signal: this.#closing.signal,
			...this.#options.onTrouble ? { onRetry: this.#options.onTrouble } : {},
			...this.#options.retry ? { retry: this.#options.retry } : {}
		});
		if (this.closed) {
			await connection.model.close().catch(() => void 0);
			throw new LinkClosedError();
		}
		return connection;
	}
	async #open() {
		const model = await import_channel_api.default.connect(this.#options.url, {
			clientProperties: { connection_name: this.#options.connectionName },
			noDelay: true
		});
		const generation = ++this.#generation;
		let plain = null;
		let confirm = null;
		const reopenOnClose = (make, forget) => make().then((channel) => {
			channel.on("error", () => void 0);
			channel.on("close", forget);
			return channel;
		});
		let alive = true;
		const connection = {
			model,
			generation,
			get alive() {
				return alive;
			},
			channel: () => plain ??= reopenOnClose(() => model.createChannel(), () => plain = null),
			confirmChannel: () => confirm ??= reopenOnClose(async () => {
				const channel = await model.createConfirmChannel();
				channel.on("return", (message) => {
					const id = message.properties.messageId;
					if (id) this.#returned.set(id, `${message.fields.replyText ?? "returned"} (${message.fields.routingKey})`);
				});
				return channel;
			}, () => confirm = null)
		};
		model.on("error", () => void 0);
		model.once("close", (error) => {
			alive = false;
			if (this.closed) return;
			this.#options.onTrouble?.(`RabbitMQ connection to ${this.where} lost${error ? `: ${error.message}` : ""}; reconnecting`);
			this.#current = this.#connect();
			this.#current.catch(() => void 0);
		});
		try {
			await this.#options.onConnect?.(connection);
		} catch (error) {
			await model.close().catch(() => void 0);
			throw error;
		}
		return connection;
	}
	async run(work) {
		for (;;) {
			const connection = await this.ready();
			try {
				return await work(connection);
			} catch (error) {
				if (connection.alive || this.closed) throw error;
				await sleep(50, this.#closing.signal);
			}
		}
	}
	async publish(exchange, routingKey, body, options) {
		const messageId = options.messageId;
		if (!messageId) throw new Error("publish needs a messageId, to tell which message came back unroutable");
		for (;;) {
			const connection = await this.ready();
			try {
				const channel = await connection.confirmChannel();
				await new Promise((resolve, reject) => {
					channel.publish(exchange, routingKey, body, {
						...options,
						persistent: true,
						mandatory: true
					}, (error) => {
						if (!error) resolve();
						else if (error.message === "message nacked") reject(new PublishRefusedError(`RabbitMQ refused message ${messageId}`));
						else reject(error);
					});
				});
				const returned = this.#returned.get(messageId);
				if (returned !== void 0) {
					this.#returned.delete(messageId);
					throw new PublishRefusedError(`RabbitMQ could not route message ${messageId}: ${returned}`);
				}
				return;
			} catch (error) {
				if (error instanceof PublishRefusedError) throw error;
				if (this.closed) throw new LinkClosedError();
				await sleep(50, this.#closing.signal);
			}
		}
	}
	async close() {
		if (this.closed) return;
		this.#closing.abort();
		await (await this.#current.catch(() => null))?.model.close().catch(() => void 0);
	}
};
// runner-agent/src/queue/rabbitmq-queue.ts
const MIGRATIONS = [{ sql: `CREATE TABLE queue_messages (
       seq BIGSERIAL PRIMARY KEY,
       id TEXT NOT NULL UNIQUE,
       queue TEXT NOT NULL,
       payload TEXT NOT NULL,
       labels TEXT[] NOT NULL,
       priority INTEGER NOT NULL,
       state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'dead')),
       attempt INTEGER NOT NULL,
       max_attempts INTEGER NOT NULL,
       available_at BIGINT NOT NULL,
       enqueued_at BIGINT NOT NULL,
       lease_token TEXT,
       lease_holder TEXT,
       lease_expires_at BIGINT,
       finished_at BIGINT,
       dedup_key TEXT,
       reason TEXT,
       live_copy TEXT,
       copy_sent BOOLEAN NOT NULL DEFAULT false,
       changed_at BIGINT NOT NULL
     );
     CREATE UNIQUE INDEX queue_messages_dedup ON queue_messages (queue, dedup_key) WHERE dedup_key IS NOT NULL;
     CREATE INDEX queue_messages_state ON queue_messages (queue, state);
     CREATE INDEX queue_messages_leases ON queue_messages (queue, lease_expires_at) WHERE state = 'leased';
     CREATE INDEX queue_messages_unsent ON queue_messages (queue, changed_at)
       WHERE NOT copy_sent AND state IN ('queued', 'leased');
     CREATE INDEX queue_messages_finished ON queue_messages (queue, state, finished_at)
       WHERE state IN ('done', 'dead');
     CREATE TABLE queue_broker_queues (
       queue TEXT NOT NULL,
       broker_queue TEXT NOT NULL,
       kind TEXT NOT NULL CHECK (kind IN ('work', 'delay')),
       labels TEXT[] NOT NULL,
       PRIMARY KEY (queue, broker_queue)
     );` }, { sql: `ALTER TABLE queue_messages DROP CONSTRAINT queue_messages_state_check;
     ALTER TABLE queue_messages ADD CONSTRAINT queue_messages_state_check
       CHECK (state IN ('queued', 'leased', 'done', 'dead', 'cancelled'));
     ALTER TABLE queue_messages ADD COLUMN cancel_reason TEXT;
     CREATE INDEX queue_messages_newest ON queue_messages (queue, seq DESC);` }];
const DEFAULT_RETENTION_MS = 6048e5;
const PURGE_INTERVAL_MS = 6e4;
const LABEL_SET_REFRESH_MS = 5e3;
const BROKER_MAX_PRIORITY = 10;
const DELAY_QUEUE_IDLE_MS = 18e5;
const DELAY_HEADER = "ironbots_delay";
const POISON_KEEP_BYTES = 16384;
const EXPIRED_REASON = `format('lease expired on attempt %s of %s, no attempts left (last holder: %s)',
  attempt, max_attempts, coalesce(lease_holder, 'unknown'))`;
const EXPIRED_END = `state = CASE WHEN cancel_reason IS NULL THEN 'dead' ELSE 'cancelled' END,
  reason = coalesce(cancel_reason, ${EXPIRED_REASON})`;
const COLUMNS = "seq, id, payload, labels, priority, state, attempt, max_attempts, enqueued_at, finished_at, reason, lease_holder, cancel_reason";
var RabbitMqQueue = class RabbitMqQueue {
	name;
	#db;
	#tuning;
	#prefix;
	#retentionMs;
	#unsentGraceMs;
	#onTrouble;
	#closing = new AbortController();
	#events = new EventEmitter();
	#link;
	#closed = false;
	#sweeper;
	#lastPurgeAt = -Infinity;
	#workQueues = /* @__PURE__ */ new Map();
	#delayQueues = /* @__PURE__ */ new Map();
	#candidates = /* @__PURE__ */ new Map();
	#labelSetVersion = 0;
	#pendingInserts = [];
	#inserting = /* @__PURE__ */ new Set();
	#pendingMarks = [];
	#marking = /* @__PURE__ */ new Set();
	constructor(options) {
		this.name = options.name;
		this.#db = options.database;
		this.#tuning = {
			...defaultQueueTuning,
			...options.tuning
		};
		this.#prefix = options.brokerPrefix ?? `ironbots.${options.name}`;
		this.#retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
		this.#unsentGraceMs = options.unsentGraceMs ?? 3e4;
		this.#onTrouble = options.onTrouble ?? (() => void 0);
		this.#events.setMaxListeners(0);
	}
	static async open(options) {
		if (!/^[A-Za-z0-9._-]+$/.test(options.name)) throw new Error(`queue name ${JSON.stringify(options.name)}: use letters, digits, . _ -`);
		const queue = new RabbitMqQueue(options);
		await options.database.migrate("rabbitmq_queue", MIGRATIONS);
		queue.#link = await AmqpLink.open({
			url: options.amqpUrl,
			connectionName: `ironbots ${queue.#prefix} pid ${process.pid}`,
			onTrouble: queue.#onTrouble,
			...options.connectRetry ? { retry: options.connectRetry } : {},
			onConnect: (connection) => queue.#onConnect(connection)
		}, options.signal);
		const sweepIntervalMs = options.sweepIntervalMs ?? 1e4;
		queue.#sweeper = setInterval(() => void queue.#sweep(), sweepIntervalMs);
		queue.#sweeper.unref();
		return queue;
	}
	get connectionName() {
		return `ironbots ${this.#prefix} pid ${process.pid}`;
	}
	async #onConnect(connection) {
		const channel = await connection.channel();
		await channel.assertExchange(this.#delayExchange, "headers", { durable: true });
		await channel.assertExchange(this.#noticeExchange, "fanout", { durable: true });
		const { queue } = await channel.assertQueue("", {
			exclusive: true,
			autoDelete: true,
			durable: false
		});
		await channel.bindQueue(queue, this.#noticeExchange, "");
		await channel.consume(queue, () => this.#labelSetsChanged(), { noAck: true });
		this.#delayQueues.clear();
		this.#labelSetsChanged();
	}
	get #delayExchange() {
		return `${this.#prefix}.delay`;
	}
	get #noticeExchange() {
		return `${this.#prefix}.label-sets`;
	}
	#labelSetsChanged() {
		this.#labelSetVersion++;
		this.#events.emit("label-sets");
	}
	async enqueue(payload, options = {}) {
		this.#assertOpen();
		const payloadJson = options.payloadJson ?? serializePayload(payload);
		const labels = canonicalLabels(options.labels ?? []);
		const priority = options.priority ?? 0;
		if (!Number.isInteger(priority)) throw new TypeError(`priority must be an integer, got ${priority}`);
		const delayMs = Math.max(0, Math.round(options.delayMs ?? 0));
		await this.#workQueue(labels);
		const row = {
			payloadJson,
			labels,
			priority,
			maxAttempts: options.maxAttempts ?? this.#tuning.maxAttempts,
			delayMs,
			dedupKey: options.dedupKey ?? null
		};
		const stored = await new Promise((resolve, reject) => {
			this.#pendingInserts.push({
				row,
				resolve,
				reject
			});
			if (this.#pendingInserts.length === 1) setImmediate(() => void this.#flushInserts());
		});
		if (stored.duplicate) return {
			id: stored.id,
			duplicate: true
		};
		await this.#sendCopy({
			id: stored.id,
			copy: stored.copy,
			seq: stored.seq,
			priority,
			labels
		}, delayMs).catch((error) => {
			if (!(error instanceof LinkClosedError)) throw error;
		});
		return {
			id: stored.id,
			duplicate: false
		};
	}
	async #flushInserts() {
		const batch = this.#pendingInserts;
		this.#pendingInserts = [];
		if (batch.length === 0) return;
		const flushed = (async () => {
			let results = null;
			if (batch.length > 1) try {
				results = await this.#insertRows(batch.map((item) => item.row));
			} catch {
				results = null;
			}
			if (results) {
				batch.forEach((item, i) => item.resolve(results[i]));
				return;
			}
			await Promise.all(batch.map((item) => this.#insertRow(item.row).then(item.resolve, item.reject)));
		})();
		this.#inserting.add(flushed);
		await flushed.finally(() => this.#inserting.delete(flushed));
	}
	async #insertRows(rows) {
		const now = Date.now();
		const ids = rows.map(() => randomUUID());
		const copies = rows.map(() => randomUUID());
		const { rows: inserted } = await this.#db.pool.query(`INSERT INTO queue_messages (id, queue, payload, labels, priority, state, attempt, max_attempts,
         available_at, enqueued_at, dedup_key, live_copy, copy_sent, changed_at)
       SELECT r.id, $1, r.payload, ARRAY(SELECT jsonb_array_elements_text(r.labels::jsonb)), r.priority,
         'queued', 0, r.max_attempts, $2 + r.delay_ms, $2, r.dedup_key, r.copy, false, $2
       FROM unnest($3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::bigint[], $9::text[], $10::text[])
         WITH ORDINALITY AS r(id, payload, labels, priority, max_attempts, delay_ms, dedup_key, copy, n)
       ORDER BY r.n
       ON CONFLICT (queue, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
       RETURNING id, seq`, [
			this.name,
			now,
			ids,
			rows.map((r) => r.payloadJson),
			rows.map((r) => JSON.stringify(r.labels)),
			rows.map((r) => r.priority),
			rows.map((r) => r.maxAttempts),
			rows.map((r) => r.delayMs),
			rows.map((r) => r.dedupKey),
			copies
		]);
		const seqById = new Map(inserted.map((r) => [r.id, r.seq]));
		const skippedKeys = rows.filter((r, i) => !seqById.has(ids[i])).map((r) => r.dedupKey);
		const existing = /* @__PURE__ */ new Map();
		if (skippedKeys.length > 0) {
			const { rows: found } = await this.#db.pool.query("SELECT id, dedup_key FROM queue_messages WHERE queue = $1 AND dedup_key = ANY($2::text[])", [this.name, skippedKeys]);
			for (const r of found) existing.set(r.dedup_key, r.id);
		}
		return Promise.all(rows.map(async (row, i) => {
			const seq = seqById.get(ids[i]);
			if (seq !== void 0) return {
				id: ids[i],
				copy: copies[i],
				seq,
				duplicate: false
			};
			const id = existing.get(row.dedupKey);
			return id !== void 0 ? {
				id,
				duplicate: true
			} : this.#insertRow(row);
		}));
	}
	async #insertRow(row) {
		for (;;) {
			const now = Date.now();
			const id = randomUUID();
			const copy = randomUUID();
			const { rows } = await this.#db.pool.query(`INSERT INTO queue_messages (id, queue, payload, labels, priority, state, attempt, max_attempts,
           available_at, enqueued_at, dedup_key, live_copy, copy_sent, changed_at)
         VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $7, $8, $9, $10, false, $8)
         ON CONFLICT (queue, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
         RETURNING seq`, [
				id,
				this.name,
				row.payloadJson,
				row.labels,
				row.priority,
				row.maxAttempts,
				now + row.delayMs,
				now,
				row.dedupKey,
				copy
			]);
			if (rows[0]) return {
				id,
				copy,
				seq: rows[0].seq,
				duplicate: false
			};
			const existing = await this.#db.pool.query("SELECT id FROM queue_messages WHERE queue = $1 AND dedup_key = $2", [this.name, row.dedupKey]);
			if (existing.rows[0]) return {
				id: existing.rows[0].id,
				duplicate: true
			};
		}
	}
	async lease(consumer, options) {
		this.#assertOpen();
		const { signal } = options;
		if (signal?.aborted) return null;
		const offered = canonicalLabels(consumer.labels);
		const waitUntil = performance.now() + (options.waitMs ?? 0);
		try {
			for (;;) {
				let taken;
				try {
					const candidates = await this.#candidateQueues(offered);
					taken = await this.#takeBest(candidates, consumer.name, options.visibilityTimeoutMs);
				} catch (error) {
					if (this.#closed || waitUntil - performance.now() <= 0) throw error;
					this.#onTrouble(`queue ${this.name}: lease failed, trying again: ${error.message}`);
					this.#candidates.clear();
					if (await sleep(200, signal)) return null;
					continue;
				}
				if (taken) return taken;
				const remainingMs = waitUntil - performance.now();
				if (remainingMs <= 0) return null;
				const candidates = await this.#candidateQueues(offered);
				const arrived = await this.#waitAndTake(candidates, consumer.name, options.visibilityTimeoutMs, Math.min(remainingMs, LABEL_SET_REFRESH_MS), signal);
				if (arrived) return arrived;
				if (signal?.aborted || this.#closed) return null;
			}
		} catch (error) {
			if (this.#closed && (error instanceof LinkClosedError || error instanceof QueueClosedError)) return null;
			throw error;
		}
	}
	#candidateQueues(offered) {
		const key = offered.join("\0");
		const cached = this.#candidates.get(key);
		const now = Date.now();
		if (cached && cached.version === this.#labelSetVersion && now - cached.at < LABEL_SET_REFRESH_MS) return cached.queues;
		const queues = this.#db.pool.query(`SELECT broker_queue, labels FROM queue_broker_queues
         WHERE queue = $1 AND kind = 'work' AND labels <@ $2::text[] ORDER BY broker_queue`, [this.name, offered]).then(({ rows }) => rows.map((row) => ({
			name: row.broker_queue,
			labels: row.labels
		})));
		this.#candidates.set(key, {
			at: now,
			version: this.#labelSetVersion,
			queues
		});
		queues.catch(() => this.#candidates.delete(key));
		return queues;
	}
	async #takeBest(candidates, holder, visibilityTimeoutMs) {
		if (candidates.length === 0) return null;
		return this.#link.run(async (connection) => this.#takeBestOn(await connection.channel(), candidates, holder, visibilityTimeoutMs));
	}
	async #takeBestOn(channel, candidates, holder, visibilityTimeoutMs) {
		const heads = [];
		const fetchHead = async (queue) => {
			for (;;) {
				const message = await channel.get(queue.name, { noAck: false });
				if (!message) return;
				const envelope = decodeEnvelope(message.content);
				if (envelope) {
					heads.push({
						queue,
						message,
						envelope
					});
					return;
				}
				try {
					await this.#buryPoison(queue, message);
				} catch (error) {
					safeNack(channel, message);
					throw error;
				}
				safeAck(channel, message);
			}
		};
		try {
			await Promise.all(candidates.map(fetchHead));
			for (;;) {
				heads.sort((a, b) => b.envelope.priority - a.envelope.priority || a.envelope.seq - b.envelope.seq);
				const best = heads.shift();
				if (!best) return null;
				let lease;
				try {
					lease = await this.#settleDelivery(channel, best.message, best.envelope, holder, visibilityTimeoutMs);
				} catch (error) {
					safeNack(channel, best.message);
					throw error;
				}
				if (lease) return lease;
				await fetchHead(best.queue);
			}
		} finally {
			for (const head of heads) safeNack(channel, head.message);
		}
	}
	async #waitAndTake(candidates, holder, visibilityTimeoutMs, ms, signal) {
		const connection = await this.#link.ready();
		const inbox = [];
		let stop = false;
		let wake = () => void 0;
		const poke = () => wake();
		const end = () => {
			stop = true;
			wake();
		};
		const timer = setTimeout(end, ms);
		signal?.addEventListener("abort", end);
		this.#closing.signal.addEventListener("abort", end);
		this.#events.on("label-sets", end);
		let channel;
		try {
			channel = await connection.model.createChannel();
			channel.on("error", () => void 0);
			channel.on("close", end);
			await channel.prefetch(1, false);
			for (const queue of candidates) {
				if (stop) break;
				await channel.consume(queue.name, (message) => {
					if (!message) return end();
					inbox.push({
						queue,
						message
					});
					poke();
				}, { noAck: false });
			}
			for (;;) {
				const next = inbox.shift();
				if (next) {
					const envelope = decodeEnvelope(next.message.content);
					if (!envelope) {
						await this.#buryPoison(next.queue, next.message);
						safeAck(channel, next.message);
						continue;
					}
					const lease = await this.#settleDelivery(channel, next.message, envelope, holder, visibilityTimeoutMs);
					if (lease) return lease;
					continue;
				}
				if (stop) return null;
				await new Promise((resolve) => wake = resolve);
			}
		} catch (error) {
			if (this.#closed || error instanceof LinkClosedError) throw error;
			this.#onTrouble(`queue ${this.name}: waiting for work failed, looking again: ${error.message}`);
			this.#candidates.clear();
			await sleep(200, signal);
			return null;
		} finally {
			clearTimeout(timer);
			signal?.removeEventListener("abort", end);
			this.#closing.signal.removeEventListener("abort", end);
			this.#events.off("label-sets", end);
			if (channel) await settleWithin(channel.close(), this.#closed ? 0 : 5e3);
		}
	}
	async #settleDelivery(channel, message, envelope, holder, visibilityTimeoutMs) {
		const outcome = await this.#claim(envelope, holder, visibilityTimeoutMs);
		if (outcome.kind === "discard") {
			safeAck(channel, message);
			return null;
		}
		if (outcome.kind === "rearm") {
			await this.#sendCopy(outcome.target, outcome.delayMs);
			safeAck(channel, message);
			return null;
		}
		const { row, lease, copy } = outcome;
		await this.#sendCopy({
			id: row.id,
			copy,
			seq: row.seq,
			priority: row.priority,
			labels: row.labels
		}, visibilityTimeoutMs);
		safeAck(channel, message);
		return {
			message: toMessage(row),
			token: lease.token,
			expiresAt: lease.expiresAt
		};
	}
	async #claim(envelope, holder, visibilityTimeoutMs) {
		const now = Date.now();
		const token = randomUUID();
		const copy = randomUUID();
		const expiresAt = now + visibilityTimeoutMs;
		const { rows } = await this.#db.pool.query(`UPDATE queue_messages SET state = 'leased', attempt = attempt + 1, lease_token = $1, lease_holder = $2,
         lease_expires_at = $3, live_copy = $4, copy_sent = false, changed_at = $5
       WHERE queue = $6 AND id = $7 AND live_copy = $8
         AND (state = 'queued' OR (state = 'leased' AND lease_expires_at <= $5 AND attempt < max_attempts
           AND cancel_reason IS NULL))
       RETURNING ${COLUMNS}`, [
			token,
			holder,
			expiresAt,
			copy,
			now,
			this.name,
			envelope.id,
			envelope.copy
		]);
		if (rows[0]) return {
			kind: "leased",
			row: rows[0],
			lease: {
				token,
				expiresAt
			},
			copy
		};
		const { rows: current } = await this.#db.pool.query(`SELECT state, lease_expires_at, labels, priority, seq FROM queue_messages
       WHERE queue = $1 AND id = $2 AND live_copy = $3`, [
			this.name,
			envelope.id,
			envelope.copy
		]);
		const row = current[0];
		if (!row || row.state !== "leased" || row.lease_expires_at === null) return { kind: "discard" };
		if (row.lease_expires_at <= now) {
			await this.#db.pool.query(`UPDATE queue_messages SET ${EXPIRED_END}, finished_at = $1,
           lease_token = NULL, lease_expires_at = NULL, live_copy = NULL, changed_at = $1
         WHERE queue = $2 AND id = $3 AND live_copy = $4 AND state = 'leased'`, [
				now,
				this.name,
				envelope.id,
				envelope.copy
			]);
			return { kind: "discard" };
		}
		if ((await this.#db.pool.query(`UPDATE queue_messages SET live_copy = $1, copy_sent = false, changed_at = $2
       WHERE queue = $3 AND id = $4 AND live_copy = $5 AND state = 'leased'`, [
			copy,
			now,
			this.name,
			envelope.id,
			envelope.copy
		])).rowCount !== 1) return { kind: "discard" };
		return {
			kind: "rearm",
			target: {
				id: envelope.id,
				copy,
				seq: row.seq,
				priority: row.priority,
				labels: row.labels
			},
			delayMs: row.lease_expires_at - now
		};
	}
	async extend(lease, visibilityTimeoutMs) {
		this.#assertOpen();
		const now = Date.now();
		const expiresAt = now + visibilityTimeoutMs;
		const copy = randomUUID();
		const { rows } = await this.#db.pool.query(`UPDATE queue_messages SET lease_expires_at = $1, live_copy = $2, copy_sent = false, changed_at = $3
       WHERE queue = $4 AND id = $5 AND state = 'leased' AND lease_token = $6
       RETURNING seq, priority, labels, cancel_reason`, [
			expiresAt,
			copy,
			now,
			this.name,
			lease.message.id,
			lease.token
		]);
		const row = rows[0];
		if (!row) throw new LeaseLostError(lease.message.id);
		const { cancel_reason: cancelReason, ...target } = row;
		await this.#sendCopy({
			id: lease.message.id,
			copy,
			...target
		}, visibilityTimeoutMs);
		return {
			...lease,
			expiresAt,
			...cancelReason !== null ? { cancelRequested: cancelReason } : {}
		};
	}
	async ack(lease) {
		this.#assertOpen();
		const now = Date.now();
		const { rowCount } = await this.#db.pool.query(`UPDATE queue_messages SET state = CASE WHEN cancel_reason IS NULL THEN 'done' ELSE 'cancelled' END,
         lease_token = NULL, lease_expires_at = NULL, live_copy = NULL, finished_at = $1, reason = cancel_reason,
         changed_at = $1
       WHERE queue = $2 AND id = $3 AND state = 'leased' AND lease_token = $4`, [
			now,
			this.name,
			lease.message.id,
			lease.token
		]);
		if (rowCount !== 1) throw new LeaseLostError(lease.message.id);
		await this.#purgeFinishedOccasionally(now);
	}
	async nack(lease, options) {
		this.#assertOpen();
		const { id } = lease.message;
		const now = Date.now();
		const { rows } = await this.#db.pool.query(`SELECT attempt, max_attempts, cancel_reason FROM queue_messages
       WHERE queue = $1 AND id = $2 AND state = 'leased' AND lease_token = $3`, [
			this.name,
			id,
			lease.token
		]);
		const held = rows[0];
		if (!held) throw new LeaseLostError(id);
		if (held.cancel_reason !== null) {
			if ((await this.#db.pool.query(`UPDATE queue_messages SET state = 'cancelled', lease_token = NULL, lease_expires_at = NULL,
           live_copy = NULL, finished_at = $1, reason = cancel_reason, changed_at = $1
         WHERE queue = $2 AND id = $3 AND state = 'leased' AND lease_token = $4`, [
				now,
				this.name,
				id,
				lease.token
			])).rowCount !== 1) throw new LeaseLostError(id);
			return { outcome: "cancelled" };
		}
		if (options.retry && held.attempt < held.max_attempts) {
			const delayMs = backoffMs(this.#tuning, held.attempt);
			const copy = randomUUID();
			const row = (await this.#db.pool.query(`UPDATE queue_messages SET state = 'queued', lease_token = NULL, lease_expires_at = NULL,
           available_at = $1, reason = $2, live_copy = $3, copy_sent = false, changed_at = $4
         WHERE queue = $5 AND id = $6 AND state = 'leased' AND lease_token = $7 AND cancel_reason IS NULL
         RETURNING seq, priority, labels`, [
				now + delayMs,
				options.reason,
				copy,
				now,
				this.name,
				id,
				lease.token
			])).rows[0];
			if (!row) return this.nack(lease, options);
			await this.#sendCopy({
				id,
				copy,
				...row
			}, delayMs);
			return {
				outcome: "retry",
				availableAt: now + delayMs
			};
		}
		const reason = options.retry ? `${options.reason} (attempt ${held.attempt} of ${held.max_attempts}, no attempts left)` : options.reason;
		const buriedRow = (await this.#db.pool.query(`UPDATE queue_messages SET state = CASE WHEN cancel_reason IS NULL THEN 'dead' ELSE 'cancelled' END,
         lease_token = NULL, lease_expires_at = NULL, live_copy = NULL, finished_at = $1,
         reason = coalesce(cancel_reason, $2), changed_at = $1
       WHERE queue = $3 AND id = $4 AND state = 'leased' AND lease_token = $5
       RETURNING state`, [
			now,
			reason,
			this.name,
			id,
			lease.token
		])).rows[0];
		if (!buriedRow) throw new LeaseLostError(id);
		return { outcome: buriedRow.state === "cancelled" ? "cancelled" : "dead" };
	}
	state(id) {
		return this.#statusWhere("id", id);
	}
	findByDedupKey(dedupKey) {
		return this.#statusWhere("dedup_key", dedupKey);
	}
	async #statusWhere(column, value) {
		this.#assertOpen();
		await this.#settleExpiredLeases();
		const { rows } = await this.#db.pool.query(`SELECT ${COLUMNS} FROM queue_messages WHERE queue = $1 AND ${column} = $2`, [this.name, value]);
		return rows[0] ? toStatus(rows[0]) : null;
	}
	async list(options) {
		this.#assertOpen();
		await this.#settleExpiredLeases();
		const limit = Math.max(0, Math.floor(options.limit));
		const { rows } = await this.#db.pool.query(`SELECT ${COLUMNS} FROM queue_messages WHERE queue = $1 AND ($2::text IS NULL OR state = $2)
       ORDER BY seq DESC LIMIT $3`, [
			this.name,
			options.state ?? null,
			limit
		]);
		return rows.map((row) => toStatus(row));
	}
	async cancel(id, reason) {
		this.#assertOpen();
		const now = Date.now();
		const { rows } = await this.#db.pool.query(`UPDATE queue_messages SET
         state = CASE WHEN state = 'queued' OR lease_expires_at <= $1 THEN 'cancelled' ELSE state END,
         finished_at = CASE WHEN state = 'queued' OR lease_expires_at <= $1 THEN $1 ELSE finished_at END,
         reason = CASE WHEN state = 'queued' OR lease_expires_at <= $1 THEN coalesce(cancel_reason, $2)
           ELSE reason END,
         live_copy = CASE WHEN state = 'queued' OR lease_expires_at <= $1 THEN NULL ELSE live_copy END,
         lease_token = CASE WHEN state = 'queued' OR lease_expires_at <= $1 THEN NULL ELSE lease_token END,
         lease_expires_at = CASE WHEN state = 'queued' OR lease_expires_at <= $1 THEN NULL ELSE lease_expires_at END,
         cancel_reason = coalesce(cancel_reason, $2),
         changed_at = $1
       WHERE queue = $3 AND id = $4 AND state IN ('queued', 'leased')
       RETURNING ${COLUMNS}`, [
			now,
			reason,
			this.name,
			id
		]);
		const changed = rows[0];
		if (changed) return {
			outcome: changed.state === "cancelled" ? "cancelled" : "cancelling",
			status: toStatus(changed)
		};
		const { rows: ended } = await this.#db.pool.query(`SELECT ${COLUMNS} FROM queue_messages WHERE queue = $1 AND id = $2`, [this.name, id]);
		return ended[0] ? {
			outcome: "finished",
			status: toStatus(ended[0])
		} : { outcome: "unknown" };
	}
	async deadLetters() {
		this.#assertOpen();
		await this.#settleExpiredLeases();
		const { rows } = await this.#db.pool.query(`SELECT ${COLUMNS} FROM queue_messages WHERE queue = $1 AND state = 'dead' ORDER BY finished_at, seq`, [this.name]);
		return rows.map((row) => ({
			message: toMessage(row),
			reason: row.reason ?? "unknown",
			deadAt: row.finished_at ?? 0
		}));
	}
	async redrive(id) {
		this.#assertOpen();
		const now = Date.now();
		const copy = randomUUID();
		const { rows } = await this.#db.pool.query(`UPDATE queue_messages SET state = 'queued', attempt = 0, available_at = $1, reason = NULL,
         finished_at = NULL, live_copy = $2, copy_sent = false, changed_at = $1
       WHERE queue = $3 AND id = $4 AND state = 'dead'
       RETURNING seq, priority, labels`, [
			now,
			copy,
			this.name,
			id
		]);
		const row = rows[0];
		if (!row) throw new Error(`message ${id} is not dead-lettered in queue ${this.name}`);
		await this.#sendCopy({
			id,
			copy,
			...row
		}, 0);
	}
	async stats() {
		this.#assertOpen();
		await this.#settleExpiredLeases();
		const stats = {
			queued: 0,
			leased: 0,
			done: 0,
			dead: 0,
			cancelled: 0
		};
		const { rows } = await this.#db.pool.query("SELECT state, count(*)::integer AS count FROM queue_messages WHERE queue = $1 GROUP BY state", [this.name]);
		for (const row of rows) stats[row.state] = row.count;
		return stats;
	}
	async #settleExpiredLeases() {
		const now = Date.now();
		await this.#db.pool.query(`UPDATE queue_messages SET
         state = CASE WHEN cancel_reason IS NOT NULL THEN 'cancelled'
           WHEN attempt >= max_attempts THEN 'dead' ELSE 'queued' END,
         reason = CASE WHEN cancel_reason IS NOT NULL THEN cancel_reason
           WHEN attempt >= max_attempts THEN ${EXPIRED_REASON} ELSE reason END,
         finished_at = CASE WHEN cancel_reason IS NOT NULL OR attempt >= max_attempts THEN $1 ELSE finished_at END,
         live_copy = CASE WHEN cancel_reason IS NOT NULL OR attempt >= max_attempts THEN NULL ELSE live_copy END,
         available_at = $1, lease_token = NULL, lease_expires_at = NULL, changed_at = $1
       WHERE queue = $2 AND state = 'leased' AND lease_expires_at <= $1`, [now, this.name]);
	}
	async close() {
		if (this.#closed) return;
		this.#closed = true;
		this.#closing.abort();
		clearInterval(this.#sweeper);
		await this.#flushInserts();
		await Promise.allSettled([...this.#inserting]);
		this.#flushMarks();
		await Promise.allSettled([...this.#marking]);
		await this.#link?.close();
	}
	#assertOpen() {
		if (this.#closed) throw new QueueClosedError(this.name);
	}
	async #sendCopy(target, delayMs) {
		const body = Buffer.from(JSON.stringify({
			id: target.id,
			copy: target.copy,
			seq: target.seq,
			priority: target.priority
		}));
		const properties = {
			messageId: target.copy,
			priority: brokerPriority(target.priority),
			contentType: "application/json",
			timestamp: Math.floor(Date.now() / 1e3)
		};
		for (let attempt = 1;; attempt++) {
			const work = await this.#workQueue(target.labels);
			try {
				if (delayMs <= 0) await this.#link.publish("", work.name, body, properties);
				else {
					const ttl = Math.ceil(delayMs);
					await this.#delayQueue(ttl);
					await this.#link.publish(this.#delayExchange, work.name, body, {
						...properties,
						headers: { [DELAY_HEADER]: String(ttl) }
					});
				}
				break;
			} catch (error) {
				if (!(error instanceof PublishRefusedError) || attempt > 1) throw error;
				this.#workQueues.delete(target.labels.join("\0"));
				this.#delayQueues.clear();
			}
		}
		this.#pendingMarks.push({
			id: target.id,
			copy: target.copy
		});
		if (this.#pendingMarks.length === 1) setImmediate(() => this.#flushMarks());
	}
	#flushMarks() {
		const marks = this.#pendingMarks;
		this.#pendingMarks = [];
		if (marks.length === 0) return;
		const marked = this.#db.pool.query(`UPDATE queue_messages AS m SET copy_sent = true
         FROM unnest($2::text[], $3::text[]) AS sent(id, copy)
         WHERE m.queue = $1 AND m.id = sent.id AND m.live_copy = sent.copy`, [
			this.name,
			marks.map((m) => m.id),
			marks.map((m) => m.copy)
		]).catch((error) => this.#onTrouble(`queue ${this.name}: could not note a sent copy: ${error.message}`)).finally(() => this.#marking.delete(marked));
		this.#marking.add(marked);
	}
	#workQueue(labels) {
		const key = labels.join("\0");
		let declared = this.#workQueues.get(key);
		if (!declared) {
			declared = (async () => {
				const name = workQueueName(this.#prefix, labels);
				await this.#link.run(async (connection) => {
					await (await connection.channel()).assertQueue(name, {
						durable: true,
						arguments: { "x-max-priority": BROKER_MAX_PRIORITY }
					});
				});
				const { rowCount } = await this.#db.pool.query(`INSERT INTO queue_broker_queues (queue, broker_queue, kind, labels) VALUES ($1, $2, 'work', $3)
           ON CONFLICT DO NOTHING`, [
					this.name,
					name,
					labels
				]);
				if (rowCount === 1) {
					this.#labelSetsChanged();
					await this.#link.run(async (connection) => (await connection.channel()).publish(this.#noticeExchange, "", Buffer.from(name))).catch(() => void 0);
				}
				return {
					name,
					labels
				};
			})();
			this.#workQueues.set(key, declared);
			declared.catch(() => this.#workQueues.delete(key));
		}
		return declared;
	}
	async #delayQueue(ttl) {
		const now = Date.now();
		const known = this.#delayQueues.get(ttl);
		if (known && now - known.at < DELAY_QUEUE_IDLE_MS / 4) return known.declared;
		const name = `${this.#prefix}.delay.${ttl}ms`;
		const recorded = this.#link.run(async (connection) => {
			const channel = await connection.channel();
			await channel.assertQueue(name, {
				durable: true,
				arguments: {
					"x-message-ttl": ttl,
					"x-dead-letter-exchange": "",
					"x-expires": ttl + DELAY_QUEUE_IDLE_MS
				}
			});
			await channel.bindQueue(name, this.#delayExchange, "", {
				"x-match": "all",
				[DELAY_HEADER]: String(ttl)
			});
		}).then(async () => {
			await this.#db.pool.query(`INSERT INTO queue_broker_queues (queue, broker_queue, kind, labels) VALUES ($1, $2, 'delay', '{}')
         ON CONFLICT DO NOTHING`, [this.name, name]);
		});
		this.#delayQueues.set(ttl, {
			at: now,
			declared: recorded
		});
		recorded.catch(() => this.#delayQueues.delete(ttl));
		return recorded;
	}
	async #buryPoison(queue, message) {
		const now = Date.now();
		const body = message.content.subarray(0, POISON_KEEP_BYTES).toString("utf8");
		const reason = `undecodable message in ${queue.name} (${message.content.length} bytes${message.properties.messageId ? `, message id ${message.properties.messageId}` : ""}): not an ironbots queue envelope`;
		this.#onTrouble(`queue ${this.name}: ${reason}; dead-lettered`);
		await this.#db.pool.query(`INSERT INTO queue_messages (id, queue, payload, labels, priority, state, attempt, max_attempts,
         available_at, enqueued_at, finished_at, reason, copy_sent, changed_at)
       VALUES ($1, $2, $3, $4, 0, 'dead', 0, $5, $6, $6, $6, $7, true, $6)`, [
			randomUUID(),
			this.name,
			JSON.stringify(body),
			queue.labels,
			this.#tuning.maxAttempts,
			now,
			reason
		]);
	}
	async #sweep() {
		if (this.#closed) return;
		try {
			const now = Date.now();
			const { rows } = await this.#db.pool.query(`SELECT id, live_copy, seq, priority, labels, state, available_at, lease_expires_at FROM queue_messages
         WHERE queue = $1 AND NOT copy_sent AND state IN ('queued', 'leased') AND changed_at < $2
           AND live_copy IS NOT NULL
         ORDER BY changed_at LIMIT 100`, [this.name, now - this.#unsentGraceMs]);
			for (const row of rows) {
				if (this.#closed) return;
				const due = row.state === "leased" ? row.lease_expires_at ?? now : row.available_at;
				await this.#sendCopy({
					id: row.id,
					copy: row.live_copy,
					seq: row.seq,
					priority: row.priority,
					labels: row.labels
				}, due - now);
			}
			await this.#purgeFinishedOccasionally(now);
		} catch (error) {
			if (!this.#closed) this.#onTrouble(`queue ${this.name}: sweeping unsent copies failed: ${error.message}`);
		}
	}
	async #purgeFinishedOccasionally(now) {
		if (now - this.#lastPurgeAt < PURGE_INTERVAL_MS) return;
		this.#lastPurgeAt = now;
		await this.#db.pool.query(`DELETE FROM queue_messages WHERE queue = $1 AND state IN ('done', 'cancelled') AND finished_at < $2`, [this.name, now - this.#retentionMs]);
	}
	async sweepNow() {
		await this.#sweep();
	}
};
async function destroyRabbitMqQueue(options) {
	const prefix = options.brokerPrefix ?? `ironbots.${options.name}`;
	const link = await AmqpLink.open({
		url: options.amqpUrl,
		connectionName: `ironbots destroy ${prefix}`
	});
	try {
		const channel = await (await link.ready()).channel();
		const { rows } = await options.database.pool.query("SELECT broker_queue FROM queue_broker_queues WHERE queue = $1", [options.name]);
		for (const row of rows) await channel.deleteQueue(row.broker_queue);
		await channel.deleteExchange(`${prefix}.delay`);
		await channel.deleteExchange(`${prefix}.label-sets`);
		await options.database.pool.query("DELETE FROM queue_broker_queues WHERE queue = $1", [options.name]);
		await options.database.pool.query("DELETE FROM queue_messages WHERE queue = $1", [options.name]);
	} finally {
		await link.close();
	}
}
function workQueueName(prefix, labels) {
	if (labels.length === 0) return `${prefix}.work.any`;
	const readable = labels.join("+");
	if (/^[A-Za-z0-9._-]+(\+[A-Za-z0-9._-]+)*$/.test(readable) && readable.length <= 120) return `${prefix}.work.${readable}`;
	return `${prefix}.work.h-${createHash("sha256").update(JSON.stringify(labels)).digest("hex").slice(0, 24)}`;
}
function brokerPriority(priority) {
	return Math.max(0, Math.min(BROKER_MAX_PRIORITY, priority + 1));
}
function decodeEnvelope(content) {
	try {
		const value = JSON.parse(content.toString("utf8"));
		if (value && typeof value.id === "string" && typeof value.copy === "string" && Number.isSafeInteger(value.seq) && Number.isSafeInteger(value.priority)) return value;
	} catch {}
	return null;
}
function safeAck(channel, message) {
	try {
		channel.ack(message);
	} catch {}
}
async function settleWithin(promise, ms) {
	let timer;
	await Promise.race([promise.catch(() => void 0), new Promise((resolve) => timer = setTimeout(resolve, ms))]);
	clearTimeout(timer);
}
function safeNack(channel, message) {
	try {
		channel.nack(message, false, true);
	} catch {}
}
function canonicalLabels(labels) {
	return [...new Set(labels)].sort();
}
function toStatus(row) {
	return statusFromRow(row, toMessage(row));
}
function toMessage(row) {
	return {
		id: row.id,
		payload: JSON.parse(row.payload),
		labels: row.labels,
		priority: row.priority,
		attempt: row.attempt,
		maxAttempts: row.max_attempts,
		enqueuedAt: row.enqueued_at
	};
}
export { RabbitMqQueue, destroyRabbitMqQueue };
