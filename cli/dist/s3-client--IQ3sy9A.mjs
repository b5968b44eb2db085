export { t as s3ClientFromConfig } from "./s3-client-DfhHroiy.mjs";
