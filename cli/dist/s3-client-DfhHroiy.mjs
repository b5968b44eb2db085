import { t as require_dist_cjs } from "./dist-cjs-Bm4QLoek.mjs";
// runner-agent/src/config/s3-client.ts
var import_dist_cjs = require_dist_cjs();
function s3ClientFromConfig(settings) {
	return new import_dist_cjs.S3Client({
		region: settings.region,
		forcePathStyle: settings.forcePathStyle,
		...settings.endpoint ? { endpoint: settings.endpoint } : {},
		...settings.accessKeyId && settings.secretAccessKey ? { credentials: {
			accessKeyId: settings.accessKeyId,
			secretAccessKey: settings.secretAccessKey
		} } : {},
		requestChecksumCalculation: "WHEN_REQUIRED",
		responseChecksumValidation: "WHEN_REQUIRED"
	});
}
export { s3ClientFromConfig as t };
